package dev.netloom.core;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A server's TLS key and certificate, from a PKCS#12 keystore. Services offer TLS 1.3 and 1.2 only.
 *
 * <p>Keys, shared by every TLS service: {@code keystore} (path, relative to the netloom home),
 * {@code keystore-password}, {@code key-alias}.
 *
 * <p>Without {@code keystore-password} the keystore is netloom's own: made on first start with a
 * key and a certificate signed by the {@link LocalCa} (made too if missing), its password random
 * and kept in {@code KEYSTORE.password} beside it, both files 0600. netloom makes it again when it
 * is missing, unreadable with that password, not signed by the current local CA, or expires within
 * 30 days. A keystore left by netloom before 0.2 (self-signed {@code CN=localhost, O=netloom},
 * password {@code netloom}, published in the docs) is replaced the same way; any other PKCS#12
 * keystore without a password file is the user's and is only read, with the old default password
 * and a warning (none for a file that is not PKCS#12 at all: its start fails saying so).
 * With {@code keystore-password} set the keystore is the user's: made signed by the local CA when
 * missing, never changed after.
 */
public final class TlsIdentity {

    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    public static final Key<String> KEYSTORE = Key.string("keystore", "data/tls/netloom.p12",
            "PKCS#12 keystore with the server's key; made if missing, signed by netloom's local CA (docs/tls.md)");
    public static final Key<String> KEYSTORE_PASSWORD = Key.string("keystore-password", "",
            "password of the keystore and its key; unset: netloom makes a random one and keeps it in"
                    + " KEYSTORE.password (0600); set: the keystore is yours and netloom never changes it");
    public static final Key<String> KEY_ALIAS = Key.string("key-alias", "netloom", "alias of the key in the keystore");

    /** The password of keystores made before the password file (0.1): public, so such a keystore is replaced. */
    private static final String OLD_PASSWORD = "netloom";
    private static final String OLD_SUBJECT = "CN=localhost,O=netloom";
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final ReentrantLock MAKING = new ReentrantLock(); // chat-tls, ftp and smtp may start at once
    private static final System.Logger LOG = System.getLogger(TlsIdentity.class.getName());

    private TlsIdentity() {
    }

    public static List<Key<?>> keys() {
        return List.of(KEYSTORE, KEYSTORE_PASSWORD, KEY_ALIAS);
    }

    /** Where netloom keeps the password of a keystore it made: {@code KEYSTORE.password}. */
    public static Path passwordFile(Path keystore) {
        return keystore.resolveSibling(keystore.getFileName() + ".password");
    }

    /**
     * The SSLContext for {@code settings}' keystore, making (or renewing) the keystore first as the
     * class comment says.
     *
     * @throws IOException naming the keystore when it cannot be made or read (wrong password, no such alias)
     */
    public static SSLContext serverContext(Settings settings) throws IOException {
        Path file = settings.path(KEYSTORE);
        String alias = settings.get(KEY_ALIAS);
        String configured = settings.get(KEYSTORE_PASSWORD);
        char[] password;
        MAKING.lock();
        try {
            if (configured.isEmpty()) {
                password = managed(settings.home(), file, alias);
            } else {
                password = configured.toCharArray();
                if (!Files.exists(file)) {
                    write(file, password, alias, LocalCa.loadOrCreate(settings.home()));
                }
            }
        } finally {
            MAKING.unlock();
        }
        try {
            KeyStore ks = load(file, password);
            if (!ks.isKeyEntry(alias)) {
                throw new IOException("keystore " + file + " has no key named '" + alias + "' (key-alias)");
            }
            KeyStore only = KeyStore.getInstance("PKCS12");
            only.load(null, null);
            only.setEntry(alias, ks.getEntry(alias, new KeyStore.PasswordProtection(password)),
                    new KeyStore.PasswordProtection(password));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(only, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("keystore " + file + ": " + e.getMessage(), e);
        }
    }

    /** The password of netloom's own keystore at {@code file}, after making or renewing it as needed. */
    private static char[] managed(Path home, Path file, String alias) throws IOException {
        Path passFile = passwordFile(file);
        if (Files.exists(passFile)) {
            char[] password = Files.readString(passFile, StandardCharsets.UTF_8).strip().toCharArray();
            String stale = Files.exists(file) ? stale(file, password, alias, LocalCa.loadOrCreate(home)) : "missing";
            if (stale == null) {
                PrivateFiles.secure(file);
                return password;
            }
            LOG.log(System.Logger.Level.INFO, "making keystore " + file + " again: " + stale);
        } else if (Files.exists(file)) {
            Found found = probe(file, alias);
            if (found == Found.NOT_PKCS12) {
                // no password to warn about: the read that follows names the file as no keystore
                return OLD_PASSWORD.toCharArray();
            }
            if (found == Found.USERS) {
                LOG.log(System.Logger.Level.WARNING, "keystore " + file + " has no password file and is read with"
                        + " the old default password; set keystore-password, or delete it to have netloom make one");
                return OLD_PASSWORD.toCharArray();
            }
            LOG.log(System.Logger.Level.INFO, "replacing keystore " + file
                    + ": its self-signed certificate's password was the published default");
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        char[] password = Base64.getUrlEncoder().withoutPadding().encodeToString(random).toCharArray();
        PrivateFiles.write(passFile, (new String(password) + "\n").getBytes(StandardCharsets.UTF_8));
        write(file, password, alias, LocalCa.loadOrCreate(home));
        return password;
    }

    /** Why netloom's keystore must be made again, or null when it is fine. */
    private static String stale(Path file, char[] password, String alias, LocalCa ca) {
        try {
            KeyStore ks = load(file, password);
            if (!(ks.getCertificate(alias) instanceof X509Certificate cert) || !ks.isKeyEntry(alias)) {
                return "no key named '" + alias + "'";
            }
            if (!ca.signed(cert)) {
                return "not signed by the local CA " + ca.certificateFile();
            }
            if (cert.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE))) {
                return "its certificate expires on " + cert.getNotAfter().toInstant();
            }
            return null;
        } catch (IOException | GeneralSecurityException e) {
            return "unreadable with its password file (" + e.getMessage() + ")";
        }
    }

    /** What a keystore without a password file is. */
    private enum Found {
        /** Not PKCS#12 at all (a PEM file, /etc/hostname...). */
        NOT_PKCS12,
        /** The self-signed keystore netloom 0.1 made with keytool and the password "netloom". */
        OLD_SELF_SIGNED,
        /** A PKCS#12 keystore of the user's, whether the old default password opens it or not. */
        USERS
    }

    private static Found probe(Path file, String alias) {
        try {
            KeyStore ks = load(file, OLD_PASSWORD.toCharArray());
            return ks.getCertificate(alias) instanceof X509Certificate cert
                    && cert.getSubjectX500Principal().getName().equals(OLD_SUBJECT)
                    && cert.getIssuerX500Principal().equals(cert.getSubjectX500Principal())
                    ? Found.OLD_SELF_SIGNED : Found.USERS;
        } catch (NotPkcs12 e) {
            return Found.NOT_PKCS12;
        } catch (IOException | GeneralSecurityException e) {
            return Found.USERS;
        }
    }

    /** A keystore file that is not PKCS#12 at all, as opposed to one its password does not open. */
    private static final class NotPkcs12 extends IOException {
        NotPkcs12(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(new ByteArrayInputStream(Files.readAllBytes(file)), password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) { // the JDK's wrong-password case
                throw new IOException("keystore " + file + ": " + e.getMessage() + " (keystore-password?)", e);
            }
            // anything else is not PKCS#12 at all (a PEM or JKS file...): the JDK's text is DER detail or null
            throw new NotPkcs12("keystore " + file + " is not a PKCS#12 keystore (.p12, .pfx)"
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + "; point keystore at one, or unset it to have netloom make its own", e);
        }
        return ks;
    }

    private static void write(Path file, char[] password, String alias, LocalCa ca) throws IOException {
        LocalCa.Issued issued = ca.issue();
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(alias, issued.key(), password, issued.chain());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ks.store(out, password);
            PrivateFiles.write(file, out.toByteArray());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make keystore " + file + ": " + e.getMessage(), e);
        }
        LOG.log(System.Logger.Level.INFO, "made keystore " + file + " for localhost, 127.0.0.1, ::1 and "
                + LocalCa.hostName() + ", signed by the local CA " + ca.certificateFile());
    }
}
