package dev.netloom.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/*
 * RFC 2047 encoded words, as they appear in unstructured header text and display names:
 *
 *   encoded-word = "=?" charset [ "*" language ] "?" encoding "?" encoded-text "?="
 *   encoding     = "B" (base64 of the charset's bytes) / "Q" (like quoted-printable, "_" is a
 *                  space, "=XX" a byte, other printable ASCII stands for itself)
 *
 * A word is at most 75 characters; encoded-text holds no "?" and no whitespace. Whitespace
 * between two adjacent encoded words is not part of the text (§6.2). Writing always uses
 * UTF-8 and B, splitting only between characters so that every word decodes on its own.
 * Reading accepts any charset the JDK knows, joins the bytes of adjacent words in the same
 * charset before decoding (some mailers split a character across words), and leaves a word
 * with an unknown charset or a malformed shape as it stands.
 */

/**
 * Encodes header text into RFC 2047 encoded words and decodes them back.
 */
public final class EncodedWords {

    /** The longest encoded word RFC 2047 §2 allows. */
    static final int MAX_WORD = 75;
    private static final String PREFIX = "=?UTF-8?B?";

    private EncodedWords() {
    }

    /**
     * Encodes {@code text} for a header. Returns it unchanged when it is plain printable ASCII
     * (and does not itself look like an encoded word); otherwise a sequence of
     * {@code =?UTF-8?B?...?=} words, each at most 75 characters and split only between
     * characters, joined with CRLF SP so they fold when placed in a header.
     *
     * @throws NullPointerException if {@code text} is null
     */
    public static String encode(String text) {
        if (isPlain(text)) {
            return text;
        }
        return String.join("\r\n ", words(text, MAX_WORD));
    }

    /** True when {@code text} can stand in a header as it is: printable ASCII and no "=?". */
    static boolean isPlain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return !text.contains("=?");
    }

    /**
     * The encoded words for {@code text}; the first is at most {@code firstMax} characters
     * (at least 20, room for one character of any size), the others at most 75.
     */
    static List<String> words(String text, int firstMax) {
        List<String> out = new ArrayList<>();
        ByteArrayOutputStream word = new ByteArrayOutputStream();
        int limit = payload(Math.max(20, firstMax));
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            if (word.size() + b.length > limit) {
                out.add(wrap(word.toByteArray()));
                word.reset();
                limit = payload(MAX_WORD);
            }
            word.writeBytes(b);
            i += Character.charCount(cp);
        }
        if (word.size() > 0 || out.isEmpty()) {
            out.add(wrap(word.toByteArray()));
        }
        return out;
    }

    /** Most bytes whose base64 fits in a word of {@code max} characters. */
    private static int payload(int max) {
        return (max - PREFIX.length() - 2) / 4 * 3;
    }

    private static String wrap(byte[] bytes) {
        return PREFIX + Base64.getEncoder().encodeToString(bytes) + "?=";
    }

    /**
     * Decodes every well-formed B or Q encoded word in {@code headerValue}, in any charset the
     * JDK supports, and removes whitespace between adjacent encoded words. Words with an
     * unknown charset and malformed words are left as they are. Never throws; null gives null.
     */
    public static String decode(String headerValue) {
        if (headerValue == null || !headerValue.contains("=?")) {
            return headerValue;
        }
        String s = headerValue;
        StringBuilder out = new StringBuilder(s.length());
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        Charset pendingCharset = null;
        int plainStart = 0;
        int lastWordEnd = -1;
        int i = 0;
        while (true) {
            int start = s.indexOf("=?", i);
            if (start < 0) {
                break;
            }
            Word w = parseWord(s, start);
            if (w == null) {
                i = start + 2;
                continue;
            }
            String between = s.substring(plainStart, start);
            boolean adjacent = plainStart == lastWordEnd && between.isBlank();
            if (!adjacent || !w.charset.equals(pendingCharset)) {
                flush(out, pending, pendingCharset);
                pendingCharset = w.charset;
                if (!adjacent) {
                    out.append(between);
                }
            }
            pending.writeBytes(w.bytes);
            plainStart = lastWordEnd = i = w.end;
        }
        flush(out, pending, pendingCharset);
        out.append(s, plainStart, s.length());
        return out.toString();
    }

    private static void flush(StringBuilder out, ByteArrayOutputStream pending, Charset cs) {
        if (pending.size() > 0) {
            out.append(new String(pending.toByteArray(), cs));
            pending.reset();
        }
    }

    private record Word(Charset charset, byte[] bytes, int end) {
    }

    /** The encoded word starting at {@code start} ("=?"), or null; scans no further than its third "?". */
    private static Word parseWord(String s, int start) {
        int n = s.length();
        int q1 = start + 2;
        while (q1 < n && q1 - start <= MAX_WORD && s.charAt(q1) != '?' && s.charAt(q1) > ' ') {
            q1++;
        }
        if (q1 + 2 >= n || s.charAt(q1) != '?' || q1 == start + 2 || s.charAt(q1 + 2) != '?') {
            return null;
        }
        char enc = Character.toUpperCase(s.charAt(q1 + 1));
        if (enc != 'B' && enc != 'Q') {
            return null;
        }
        int textStart = q1 + 3;
        int j = textStart;
        while (j < n && s.charAt(j) != '?' && s.charAt(j) > ' ') {
            j++;
        }
        if (j + 1 >= n || s.charAt(j) != '?' || s.charAt(j + 1) != '=') {
            return null;
        }
        Charset cs = Charsets.lookup(s.substring(start + 2, q1));
        if (cs == null) {
            return null;
        }
        String text = s.substring(textStart, j);
        byte[] bytes = enc == 'B' ? TransferEncoding.base64(text.getBytes(StandardCharsets.ISO_8859_1))
                : qDecode(text);
        return new Word(cs, bytes, j + 2);
    }

    private static byte[] qDecode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int hi = i + 2 < text.length() ? TransferEncoding.hex(text.charAt(i + 1)) : -1;
            int lo = hi >= 0 ? TransferEncoding.hex(text.charAt(i + 2)) : -1;
            if (c == '_') {
                out.write(' ');
            } else if (c == '=' && lo >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    /**
     * {@code value} as an RFC 2231 extended parameter value, {@code UTF-8''} then percent-encoded
     * UTF-8: the form of a MIME {@code filename*} and of HTTP's (RFC 5987/6266).
     */
    public static String extendedValue(String value) {
        return "UTF-8''" + MimeParams.percentEncode(value);
    }
}
