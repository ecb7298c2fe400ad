package dev.netloom.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Composes a {@link Draft} into an Internet message (RFC 5322, MIME RFC 2045-2047, 2231).
 *
 * <p>Headers come in this order: Date, From, To and Cc (each left out when empty), Subject,
 * Message-ID, MIME-Version, then Content-Type and Content-Transfer-Encoding. Non-ASCII
 * subjects and display names become RFC 2047 encoded words; header lines are folded to 78
 * characters where a token boundary allows. The body is text/plain, or text/html, or
 * multipart/alternative (text, then html) when both are given, wrapped in multipart/mixed
 * with the attachments after it when there are any; see {@link MimeEntity} for the encodings.
 */
public final class MessageWriter {

    private static final int LONGEST_PLAIN_WORD = 900;

    private MessageWriter() {
    }

    /**
     * The message as bytes with CRLF line ends, every line at most 998 octets (78 in headers
     * where folding allows, 76 in base64 and quoted-printable bodies). Not dot-stuffed: that
     * is the SMTP transport's job. Bcc never appears.
     *
     * @param date            the Date header's value
     * @param messageIdDomain the right-hand side of the Message-ID, such as the host name
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code messageIdDomain} is empty, longer than 253
     *                                  characters, or holds whitespace, controls, non-ASCII,
     *                                  "@", "<" or ">"
     */
    public static byte[] write(Draft d, ZonedDateTime date, String messageIdDomain) {
        Objects.requireNonNull(d, "draft");
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(messageIdDomain, "messageIdDomain");
        if (messageIdDomain.isEmpty() || messageIdDomain.length() > 253 || !messageIdDomain.chars().allMatch(c -> c > ' ' && c < 0x7f && "@<>".indexOf(c) < 0)) {
            throw new IllegalArgumentException("messageIdDomain: expected a domain name, got '" + messageIdDomain + "'");
        }
        StringBuilder h = new StringBuilder();
        h.append(HeaderFolding.fold("Date", List.of(DateTimeFormatter.RFC_1123_DATE_TIME.format(date))));
        h.append(HeaderFolding.fold("From", Addresses.tokens(List.of(d.from()))));
        addresses(h, "To", d.to());
        addresses(h, "Cc", d.cc());
        h.append(HeaderFolding.fold("Subject", subject(d.subject())));
        h.append(HeaderFolding.fold("Message-ID", List.of("<" + UUID.randomUUID() + "@" + messageIdDomain + ">")));
        h.append("MIME-Version: 1.0\r\n");
        MimeEntity body = body(d);
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.body().length + 1024);
        out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
        body.writeTo(out);
        return out.toByteArray();
    }

    private static void addresses(StringBuilder h, String name, List<String> list) {
        List<String> tokens = Addresses.tokens(list);
        if (!tokens.isEmpty()) {
            h.append(HeaderFolding.fold(name, tokens));
        }
    }

    /** Plain words when the subject is printable ASCII, encoded words otherwise (or for a giant word). */
    private static List<String> subject(String s) {
        String[] words = s.split(" ", -1);
        if (EncodedWords.isPlain(s) && Arrays.stream(words).allMatch(w -> w.length() <= LONGEST_PLAIN_WORD)) {
            return List.of(words);
        }
        return EncodedWords.words(s, HeaderFolding.FIRST_WORD);
    }

    private static MimeEntity body(Draft d) {
        MimeEntity content;
        if (d.html() == null) {
            content = MimeEntity.text(d.text(), "plain");
        } else if (d.text() == null) {
            content = MimeEntity.text(d.html(), "html");
        } else {
            content = MimeEntity.multipart("alternative",
                    List.of(MimeEntity.text(d.text(), "plain"), MimeEntity.text(d.html(), "html")));
        }
        if (d.attachments().isEmpty()) {
            return content;
        }
        List<MimeEntity> parts = new ArrayList<>();
        parts.add(content);
        for (Attachment a : d.attachments()) {
            parts.add(MimeEntity.attachment(a));
        }
        return MimeEntity.multipart("mixed", parts);
    }
}
