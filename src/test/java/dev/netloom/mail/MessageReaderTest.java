package dev.netloom.mail;

import jakarta.activation.DataHandler;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;

import static dev.netloom.mail.MailAssertions.lf;
import static dev.netloom.mail.MailAssertions.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The reader on messages Jakarta Mail made, on handwritten ones, and on malformed input. */
class MessageReaderTest {

    static final String SUBJECT = "Grüße – 東京 ✓ and a subject long enough to need more than one encoded word";

    static byte[] jakartaMessage(Properties props, Path dir, byte[] binary) throws Exception {
        Session s = Session.getInstance(props);
        MimeMessage m = new MimeMessage(s);
        m.setFrom(new InternetAddress("adam@example.com", "Ädam Äpfel", "UTF-8"));
        m.setRecipients(RecipientType.TO, "Bob <bob@example.com>, \"Doe, John\" <john@example.com>");
        m.setRecipients(RecipientType.CC, "carol@example.com");
        m.setSubject(SUBJECT, "UTF-8");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Hallo Welt, schöne Grüße!\nZeile zwei ✓\n", "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setText("<p>Hallo <b>Welt</b> ✓</p>", "UTF-8", "html");
        html.setHeader("Content-Transfer-Encoding", "base64");
        MimeMultipart alt = new MimeMultipart("alternative", text, html);
        MimeBodyPart altPart = new MimeBodyPart();
        altPart.setContent(alt);
        MimeBodyPart file = new MimeBodyPart();
        Path f = dir.resolve("notes.txt");
        Files.writeString(f, "just a file\r\n");
        file.attachFile(f.toFile());
        MimeBodyPart bin = new MimeBodyPart();
        bin.setDataHandler(new DataHandler(new ByteArrayDataSource(binary, "application/octet-stream")));
        bin.setFileName("Grüße aus Köln – Bericht ✓.bin");
        bin.setDisposition(MimeBodyPart.ATTACHMENT);
        MimeBodyPart latin = new MimeBodyPart();
        latin.setText("Grüße aus Köln", "ISO-8859-1");
        latin.setFileName("latin1.txt");
        m.setContent(new MimeMultipart("mixed", altPart, file, bin, latin));
        m.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }

    static Stream<Arguments> jakartaFilenameStyles() {
        Properties rfc2231 = new Properties();
        Properties rfc2047 = new Properties();
        rfc2047.setProperty("mail.mime.encodefilename", "true");
        rfc2047.setProperty("mail.mime.encodeparameters", "false");
        return Stream.of(Arguments.of("RFC 2231 parameters", rfc2231), Arguments.of("RFC 2047 in quotes", rfc2047));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jakartaFilenameStyles")
    void readsWhatJakartaMailWrites(String style, Properties props, @TempDir Path dir) throws Exception {
        byte[] binary = new byte[70_000];
        new Random(7).nextBytes(binary);
        ParsedMessage p = MessageReader.parse(jakartaMessage(props, dir, binary));
        assertEquals(SUBJECT, p.subject());
        assertEquals("Ädam Äpfel <adam@example.com>", p.from());
        assertEquals(List.of("bob@example.com", "john@example.com", "carol@example.com"), p.to());
        assertEquals("Hallo Welt, schöne Grüße!\nZeile zwei ✓\n", lf(p.text()));
        assertEquals("<p>Hallo <b>Welt</b> ✓</p>", p.html());
        assertEquals(3, p.attachments().size());
        Part notes = p.attachments().get(0);
        assertEquals("notes.txt", notes.filename());
        assertEquals("text/plain", notes.contentType());
        assertEquals("just a file\r\n", new String(notes.data(), StandardCharsets.US_ASCII));
        Part bin = p.attachments().get(1);
        assertEquals("Grüße aus Köln – Bericht ✓.bin", bin.filename());
        assertEquals("application/octet-stream", bin.contentType());
        assertEquals(binary.length, bin.size());
        assertEquals(sha256(binary), sha256(bin.data()));
        Part latin = p.attachments().get(2);
        assertEquals("Grüße aus Köln", new String(latin.data(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void readsIso88591AndQuotedPrintableBodies() throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setSubject("Köln", "ISO-8859-1");
        m.setText("Grüße aus Köln, " + "sehr lange Zeile ".repeat(20), "ISO-8859-1");
        m.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        ParsedMessage p = MessageReader.parse(out.toByteArray());
        assertEquals("Köln", p.subject());
        assertEquals("Grüße aus Köln, " + "sehr lange Zeile ".repeat(20), p.text());
        assertNull(p.html());
    }

    @Test
    void bareLineFeedsAndNoContentTypeMeanPlainText() {
        ParsedMessage p = MessageReader.parse("From: a@example.com\nSubject: hi\n there\n\nbody line\nsecond\n"
                .getBytes(StandardCharsets.US_ASCII));
        assertEquals("hi there", p.subject());
        assertEquals("a@example.com", p.from());
        assertEquals("body line\nsecond\n", p.text());
        assertEquals(new Header("Subject", "hi there"), p.headers().get(1));
    }

    @Test
    void rfc2231ContinuationsAndCharsets() {
        String raw = """
                Content-Type: multipart/mixed; boundary="b"

                --b
                Content-Type: text/plain

                body
                --b
                Content-Type: application/pdf; name="ignored.pdf"
                Content-Disposition: attachment;
                 filename*0*=UTF-8''Gr%C3%BC;
                 filename*1*=%C3%9Fe%20;
                 filename*2="aus K";
                 filename*3*=%C3%B6ln.pdf
                Content-Transfer-Encoding: base64

                JVBERi0=
                --b
                Content-Type: image/png; name*=iso-8859-1'de'K%F6ln.png

                png
                --b
                Content-Type: application/octet-stream

                no name
                --b--
                """;
        ParsedMessage p = MessageReader.parse(raw.getBytes(StandardCharsets.US_ASCII));
        assertEquals("body", p.text());
        assertEquals(3, p.attachments().size());
        assertEquals("Grüße aus Köln.pdf", p.attachments().get(0).filename());
        assertEquals("%PDF-", new String(p.attachments().get(0).data(), StandardCharsets.US_ASCII));
        assertEquals("Köln.png", p.attachments().get(1).filename());
        assertEquals("image/png", p.attachments().get(1).contentType());
        assertNull(p.attachments().get(2).filename());
        assertEquals(7, p.attachments().get(2).size());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            =?ISO-8859-1?Q?Gr=FC=DFe_aus_K=F6ln?=           | Grüße aus Köln
            =?UTF-8?Q?a?= =?UTF-8?Q?b?=                     | ab
            =?UTF-8?Q?a?=\t \t=?UTF-8?B?Yg==?=              | ab
            =?UTF-8?Q?a?= b =?UTF-8?Q?c?=                   | a b c
            =?UTF-8?Q?Gr=C3?= =?UTF-8?Q?=BC=C3=9Fe?=         | Grüße
            =?utf-8?b?4pyT?=                                | ✓
            =?UTF-8*en?Q?hello?=                            | hello
            =?x-unknown?Q?abc?= =?UTF-8?Q?d?=               | =?x-unknown?Q?abc?= d
            =?UTF-8?X?abc?=                                 | =?UTF-8?X?abc?=
            =?UTF-8?Q?a b?=                                 | =?UTF-8?Q?a b?=
            =?=?UTF-8?Q?x?=                                 | =?x
            plain text                                      | plain text
            =?UTF-8?B?!!!?=                                 | ''
            """)
    void decodesEncodedWords(String in, String expected) {
        assertEquals(expected.replace("\\t", "\t"), EncodedWords.decode(in.replace("\\t", "\t")));
    }

    @Test
    void addressListsWithQuotesGroupsCommentsAndAngles() {
        String raw = "To: \"Doe, John\" <john@example.com>, Team: a@x.org, (a comment, really) b@y.org;,\r\n"
                + " <c@z.net>, =?UTF-8?Q?J=C3=BCrgen?= <@relay.example:j@de.example>\r\n"
                + "Cc: undisclosed-recipients:;\r\nCc: \"quoted\\\" <fake@no>\" <real@example.com>\r\n\r\n";
        ParsedMessage p = MessageReader.parse(raw.getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of("john@example.com", "a@x.org", "b@y.org", "c@z.net", "j@de.example", "real@example.com"), p.to());
        assertEquals(2, p.headers("cc").size());
        assertEquals("\"Doe, John\" <john@example.com>, Team: a@x.org, (a comment, really) b@y.org;, <c@z.net>,"
                + " Jürgen <@relay.example:j@de.example>", p.header("TO"));
    }

    @Test
    void aBoundaryThatPrefixesAnotherDoesNotSplitIt() {
        String raw = """
                Content-Type: multipart/mixed; boundary=abc

                preamble
                --abc
                Content-Type: multipart/alternative; boundary="abcdef"

                --abcdef
                Content-Type: text/plain

                inner text
                --abcdef
                Content-Type: text/html

                <p>inner</p>
                --abcdef--
                --abc
                Content-Type: application/zip
                Content-Disposition: attachment; filename=a.zip

                PK
                --abc--
                epilogue
                """;
        ParsedMessage p = MessageReader.parse(raw.getBytes(StandardCharsets.US_ASCII));
        assertEquals("inner text", p.text());
        assertEquals("<p>inner</p>", p.html());
        assertEquals(1, p.attachments().size());
        assertEquals("a.zip", p.attachments().get(0).filename());
        assertArrayEquals("PK".getBytes(StandardCharsets.US_ASCII), p.attachments().get(0).data());
    }

    static Stream<Arguments> malformed() {
        String nested = "Content-Type: multipart/mixed; boundary=x\n\n" + "--x\nContent-Type: multipart/mixed; boundary=x\n\n".repeat(5000) + "deep\n";
        return Stream.of(
                Arguments.of("empty input", "", "", 0, ""),
                Arguments.of("headers only", "Subject: s\r\nFrom: f@x", "", 0, "s"),
                Arguments.of("no blank line, body only", "just some text\nmore", "just some text\nmore", 0, ""),
                Arguments.of("only a blank line", "\r\n", "", 0, ""),
                Arguments.of("truncated base64", "Subject: b\nContent-Transfer-Encoding: base64\n\nSGVsbG8gV29y", "Hello Wor", 0, "b"),
                Arguments.of("base64 with junk", "Content-Transfer-Encoding: BASE64\n\nSGV*sbG\n8=\n=\n", "Hello", 0, ""),
                Arguments.of("bad quoted-printable", "Content-Transfer-Encoding: quoted-printable\n\na=ZZb=\nc=4", "a=ZZbc=4", 0, ""),
                Arguments.of("missing closing boundary", "Content-Type: multipart/mixed; boundary=q\n\n--q\n\ntext\n--q\nContent-Type: image/gif\n\nGIF8", "text", 1, ""),
                Arguments.of("multipart without boundary", "Content-Type: multipart/mixed\n\n--q\n\ntext\n", null, 0, ""),
                Arguments.of("multipart with no parts", "Content-Type: multipart/mixed; boundary=q\n\nnothing here", null, 0, ""),
                Arguments.of("unknown charset", "Content-Type: text/plain; charset=x-klingon\n\nGr\u00c3\u00bc\u00c3\u009fe \u00ff", "Grüße \ufffd", 0, ""),
                Arguments.of("junk content type", "Content-Type: ;;;===\"\n\nbody", "body", 0, ""),
                Arguments.of("unterminated quotes", "Content-Type: text/plain; charset=\"utf-8\nContent-Disposition: attachment; filename=\"a\n\nx", null, 1, ""),
                Arguments.of("huge header line", "Subject: " + "x".repeat(200_000) + "\n\nbody", "body", 0, "x".repeat(200_000)),
                Arguments.of("many headers", "X-A: b\n".repeat(20_000) + "\nbody", "body", 0, ""),
                Arguments.of("5000 nested multiparts", nested, null, 0, ""),
                Arguments.of("encoded word soup", "Subject: " + "=?a?B?x=?a?Q?".repeat(20_000) + "\n\n", "", 0, "=?a?B?x=?a?Q?".repeat(20_000)),
                Arguments.of("NUL and binary", "Subject: \u0000\u00ff\n\n\u0000\u0001\u00fe", "\u0000\u0001\ufffd", 0, "\u0000\u00ff"),
                Arguments.of("mbox From line", "From someone@example.com Mon Jan  1 00:00:00 2024\nSubject: m\n\nhi", "hi", 0, "m"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedInputGivesABestEffort(String name, String raw, String text, int attachments, String subject) {
        ParsedMessage p = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> MessageReader.parseUnguarded(raw.getBytes(StandardCharsets.ISO_8859_1)));
        assertNotNull(p);
        assertEquals(text, p.text());
        assertEquals(attachments, p.attachments().size());
        assertEquals(subject, p.subject());
    }

    @Test
    void nullAndRandomBytesNeverThrow() {
        assertNotNull(MessageReader.parse(null));
        Random r = new Random(1);
        for (int i = 0; i < 200; i++) {
            byte[] b = new byte[r.nextInt(4000)];
            r.nextBytes(b);
            assertNotNull(MessageReader.parseUnguarded(b));
        }
    }
}
