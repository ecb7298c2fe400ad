package dev.netloom.tools;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The SSLContext a client tool checks a server's certificate with, as the shell's
 * {@code --cafile PEM} and {@code --insecure} options choose it.
 *
 * <p>By default a certificate is trusted when the JDK's trust store or the system's
 * ({@code /etc/ssl/certs/ca-certificates.crt}, where {@code netloom tls trust} puts netloom's local
 * CA, as curl and openssl read it) has its issuer. A refused certificate is reported in words: not
 * trusted (with its subject and issuer, and how to trust it or skip the check), or not naming the
 * host (with the names it has), instead of the JDK's {@code PKIX path building failed: …}.
 */
public final class ClientTls {

    /** The system's bundle of trusted CAs on Debian and Ubuntu (Fedora: a link to the same). */
    public static final Path SYSTEM_BUNDLE = Path.of("/etc/ssl/certs/ca-certificates.crt");

    /** The contexts made here that check certificates, so callers know to ask for the host check too. */
    private static final Map<SSLContext, Boolean> CHECKING = Collections.synchronizedMap(new WeakHashMap<>());

    private ClientTls() {
    }

    /**
     * With {@code insecure}: a context that accepts any certificate (testing only, as curl -k);
     * else with {@code caFile}: one that trusts exactly the certificates in that PEM file; else
     * (null and false) the JDK's trust store and the system's. Whether the certificate must also
     * name the host is the caller's choice, on its SSLParameters ({@link #checksCertificates}).
     *
     * @throws IOException when {@code caFile} cannot be read (the JDK's message, usually the
     *                     path), or as {@code "TLS: ..."} with a GeneralSecurityException as its
     *                     cause when the file holds no readable certificate or the JDK has no TLS
     */
    public static SSLContext context(Path caFile, boolean insecure) throws IOException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            if (insecure) {
                ctx.init(null, new TrustManager[] {new TrustAll()}, null);
                return ctx;
            }
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            if (caFile != null) {
                List<Certificate> certs = read(caFile);
                if (certs.isEmpty()) {
                    throw new GeneralSecurityException(caFile + " holds no PEM certificate");
                }
                for (Certificate c : certs) {
                    trust.setCertificateEntry("ca" + i++, c);
                }
            } else {
                TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                jdk.init((KeyStore) null);
                for (X509Certificate c : x509(jdk.getTrustManagers()).getAcceptedIssuers()) {
                    trust.setCertificateEntry("jdk" + i++, c);
                }
                if (Files.isReadable(SYSTEM_BUNDLE)) {
                    for (Certificate c : read(SYSTEM_BUNDLE)) {
                        trust.setCertificateEntry("system" + i++, c);
                    }
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            String howToTrust = caFile != null ? "add its CA to " + caFile
                    : "run 'netloom tls trust' (netloom's own services), or give its CA with --cafile PEM";
            ctx.init(null, new TrustManager[] {new Explaining((X509ExtendedTrustManager) x509(tmf.getTrustManagers()),
                    howToTrust)}, null);
            CHECKING.put(ctx, Boolean.TRUE);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS: " + e.getMessage(), e);
        }
    }

    /** Whether {@code ctx} checks certificates (the JDK's default, or one of {@link #context} without insecure). */
    public static boolean checksCertificates(SSLContext ctx) {
        try {
            return ctx == SSLContext.getDefault() || CHECKING.containsKey(ctx);
        } catch (GeneralSecurityException e) {
            return CHECKING.containsKey(ctx);
        }
    }

    private static List<Certificate> read(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
    }

    private static X509TrustManager x509(TrustManager[] managers) throws GeneralSecurityException {
        for (TrustManager m : managers) {
            if (m instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("the JDK has no X.509 trust manager");
    }

    /** One line about a certificate: its subject, its issuer (or "self-signed"). */
    static String describe(X509Certificate cert) {
        String subject = cert.getSubjectX500Principal().getName();
        String issuer = cert.getIssuerX500Principal().getName();
        return "'" + subject + "'" + (subject.equals(issuer) ? " (self-signed)" : ", issued by '" + issuer + "'");
    }

    /** The DNS names and IP addresses in {@code cert}'s subjectAltName. */
    static List<String> names(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> n : cert.getSubjectAlternativeNames()) {
                    if (n.get(0) instanceof Integer type && (type == 2 || type == 7)) {
                        names.add(String.valueOf(n.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // no readable names: the list stays empty
        }
        return names;
    }

    /** The JDK's checks, with their refusals told as a user can act on them. */
    private static final class Explaining extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;
        private final String howToTrust;

        Explaining(X509ExtendedTrustManager delegate, String howToTrust) {
            this.delegate = delegate;
            this.howToTrust = howToTrust;
        }

        private CertificateException explain(X509Certificate[] chain, String host, CertificateException e) {
            X509Certificate leaf = chain.length > 0 ? chain[0] : null;
            if (leaf == null) {
                return e;
            }
            String m = String.valueOf(e.getMessage());
            if (m.startsWith("No subject alternative") || m.startsWith("No name matching")) {
                return new CertificateException("the server's certificate " + describe(leaf) + " does not name "
                        + (host == null ? "the host" : host) + ": it names " + names(leaf)
                        + "; connect by one of those names, or skip the check with -k (testing only)", e);
            }
            if (m.contains("expired") || m.contains("not yet valid")) {
                return new CertificateException("the server's certificate " + describe(leaf)
                        + " is not valid now (valid " + leaf.getNotBefore().toInstant() + " to "
                        + leaf.getNotAfter().toInstant() + "); skip the check with -k (testing only)", e);
            }
            X509Certificate top = chain[chain.length - 1];
            String root = top == leaf ? "" : " (its chain ends at " + describe(top) + ")";
            return new CertificateException("the server's certificate is not trusted: " + describe(leaf) + root
                    + ". To trust it: " + howToTrust + "; or skip the check with -k (testing only)", e);
        }

        private static String host(Socket socket) {
            return socket instanceof SSLSocket s && s.getHandshakeSession() != null ? s.getHandshakeSession().getPeerHost() : null;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            try {
                delegate.checkServerTrusted(chain, authType, socket);
            } catch (CertificateException e) {
                throw explain(chain, host(socket), e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            try {
                delegate.checkServerTrusted(chain, authType, engine);
            } catch (CertificateException e) {
                throw explain(chain, engine == null ? null : engine.getPeerHost(), e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                delegate.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                throw explain(chain, null, e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            delegate.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            delegate.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
