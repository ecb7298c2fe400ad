package dev.netloom.tools;

import dev.netloom.core.Settings;
import dev.netloom.core.TlsIdentity;
import dev.netloom.tools.SmtpClient.Options;
import dev.netloom.tools.SmtpClient.Result;
import dev.netloom.tools.SmtpClient.Security;
import dev.netloom.tools.SmtpClient.SmtpException;
import dev.netloom.tools.SmtpClient.Step;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SmtpClient against a scripted fake server: how each refusal and breakage is reported. */
class SmtpClientScriptedTest {

    private static final byte[] HELLO = "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
    private static SSLContext serverTls;

    @BeforeAll
    static void keystore(@TempDir Path dir) throws IOException {
        Settings settings = Settings.resolve("smtp", TlsIdentity.keys(), Map.of(),
                Map.of("keystore", dir.resolve("test.p12").toString()), dir);
        serverTls = TlsIdentity.serverContext(settings);
    }

    private static Options plain(ScriptedSmtpServer server) {
        return new Options("127.0.0.1", server.port(), Security.NONE, null, null, null, Duration.ofSeconds(10), null);
    }

    private static SmtpException refused(ScriptedSmtpServer server, Options o, List<String> to) {
        SmtpException e = assertThrows(SmtpException.class, () -> SmtpClient.send(o, "a@x.test", to, HELLO));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.finished);
        return e;
    }

    @Test
    void greetingRefusedIsStepGreetingAndTheClientSaysQuit() throws IOException {
        try (var server = new ScriptedSmtpServer("554 5.3.2 no service", Map.of(), null)) {
            SmtpException e = refused(server, plain(server), List.of("b@x.test"));
            assertEquals(Step.GREETING, e.step());
            assertEquals(554, e.reply().code());
            assertEquals("greeting refused: 554 5.3.2 no service", e.getMessage());
            assertEquals(List.of("QUIT"), server.received);
            assertTrue(e.transcript().contains("C: QUIT"), e.transcript().toString());
        }
    }

    @Test
    void multiLineGreetingAndEhloAreReadWhole() throws IOException {
        var replies = Map.of("EHLO", "250-fake.test hello\r\n250-SIZE 1000000\r\n250 HELP");
        try (var server = new ScriptedSmtpServer("220-fake.test ESMTP\r\n220-second line\r\n220 ready", replies, null)) {
            Result r = SmtpClient.send(plain(server), "a@x.test", List.of("b@x.test"), HELLO);
            assertEquals(250, r.accepted().code());
            assertTrue(r.transcript().contains("S: 220-second line"));
            assertTrue(r.transcript().contains("C: MAIL FROM:<a@x.test> SIZE=" + HELLO.length), r.transcript().toString());
            assertEquals(List.of("EHLO localhost", "MAIL FROM:<a@x.test> SIZE=" + HELLO.length, "RCPT TO:<b@x.test>",
                    "DATA", "QUIT"), server.received);
        }
    }

    @Test
    void ehlo502FallsBackToHelo() throws IOException {
        try (var server = new ScriptedSmtpServer(Map.of("EHLO", "502 5.5.1 command not implemented"))) {
            Options o = new Options("127.0.0.1", server.port(), null, null, null, "client.test", null, null);
            Result r = SmtpClient.send(o, "a@x.test", List.of("b@x.test"), HELLO);
            assertEquals(List.of("b@x.test"), r.acceptedRecipients());
            int ehlo = r.transcript().indexOf("S: 502 5.5.1 command not implemented");
            assertEquals("C: HELO client.test", r.transcript().get(ehlo + 1));
            assertEquals("MAIL FROM:<a@x.test>", server.received.get(2)); // no SIZE: HELO offers nothing
        }
    }

    @Test
    void mailRefusedStopsBeforeRcpt() throws IOException {
        try (var server = new ScriptedSmtpServer(Map.of("MAIL", "550 5.7.1 sender denied"))) {
            SmtpException e = refused(server, plain(server), List.of("b@x.test"));
            assertEquals(Step.MAIL, e.step());
            assertEquals("MAIL FROM:<a@x.test> refused: 550 5.7.1 sender denied", e.getMessage());
            assertEquals(List.of("EHLO localhost", "MAIL FROM:<a@x.test>", "QUIT"), server.received);
        }
    }

    @Test
    void oneRefusedRecipientIsReportedAndTheRestGetTheMessage() throws IOException {
        try (var server = new ScriptedSmtpServer(Map.of("RCPT TO:<bad@x.test>", "550 5.1.1 no such user"))) {
            Result r = SmtpClient.send(plain(server), "a@x.test", List.of("bad@x.test", "good@x.test"), HELLO);
            assertEquals(List.of("good@x.test"), r.acceptedRecipients());
            assertEquals(550, r.refusedRecipients().get("bad@x.test").code());
            assertEquals("250 2.0.0 queued as 1", r.accepted().toString());
            assertEquals(new String(HELLO, StandardCharsets.US_ASCII) + ".\r\n",
                    new String(server.data(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void allRecipientsRefusedIsStepRcptWithoutData() throws IOException {
        var replies = Map.of("RCPT TO:<b@x.test>", "550 5.7.1 relay denied", "RCPT TO:<c@x.test>", "450 4.2.1 try later");
        try (var server = new ScriptedSmtpServer(replies)) {
            SmtpException e = refused(server, plain(server), List.of("b@x.test", "c@x.test"));
            assertEquals(Step.RCPT, e.step());
            assertEquals(550, e.reply().code());
            assertEquals("RCPT TO:<b@x.test> refused: 550 5.7.1 relay denied; RCPT TO:<c@x.test> refused: 450 4.2.1 try later",
                    e.getMessage());
            assertFalse(server.received.contains("DATA"));
            assertEquals("QUIT", server.received.getLast());
        }
    }

    @Test
    void dataRefused() throws IOException {
        try (var server = new ScriptedSmtpServer(Map.of("DATA", "554 5.5.1 no valid recipients"))) {
            SmtpException e = refused(server, plain(server), List.of("b@x.test"));
            assertEquals(Step.DATA, e.step());
            assertEquals("DATA refused: 554 5.5.1 no valid recipients", e.getMessage());
        }
    }

    @Test
    void messageRefusedAfterTheDotIsStepMessage() throws IOException {
        try (var server = new ScriptedSmtpServer(Map.of(".", "554 5.7.1 looks like spam"))) {
            SmtpException e = refused(server, plain(server), List.of("b@x.test"));
            assertEquals(Step.MESSAGE, e.step());
            assertEquals("message refused: 554 5.7.1 looks like spam", e.getMessage());
            assertEquals(554, e.reply().code());
        }
    }

    @Test
    void serverClosingMidDialogIsAnIoFailureOfThatStep() throws IOException {
        try (var server = new ScriptedSmtpServer(Map.of("RCPT", ScriptedSmtpServer.CLOSE))) {
            SmtpException e = refused(server, plain(server), List.of("b@x.test"));
            assertEquals(Step.RCPT, e.step());
            assertNull(e.reply());
            assertEquals("RCPT: connection closed by the server", e.getMessage());
        }
    }

    @Test
    void connectRefusedIsStepConnect() throws IOException {
        int port;
        try (var closed = new ServerSocket(0)) {
            port = closed.getLocalPort();
        }
        Options o = new Options("127.0.0.1", port, null, null, null, null, Duration.ofSeconds(5), null);
        SmtpException e = assertThrows(SmtpException.class, () -> SmtpClient.send(o, "a@x.test", List.of("b@x.test"), HELLO));
        assertEquals(Step.CONNECT, e.step());
        assertTrue(e.getMessage().startsWith("CONNECT: cannot connect to 127.0.0.1:" + port), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"25O ok", "250_ok", "2500 ok", "", "hello", "25"})
    void malformedReplyLineEndsTheDialog(String line) throws IOException {
        try (var server = new ScriptedSmtpServer(Map.of("EHLO", "250-fake.test\r\n" + line))) {
            SmtpException e = refused(server, plain(server), List.of("b@x.test"));
            assertEquals(Step.EHLO, e.step());
            assertNull(e.reply());
            assertTrue(e.getMessage().startsWith("EHLO: malformed reply line: "), e.getMessage());
            assertFalse(server.received.contains("QUIT")); // out of step: just hang up
        }
    }

    @Test
    void endlessReplyIsCutOff() throws IOException {
        String huge = "250-x\r\n".repeat(SmtpReplyReader.MAX_LINES + 5) + "250 end";
        try (var server = new ScriptedSmtpServer(Map.of("EHLO", huge))) {
            SmtpException e = refused(server, plain(server), List.of("b@x.test"));
            assertEquals("EHLO: reply longer than 1000 lines", e.getMessage());
        }
    }

    @Test
    void startTlsNotOfferedIsRefusedBeforeAnythingElse() throws IOException {
        try (var server = new ScriptedSmtpServer(Map.of())) {
            Options o = new Options("127.0.0.1", server.port(), Security.STARTTLS, "alice", "secret".toCharArray(),
                    null, Duration.ofSeconds(10), null);
            SmtpException e = refused(server, o, List.of("b@x.test"));
            assertEquals(Step.STARTTLS, e.step());
            assertEquals("STARTTLS: the server does not offer STARTTLS", e.getMessage());
            assertEquals(List.of("EHLO localhost", "QUIT"), server.received); // no AUTH in the clear
        }
    }

    @Test
    void startTlsThenEhloAgainThenAuthPlain() throws IOException {
        var replies = Map.of("EHLO", "250-fake.test\r\n250-STARTTLS\r\n250 AUTH LOGIN PLAIN",
                "STARTTLS", "220 2.0.0 ready", "AUTH", "235 2.7.0 ok");
        try (var server = new ScriptedSmtpServer("220 fake.test", replies, serverTls)) {
            Options o = new Options("127.0.0.1", server.port(), Security.STARTTLS, "alice", "secret".toCharArray(),
                    null, Duration.ofSeconds(10), ClientTls.context(null, true));
            Result r = SmtpClient.send(o, "a@x.test", List.of("b@x.test"), HELLO);
            assertTrue(server.tlsStarted);
            assertEquals(List.of("EHLO localhost", "STARTTLS", "EHLO localhost", "AUTH PLAIN AGFsaWNlAHNlY3JldA==",
                    "MAIL FROM:<a@x.test>", "RCPT TO:<b@x.test>", "DATA", "QUIT"), server.received);
            assertTrue(r.transcript().contains("C: AUTH PLAIN ****"));
            assertFalse(String.join("\n", r.transcript()).contains("AGFsaWNl"));
        }
    }

    @Test
    void startTlsWithTheDefaultContextRefusesAnUntrustedCertificate() throws IOException {
        var replies = Map.of("EHLO", "250-fake.test\r\n250 STARTTLS", "STARTTLS", "220 2.0.0 ready");
        try (var server = new ScriptedSmtpServer("220 fake.test", replies, serverTls)) {
            Options o = new Options("localhost", server.port(), Security.STARTTLS, null, null, null,
                    Duration.ofSeconds(10), null);
            SmtpException e = refused(server, o, List.of("b@x.test"));
            assertEquals(Step.STARTTLS, e.step());
            assertTrue(e.getMessage().startsWith("STARTTLS: TLS handshake with localhost:" + server.port() + " failed"),
                    e.getMessage());
            assertFalse(server.received.contains("MAIL FROM:<a@x.test>"));
        }
    }

    @Test
    void authLoginWhenPlainIsNotOffered() throws IOException {
        var replies = Map.of("EHLO", "250-fake.test\r\n250 AUTH=LOGIN", "AUTH LOGIN", "334 VXNlcm5hbWU6",
                "YWxpY2U=", "334 UGFzc3dvcmQ6", "d3Jvbmc=", "535 5.7.8 authentication failed");
        try (var server = new ScriptedSmtpServer(replies)) {
            Options o = new Options("127.0.0.1", server.port(), null, "alice", "wrong".toCharArray(), null,
                    Duration.ofSeconds(10), null);
            SmtpException e = refused(server, o, List.of("b@x.test"));
            assertEquals(Step.AUTH, e.step());
            assertEquals("AUTH LOGIN refused: 535 5.7.8 authentication failed", e.getMessage());
            assertEquals(List.of("EHLO localhost", "AUTH LOGIN", "YWxpY2U=", "d3Jvbmc=", "QUIT"), server.received);
            assertEquals(List.of("C: AUTH LOGIN", "S: 334 VXNlcm5hbWU6", "C: ****", "S: 334 UGFzc3dvcmQ6", "C: ****"),
                    e.transcript().subList(4, 9));
        }
    }

    @Test
    void pipelinedEnvelopeWith8BitAndUtf8AndDotStuffing() throws IOException {
        var replies = Map.of("EHLO", "250-fake.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 1000");
        byte[] message = "Subject: caf\u00e9\n\n.\n..two\r\nbare cr\rend".getBytes(StandardCharsets.UTF_8);
        String wire = "Subject: caf\u00e9\r\n\r\n..\r\n...two\r\nbare cr\r\nend\r\n.\r\n";
        try (var server = new ScriptedSmtpServer(replies)) {
            Result r = SmtpClient.send(plain(server), "a@x.test", List.of("j\u00f6rg@x.test", "b@x.test"), message);
            assertEquals(wire, new String(server.data(), StandardCharsets.UTF_8));
            int size = wire.getBytes(StandardCharsets.UTF_8).length - 3 - 2; // without ".\r\n" and the two stuffed dots
            String mail = "MAIL FROM:<a@x.test> SIZE=" + size + " BODY=8BITMIME SMTPUTF8";
            int at = r.transcript().indexOf("C: " + mail);
            assertEquals(List.of("C: " + mail, "C: RCPT TO:<j\u00f6rg@x.test>", "C: RCPT TO:<b@x.test>", "S: 250 OK"),
                    r.transcript().subList(at, at + 4));
            assertTrue(r.transcript().contains("C: .."));
            assertTrue(r.transcript().contains("C: ...two"));
        }
    }

    @Test
    void pipelinedMailRefusalIsReportedAfterTheRcptRepliesAreRead() throws IOException {
        var replies = Map.of("EHLO", "250-fake.test\r\n250-PIPELINING\r\n250 SIZE 10",
                "MAIL", "552-5.3.4 message too big\r\n552 5.3.4 limit is 10 bytes", "RCPT", "503 5.5.1 need MAIL first");
        try (var server = new ScriptedSmtpServer(replies)) {
            SmtpException e = refused(server, plain(server), List.of("b@x.test", "c@x.test"));
            assertEquals(Step.MAIL, e.step());
            assertEquals(List.of("5.3.4 message too big", "5.3.4 limit is 10 bytes"), e.reply().lines());
            assertEquals("MAIL FROM:<a@x.test> SIZE=" + HELLO.length
                    + " refused: 552 5.3.4 message too big 5.3.4 limit is 10 bytes", e.getMessage());
            assertEquals(List.of("EHLO localhost", "MAIL FROM:<a@x.test> SIZE=" + HELLO.length, "RCPT TO:<b@x.test>",
                    "RCPT TO:<c@x.test>", "QUIT"), server.received);
            List<String> t = e.transcript();
            assertEquals("S: 503 5.5.1 need MAIL first", t.get(t.size() - 3)); // read before QUIT, so in step
        }
    }

    @Test
    void dataInjectedAfterTheStartTlsReplyIsRefused() throws IOException {
        var replies = Map.of("EHLO", "250-fake.test\r\n250 STARTTLS", "STARTTLS", "220 ready\r\n250-injected");
        try (var server = new ScriptedSmtpServer("220 fake.test", replies, serverTls)) {
            Options o = new Options("127.0.0.1", server.port(), Security.STARTTLS, null, null, null,
                    Duration.ofSeconds(10), ClientTls.context(null, true));
            SmtpException e = refused(server, o, List.of("b@x.test"));
            assertEquals(Step.STARTTLS, e.step());
            assertEquals("STARTTLS: the server sent data before the TLS handshake", e.getMessage());
            assertFalse(server.tlsStarted);
        }
    }

    @Test
    void eightBitMessageGoesOutEvenWithout8BitMime() throws IOException {
        byte[] message = "Subject: x\r\n\r\n\u00fcber\r\n".getBytes(StandardCharsets.ISO_8859_1);
        try (var server = new ScriptedSmtpServer(Map.of())) {
            SmtpClient.send(plain(server), "", List.of("b@x.test"), message);
            assertEquals("MAIL FROM:<>", server.received.get(1));
            assertEquals("Subject: x\r\n\r\n\u00fcber\r\n.\r\n", new String(server.data(), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void addressesThatWouldBreakTheCommandLineAreRejected() {
        Options o = new Options("127.0.0.1", 25, null, null, null, null, null, null);
        assertThrows(IllegalArgumentException.class, () -> SmtpClient.send(o, "a@x", List.of("b@x>\r\nDATA"), HELLO));
        assertThrows(IllegalArgumentException.class, () -> SmtpClient.send(o, "a@x", List.of(), HELLO));
        assertThrows(IllegalArgumentException.class, () -> new Options("h", 25, null, "u", null, null, null, null));
    }
}
