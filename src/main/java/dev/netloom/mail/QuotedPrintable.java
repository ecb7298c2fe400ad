package dev.netloom.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/*
 * Quoted-printable (RFC 2045 §6.7). Printable ASCII other than "=" stands for itself, any
 * other byte is "=" and two upper-case hex digits, space and tab stand for themselves except at
 * the end of a line, CRLF is a line break of the text, and "=" at the end of a line is a soft
 * break that is not part of the text. Encoded lines are at most 76 characters.
 *
 * Decoding is lenient: lower-case hex is accepted, an "=" not followed by two hex digits or a
 * line end stays as it is, bare LF counts as a line end, and whitespace at the end of a line
 * (which transports may add) is dropped.
 */

/** Quoted-printable encoding and decoding of bytes. */
final class QuotedPrintable {

    private static final int MAX_LINE = 76;
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private QuotedPrintable() {
    }

    /** Encodes {@code data}, whose line breaks are CRLF; those stay line breaks. */
    static byte[] encode(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + data.length / 8 + 16);
        int n = data.length;
        int col = 0;
        for (int i = 0; i < n; i++) {
            int b = data[i] & 0xff;
            if (b == '\r' && i + 1 < n && data[i + 1] == '\n') {
                out.write('\r');
                out.write('\n');
                col = 0;
                i++;
                continue;
            }
            boolean lineEnd = i + 1 == n || (data[i + 1] == '\r' && i + 2 < n && data[i + 2] == '\n');
            boolean literal = (b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !lineEnd);
            int len = literal ? 1 : 3;
            // the last token of a line may use the column a soft break's "=" would need
            if (col + len > (lineEnd ? MAX_LINE : MAX_LINE - 1)) {
                out.write('=');
                out.write('\r');
                out.write('\n');
                col = 0;
            }
            if (literal) {
                out.write(b);
            } else {
                out.write('=');
                out.write(HEX[b >> 4]);
                out.write(HEX[b & 15]);
            }
            col += len;
        }
        return out.toByteArray();
    }

    /** Decodes {@code raw[from, to)}; never fails. */
    static byte[] decode(byte[] raw, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            int c = raw[i] & 0xff;
            if (c == '=') {
                int hi = i + 2 < to ? TransferEncoding.hex(raw[i + 1]) : -1;
                int lo = hi >= 0 ? TransferEncoding.hex(raw[i + 2]) : -1;
                if (lo >= 0) {
                    out.write(hi << 4 | lo);
                    i += 2;
                    continue;
                }
                int j = skipBlanks(raw, i + 1, to);
                if (j == to) {
                    i = j - 1;
                    continue;
                }
                if (raw[j] == '\n' || (raw[j] == '\r' && j + 1 < to && raw[j + 1] == '\n')) {
                    i = raw[j] == '\r' ? j + 1 : j;
                    continue;
                }
                out.write(c);
            } else if (c == ' ' || c == '\t') {
                int j = skipBlanks(raw, i, to);
                boolean trailing = j == to || raw[j] == '\r' || raw[j] == '\n';
                if (!trailing) {
                    out.write(raw, i, j - i);
                }
                i = j - 1;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    private static int skipBlanks(byte[] raw, int i, int to) {
        while (i < to && (raw[i] == ' ' || raw[i] == '\t')) {
            i++;
        }
        return i;
    }
}
