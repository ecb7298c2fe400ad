package dev.netloom.shell;

import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.smtp.SmtpService;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Properties;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mail send} and {@code mail list|show|raw|delete} through the shell against a real smtp
 * service started in the same shell: what was sent, attachments included, comes back byte for
 * byte as Jakarta Mail reads it; refusals name their step.
 */
class MailCommandTest {

    @TempDir
    Path home;
    private ServiceRegistry registry;
    private ScriptShell shell;
    private ByteArrayOutputStream bytes;
    private int port;

    @BeforeEach
    void start() {
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty());
        shell = new ScriptShell(registry, home.resolve("logs"));
        bytes = shell.bytes;
        run(0, "start smtp port=0 api-port=0 store=" + home.resolve("smtp.db") + " keystore="
                + home.resolve("tls.p12") + " mode=local domains=example.test");
        port = registry.running("smtp").address().getPort();
    }

    @AfterEach
    void stop() {
        registry.stopAll();
    }

    private String run(int expectedCode, String line) {
        return shell.run(expectedCode, line);
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void sendWithAttachmentsThenListShowRawDelete() throws Exception {
        byte[] data = new byte[150_000];
        new Random(3).nextBytes(data);
        Path file = Files.write(home.resolve("report.pdf"), data);
        Path html = Files.writeString(home.resolve("body.html"), "<p>Hallo <b>Welt</b></p>");
        Path text = Files.writeString(home.resolve("body.txt"), "Hallo Bob,\nanbei.\n.\nEnde\n");
        String sent = run(0, "mail send --to bob@example.test,carol@example.test --bcc hidden@example.test"
                + " --from alice@example.test --subject 'Bericht für März ✓' --body-file " + text
                + " --html-file " + html + " --attach " + file + " --server 127.0.0.1:" + port);
        assertTrue(sent.startsWith("250 2.0.0 Ok: queued as 1 ("), sent);
        assertTrue(sent.contains("to 3 recipient(s)"), sent);

        String list = run(0, "mail list");
        assertTrue(list.contains("alice@example.test") && list.contains("bob@example.test +2")
                && list.contains("Bericht für März ✓"), list);
        assertTrue(list.endsWith("1 of 1 message(s)\n"), list);
        assertTrue(run(0, "mail list --to hidden").contains("1 of 1"), "Bcc is in the envelope");
        assertTrue(run(0, "mail list --search nothing-like-this").contains("0 of 0"));
        run(2, "mail list --limit -1");

        String show = run(0, "mail show 1");
        assertTrue(show.contains("Subject: Bericht für März ✓"), show);
        assertTrue(show.contains("To: bob@example.test, carol@example.test"), show);
        assertTrue(!show.contains("hidden@example.test\nCc") && !show.contains("Bcc"), show);
        assertTrue(show.contains("Hallo Bob,\nanbei.\n.\nEnde"), show);
        assertTrue(show.contains("0  report.pdf  application/pdf  150000 bytes"), show);

        bytes.reset();
        run(0, "mail raw 1");
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes.toByteArray()));
        assertEquals("Bericht für März ✓", m.getSubject());
        assertTrue(m.getContentType().startsWith("multipart/mixed"), m.getContentType());
        Part attached = ((Multipart) m.getContent()).getBodyPart(1);
        assertEquals("report.pdf", attached.getFileName());
        assertEquals(sha256(data), sha256(attached.getInputStream().readAllBytes()));
        assertTrue(new String(bytes.toByteArray(), StandardCharsets.UTF_8).contains("\r\nMIME-Version: 1.0\r\n"));

        Path saved = home.resolve("saved.pdf");
        String said = run(0, "mail save 1 0 -o " + saved);
        assertTrue(said.startsWith("saved attachment 0 of message 1 (report.pdf, application/pdf"), said);
        assertTrue(said.endsWith(", 150000 bytes, to " + saved + "\n"), said);
        assertEquals(sha256(data), sha256(Files.readAllBytes(saved)), "the attachment decoded, byte for byte");
        Path eml = home.resolve("m.eml");
        run(0, "mail save 1 -o " + eml);
        assertEquals(sha256(bytes.toByteArray()), sha256(Files.readAllBytes(eml)), "without PART: the stored source");
        assertTrue(run(1, "mail save 1 5 -o " + saved).contains("message 1 has no attachment 5 (HTTP 404)"));
        assertTrue(run(2, "mail save 1 abc -o " + saved).contains("error: PART: 'abc' is not a whole number"));
        assertTrue(run(1, "mail save 1 0 -o " + home.resolve("no/such/dir/f")).contains("no such directory"));
        assertEquals("report.pdf", MailBox.Save.safeName("../../etc/report.pdf", "x"));
        assertEquals("x", MailBox.Save.safeName("..", "x"));

        run(0, "mail delete 1");
        assertTrue(run(1, "mail show 1").contains("no message 1 (HTTP 404)"));
        run(2, "mail delete");
    }

    @Test
    void refusalsNameTheStepAndReply() throws Exception {
        String relay = run(1, "mail send --to x@elsewhere.test --from a@example.test --subject s --body b --server "
                + port);
        assertTrue(relay.contains("RCPT TO:<x@elsewhere.test> refused: 550 5.7.1"), relay);
        String partial = run(1, "mail send --to ok@example.test,no@elsewhere.test --from a@example.test --subject s"
                + " --body b --server 127.0.0.1:" + port);
        assertTrue(partial.contains("250 2.0.0 Ok") && partial.contains("refused <no@elsewhere.test>: 550"), partial);
        String tls = run(0, "mail send --to ok@example.test --from a@example.test --subject tls --body b --starttls -k"
                + " -v --server 127.0.0.1:" + port);
        assertTrue(tls.contains("C: STARTTLS") && tls.contains("S: 220 2.0.0 Ready to start TLS"), tls);
        assertTrue(run(0, "mail raw 2").isEmpty(), "raw goes to the byte stream");
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("with ESMTPS"), bytes.toString(StandardCharsets.UTF_8));
        String named = run(0, "mail send --to 'Bob Builder <bob@example.test>' --from 'Änne <a@example.test>'"
                + " --subject named --body b --server " + port);
        assertTrue(named.contains("to 1 recipient(s)"), named);
        bytes.reset();
        run(0, "mail raw 3");
        String raw = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(raw.contains("To: Bob Builder <bob@example.test>\r\n") && raw.contains("for <bob@example.test>"), raw);
        assertTrue(raw.contains("From: =?UTF-8?"), "a non-ASCII display name is an encoded word: " + raw);
        run(2, "mail send --from a@example.test --subject s --body b");
        run(2, "mail send --to a@example.test --from a@example.test --subject s --body b --body-file x");
        String unreachable = run(1, "mail list --api 127.0.0.1:1");
        assertTrue(unreachable.contains("cannot reach the smtp API at 127.0.0.1:1"), unreachable);
        assertTrue(registry.running("smtp") instanceof SmtpService);
    }
}
