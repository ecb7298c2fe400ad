package dev.netloom.tools;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * The SSLContext a client tool checks a server's certificate with, as the shell's
 * {@code --cafile PEM} and {@code --insecure} options choose it.
 */
public final class ClientTls {

    private ClientTls() {
    }

    /**
     * With {@code insecure}: a context that accepts any certificate (testing only, as curl -k);
     * else with {@code caFile}: one that trusts exactly the certificates in that PEM file; else
     * (null and false) {@link SSLContext#getDefault()}, the JDK's trust store. Whether the
     * certificate must also name the host is the caller's choice, on its SSLParameters.
     *
     * @throws IOException when {@code caFile} cannot be read (the JDK's message, usually the
     *                     path), or as {@code "TLS: ..."} with a GeneralSecurityException as its
     *                     cause when the file holds no readable certificate or the JDK has no TLS
     */
    public static SSLContext context(Path caFile, boolean insecure) throws IOException {
        try {
            if (!insecure && caFile == null) {
                return SSLContext.getDefault();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            if (insecure) {
                ctx.init(null, new TrustManager[] {new TrustAll()}, null);
            } else {
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                try (InputStream in = Files.newInputStream(caFile)) {
                    int i = 0;
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        trust.setCertificateEntry("ca" + i++, c);
                    }
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
                ctx.init(null, tmf.getTrustManagers(), null);
            }
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS: " + e.getMessage(), e);
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
