package dev.netloom.tools;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.netloom.tools.SmtpClient.Options;
import dev.netloom.tools.SmtpClient.Result;
import dev.netloom.tools.SmtpClient.Security;
import dev.netloom.tools.SmtpClient.SmtpException;
import dev.netloom.tools.SmtpClient.Step;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SmtpClient against GreenMail, the judge: what arrives is what was sent. */
class SmtpClientTest {

    private GreenMail greenMail;

    @BeforeEach
    void start() {
        greenMail = new GreenMail(new ServerSetup[] {ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.SMTPS.dynamicPort()});
        greenMail.start();
        greenMail.setUser("alice@example.org", "alice", "secret");
    }

    @AfterEach
    void stop() {
        greenMail.stop();
    }

    private Options options(int port, Security security, String user, String password, SSLContext tls) {
        return new Options(greenMail.getSmtp().getBindTo(), port, security, user,
                password == null ? null : password.toCharArray(), "client.test", Duration.ofSeconds(10), tls);
    }

    private Options plain() {
        return options(greenMail.getSmtp().getPort(), Security.NONE, null, null, null);
    }

    @Test
    void attachmentArrivesByteIdenticalAtSeveralRecipients() throws Exception {
        byte[] file = new byte[200 * 1024];
        new Random(5321).nextBytes(file);
        String mime = String.join("\r\n",
                "From: sender@example.org",
                "To: b@example.org, c@example.org",
                "Subject: an attachment",
                "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"=-netloom-boundary\"",
                "",
                "--=-netloom-boundary",
                "Content-Type: text/plain; charset=us-ascii",
                "",
                "see the attachment",
                "--=-netloom-boundary",
                "Content-Type: application/octet-stream",
                "Content-Transfer-Encoding: base64",
                "Content-Disposition: attachment; filename=\"random.bin\"",
                "",
                Base64.getMimeEncoder().encodeToString(file),
                "--=-netloom-boundary--",
                "");
        Result r = SmtpClient.send(plain(), "sender@example.org", List.of("b@example.org", "c@example.org"),
                mime.getBytes(StandardCharsets.US_ASCII));
        assertEquals(250, r.accepted().code());
        assertEquals(List.of("b@example.org", "c@example.org"), r.acceptedRecipients());
        assertTrue(r.refusedRecipients().isEmpty());

        assertTrue(greenMail.waitForIncomingEmail(10_000, 2));
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertEquals(2, received.length);
        byte[] want = MessageDigest.getInstance("SHA-256").digest(file);
        for (MimeMessage m : received) {
            assertEquals("an attachment", m.getSubject());
            BodyPart part = ((Multipart) m.getContent()).getBodyPart(1);
            assertEquals("random.bin", part.getFileName());
            byte[] got = part.getInputStream().readAllBytes();
            assertArrayEquals(want, MessageDigest.getInstance("SHA-256").digest(got));
        }
    }

    @Test
    void linesOfDotsArriveUnchanged() throws Exception {
        String body = "first\r\n.\r\n..two dots\r\n.one dot\r\n...\r\nlast\r\n";
        String mail = "From: sender@example.org\r\nTo: b@example.org\r\nSubject: dots\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\n" + body;
        Result r = SmtpClient.send(plain(), "sender@example.org", List.of("b@example.org"),
                mail.getBytes(StandardCharsets.US_ASCII));
        assertTrue(r.transcript().contains("C: .."));
        assertTrue(r.transcript().contains("C: ...two dots"));
        assertTrue(greenMail.waitForIncomingEmail(10_000, 1));
        // line by line: GreenMail stores the body without the CRLF that comes before the end line
        String got = (String) greenMail.getReceivedMessages()[0].getContent();
        assertEquals(body.lines().toList(), got.lines().toList());
    }

    @ParameterizedTest(name = "LOGIN only: {0}")
    @ValueSource(booleans = {false, true})
    void authWithTheRightPassword(boolean loginOnly) throws Exception {
        try (var relay = loginOnly ? new LoginOnlyRelay(greenMail.getSmtp().getPort()) : null) {
            int port = relay != null ? relay.port() : greenMail.getSmtp().getPort();
            Result r = SmtpClient.send(options(port, Security.NONE, "alice", "secret", null), "alice@example.org",
                    List.of("b@example.org"), "Subject: auth\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII));
            String mechanism = loginOnly ? "C: AUTH LOGIN" : "C: AUTH PLAIN ****";
            assertTrue(r.transcript().contains(mechanism), r.transcript().toString());
            assertTrue(r.transcript().stream().anyMatch(l -> l.startsWith("S: 235")));
            assertFalse(String.join("\n", r.transcript()).contains(Base64.getEncoder().encodeToString(
                    "secret".getBytes(StandardCharsets.US_ASCII))));
            assertTrue(greenMail.waitForIncomingEmail(10_000, 1));
        }
    }

    @ParameterizedTest(name = "LOGIN only: {0}")
    @ValueSource(booleans = {false, true})
    void authWithAWrongPasswordIsStepAuth535(boolean loginOnly) throws Exception {
        try (var relay = loginOnly ? new LoginOnlyRelay(greenMail.getSmtp().getPort()) : null) {
            int port = relay != null ? relay.port() : greenMail.getSmtp().getPort();
            SmtpException e = assertThrows(SmtpException.class, () -> SmtpClient.send(
                    options(port, Security.NONE, "alice", "wrong", null), "alice@example.org",
                    List.of("b@example.org"), "Subject: auth\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII)));
            assertEquals(Step.AUTH, e.step());
            assertEquals(535, e.reply().code());
            assertTrue(e.getMessage().startsWith(loginOnly ? "AUTH LOGIN refused: 535" : "AUTH PLAIN refused: 535"),
                    e.getMessage());
            assertEquals(0, greenMail.getReceivedMessages().length);
        }
    }

    @Test
    void implicitTlsWithAuth() throws Exception {
        Options o = options(greenMail.getSmtps().getPort(), Security.TLS, "alice", "secret", ClientTls.context(null, true));
        Result r = SmtpClient.send(o, "alice@example.org", List.of("b@example.org"),
                "Subject: over tls\r\n\r\nsecret stuff\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(250, r.accepted().code());
        assertTrue(greenMail.waitForIncomingEmail(10_000, 1));
        assertEquals("over tls", greenMail.getReceivedMessages()[0].getSubject());
    }

    @Test
    void implicitTlsWithTheDefaultTrustRefusesGreenMailsSelfSignedCertificate() {
        Options o = options(greenMail.getSmtps().getPort(), Security.TLS, null, null, null);
        SmtpException e = assertThrows(SmtpException.class, () -> SmtpClient.send(o, "a@example.org",
                List.of("b@example.org"), "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Step.CONNECT, e.step());
        assertTrue(e.getMessage().startsWith("CONNECT: TLS handshake with "), e.getMessage());
    }

    /**
     * Sits between the client and GreenMail and turns GreenMail's {@code AUTH PLAIN LOGIN XOAUTH2}
     * into {@code AUTH LOGIN}, so the client has to use LOGIN and GreenMail still judges it.
     */
    private static final class LoginOnlyRelay implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final Thread thread;
        private volatile boolean done;

        LoginOnlyRelay(int target) throws IOException {
            thread = Thread.ofVirtual().start(() -> {
                try (Socket client = listener.accept(); Socket server = new Socket(InetAddress.getLoopbackAddress(), target)) {
                    Thread up = Thread.ofVirtual().start(() -> {
                        try {
                            client.getInputStream().transferTo(server.getOutputStream());
                        } catch (IOException ignored) {
                            // one side closed
                        }
                    });
                    var in = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
                    OutputStream out = client.getOutputStream();
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.matches("250[ -]AUTH .*")) {
                            line = line.substring(0, 4) + "AUTH LOGIN";
                        }
                        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                    client.shutdownOutput();
                    up.join(10_000);
                } catch (IOException | InterruptedException ignored) {
                    // the test sees the outcome through the client
                } finally {
                    done = true;
                }
            });
        }

        int port() {
            return listener.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            await().atMost(Duration.ofSeconds(10)).until(() -> done);
            listener.close();
            thread.interrupt();
        }
    }
}
