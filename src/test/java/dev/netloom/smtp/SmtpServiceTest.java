package dev.netloom.smtp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netloom.core.ConnectionInfo;
import dev.netloom.core.PasswordHash;
import dev.netloom.core.Service;
import dev.netloom.mail.Attachment;
import dev.netloom.mail.Draft;
import dev.netloom.mail.MessageWriter;
import dev.netloom.testing.Net;
import dev.netloom.testing.Tap;
import dev.netloom.tools.ClientTls;
import dev.netloom.tools.SmtpClient;
import jakarta.activation.DataHandler;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.apache.commons.net.smtp.AuthenticatingSMTPClient;
import org.apache.commons.net.smtp.SMTPClient;
import org.apache.commons.net.util.TrustManagerUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The smtp server against Jakarta Mail (Angus), Apache Commons Net's SMTPClient and a raw socket:
 * what each sends is stored and read back through the JSON API byte for byte.
 */
class SmtpServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PASSWORD_HASH = PasswordHash.create("s3cret".toCharArray());

    @TempDir
    Path dir;

    private Service start(String... overrides) {
        List<String> all = new ArrayList<>(List.of("api-port=0", "store=" + dir.resolve("smtp.db"),
                "keystore=" + dir.resolve("tls/netloom.p12"), "login-delay=10ms"));
        all.addAll(Arrays.asList(overrides));
        return Net.start(SmtpService.type(), all.toArray(String[]::new));
    }

    private static String api(Service s) {
        var a = ((SmtpService) s).apiAddress();
        return "http://127.0.0.1:" + a.getPort();
    }

    private static HttpResponse<byte[]> get(Service s, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(api(s) + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode json(Service s, String path) throws Exception {
        HttpResponse<byte[]> r = get(s, path);
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        return JSON.readTree(r.body());
    }

    private static byte[] raw(Service s, long id) throws Exception {
        HttpResponse<byte[]> r = get(s, "/api/messages/" + id + "/raw");
        assertEquals(200, r.statusCode());
        return r.body();
    }

    /** The stored message without the Received header the server put first. */
    private static String withoutTrace(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("Received: from "), text);
        int end = text.indexOf("\r\n", text.indexOf("\r\n\tby ") + 2);
        while (text.startsWith("\t", end + 2)) {
            end = text.indexOf("\r\n", end + 2);
        }
        return text.substring(end + 2);
    }

    private static long total(Service s) throws Exception {
        return json(s, "/api/messages?limit=0").get("total").asLong();
    }

    private static Session session(Service s, boolean tls, boolean auth) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", Integer.toString(s.address().getPort()));
        p.put("mail.smtp.starttls.enable", Boolean.toString(tls));
        p.put("mail.smtp.starttls.required", Boolean.toString(tls));
        p.put("mail.smtp.ssl.trust", "*");
        p.put("mail.smtp.auth", Boolean.toString(auth));
        p.put("mail.smtp.timeout", "10000");
        p.put("mail.smtp.connectiontimeout", "10000");
        return Session.getInstance(p);
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void jakartaMailMultipartIsStoredByteForByte() throws Exception {
        try (Service s = start()) {
            Session session = session(s, false, false);
            byte[] data = new byte[300_000];
            new Random(7).nextBytes(data);
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress("alice@example.com"));
            m.setRecipients(Message.RecipientType.TO, "bob@example.org, carol@example.net");
            m.setRecipients(Message.RecipientType.BCC, "dave@example.com");
            m.setSubject("Grüße aus Köln ✓", "UTF-8");
            MimeBodyPart text = new MimeBodyPart();
            text.setText("Hallo Bob,\nanbei die Datei.\n.\n..zwei Punkte\n", "UTF-8");
            MimeBodyPart file = new MimeBodyPart();
            file.setDataHandler(new DataHandler(new ByteArrayDataSource(data, "application/octet-stream")));
            file.setFileName("data.bin");
            Multipart mp = new MimeMultipart(text, file);
            m.setContent(mp);
            m.saveChanges();
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            m.writeTo(sent);
            try (Transport t = session.getTransport("smtp")) { // not Transport.send, which would make a new Message-ID
                t.connect();
                t.sendMessage(m, m.getAllRecipients());
            }

            JsonNode list = json(s, "/api/messages");
            assertEquals(1, list.get("total").asLong());
            JsonNode row = list.get("messages").get(0);
            assertEquals("alice@example.com", row.get("from").asText());
            assertEquals(List.of("bob@example.org", "carol@example.net", "dave@example.com"),
                    JSON.convertValue(row.get("to"), List.class), "the envelope, Bcc included");
            assertEquals("Grüße aus Köln ✓", row.get("subject").asText());
            long id = row.get("id").asLong();
            byte[] raw = raw(s, id);
            assertEquals(raw.length, row.get("size").asLong());
            MimeMessage back = new MimeMessage(session, new ByteArrayInputStream(raw));
            assertEquals("Grüße aus Köln ✓", back.getSubject());
            Multipart parts = (Multipart) back.getContent();
            Part attached = parts.getBodyPart(1);
            assertEquals("data.bin", attached.getFileName());
            assertEquals(sha256(data), sha256(attached.getInputStream().readAllBytes()));
            assertTrue(((String) parts.getBodyPart(0).getContent()).replace("\r\n", "\n").contains("\n.\n..zwei Punkte"),
                    "dot lines intact");
            // Jakarta Mail's writeTo keeps the Bcc header and the text's bare LFs, which its SMTP transport
            // leaves out and turns into CRLF
            String expected = sent.toString(StandardCharsets.UTF_8).replace("Bcc: dave@example.com\r\n", "")
                    .replace("\r\n", "\n").replace("\n", "\r\n");
            assertEquals(expected.endsWith("\r\n") ? expected : expected + "\r\n", withoutTrace(raw), "stored as sent");

            JsonNode detail = json(s, "/api/messages/" + id);
            assertTrue(detail.get("text").asText().contains("anbei die Datei."), detail.toString());
            assertEquals("data.bin", detail.get("attachments").get(0).get("filename").asText());
            assertEquals(data.length, detail.get("attachments").get(0).get("size").asLong());
            HttpResponse<byte[]> download = get(s, "/api/messages/" + id + "/attachments/0");
            assertArrayEquals(data, download.body());
            assertEquals("attachment; filename*=UTF-8''data.bin", download.headers().firstValue("Content-Disposition").orElse(""));
        }
    }

    /** A GET to the API over a raw socket with this Host header (java.net.http will not set Host). */
    private static String getWithHost(Service s, String path, String host) throws IOException {
        return getWithHeaders(s, path, "Host: " + host);
    }

    /** A GET over a raw socket with these header lines (each without its CRLF), as sent, repeats and all. */
    private static String getWithHeaders(Service s, String path, String... headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", ((SmtpService) s).apiAddress().getPort())) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\n" + String.join("\r\n", headers)
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void apiAnswersOnlyItsOwnHostNames() throws Exception {
        try (Service s = start("hostname=Mail.Test")) {
            int port = ((SmtpService) s).apiAddress().getPort();
            for (String host : List.of("localhost", "localhost:" + port, "LOCALHOST.", "127.0.0.1", "127.0.0.1:" + port,
                    "[::1]:" + port, "mail.test", "mail.test:" + port)) {
                assertTrue(getWithHost(s, "/api/messages", host).startsWith("HTTP/1.1 200 "), host);
            }
            for (String host : List.of("evil.example", "evil.example:" + port, "localhost.evil.example", "0.0.0.0",
                    "10.1.2.3", "999.0.0.1", "[::1", "local host")) {
                String r = getWithHost(s, "/api/messages", host);
                assertTrue(r.startsWith("HTTP/1.1 403 "), host + ": " + r);
                assertTrue(r.contains("host not allowed"), r);
            }
        }
    }

    @Test
    void apiRefusesARequestWithTwoHostHeaders() throws Exception {
        try (Service s = start()) {
            // RFC 9112 section 3.2: more than one Host field is a 400, whichever of them is allowed
            for (String[] hosts : List.of(new String[] {"Host: localhost", "Host: localhost"},
                    new String[] {"Host: localhost", "Host: evil.example"},
                    new String[] {"Host: evil.example", "Host: localhost"},
                    new String[] {"Host: 127.0.0.1", "host: evil.example"})) {
                String r = getWithHeaders(s, "/api/messages", hosts);
                assertTrue(r.startsWith("HTTP/1.1 400 "), String.join(", ", hosts) + ": " + r);
                assertTrue(r.contains("more than one Host header"), r);
            }
            assertTrue(getWithHeaders(s, "/api/messages", "Host: localhost").startsWith("HTTP/1.1 200 "));
        }
    }

    @Test
    void attachmentsAreDownloadsAndActiveTypesLoseTheirType() throws Exception {
        try (Service s = start()) {
            Session session = session(s, false, false);
            MimeMessage m = new MimeMessage(session);
            m.setFrom("a@example.com");
            m.setRecipients(Message.RecipientType.TO, "b@example.com");
            List<MimeBodyPart> parts = new ArrayList<>();
            String[][] files = {{"x.html", "text/html; charset=utf-8", "<script>alert(document.cookie)</script>"},
                    {"x.svg", "image/svg+xml", "<svg onload='alert(1)'/>"}, {"x.png", "image/png", "PNG"},
                    {"x.txt", "text/plain; charset=ISO-8859-1", "plain"}, {null, "text/html", "<b>no name</b>"}};
            for (String[] f : files) {
                MimeBodyPart part = new MimeBodyPart();
                part.setDataHandler(new DataHandler(new ByteArrayDataSource(f[2].getBytes(StandardCharsets.UTF_8), f[1])));
                part.setDisposition(Part.ATTACHMENT);
                if (f[0] != null) {
                    part.setFileName(f[0]);
                }
                parts.add(part);
            }
            m.setContent(new MimeMultipart(parts.toArray(MimeBodyPart[]::new)));
            Transport.send(m);
            String[] served = {"application/octet-stream", "application/octet-stream", "image/png",
                    "text/plain", "application/octet-stream"};
            for (int i = 0; i < files.length; i++) {
                HttpResponse<byte[]> r = get(s, "/api/messages/1/attachments/" + i);
                assertEquals(200, r.statusCode());
                assertEquals(files[i][2], new String(r.body(), StandardCharsets.UTF_8));
                assertEquals(served[i], r.headers().firstValue("Content-Type").orElse(""), files[i][1]);
                assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
                assertEquals("default-src 'none'; sandbox", r.headers().firstValue("Content-Security-Policy").orElse(""));
                assertTrue(r.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment"), files[i][1]);
            }
            assertEquals("text/html",
                    json(s, "/api/messages/1").get("attachments").get(0).get("contentType").asText(),
                    "the JSON still tells what the sender said");
            // the raw source holds the same HTML: a browser that renders message/rfc822 (MHTML) must not run it
            HttpResponse<byte[]> raw = get(s, "/api/messages/1/raw");
            assertEquals("message/rfc822", raw.headers().firstValue("Content-Type").orElse(""));
            assertEquals("nosniff", raw.headers().firstValue("X-Content-Type-Options").orElse(""));
            assertEquals("default-src 'none'; sandbox", raw.headers().firstValue("Content-Security-Policy").orElse(""), "raw");
        }
    }

    @Test
    void commonsNetDialogAndReplyCodes() throws Exception {
        try (Service s = start()) {
            SMTPClient c = new SMTPClient();
            c.setDefaultTimeout(10_000);
            c.connect("127.0.0.1", s.address().getPort());
            assertEquals(220, c.getReplyCode());
            assertEquals(503, c.mail("<a@example.com>"), "MAIL before HELO");
            assertEquals(501, c.sendCommand("HELO", "forged\rReceived: by evil"), "a CR in the name");
            assertTrue(c.login("client.example"));
            assertEquals(503, c.rcpt("<b@example.com>"), "RCPT before MAIL");
            assertEquals(503, c.data(), "DATA before MAIL");
            assertEquals(252, c.vrfy("bob"));
            assertEquals(214, c.help());
            assertEquals(250, c.noop());
            assertEquals(500, c.sendCommand("FROB"));
            assertEquals(501, c.sendCommand("MAIL", "FROM:a@example.com"), "no angle brackets");
            assertEquals(501, c.sendCommand("MAIL", "FROM:<a@>"));
            assertEquals(555, c.sendCommand("MAIL", "FROM:<a@example.com> FOO=1"));
            assertTrue(c.setSender("a@example.com"));
            assertEquals(503, c.mail("<again@example.com>"), "nested MAIL");
            assertEquals(554, c.data(), "DATA without a recipient");
            assertTrue(c.addRecipient("b@example.com"));
            assertTrue(c.reset());
            assertTrue(c.setSender(""), "the null sender <> is allowed (bounces)");
            assertTrue(c.addRecipient("postmaster"));
            Writer w = c.sendMessageData();
            assertNotNull(w);
            w.write("Subject: from commons-net\r\n\r\nbody\r\n");
            w.close();
            assertTrue(c.completePendingCommand(), c.getReplyString());
            assertTrue(c.getReplyString().startsWith("250 2.0.0 Ok: queued as "), c.getReplyString());
            assertTrue(c.logout());
            assertEquals(221, c.getReplyCode());
            c.disconnect();
            JsonNode row = json(s, "/api/messages").get("messages").get(0);
            assertEquals("", row.get("from").asText());
            assertEquals("postmaster", row.get("to").get(0).asText());
        }
    }

    @Test
    void pipelinedCommandsGetTheirRepliesInOrder() throws Exception {
        try (Service s = start(); RawSmtp d = new RawSmtp(s)) {
            assertTrue(d.hello().contains("250-PIPELINING"));
            d.send("MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nRCPT TO:<bad>\r\n"
                    + "RCPT TO:<c@example.com>\r\nDATA\r\n");
            assertEquals("250 2.1.0 Ok", d.last());
            assertEquals("250 2.1.5 Ok", d.last());
            assertTrue(d.last().startsWith("501 "));
            assertEquals("250 2.1.5 Ok", d.last());
            assertTrue(d.last().startsWith("354 "));
            d.send("Subject: piped\r\n\r\nhello\r\n.\r\nMAIL FROM:<x@example.com>\r\nRSET\r\nQUIT\r\n");
            assertTrue(d.last().startsWith("250 2.0.0 Ok: queued as "));
            assertEquals("250 2.1.0 Ok", d.last());
            assertEquals("250 2.0.0 Ok", d.last());
            assertTrue(d.last().startsWith("221 "));
            assertTrue(d.closedByServer());
            JsonNode row = json(s, "/api/messages").get("messages").get(0);
            assertEquals(List.of("b@example.com", "c@example.com"), JSON.convertValue(row.get("to"), List.class));
        }
    }

    @Test
    void dotStuffingBareLfAndLongLines() throws Exception {
        try (Service s = start(); RawSmtp d = new RawSmtp(s)) {
            d.hello();
            assertEquals("250 2.1.0 Ok", d.cmd("MAIL FROM:<a@example.com>"));
            assertEquals("250 2.1.5 Ok", d.cmd("RCPT TO:<b@example.com>"));
            assertTrue(d.cmd("DATA").startsWith("354"));
            // a dot line ended by a bare LF is text, not the end (no smuggled second message)
            d.send("Subject: dots\r\n\r\n..\r\n...x\r\n.\nMAIL FROM:<evil@example.com>\r\n. \r\n.\r\n");
            String queued = d.last();
            assertTrue(queued.startsWith("250 2.0.0 Ok: queued as "), queued);
            long id = Long.parseLong(queued.substring(queued.lastIndexOf(' ') + 1));
            assertEquals("Subject: dots\r\n\r\n.\r\n..x\r\n\nMAIL FROM:<evil@example.com>\r\n \r\n",
                    withoutTrace(raw(s, id)));

            // 1000 octets with CRLF after unstuffing: the transparency dot does not count (RFC 5321 4.5.3.1.6)
            d.cmd("MAIL FROM:<a@example.com>");
            d.cmd("RCPT TO:<b@example.com>");
            d.cmd("DATA");
            String edge = d.cmd("Subject: edge\r\n\r\n.." + "z".repeat(997) + "\r\n" + "y".repeat(998) + "\r\n.");
            assertTrue(edge.startsWith("250 "), edge);
            assertTrue(withoutTrace(raw(s, 2)).contains("\r\n." + "z".repeat(997) + "\r\n" + "y".repeat(998) + "\r\n"));

            String longLine = "x".repeat(1200);
            assertEquals("500 5.5.2 Line too long", d.cmd("NOOP " + longLine));
            assertEquals("250 2.0.0 Ok", d.cmd("NOOP"), "in step after the long line");
            d.cmd("MAIL FROM:<a@example.com>");
            d.cmd("RCPT TO:<b@example.com>");
            d.cmd("DATA");
            assertEquals("500 5.5.2 Line too long (over 1000 octets)", d.cmd("Subject: x\r\n\r\n" + longLine + "\r\nend\r\n."));
            assertEquals(2, total(s), "the message with the long line is not stored");
            assertEquals("250 2.0.0 Ok", d.cmd("NOOP"));
        }
    }

    @Test
    void sizeLimitAtMailAndAfterData() throws Exception {
        try (Service s = start("max-size=2KiB"); RawSmtp d = new RawSmtp(s)) {
            assertTrue(d.hello().contains("250-SIZE 2048"));
            assertEquals("552 5.3.4 Message size exceeds fixed maximum message size",
                    d.cmd("MAIL FROM:<a@example.com> SIZE=5000"));
            assertEquals("250 2.1.0 Ok", d.cmd("MAIL FROM:<a@example.com> SIZE=100"));
            d.cmd("RCPT TO:<b@example.com>");
            d.cmd("DATA");
            String big = ("y".repeat(70) + "\r\n").repeat(40);
            assertEquals("552 5.3.4 Message size exceeds fixed maximum message size",
                    d.cmd("Subject: big\r\n\r\n" + big + "."));
            assertEquals(0, total(s));
            assertEquals("250 2.1.0 Ok", d.cmd("MAIL FROM:<a@example.com>"), "a new transaction may start");
        }
    }

    @Test
    void sizeIsDigitsOnlyAndAnUnquotedAtIsNoLocalPart() throws Exception {
        try (Service s = start("mode=local", "domains=example.test"); RawSmtp d = new RawSmtp(s)) {
            d.hello();
            for (String bad : List.of("-1", "+5", "", "1e3", "0x10")) {
                assertEquals("501 5.5.4 Bad SIZE parameter (digits only)", d.cmd("MAIL FROM:<a@b.test> SIZE=" + bad), bad);
            }
            assertEquals("552 5.3.4 Message size exceeds fixed maximum message size",
                    d.cmd("MAIL FROM:<a@b.test> SIZE=99999999999999999999"), "20 digits parse, and are too big");
            assertEquals("250 2.1.0 Ok", d.cmd("MAIL FROM:<a@b.test> SIZE=00000000000000000100"), "leading zeros: 100 bytes");
            assertTrue(d.cmd("RSET").startsWith("250"));
            assertEquals("250 2.1.0 Ok", d.cmd("MAIL FROM:<a@b.test> SIZE=0"));
            assertEquals("501 5.1.3 Bad address syntax: an unquoted '@' in the local part of <v@gmail.com@example.test>",
                    d.cmd("RCPT TO:<v@gmail.com@example.test>"));
            assertEquals("250 2.1.5 Ok", d.cmd("RCPT TO:<\"v@gmail.com\"@example.test>"), "quoted, it is a local part");
        }
    }

    @Test
    void authGuessesCloseTheSessionAndMaxPerIpRefusesAtTheGreeting() throws Exception {
        try (Service s = start("users=alice", "user.alice.password=" + PASSWORD_HASH, "auth-plaintext=true",
                "max-per-ip=2")) {
            try (RawSmtp d = new RawSmtp(s); RawSmtp second = new RawSmtp(s)) {
                d.hello();
                assertTrue(second.hello().contains("250-AUTH PLAIN LOGIN"));
                assertEquals("501 5.5.4 Syntax: AUTH mechanism", d.cmd("AUTH"), "a syntax error is no guess");
                assertEquals("535 5.7.8 Error: authentication failed", d.cmd("AUTH PLAIN " + b64("\0alice\0a")));
                assertEquals("535 5.7.8 Error: authentication failed", d.cmd("AUTH PLAIN " + b64("\0alice\0b")));
                d.send("AUTH PLAIN " + b64("\0alice\0c") + "\r\n");
                assertEquals("535 5.7.8 Error: authentication failed", d.last());
                assertEquals("421 4.7.0 localhost Error: too many failed authentications", d.last());
                assertTrue(d.closedByServer());
                await().atMost(Duration.ofSeconds(5)).until(() -> s.connections().size() == 1);
                try (RawSmtp third = new RawSmtp(s)) {
                    // the first left, so a third fits; a fourth is over max-per-ip=2
                    assertTrue(third.hello().get(0).startsWith("250-"));
                    try (RawSmtp fourth = new RawSmtp(s)) {
                        assertEquals("421 4.7.0 localhost Too many connections from your address (max 2)", fourth.last());
                        assertTrue(fourth.closedByServer());
                    }
                }
                assertEquals("235 2.7.0 Authentication successful", second.cmd("AUTH PLAIN " + b64("\0alice\0s3cret")));
            }
        }
    }

    @Test
    void localModeRefusesRelayAndCapsRecipients() throws Exception {
        try (Service s = start("mode=local", "domains=example.test,Other.Test", "max-recipients=3");
             RawSmtp d = new RawSmtp(s)) {
            d.hello();
            d.cmd("MAIL FROM:<anyone@elsewhere.test>");
            assertEquals("550 5.7.1 <x@elsewhere.test>: Relay access denied", d.cmd("RCPT TO:<x@elsewhere.test>"));
            assertEquals("250 2.1.5 Ok", d.cmd("RCPT TO:<a@example.test>"));
            assertEquals("250 2.1.5 Ok", d.cmd("RCPT TO:<b@other.test>"));
            assertEquals("250 2.1.5 Ok", d.cmd("RCPT TO:<postmaster>"));
            assertEquals("452 4.5.3 Error: too many recipients", d.cmd("RCPT TO:<c@example.test>"));
            d.cmd("DATA");
            assertTrue(d.cmd("Subject: local\r\n\r\nhi\r\n.").startsWith("250 "));
            JsonNode row = json(s, "/api/messages").get("messages").get(0);
            assertEquals(List.of("a@example.test", "b@other.test", "postmaster"), JSON.convertValue(row.get("to"), List.class));
        }
    }

    @Test
    void jakartaMailSeesRefusedRecipients() throws Exception {
        try (Service s = start("mode=local", "domains=example.test")) {
            Session session = session(s, false, false);
            MimeMessage m = new MimeMessage(session);
            m.setFrom("a@example.test");
            m.setRecipients(Message.RecipientType.TO, "ok@example.test, no@relay.test");
            m.setText("partial");
            SendFailedException e = assertThrows(SendFailedException.class, () -> Transport.send(m));
            assertEquals("no@relay.test", e.getInvalidAddresses()[0].toString());
            assertEquals(0, total(s), "Jakarta Mail does not send when a recipient is refused (sendpartial=false)");
        }
    }

    @Test
    void startTlsThenAuthWithJakartaMail() throws Exception {
        try (Service s = start("users=alice", "user.alice.password=" + PASSWORD_HASH, "auth-required=true")) {
            Session session = session(s, true, true);
            MimeMessage m = new MimeMessage(session);
            m.setFrom("alice@example.com");
            m.setRecipients(Message.RecipientType.TO, "bob@example.com");
            m.setSubject("over tls");
            m.setText("secret text");
            Transport.send(m, "alice", "s3cret");
            assertThrows(AuthenticationFailedException.class, () -> Transport.send(m, "alice", "wrong"));
            assertThrows(AuthenticationFailedException.class, () -> Transport.send(m, "mallory", "s3cret"));
            assertEquals(1, total(s));
            String received = new String(raw(s, 1), StandardCharsets.UTF_8);
            assertTrue(received.contains("with ESMTPSA"), received);
        }
    }

    @Test
    void authRulesOnTheWire() throws Exception {
        try (Service s = start("users=alice", "user.alice.password=" + PASSWORD_HASH, "auth-required=true");
             RawSmtp d = new RawSmtp(s)) {
            List<String> ehlo = d.hello();
            assertFalse(ehlo.stream().anyMatch(l -> l.contains("AUTH")), "no AUTH offered before TLS: " + ehlo);
            assertEquals("530 5.7.0 Authentication required", d.cmd("MAIL FROM:<a@example.com>"));
            assertEquals("538 5.7.11 Encryption required for requested authentication mechanism",
                    d.cmd("AUTH PLAIN " + b64("\0alice\0s3cret")));
            // anything pipelined after STARTTLS is dropped, not run after the handshake
            d.send("STARTTLS\r\nMAIL FROM:<injected@example.com>\r\n");
            assertEquals("220 2.0.0 Ready to start TLS", d.last());
            d.startTls();
            assertEquals("503 5.5.1 Error: send EHLO first", d.cmd("AUTH PLAIN " + b64("\0alice\0s3cret")),
                    "the session starts over after STARTTLS");
            List<String> again = d.ehlo();
            assertTrue(again.contains("250-AUTH PLAIN LOGIN"), again.toString());
            assertFalse(again.contains("250-STARTTLS"));
            assertEquals("535 5.7.8 Error: authentication failed", d.cmd("AUTH PLAIN " + b64("\0alice\0nope")));
            assertEquals("334 VXNlcm5hbWU6", d.cmd("AUTH LOGIN"));
            assertEquals("334 UGFzc3dvcmQ6", d.cmd(b64("alice")));
            assertEquals("235 2.7.0 Authentication successful", d.cmd(b64("s3cret")));
            assertEquals("503 5.5.1 Error: already authenticated", d.cmd("AUTH PLAIN " + b64("\0alice\0s3cret")));
            assertEquals("250 2.1.0 Ok", d.cmd("MAIL FROM:<alice@example.com>"));
        }
    }

    @Test
    void netloomsOwnClientOverStartTlsWithAuthAndAnAttachment() throws Exception {
        try (Service s = start("users=alice", "user.alice.password=" + PASSWORD_HASH, "auth-required=true")) {
            byte[] data = new byte[200_000];
            new Random(11).nextBytes(data);
            byte[] message = MessageWriter.write(new Draft("alice@example.com",
                    List.of("bob@example.com"), List.of(), "Anhang ✓", "see attached\n.\n", null,
                    List.of(new Attachment("blob.bin", "application/octet-stream", data))),
                    ZonedDateTime.now(), "example.com");
            var options = new SmtpClient.Options("127.0.0.1", s.address().getPort(),
                    SmtpClient.Security.STARTTLS, "alice", "s3cret".toCharArray(), "client.example",
                    Duration.ofSeconds(10), ClientTls.context(null, true));
            var result = SmtpClient.send(options, "alice@example.com", List.of("bob@example.com"), message);
            assertTrue(result.accepted().text().startsWith("2.0.0 Ok: queued as "), result.accepted().toString());
            assertTrue(result.transcript().contains("C: STARTTLS"), result.transcript().toString());
            byte[] raw = raw(s, 1);
            assertTrue(new String(raw, StandardCharsets.UTF_8).contains("with ESMTPSA"));
            MimeMessage back = new MimeMessage(session(s, false, false), new ByteArrayInputStream(raw));
            assertEquals("Anhang ✓", back.getSubject());
            Part attached = ((Multipart) back.getContent()).getBodyPart(1);
            assertEquals("blob.bin", attached.getFileName());
            assertEquals(sha256(data), sha256(attached.getInputStream().readAllBytes()));

            var wrong = new SmtpClient.Options("127.0.0.1", s.address().getPort(),
                    SmtpClient.Security.STARTTLS, "alice", "nope".toCharArray(), null,
                    Duration.ofSeconds(10), ClientTls.context(null, true));
            var e = assertThrows(SmtpClient.SmtpException.class,
                    () -> SmtpClient.send(wrong, "alice@example.com", List.of("bob@example.com"), message));
            assertEquals(SmtpClient.Step.AUTH, e.step());
            assertEquals(535, e.reply().code());
            assertEquals(1, total(s));
        }
    }

    @Test
    void commonsNetStartTlsAndAuthPlain() throws Exception {
        try (Service s = start("users=alice", "user.alice.password=" + PASSWORD_HASH)) {
            AuthenticatingSMTPClient c = new AuthenticatingSMTPClient();
            c.setTrustManager(TrustManagerUtils.getAcceptAllTrustManager());
            c.setDefaultTimeout(10_000);
            c.connect("127.0.0.1", s.address().getPort());
            assertEquals(250, c.ehlo("client.example"));
            assertTrue(c.execTLS(), c.getReplyString());
            assertEquals(250, c.ehlo("client.example"));
            assertTrue(c.auth(AuthenticatingSMTPClient.AUTH_METHOD.PLAIN, "alice", "s3cret"), c.getReplyString());
            assertTrue(c.sendSimpleMessage("alice@example.com", "bob@example.com", "Subject: cn\r\n\r\nvia commons-net\r\n"));
            c.logout();
            c.disconnect();
            assertTrue(withoutTrace(raw(s, 1)).endsWith("via commons-net\r\n"));
        }
    }

    @Test
    void bytesAfterStartTlsAreCountedOnTheWire() throws Exception {
        try (Service s = start(); Tap tap = Tap.to(s.address())) {
            AuthenticatingSMTPClient c = new AuthenticatingSMTPClient();
            c.setTrustManager(TrustManagerUtils.getAcceptAllTrustManager());
            c.setDefaultTimeout(10_000);
            c.connect("127.0.0.1", tap.port());
            assertEquals(250, c.ehlo("client.example"));
            assertTrue(c.execTLS(), c.getReplyString());
            assertEquals(250, c.ehlo("client.example"));
            assertEquals(250, c.noop());
            // between commands the server has read all the client sent, and the client all it wrote
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertEquals(tap.up(), s.stats().bytesIn(), "bytes in");
                assertEquals(tap.down(), s.stats().bytesOut(), "bytes out");
            });
            assertTrue(s.stats().bytesOut() > 1000, "the handshake's certificate counts: " + s.stats().bytesOut());
            c.disconnect();
        }
    }

    @Test
    void utf8AddressesNeedSmtpUtf8AndEightBitBodiesArriveIntact() throws Exception {
        try (Service s = start(); RawSmtp d = new RawSmtp(s)) {
            assertTrue(d.hello().contains("250-SMTPUTF8"));
            assertEquals("553 5.6.7 SMTPUTF8 is required for a non-ASCII address", d.cmd("MAIL FROM:<jörg@example.test>"));
            assertEquals("250 2.1.0 Ok", d.cmd("MAIL FROM:<jörg@example.test> SMTPUTF8 BODY=8BITMIME"));
            assertEquals("250 2.1.5 Ok", d.cmd("RCPT TO:<日本@例え.テスト>"));
            d.cmd("DATA");
            byte[] body = "Subject: 8bit\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nÄrger über Ümlaute — 東京\r\n"
                    .getBytes(StandardCharsets.UTF_8);
            d.send(body);
            assertTrue(d.cmd(".").startsWith("250 "));
            byte[] raw = raw(s, 1);
            assertTrue(withoutTrace(raw).equals(new String(body, StandardCharsets.UTF_8)));
            assertTrue(new String(raw, StandardCharsets.UTF_8).contains("with UTF8SMTP"), "RFC 6531 trace keyword");
            JsonNode row = json(s, "/api/messages").get("messages").get(0);
            assertEquals("jörg@example.test", row.get("from").asText());
            assertEquals("日本@例え.テスト", row.get("to").get(0).asText());
        }
    }

    @Test
    void limitsTimeoutAndShutdownAnswer421() throws Exception {
        try (Service s = start("max-connections=1", "idle-timeout=1s")) {
            try (RawSmtp first = new RawSmtp(s)) {
                assertTrue(first.last().startsWith("220 "));
                try (RawSmtp second = new RawSmtp(s)) {
                    assertEquals("421 4.7.0 localhost Too many connections (max 1)", second.last());
                }
                assertEquals("421 4.4.2 localhost Error: timeout exceeded", first.last());
                assertTrue(first.closedByServer());
            }
        }
        Service s = start();
        try (RawSmtp d = new RawSmtp(s)) {
            d.hello();
            await().atMost(Duration.ofSeconds(5)).until(() -> s.connections().size() == 1);
            Thread.ofVirtual().start(s::close);
            assertEquals("421 4.3.2 localhost Service shutting down", d.last());
            assertTrue(d.closedByServer());
        } finally {
            s.close();
        }
    }

    @Test
    void tooManyErrorsCloseTheSession() throws Exception {
        try (Service s = start(); RawSmtp d = new RawSmtp(s)) {
            d.hello();
            for (int i = 0; i < 19; i++) {
                assertTrue(d.cmd("BOGUS").startsWith("500 "));
            }
            d.send("BOGUS\r\n");
            assertTrue(d.last().startsWith("500 "));
            assertEquals("421 4.7.0 localhost Error: too many errors", d.last());
            assertTrue(d.closedByServer());
        }
    }

    @Test
    void retentionCapDropsTheOldest() throws Exception {
        try (Service s = start("max-messages=3")) {
            for (int i = 1; i <= 5; i++) {
                send(s, "Subject: n" + i + "\r\n\r\nbody " + i + "\r\n");
            }
            JsonNode list = json(s, "/api/messages");
            assertEquals(3, list.get("total").asLong());
            List<String> subjects = new ArrayList<>();
            list.get("messages").forEach(m -> subjects.add(m.get("subject").asText()));
            assertEquals(List.of("n5", "n4", "n3"), subjects);
        }
    }

    @Test
    void apiSearchDeleteAndErrors() throws Exception {
        try (Service s = start()) {
            send(s, "Subject: invoice 42\r\nFrom: billing@shop.test\r\n\r\nplease pay\r\n");
            send(s, "Subject: hello\r\n\r\nnothing about money\r\n");
            assertEquals(1, json(s, "/api/messages?q=INVOICE").get("total").asLong());
            assertEquals(1, json(s, "/api/messages?q=money").get("total").asLong(), "the text part is searched");
            assertEquals(2, json(s, "/api/messages?q=example.com").get("total").asLong(), "the envelope is searched");
            assertEquals(404, get(s, "/api/messages/999").statusCode());
            assertEquals(404, get(s, "/api/messages/abc").statusCode());
            assertEquals(404, get(s, "/nothing").statusCode());
            assertEquals(400, get(s, "/api/messages?limit=-1").statusCode());
            HttpResponse<byte[]> post = HTTP.send(HttpRequest.newBuilder(URI.create(api(s) + "/api/messages/1"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(405, post.statusCode());
            assertEquals("GET, HEAD, DELETE", post.headers().firstValue("Allow").orElse(""));
            assertEquals(204, delete(s, "/api/messages/1"));
            assertEquals(404, delete(s, "/api/messages/1"));
            assertEquals(1, total(s));
            assertEquals(204, delete(s, "/api/messages"));
            assertEquals(0, total(s));
        }
    }

    @Test
    void connsShowTheSessionState() throws Exception {
        try (Service s = start(); RawSmtp d = new RawSmtp(s)) {
            d.hello();
            d.cmd("MAIL FROM:<watch@example.com>");
            d.cmd("RCPT TO:<b@example.com>");
            await().atMost(Duration.ofSeconds(5)).until(() -> s.connections().stream().map(ConnectionInfo::activity)
                    .anyMatch(a -> a.contains("tester.example") && a.contains("from <watch@example.com> 1 rcpt")));
        }
    }

    @Test
    void storeSurvivesRestart() throws Exception {
        try (Service s = start()) {
            send(s, "Subject: kept\r\n\r\nbody\r\n");
        }
        try (Service s = start()) {
            assertEquals("kept", json(s, "/api/messages").get("messages").get(0).get("subject").asText());
            send(s, "Subject: second\r\n\r\nbody\r\n");
            assertEquals(2, total(s));
        }
    }

    private static int delete(Service s, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(api(s) + path)).DELETE().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void send(Service s, String message) throws IOException {
        try (RawSmtp d = new RawSmtp(s)) {
            d.hello();
            assertEquals("250 2.1.0 Ok", d.cmd("MAIL FROM:<a@example.com>"));
            assertEquals("250 2.1.5 Ok", d.cmd("RCPT TO:<b@example.com>"));
            assertTrue(d.cmd("DATA").startsWith("354 "));
            String r = d.cmd(message + ".");
            assertTrue(r.startsWith("250 2.0.0 Ok: queued as "), r);
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
