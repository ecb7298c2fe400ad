package dev.netloom.mail;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

/*
 * Content-Transfer-Encoding (RFC 2045 §6): base64 in lines of 76 characters ending in CRLF
 * (§6.8), quoted-printable (§6.7, see QuotedPrintable), and the identity encodings 7bit,
 * 8bit and binary. Decoding base64 skips every character outside the alphabet (line breaks,
 * stray spaces, junk); an "=" ends a group of four early (so chunks padded one by one, as some
 * senders write them, still decode), and a dangling single character is dropped. An
 * unknown encoding is taken as identity.
 */

/** Content-Transfer-Encoding, both ways. */
final class TransferEncoding {

    private static final byte[] ALPHABET = new byte[128];

    static {
        Arrays.fill(ALPHABET, (byte) -1);
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < chars.length(); i++) {
            ALPHABET[chars.charAt(i)] = (byte) i;
        }
    }

    private TransferEncoding() {
    }

    /** {@code data} as base64 in 76-character lines, each ending in CRLF (none for empty data). */
    static byte[] base64Lines(byte[] data) {
        if (data.length == 0) {
            return new byte[0];
        }
        byte[] body = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encode(data);
        byte[] out = Arrays.copyOf(body, body.length + 2);
        out[body.length] = '\r';
        out[body.length + 1] = '\n';
        return out;
    }

    /** Decodes {@code raw[from, to)} as the encoding named by a Content-Transfer-Encoding value (null: 7bit). */
    static byte[] decode(String encoding, byte[] raw, int from, int to) {
        String e = encoding == null ? "" : encoding.trim().toLowerCase(Locale.ROOT);
        return switch (e) {
            case "base64" -> base64(raw, from, to);
            case "quoted-printable" -> QuotedPrintable.decode(raw, from, to);
            default -> Arrays.copyOfRange(raw, from, to);
        };
    }

    static byte[] base64(byte[] raw) {
        return base64(raw, 0, raw.length);
    }

    /** Lenient base64: see the comment at the top of this file. */
    static byte[] base64(byte[] raw, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((to - from) / 4 * 3 + 3);
        int bits = 0;
        int count = 0;
        for (int i = from; i < to; i++) {
            int c = raw[i] & 0xff;
            if (c == '=') {
                flush(out, bits, count);
                bits = 0;
                count = 0;
                continue;
            }
            int v = c < 128 ? ALPHABET[c] : -1;
            if (v < 0) {
                continue;
            }
            bits = bits << 6 | v;
            if (++count == 4) {
                out.write(bits >> 16);
                out.write(bits >> 8);
                out.write(bits);
                bits = 0;
                count = 0;
            }
        }
        flush(out, bits, count);
        return out.toByteArray();
    }

    private static void flush(ByteArrayOutputStream out, int bits, int count) {
        if (count == 2) {
            out.write(bits >> 4);
        } else if (count == 3) {
            out.write(bits >> 10);
            out.write(bits >> 2);
        }
    }

    /** The value of an ASCII hex digit, or -1. */
    static int hex(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }
}
