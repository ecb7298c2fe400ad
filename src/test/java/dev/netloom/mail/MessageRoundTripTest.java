package dev.netloom.mail;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static dev.netloom.mail.MailAssertions.lf;
import static dev.netloom.mail.MailAssertions.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What {@link MessageWriter} writes, {@link MessageReader} reads back unchanged. */
class MessageRoundTripTest {

    @Test
    void everythingComesBack() {
        byte[] binary = new byte[100_003];
        new Random(3).nextBytes(binary);
        String text = "Hallo ✓\n.\n" + "long ".repeat(300) + "\nend";
        Draft d = new Draft("Zoë <zoe@example.com>", List.of("\"Doe, John\" <john@example.com>", "b@example.com"),
                List.of("東京 <c@example.jp>"), MessageWriterTest.SUBJECT, text, "<p>✓</p>",
                List.of(new Attachment("Grüße ✓.bin", "application/octet-stream", binary),
                        new Attachment("empty.txt", "text/plain", new byte[0]),
                        new Attachment("x".repeat(200) + ".dat", "application/x-thing", new byte[] {0, 1, 2})));
        ParsedMessage p = MessageReader.parse(MessageWriter.write(d, MessageWriterTest.DATE, "example.com"));
        assertEquals(MessageWriterTest.SUBJECT, p.subject());
        assertEquals("Zoë <zoe@example.com>", p.from());
        assertEquals(List.of("john@example.com", "b@example.com", "c@example.jp"), p.to());
        assertEquals(text, lf(p.text()));
        assertEquals("<p>✓</p>", p.html());
        assertEquals(3, p.attachments().size());
        assertEquals("Grüße ✓.bin", p.attachments().get(0).filename());
        assertEquals(sha256(binary), sha256(p.attachments().get(0).data()));
        assertEquals("empty.txt", p.attachments().get(1).filename());
        assertEquals(0, p.attachments().get(1).size());
        assertEquals("x".repeat(200) + ".dat", p.attachments().get(2).filename());
        assertEquals("application/x-thing", p.attachments().get(2).contentType());
        assertEquals(3, p.attachments().get(2).size());
        assertEquals(1, p.headers("Message-ID").size());
        assertNull(p.header("Bcc"));
    }

    @Test
    void textWithBoundaryLikeLinesStaysWhole() {
        String text = "--=_nl_\n--\n-- \nFrom: not a header\n\nstill text";
        Draft d = new Draft("a@example.com", List.of("b@example.com"), List.of(), "", text, "<i>x</i>", null);
        byte[] raw = MessageWriter.write(d, MessageWriterTest.DATE, "example.com");
        ParsedMessage p = MessageReader.parse(raw);
        assertEquals(text, lf(p.text()));
        assertEquals("", p.subject());
        assertEquals("<i>x</i>", p.html());
        MailAssertions.assertLines(raw);
        assertEquals(List.of("b@example.com"), p.to());
        assertEquals("a@example.com", new String(raw, StandardCharsets.US_ASCII).lines()
                .filter(l -> l.startsWith("From: ")).findFirst().orElseThrow().substring(6));
    }
}
