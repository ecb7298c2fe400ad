package dev.netloom.mail;

import jakarta.mail.BodyPart;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.Multipart;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static dev.netloom.mail.MailAssertions.assertLines;
import static dev.netloom.mail.MailAssertions.headerSection;
import static dev.netloom.mail.MailAssertions.jakarta;
import static dev.netloom.mail.MailAssertions.lf;
import static dev.netloom.mail.MailAssertions.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer judged by Jakarta Mail (Angus): what we write, it reads back as meant. */
class MessageWriterTest {

    static final ZonedDateTime DATE = ZonedDateTime.of(2026, 3, 14, 15, 9, 26, 0, ZoneId.of("Europe/Berlin"));
    static final String SUBJECT = "Grüße – 東京 ✓ ".repeat(6) + "end";

    static byte[] write(Draft d) {
        byte[] raw = MessageWriter.write(d, DATE, "mail.example.org");
        assertLines(raw);
        return raw;
    }

    @Test
    void textOnlyIsTextPlainWithTheStandardHeaders() throws Exception {
        Draft d = new Draft("Alice <alice@example.com>", List.of("bob@example.com"), List.of(), "Hello",
                "Hi Bob,\nsecond line\r\nthird\rfourth\n", null, null);
        byte[] raw = write(d);
        MimeMessage m = jakarta(raw);
        assertTrue(m.isMimeType("text/plain"));
        assertEquals("UTF-8", new ContentType(m.getContentType()).getParameter("charset"));
        assertEquals("Hi Bob,\nsecond line\nthird\nfourth\n", lf((String) m.getContent()));
        assertEquals("Hello", m.getSubject());
        assertEquals(new InternetAddress("alice@example.com", "Alice"), m.getFrom()[0]);
        assertEquals("bob@example.com", ((InternetAddress) m.getRecipients(RecipientType.TO)[0]).getAddress());
        assertNull(m.getRecipients(RecipientType.CC));
        assertEquals(DATE.toInstant(), m.getSentDate().toInstant());
        assertTrue(m.getMessageID().matches("<[0-9a-f-]{36}@mail\\.example\\.org>"), m.getMessageID());
        assertEquals("1.0", m.getHeader("MIME-Version", null));
        assertNull(m.getHeader("Bcc"));
        List<String> names = headerNames(raw);
        assertEquals(List.of("Date", "From", "To", "Subject", "Message-ID", "MIME-Version",
                "Content-Type", "Content-Transfer-Encoding"), names);
        assertTrue(new String(raw, StandardCharsets.US_ASCII).contains("Content-Transfer-Encoding: 7bit\r\n"));
    }

    @Test
    void textAndHtmlMakeMultipartAlternativeTextFirst() throws Exception {
        Draft d = new Draft("a@example.com", List.of(), List.of("c@example.com"), "both",
                "plain ünïcode\n", "<p>html ✓</p>\n", List.of());
        MimeMessage m = jakarta(write(d));
        assertTrue(m.isMimeType("multipart/alternative"));
        Multipart mp = (Multipart) m.getContent();
        assertEquals(2, mp.getCount());
        assertTrue(mp.getBodyPart(0).isMimeType("text/plain"));
        assertTrue(mp.getBodyPart(1).isMimeType("text/html"));
        assertEquals("plain ünïcode\n", lf((String) mp.getBodyPart(0).getContent()));
        assertEquals("<p>html ✓</p>\n", lf((String) mp.getBodyPart(1).getContent()));
        assertNull(m.getRecipients(RecipientType.TO));
        assertEquals("c@example.com", ((InternetAddress) m.getRecipients(RecipientType.CC)[0]).getAddress());
    }

    @Test
    void attachmentsArriveByteForByteWithTheirNames() throws Exception {
        byte[] binary = new byte[300 * 1024];
        new Random(42).nextBytes(binary);
        String longName = "Grüße aus Tōkyō – Quartalsbericht ✓ mit einem recht langen Namen (final).bin";
        byte[] small = "a,b\r\n1,2\r\n".getBytes(StandardCharsets.US_ASCII);
        Draft d = new Draft("a@example.com", List.of("b@example.com"), List.of(), "files", "see attached",
                "<b>see attached</b>", List.of(new Attachment(longName, "application/octet-stream", binary),
                new Attachment("data \"2026\".csv", "text/csv; charset=utf-8; name=wrong.csv", small)));
        byte[] raw = write(d);
        MimeMessage m = jakarta(raw);
        assertTrue(m.isMimeType("multipart/mixed"));
        Multipart mixed = (Multipart) m.getContent();
        assertEquals(3, mixed.getCount());
        assertTrue(mixed.getBodyPart(0).isMimeType("multipart/alternative"));
        BodyPart first = mixed.getBodyPart(1);
        assertEquals(longName, first.getFileName());
        assertEquals(BodyPart.ATTACHMENT, first.getDisposition());
        assertTrue(first.isMimeType("application/octet-stream"));
        assertEquals(sha256(binary), sha256(first.getInputStream().readAllBytes()));
        BodyPart second = mixed.getBodyPart(2);
        assertEquals("data \"2026\".csv", second.getFileName());
        assertTrue(second.isMimeType("text/csv"));
        var secondType = new ContentType(second.getContentType());
        assertEquals("utf-8", secondType.getParameter("charset"));
        assertEquals("data \"2026\".csv", secondType.getParameter("name"));
        assertArrayEquals(small, second.getInputStream().readAllBytes());
        // base64 bodies in lines of 76
        int lines = 0;
        for (String line : new String(raw, StandardCharsets.US_ASCII).split("\r\n")) {
            if (line.matches("[A-Za-z0-9+/=]{60,}")) {
                assertTrue(line.length() <= 76, line);
                lines++;
            }
        }
        assertTrue(lines > 4000, "base64 lines: " + lines);
    }

    @Test
    void nonAsciiSubjectBecomesSeveralEncodedWords() throws Exception {
        Draft d = new Draft("a@example.com", List.of("b@example.com"), List.of(), SUBJECT, "x", null, null);
        byte[] raw = write(d);
        assertEquals(SUBJECT, jakarta(raw).getSubject());
        String headers = headerSection(raw);
        assertTrue(headers.split("=\\?UTF-8\\?B\\?", -1).length > 3, headers);
        assertTrue(Pattern.compile("=\\?UTF-8\\?B\\?[A-Za-z0-9+/=]*\\?=").matcher(headers).results()
                .allMatch(r -> r.group().length() <= 75));
        assertTrue(Charsets.isAscii(headers.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void longLinesAndALoneDotSurviveAsQuotedPrintable() throws Exception {
        String text = "first\n" + "0123456789".repeat(150) + "\n.\n" + "ü".repeat(500) + "\nlast line =?= \t\n";
        Draft d = new Draft("a@example.com", List.of("b@example.com"), List.of(), "long", text, null, null);
        byte[] raw = write(d);
        assertTrue(new String(raw, StandardCharsets.US_ASCII).contains("Content-Transfer-Encoding: quoted-printable"));
        String body = new String(raw, StandardCharsets.US_ASCII).split("\r\n\r\n", 2)[1];
        for (String line : body.split("\r\n")) {
            assertTrue(line.length() <= 76, line);
        }
        assertTrue(body.contains("\r\n.\r\n"), "the dot line is written as it is; the transport stuffs it");
        assertEquals(text, lf((String) jakarta(raw).getContent()));
    }

    @Test
    void displayNamesAreEncodedOrQuotedAndLongListsFolded() throws Exception {
        List<String> to = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            to.add("Person Number " + i + " <person" + i + "@example.com>");
        }
        to.add("\"Doe, John\" <john@example.com>");
        to.add("Jürgen Groß <jurgen@example.de>, 東京 太郎 <taro@example.jp>");
        Draft d = new Draft("Zoë Ärger <zoe@example.com>", to, List.of("Ops: ops1@example.com, ops2@example.com;"),
                "addresses", "x", null, null);
        byte[] raw = write(d);
        MimeMessage m = jakarta(raw);
        InternetAddress from = (InternetAddress) m.getFrom()[0];
        assertEquals("Zoë Ärger", from.getPersonal());
        assertEquals("zoe@example.com", from.getAddress());
        var rcpts = m.getRecipients(RecipientType.TO);
        assertEquals(15, rcpts.length);
        assertEquals("Doe, John", ((InternetAddress) rcpts[12]).getPersonal());
        assertEquals("Jürgen Groß", ((InternetAddress) rcpts[13]).getPersonal());
        assertEquals("東京 太郎", ((InternetAddress) rcpts[14]).getPersonal());
        assertEquals("taro@example.jp", ((InternetAddress) rcpts[14]).getAddress());
        assertEquals(2, m.getRecipients(RecipientType.CC).length);
        String headers = headerSection(raw);
        assertTrue(headers.contains("=?UTF-8?B?"));
        String toHeader = headers.substring(headers.indexOf("\r\nTo: ") + 2, headers.indexOf("\r\nCc: "));
        assertTrue(toHeader.split("\r\n ").length > 3, "folded: " + toHeader);
        for (String line : toHeader.split("\r\n ")) {
            assertTrue(line.endsWith(",") || line.endsWith("?=") || line.endsWith(">"), "folds at commas: " + toHeader);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "mail example.org", "a@b", "<x>", "tab\tdomain"})
    void badMessageIdDomainsAreRefused(String domain) {
        Draft d = new Draft("a@example.com", List.of(), List.of(), "s", "t", null, null);
        assertThrows(IllegalArgumentException.class, () -> MessageWriter.write(d, DATE, domain));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "text", "text/", "/plain", "; charset=x", "a b/c", "text/plain\r\nBcc: x@example.com", "text/plain; name=\"ü\""})
    void attachmentTypesMustBeTypeSlashSubtype(String type) {
        assertThrows(IllegalArgumentException.class, () -> new Attachment("f", type, new byte[0]));
    }

    @Test
    void draftNeedsTextOrHtml() {
        assertThrows(IllegalArgumentException.class,
                () -> new Draft("a@example.com", List.of(), List.of(), "s", null, null, null));
        assertNotNull(new Draft("a@example.com", List.of(), List.of(), null, null, "<p>", null).subject());
    }

    @Test
    void plainAsciiSubjectsAndHtmlOnlyStayReadable() throws Exception {
        String subject = "A plain subject that is long enough to be folded somewhere along the way, surely, yes";
        Draft d = new Draft("a@example.com", List.of("b@example.com"), List.of(), subject, null, "<p>hi</p>", null);
        byte[] raw = write(d);
        MimeMessage m = jakarta(raw);
        assertEquals(subject, m.getSubject());
        assertFalse(headerSection(raw).contains("=?"));
        assertTrue(m.isMimeType("text/html"));
        assertEquals("<p>hi</p>", m.getContent());
    }

    @Test
    void encodedWordsSplitOnCharacterBoundaries() {
        String s = "😀".repeat(40) + "é".repeat(40);
        String enc = EncodedWords.encode(s);
        for (String w : enc.split("\r\n ")) {
            assertTrue(w.length() <= 75, w);
            String one = EncodedWords.decode(w);
            assertFalse(one.contains("\uFFFD"), "each word decodes on its own");
        }
        assertEquals(s, EncodedWords.decode(enc));
        assertEquals("plain ascii", EncodedWords.encode("plain ascii"));
    }

    private static List<String> headerNames(byte[] raw) {
        return headerSection(raw).lines().filter(l -> !l.isEmpty() && !l.startsWith(" ") && !l.startsWith("\t"))
                .map(l -> l.substring(0, l.indexOf(':'))).toList();
    }
}
