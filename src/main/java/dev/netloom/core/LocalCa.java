package dev.netloom.core;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/*
 * Files, under the netloom home (as mkcert's CAROOT):
 *   data/tls/netloom-local-ca.crt   the CA certificate, PEM ("BEGIN CERTIFICATE"), 0600 like the rest
 *                                   of data/ (`netloom tls trust` copies it where the system reads it)
 *   data/tls/netloom-local-ca.key   its private key, PEM PKCS#8 ("BEGIN PRIVATE KEY"), unencrypted, 0600
 * data/tls is made 0700. Both are EC P-256; the CA is valid 10 years, the certificates it issues
 * 825 days (the longest that Apple's and the browsers' rules accept for a server certificate).
 */

/**
 * netloom's local certificate authority, in the way of mkcert: made once under the netloom home,
 * it signs the certificate of every TLS service ({@link TlsIdentity}), so that trusting it once
 * ({@code netloom tls trust}) makes curl, lftp, openssl, browsers and the shell's own clients
 * trust all of netloom's services. The key never leaves the home; only the certificate is copied
 * into the system's trust store.
 */
public final class LocalCa {

    public static final String NAME = "netloom-local-ca";
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration LEAF_VALIDITY = Duration.ofDays(825);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path certificateFile;
    private final X509Certificate certificate;
    private final PrivateKey key;

    private LocalCa(Path certificateFile, X509Certificate certificate, PrivateKey key) {
        this.certificateFile = certificateFile;
        this.certificate = certificate;
        this.key = key;
    }

    /** Where the CA certificate of {@code home} is (whether or not it was made yet). */
    public static Path certificateFile(Path home) {
        return home.resolve("data/tls/" + NAME + ".crt");
    }

    /**
     * The CA of {@code home}, made now when its files do not exist.
     *
     * @throws IOException naming the file when an existing CA cannot be read, or the CA cannot be written
     */
    public static LocalCa loadOrCreate(Path home) throws IOException {
        Path crt = certificateFile(home);
        Path keyFile = crt.resolveSibling(NAME + ".key");
        if (Files.exists(crt) && Files.exists(keyFile)) {
            return new LocalCa(crt, readCertificate(crt), readKey(keyFile));
        }
        try {
            KeyPair pair = newKeyPair();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, "netloom local CA")
                    .addRDN(BCStyle.OU, System.getProperty("user.name", "?") + "@" + hostName())
                    .addRDN(BCStyle.CN, "netloom local CA " + System.getProperty("user.name", "?") + "@" + hostName())
                    .build();
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(CA_VALIDITY)), subject, pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = sign(b, pair.getPrivate());
            PrivateFiles.write(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            PrivateFiles.write(crt, pem("CERTIFICATE", cert.getEncoded()));
            System.getLogger(LocalCa.class.getName()).log(System.Logger.Level.INFO,
                    "made the local CA " + crt + " (trust it with: netloom tls trust)");
            return new LocalCa(crt, cert, pair.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make the local CA at " + crt + ": " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public Path certificateFile() {
        return certificateFile;
    }

    /**
     * A new key pair and a server certificate for it, signed by this CA, naming {@code localhost},
     * 127.0.0.1, ::1 and this machine's host name (as DNS names and IP addresses in its
     * subjectAltName). Returns the certificate chain: the server's, then the CA's.
     */
    public Issued issue() throws IOException {
        try {
            KeyPair pair = newKeyPair();
            Set<String> dns = new LinkedHashSet<>(List.of("localhost"));
            String host = hostName();
            if (!host.isEmpty() && !host.equals("localhost")) {
                dns.add(host);
            }
            List<GeneralName> names = new ArrayList<>();
            dns.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
            names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
            names.add(new GeneralName(GeneralName.iPAddress, "::1"));
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, "netloom development certificate")
                    .addRDN(BCStyle.CN, "localhost").build();
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(LEAF_VALIDITY)), subject, pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            return new Issued(pair.getPrivate(), new X509Certificate[] {sign(b, key), certificate});
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IOException("the local CA " + certificateFile + " cannot sign: " + e.getMessage(), e);
        }
    }

    /** Whether {@code cert} was signed by this CA's key. */
    public boolean signed(X509Certificate cert) {
        try {
            cert.verify(certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A key and its certificate chain, leaf first. */
    public record Issued(PrivateKey key, X509Certificate[] chain) {
    }

    /** This machine's host name, lower case, or "" when it has none. */
    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return "";
        }
    }

    /** {@code der} as a PEM block of {@code type}, lines of 64 characters. */
    public static byte[] pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The first certificate in a PEM (or DER) file. */
    public static X509Certificate readCertificate(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": not a certificate: " + e.getMessage(), e);
        }
    }

    private static PrivateKey readKey(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IOException(file + ": not a PEM PKCS#8 private key");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + ": not a readable EC private key: " + e.getMessage(), e);
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
            throws OperatorCreationException, GeneralSecurityException {
        byte[] der;
        try {
            der = b.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)).getEncoded();
        } catch (IOException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }
}
