package dev.netloom.p2p;

import dev.netloom.core.PrivateFiles;
import dev.netloom.p2p.wire.Manifest;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;

/**
 * A peer's key and who it is: an EC P-256 key with a self-signed certificate, and the peer id,
 * the SHA-256 of the certificate's public key (its SubjectPublicKeyInfo). TLS 1.3 between peers
 * uses it on both sides (client authentication required); no certificate authority is trusted or
 * needed: each side checks after the handshake that the key it saw hashes to the peer id it
 * expects (the one it dialled, and the one the HELLO claims), as Syncthing's device ids do.
 *
 * <p>Kept in {@code data/p2p/peer.p12} under the netloom home (0600, made on first use; its
 * password is not a secret, the file's mode is the protection), so a peer keeps its id across
 * restarts; tests and a second peer on one machine use {@link #generate()}.
 */
public final class PeerIdentity {

    private static final char[] STORE_PASSWORD = "netloom-p2p".toCharArray();
    private static final String ALIAS = "peer";

    private final PrivateKey key;
    private final X509Certificate certificate;
    private final byte[] peerId;
    private final SSLContext context;

    private PeerIdentity(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
        this.key = key;
        this.certificate = certificate;
        this.peerId = idOf(certificate);
        this.context = makeContext();
    }

    /** A new identity held only in memory. */
    public static PeerIdentity generate() throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = g.generateKeyPair();
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=netloom peer");
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(36_500))), name,
                    pair.getPublic());
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new PeerIdentity(pair.getPrivate(), cert);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make a peer key: " + e.getMessage(), e);
        }
    }

    /**
     * The identity kept in {@code file}, made there (0600) when missing.
     *
     * @throws IOException naming the file when it cannot be read or written
     */
    public static PeerIdentity loadOrCreate(Path file) throws IOException {
        try {
            if (Files.exists(file)) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(new ByteArrayInputStream(Files.readAllBytes(file)), STORE_PASSWORD);
                return new PeerIdentity((PrivateKey) ks.getKey(ALIAS, STORE_PASSWORD),
                        (X509Certificate) ks.getCertificate(ALIAS));
            }
            PeerIdentity made = generate();
            PrivateFiles.createDirectories(file.toAbsolutePath().getParent());
            PrivateFiles.write(file, made.keyStoreBytes());
            return made;
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IOException("peer key " + file + ": " + e.getMessage(), e);
        }
    }

    /** The peer id of whoever holds {@code cert}'s key: SHA-256 of its SubjectPublicKeyInfo. */
    public static byte[] idOf(Certificate cert) {
        return Manifest.sha256(cert.getPublicKey().getEncoded());
    }

    /** The peer id of the other side of an established TLS session. */
    public static byte[] idOf(SSLSession session) throws IOException {
        Certificate[] chain = session.getPeerCertificates();
        return idOf(chain[0]);
    }

    /** This peer's id (32 bytes; a copy). */
    public byte[] id() {
        return peerId.clone();
    }

    /** This peer's id in hex. */
    public String idHex() {
        return HexFormat.of().formatHex(peerId);
    }

    /** The TLS 1.3 context: this key, any peer's self-signed key accepted (the id is checked after). */
    public SSLContext context() {
        return context;
    }

    private byte[] keyStoreBytes() throws GeneralSecurityException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        keyStore().store(out, STORE_PASSWORD);
        return out.toByteArray();
    }

    private KeyStore keyStore() throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, key, STORE_PASSWORD, new Certificate[] {certificate});
        return ks;
    }

    private SSLContext makeContext() throws GeneralSecurityException {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore(), STORE_PASSWORD);
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(kmf.getKeyManagers(), new X509ExtendedTrustManager[] {new AnyPeer()}, new SecureRandom());
            return ctx;
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /**
     * Accepts any certificate: a peer's is self-signed, and who it is is decided by its key's
     * hash after the handshake (the handshake itself proves the peer holds that key).
     */
    private static final class AnyPeer extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
