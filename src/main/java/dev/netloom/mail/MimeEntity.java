package dev.netloom.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/*
 * The MIME entities the writer makes (RFC 2045, RFC 2046):
 *
 *   text       Content-Type: text/plain or text/html; charset="UTF-8", line breaks CRLF,
 *              Content-Transfer-Encoding 7bit when every byte is ASCII (no NUL or other
 *              controls but tab) and every line is at most 998 octets, else quoted-printable
 *   attachment Content-Type: <type>; <the caller's parameters>; name=..., Content-Disposition: attachment; filename=...,
 *              Content-Transfer-Encoding: base64 in 76-character lines
 *   multipart  Content-Type: multipart/<sub>; boundary="=_nl_<28 random alphanumerics>",
 *              each child as "--" boundary CRLF headers CRLF body CRLF, then "--" boundary "--"
 *
 * A boundary starts with "=_", which neither base64 nor our quoted-printable can produce, and
 * is checked against the children anyway, since 7bit text can hold anything.
 */

/** One MIME entity ready to write: its Content-* header lines (each ending in CRLF) and its body. */
record MimeEntity(String headers, byte[] body) {

    private static final int MAX_7BIT_LINE = 998;
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A text/{@code subtype} entity for {@code text}, whose line breaks may be CR, LF or CRLF. */
    static MimeEntity text(String text, String subtype) {
        byte[] bytes = text.replaceAll("\r\n|\r|\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        boolean sevenBit = isSevenBit(bytes);
        String headers = HeaderFolding.fold("Content-Type", MimeParams.tokens("text/" + subtype, "charset", "UTF-8"))
                + "Content-Transfer-Encoding: " + (sevenBit ? "7bit" : "quoted-printable") + "\r\n";
        return new MimeEntity(headers, sevenBit ? bytes : QuotedPrintable.encode(bytes));
    }

    /** An attachment entity, base64-encoded. */
    static MimeEntity attachment(Attachment a) {
        MimeParams type = MimeParams.parse(a.contentType());
        List<String> params = new ArrayList<>();
        type.params().forEach((k, v) -> {
            if (!k.equals("name") && !k.isEmpty()) {
                params.add(k);
                params.add(v);
            }
        });
        params.add("name");
        params.add(a.filename());
        String headers = HeaderFolding.fold("Content-Type", MimeParams.tokens(type.value(), params.toArray(String[]::new)))
                + HeaderFolding.fold("Content-Disposition", MimeParams.tokens("attachment", "filename", a.filename()))
                + "Content-Transfer-Encoding: base64\r\n";
        return new MimeEntity(headers, TransferEncoding.base64Lines(a.bytes()));
    }

    /** A multipart/{@code subtype} entity holding {@code children} in order. */
    static MimeEntity multipart(String subtype, List<MimeEntity> children) {
        String boundary;
        do {
            StringBuilder sb = new StringBuilder("=_nl_");
            for (int i = 0; i < 28; i++) {
                sb.append(ALNUM.charAt(RANDOM.nextInt(ALNUM.length())));
            }
            boundary = sb.toString();
        } while (occursIn(children, ("--" + boundary).getBytes(StandardCharsets.US_ASCII)));
        byte[] delim = ("--" + boundary + "\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (MimeEntity child : children) {
            out.writeBytes(delim);
            child.writeTo(out);
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        String headers = HeaderFolding.fold("Content-Type", MimeParams.tokens("multipart/" + subtype, "boundary", boundary));
        return new MimeEntity(headers, out.toByteArray());
    }

    /** Headers, the empty line, then the body. */
    void writeTo(ByteArrayOutputStream out) {
        out.writeBytes(headers.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(new byte[] {'\r', '\n'});
        out.writeBytes(body);
    }

    private static boolean isSevenBit(byte[] b) {
        int line = 0;
        for (byte c : b) {
            if (c == '\n') {
                line = 0;
                continue;
            }
            if (c <= 0 || (c < ' ' && c != '\t' && c != '\r') || c == 0x7f || ++line > MAX_7BIT_LINE) {
                return false;
            }
        }
        return true;
    }

    private static boolean occursIn(List<MimeEntity> children, byte[] needle) {
        for (MimeEntity child : children) {
            if (indexOf(child.body, needle) >= 0 || child.headers.contains(new String(needle, StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
