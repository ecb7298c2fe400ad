package dev.netloom.p2p;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerIdentityTest {

    @TempDir
    Path dir;

    @Test
    void aPeerKeepsItsIdAcrossStartsInAPrivateFile() throws Exception {
        Path file = dir.resolve("data/p2p/peer.pem");
        PeerIdentity first = PeerIdentity.loadOrCreate(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Files.readString(file).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertEquals(first.idHex(), PeerIdentity.loadOrCreate(file).idHex());
        assertNotEquals(first.idHex(), PeerIdentity.generate().idHex());
        Files.writeString(file, "not a key");
        assertTrue(assertThrows(IOException.class, () -> PeerIdentity.loadOrCreate(file)).getMessage()
                .startsWith("peer key " + file));
    }

    @Test
    void theSelfSignedCertificateIsOneOpensslReadsAndItsSignatureHolds() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = g.generateKeyPair();
        Instant now = Instant.parse("2026-12-07T05:00:00Z");
        X509Certificate cert = PeerIdentity.selfSigned(pair, now);
        cert.verify(pair.getPublic()); // signed by its own key
        cert.checkValidity(Date.from(now));
        cert.checkValidity(Date.from(now.plus(Duration.ofDays(36_000)))); // past 2049: GeneralizedTime
        assertEquals(3, cert.getVersion());
        assertEquals("CN=netloom peer", cert.getSubjectX500Principal().getName());
        assertEquals(cert.getSubjectX500Principal(), cert.getIssuerX500Principal());
        assertEquals("SHA256withECDSA", cert.getSigAlgName());
        assertTrue(cert.getSerialNumber().signum() > 0);
        assertArrayEquals(pair.getPublic().getEncoded(), cert.getPublicKey().getEncoded());
        if (Files.isExecutable(Path.of("/usr/bin/openssl"))) { // a second parser: OpenSSL's
            Path der = Files.write(dir.resolve("peer.der"), cert.getEncoded());
            Process p = new ProcessBuilder("openssl", "x509", "-inform", "DER", "-in", der.toString(), "-noout", "-subject",
                    "-enddate").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            assertTrue(out.contains("CN = netloom peer") && out.contains("2126 GMT"), out);
        }
    }
}
