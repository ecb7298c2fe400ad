package dev.netloom.chat;

import dev.netloom.core.Service;
import dev.netloom.core.ServiceException;
import dev.netloom.testing.Net;
import dev.netloom.testing.Tap;
import dev.netloom.testing.TestTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** chat-tls with a Java SSLSocket client that trusts only the CA that signed the certificate the service made. */
class ChatTlsServiceTest {

    @TempDir
    Path dir;

    private SSLSocket connect(SSLContext ctx, Service s) throws Exception {
        SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("localhost", s.address().getPort());
        socket.setSoTimeout(10_000);
        var params = socket.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name localhost
        socket.setSSLParameters(params);
        return socket;
    }

    @Test
    void aGeneratedCertificateCarriesTheChatOverTls() throws Exception {
        Path keystore = dir.resolve("tls/netloom.p12");
        try (Service s = Net.start(ChatTlsService.type(), "keystore=" + keystore)) {
            assertTrue(Files.exists(keystore), "made on first start");
            X509Certificate cert;
            cert = (X509Certificate) TestTls.keystore(keystore).getCertificate("netloom");
            assertTrue(cert.getSubjectX500Principal().getName().contains("CN=localhost"));
            SSLContext ctx = TestTls.trustingIssuerOf(keystore, "netloom");
            try (SSLSocket a = connect(ctx, s); SSLSocket b = connect(ctx, s)) {
                BufferedReader ain = new BufferedReader(new InputStreamReader(a.getInputStream(), StandardCharsets.UTF_8));
                BufferedReader bin = new BufferedReader(new InputStreamReader(b.getInputStream(), StandardCharsets.UTF_8));
                OutputStream aout = a.getOutputStream();
                OutputStream bout = b.getOutputStream();
                assertTrue(ain.readLine().startsWith("* welcome"));
                assertTrue(a.getSession().getProtocol().equals("TLSv1.3"), a.getSession().getProtocol());
                aout.write("alice\n".getBytes(StandardCharsets.UTF_8));
                aout.flush();
                assertTrue(ain.readLine().startsWith("* you are alice"));
                assertTrue(bin.readLine().startsWith("* welcome"));
                bout.write("bob\nhello over tls\n".getBytes(StandardCharsets.UTF_8));
                bout.flush();
                assertEquals("* bob joined #lobby", ain.readLine());
                assertEquals("<bob> hello over tls", ain.readLine());
            }
        }
        try (Service again = Net.start(ChatTlsService.type(), "keystore=" + keystore)) {
            SSLContext ctx = TestTls.trustingIssuerOf(keystore, "netloom");
            try (SSLSocket a = connect(ctx, again)) {
                a.startHandshake(); // the same keystore is used again, not replaced
            }
        }
    }

    @Test
    void bytesInAndOutAreTheWireBytesOfTheTlsConnection() throws Exception {
        Path keystore = dir.resolve("k.p12");
        try (Service s = Net.start(ChatTlsService.type(), "keystore=" + keystore); Tap tap = Tap.to(s.address());
             Socket raw = tap.connect()) {
            SSLSocket a = (SSLSocket) TestTls.trustingIssuerOf(keystore, "netloom").getSocketFactory().createSocket(raw, "localhost", tap.port(), true);
            BufferedReader in = new BufferedReader(new InputStreamReader(a.getInputStream(), StandardCharsets.UTF_8));
            assertTrue(in.readLine().startsWith("* welcome"));
            a.getOutputStream().write("alice\n".getBytes(StandardCharsets.UTF_8));
            assertTrue(in.readLine().startsWith("* you are alice"));
            // between exchanges every byte the client sent has been read, and every byte the
            // server wrote has reached the client: the counts are the relay's, handshake included
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertEquals(tap.up(), s.stats().bytesIn());
                assertEquals(tap.down(), s.stats().bytesOut());
            });
            assertTrue(s.stats().bytesIn() > 200, "a ClientHello alone is larger: " + s.stats().bytesIn());
            assertEquals(s.stats().bytesIn(), s.connections().getFirst().bytesIn());
        }
    }

    @Test
    void oldProtocolsAndWrongPasswordsAreRefused() throws Exception {
        Path keystore = dir.resolve("k.p12");
        try (Service s = Net.start(ChatTlsService.type(), "keystore=" + keystore)) {
            SSLContext ctx = TestTls.trustingIssuerOf(keystore, "netloom");
            try (SSLSocket old = connect(ctx, s)) {
                old.setEnabledProtocols(new String[] {"TLSv1.1"});
                assertThrows(SSLException.class, old::startHandshake);
            }
        }
        ServiceException e = assertThrows(ServiceException.class,
                () -> Net.start(ChatTlsService.type(), "keystore=" + keystore, "keystore-password=wrong"));
        assertTrue(e.getMessage().contains(keystore.toString()), e.getMessage());
    }
}
