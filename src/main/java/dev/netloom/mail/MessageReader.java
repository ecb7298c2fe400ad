package dev.netloom.mail;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a stored message (RFC 5322 with MIME, RFC 2045/2046) into its headers, its text and
 * html bodies and its attachments, for showing it.
 *
 * <p>The text is the first text/plain leaf that is not an attachment (a Content-Disposition of
 * attachment or a filename makes it one), the html the first such text/html leaf, both decoded
 * from their transfer encoding and charset. Every other leaf except further inline text/plain
 * and text/html alternatives becomes a {@link Part}. Multiparts are walked to a depth of
 * {@value #MAX_DEPTH}; deeper ones and multiparts without a boundary are skipped. A message
 * without Content-Type is text/plain.
 *
 * <p>Work and memory are linear in the input (times the depth limit), whatever it holds.
 */
public final class MessageReader {

    /** How deep multiparts nest before the reader stops descending. */
    static final int MAX_DEPTH = 16;

    private MessageReader() {
    }

    /**
     * Parses raw message bytes, with CRLF or bare LF line ends. Never throws on malformed
     * input: it gives a best effort, at worst a message with no headers and no bodies.
     * A null array reads as empty.
     */
    public static ParsedMessage parse(byte[] raw) {
        Walk w = new Walk();
        try {
            return parse(raw == null ? new byte[0] : raw, w);
        } catch (RuntimeException e) {
            // a bug must not take down the server that shows the message: keep what was read
            return new ParsedMessage(w.headers, w.text, w.html, w.parts);
        }
    }

    /** {@link #parse(byte[])} without its safety net, so the fuzz test sees real failures. */
    static ParsedMessage parseUnguarded(byte[] raw) {
        return parse(raw, new Walk());
    }

    private static ParsedMessage parse(byte[] raw, Walk w) {
        HeaderBlock top = HeaderBlock.parse(raw, 0, raw.length);
        w.headers = top.headers();
        walk(raw, top, raw.length, w, 0, "text/plain");
        return new ParsedMessage(w.headers, w.text, w.html, w.parts);
    }

    private static final class Walk {
        List<Header> headers = List.of();
        String text;
        String html;
        final List<Part> parts = new ArrayList<>();
    }

    private static void walk(byte[] raw, HeaderBlock entity, int end, Walk w, int depth, String defaultType) {
        MimeParams ct = MimeParams.parse(entity.get("Content-Type"));
        String type = ct.value();
        int slash = type.indexOf('/');
        if (slash <= 0 || slash == type.length() - 1) {
            type = defaultType;
        }
        if (type.startsWith("multipart/")) {
            String boundary = ct.get("boundary");
            if (boundary == null || boundary.isEmpty() || depth >= MAX_DEPTH) {
                return;
            }
            String childType = type.equals("multipart/digest") ? "message/rfc822" : "text/plain";
            for (int[] r : Multipart.split(raw, entity.bodyStart(), end, boundary)) {
                walk(raw, HeaderBlock.parse(raw, r[0], r[1]), r[1], w, depth + 1, childType);
            }
            return;
        }
        MimeParams disposition = MimeParams.parse(entity.get("Content-Disposition"));
        String filename = disposition.get("filename");
        if (filename == null) {
            filename = ct.get("name");
        }
        filename = EncodedWords.decode(filename);
        boolean attachment = disposition.value().equals("attachment") || filename != null;
        boolean plain = type.equals("text/plain");
        boolean html = type.equals("text/html");
        if (!attachment && ((plain && w.text != null) || (html && w.html != null))) {
            return;
        }
        byte[] data = TransferEncoding.decode(entity.get("Content-Transfer-Encoding"), raw, entity.bodyStart(), end);
        if (!attachment && plain) {
            w.text = Charsets.text(data, ct.get("charset"));
        } else if (!attachment && html) {
            w.html = Charsets.text(data, ct.get("charset"));
        } else {
            w.parts.add(new Part(filename, type, data.length, data));
        }
    }
}
