package dev.netloom.p2p;

import dev.netloom.core.PrivateFiles;
import dev.netloom.p2p.wire.Manifest;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A peer's key and who it is: an EC P-256 key with a self-signed certificate, and the peer id,
 * the SHA-256 of the certificate's public key (its SubjectPublicKeyInfo). TLS 1.3 between peers
 * uses it on both sides (client authentication required); no certificate authority is trusted or
 * needed: each side checks after the handshake that the key it saw hashes to the peer id it
 * expects (the one it dialled, and the one the HELLO claims), as Syncthing's device ids do.
 *
 * <p>Kept in {@code data/p2p/peer.pem} under the netloom home (PEM: the PKCS#8 key and the
 * certificate, 0600, made on first use), so a peer keeps its id across restarts; tests and a
 * second peer on one machine use {@link #generate()}.
 */
public final class PeerIdentity {

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
            X509Certificate cert = selfSigned(pair, Instant.now());
            return new PeerIdentity(pair.getPrivate(), cert);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make a peer key: " + e.getMessage(), e);
        }
    }

    /**
     * A self-signed X.509 v3 certificate for {@code pair} (CN=netloom peer, valid from a day before
     * {@code now} for 100 years, no extensions: nobody checks a chain, only the key's hash),
     * written in DER here and signed with SHA256withECDSA. Not with BouncyCastle's builder, as the
     * local CA's are: loading and verifying its signed jars took 0.7 s of a fresh JVM, the
     * largest part of a first {@code p2p get}'s start.
     */
    static X509Certificate selfSigned(KeyPair pair, Instant now) throws GeneralSecurityException {
        byte[] ecdsaSha256 = der(0x30, new byte[] {0x06, 0x08, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x04, 0x03, 0x02});
        byte[] cn = "netloom peer".getBytes(StandardCharsets.UTF_8);
        byte[] name = der(0x30, der(0x31, der(0x30, new byte[] {0x06, 0x03, 0x55, 0x04, 0x03}, der(0x0C, cn))));
        byte[] serial = new byte[8];
        new SecureRandom().nextBytes(serial);
        serial[0] = (byte) ((serial[0] & 0x7F) | 0x01); // positive, and no leading zero byte
        DateTimeFormatter utc = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
        DateTimeFormatter generalized = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
        byte[] validity = der(0x30, // RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime after
                der(0x17, utc.format(now.minus(Duration.ofDays(1))).getBytes(StandardCharsets.US_ASCII)),
                der(0x18, generalized.format(now.plus(Duration.ofDays(36_500))).getBytes(StandardCharsets.US_ASCII)));
        byte[] tbs = der(0x30, new byte[] {(byte) 0xA0, 0x03, 0x02, 0x01, 0x02}, der(0x02, serial), ecdsaSha256, name,
                validity, name, pair.getPublic().getEncoded());
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(tbs);
        byte[] signature = signer.sign();
        byte[] bits = new byte[signature.length + 1]; // a BIT STRING: no unused bits, then the signature's DER
        System.arraycopy(signature, 0, bits, 1, signature.length);
        byte[] cert = der(0x30, tbs, ecdsaSha256, der(0x03, bits));
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(cert));
    }

    /** One DER element: {@code tag}, the definite length, then the parts. */
    private static byte[] der(int tag, byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] length = n < 0x80 ? new byte[] {(byte) n}
                : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + length.length + n];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        int at = 1 + length.length;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /**
     * The identity kept in {@code file} (PEM: the PKCS#8 key, then the certificate), made there
     * (0600) when missing.
     *
     * @throws IOException naming the file when it cannot be read or written
     */
    public static PeerIdentity loadOrCreate(Path file) throws IOException {
        try {
            if (Files.exists(file)) {
                String pem = Files.readString(file, StandardCharsets.US_ASCII);
                PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pemBlock(pem, "PRIVATE KEY")));
                X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(pemBlock(pem, "CERTIFICATE")));
                return new PeerIdentity(key, cert);
            }
            PeerIdentity made = generate();
            PrivateFiles.createDirectories(file.toAbsolutePath().getParent());
            PrivateFiles.write(file, (pem("PRIVATE KEY", made.key.getEncoded())
                    + pem("CERTIFICATE", made.certificate.getEncoded())).getBytes(StandardCharsets.US_ASCII));
            return made;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("peer key " + file + ": " + e.getMessage(), e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] pemBlock(String pem, String type) {
        String begin = "-----BEGIN " + type + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf("-----END " + type + "-----");
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("no " + type + " in it");
        }
        return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
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

    private SSLContext makeContext() throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(new KeyManager[] {new OwnKey()}, new TrustManager[] {new AnyPeer()}, new SecureRandom());
        return ctx;
    }

    /**
     * Offers this peer's key and certificate whatever is asked, without a keystore (a PKCS#12 one
     * costs two PBKDF2 derivations of 10,000 rounds at every start, in a cold JVM about 0.2 s).
     */
    private final class OwnKey extends X509ExtendedKeyManager {
        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[] {ALIAS};
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return ALIAS;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return ALIAS;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return ALIAS;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return new X509Certificate[] {certificate};
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return key;
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
