package dev.netloom.core;

import dev.netloom.chat.ChatTlsService;
import dev.netloom.testing.LogCapture;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local CA and the keystores it signs: a service's certificate is checked by the JDK's own
 * PKIX trust manager given only the CA, and by a real handshake that checks the host name; an old
 * self-signed keystore is replaced, a user's is kept; keys and passwords are 0600.
 */
class TlsIdentityTest {

    @TempDir
    Path home;

    private Service start(String... overrides) {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("port", "0");
        for (String kv : overrides) {
            map.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        Service s = ChatTlsService.type().create(ChatTlsService.type().settings(Map.of(), map, home));
        s.start();
        return s;
    }

    private static KeyStore trustOnly(X509Certificate ca) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        return trust;
    }

    private KeyStore keystore() throws Exception {
        Path file = home.resolve("data/tls/netloom.p12");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, Files.readString(TlsIdentity.passwordFile(file)).strip().toCharArray());
        }
        return ks;
    }

    @Test
    void theServiceCertificateValidatesAgainstTheLocalCaAlone() throws Exception {
        try (Service s = start()) {
            X509Certificate ca = LocalCa.readCertificate(LocalCa.certificateFile(home));
            X509Certificate[] chain = Arrays.stream(keystore().getCertificateChain("netloom"))
                    .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trustOnly(ca));
            ((X509TrustManager) tmf.getTrustManagers()[0]).checkServerTrusted(chain, "ECDHE_ECDSA"); // throws if not
            assertEquals(ca, chain[chain.length - 1]);
            Collection<List<?>> sans = chain[0].getSubjectAlternativeNames();
            List<String> names = sans.stream().map(n -> String.valueOf(n.get(1))).toList();
            assertTrue(names.containsAll(List.of("localhost", "127.0.0.1")), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.equals("0:0:0:0:0:0:0:1") || n.equals("::1")), names.toString());
            assertTrue(names.contains(LocalCa.hostName()), names.toString());
            assertEquals(List.of("1.3.6.1.5.5.7.3.1"), chain[0].getExtendedKeyUsage()); // serverAuth
            assertTrue(ca.getBasicConstraints() >= 0, "the CA is a CA");

            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            for (String host : List.of("localhost", "127.0.0.1")) {
                try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket(host, s.address().getPort())) {
                    socket.setSoTimeout(10_000);
                    var params = socket.getSSLParameters();
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                    socket.setSSLParameters(params);
                    socket.startHandshake();
                    assertEquals(chain[0], socket.getSession().getPeerCertificates()[0]);
                }
            }
        }
    }

    @Test
    void keysAndPasswordsAreOwnerOnlyAndReusedAcrossStarts() throws Exception {
        try (Service s = start()) {
            assertTrue(s.address().getPort() > 0);
        }
        Path tls = home.resolve("data/tls");
        if (!Files.getFileStore(home).supportsFileAttributeView("posix")) {
            return;
        }
        assertEquals("rwx------", mode(tls));
        for (String f : List.of("netloom.p12", "netloom.p12.password", "netloom-local-ca.key", "netloom-local-ca.crt")) {
            assertEquals("rw-------", mode(tls.resolve(f)), f);
        }
        byte[] before = Files.readAllBytes(tls.resolve("netloom.p12"));
        try (Service s = start()) {
            assertTrue(s.address().getPort() > 0);
        }
        assertArrayEquals(before, Files.readAllBytes(tls.resolve("netloom.p12")), "kept, not made again");
    }

    @Test
    void anOldSelfSignedKeystoreIsReplacedAndAUsersIsKept() throws Exception {
        Path old = home.resolve("data/tls/netloom.p12");
        keytool(old, "netloom", "CN=localhost, O=netloom");
        try (Service s = start()) {
            assertTrue(s.address().getPort() > 0);
        }
        X509Certificate cert = (X509Certificate) keystore().getCertificate("netloom");
        assertTrue(LocalCa.loadOrCreate(home).signed(cert), "replaced by one the local CA signed");
        assertFalse(Files.readString(TlsIdentity.passwordFile(old)).strip().equals("netloom"));

        Path mine = home.resolve("mine.p12");
        keytool(mine, "hunter22", "CN=mine.example");
        byte[] before = Files.readAllBytes(mine);
        try (Service s = start("keystore=" + mine, "keystore-password=hunter22")) {
            assertTrue(s.address().getPort() > 0);
        }
        assertArrayEquals(before, Files.readAllBytes(mine), "a configured keystore is never changed");
        assertFalse(Files.exists(TlsIdentity.passwordFile(mine)));
    }

    @Test
    void aKeystoreThatIsNotPkcs12IsNamedAsSuchNotWithTheJdksNull() throws Exception {
        Path pem = home.resolve("server.pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        Exception e = Assertions.assertThrows(Exception.class,
                () -> start("keystore=" + pem, "keystore-password=hunter22").close());
        assertTrue(e.getMessage().contains("keystore " + pem + " is not a PKCS#12 keystore (.p12, .pfx)"), e.getMessage());
        assertFalse(e.getMessage().contains("null"), e.getMessage());

        Path mine = home.resolve("mine.p12");
        keytool(mine, "hunter22", "CN=mine.example");
        e = Assertions.assertThrows(Exception.class,
                () -> start("keystore=" + mine, "keystore-password=wrong").close());
        assertTrue(e.getMessage().contains("keystore " + mine + ": keystore password was incorrect (keystore-password?)"),
                e.getMessage());
    }

    @Test
    void aFileThatIsNotAKeystoreGetsNoWarningAboutTheOldDefaultPassword() throws Exception {
        try (LogCapture log = LogCapture.of(TlsIdentity.class)) {
            Path hostname = home.resolve("hostname"); // as /etc/hostname: no password file beside it, no keystore-password
            Files.writeString(hostname, "myhost\n");
            Exception e = Assertions.assertThrows(Exception.class,
                    () -> start("keystore=" + hostname).close());
            assertTrue(e.getMessage().contains("keystore " + hostname + " is not a PKCS#12 keystore (.p12, .pfx)"),
                    e.getMessage());
            assertFalse(log.records().stream().anyMatch(r -> r.getMessage().contains("old default password")),
                    "a file that is no keystore has no password to warn about");

            // a PKCS#12 keystore of the user's that the old default password does not open: the warning applies
            Path mine = home.resolve("mine.p12");
            keytool(mine, "hunter22", "CN=mine.example");
            e = Assertions.assertThrows(Exception.class, () -> start("keystore=" + mine).close());
            assertTrue(e.getMessage().contains("keystore " + mine + ": keystore password was incorrect (keystore-password?)"),
                    e.getMessage());
            assertTrue(log.logged(Level.WARNING, mine + " has no password file and is read with"
                    + " the old default password"), "warned");
        }
    }

    private static void keytool(Path file, String password, String dname) throws Exception {
        Files.createDirectories(file.getParent());
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "netloom", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "825",
                "-dname", dname, "-keystore", file.toString(), "-storetype", "PKCS12",
                "-storepass", password, "-keypass", password).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
