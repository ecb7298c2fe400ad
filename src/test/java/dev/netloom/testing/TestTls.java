package dev.netloom.testing;

import dev.netloom.core.TlsIdentity;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;

/**
 * The keystore a TLS service made for itself, as a test reads it: opened with the password
 * netloom keeps beside it, and a client context that trusts only the CA that signed it (so a
 * handshake checks the real chain, as a client that ran {@code netloom tls trust} would).
 */
public final class TestTls {

    private TestTls() {
    }

    /** The PKCS#12 keystore at {@code file}, opened with {@code file.password}. */
    public static KeyStore keystore(Path file) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, Files.readString(TlsIdentity.passwordFile(file)).strip().toCharArray());
        }
        return ks;
    }

    /** A client context that trusts only the issuer at the end of {@code alias}'s chain in {@code file}. */
    public static SSLContext trustingIssuerOf(Path file, String alias) throws Exception {
        Certificate[] chain = keystore(file).getCertificateChain(alias);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", chain[chain.length - 1]);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
