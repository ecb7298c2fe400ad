package dev.netloom.dns;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Domain names and character strings between wire bytes and dig's presentation form
 * (RFC 1035 §5.1): in a label, {@code . " ( ) ; \ @ $} are escaped with a backslash and bytes
 * outside printable ASCII as {@code \DDD} (decimal); in a TXT string, {@code "} and {@code \}
 * are backslash-escaped and unprintable bytes {@code \DDD}.
 */
final class DnsNames {

    private DnsNames() {
    }

    static void appendLabel(StringBuilder sb, byte[] data, int from, int len) {
        for (int i = from; i < from + len; i++) {
            int c = data[i] & 0xFF;
            if (c <= 0x20 || c >= 0x7F) {
                decimal(sb, c);
            } else {
                if (".\"();\\@$".indexOf(c) >= 0) {
                    sb.append('\\');
                }
                sb.append((char) c);
            }
        }
    }

    /** A character string as dig shows it in TXT data: quoted, with its escapes. */
    static String quoted(byte[] s) {
        StringBuilder sb = new StringBuilder("\"");
        for (byte b : s) {
            int c = b & 0xFF;
            if (c < 0x20 || c >= 0x7F) {
                decimal(sb, c);
            } else {
                if (c == '"' || c == '\\') {
                    sb.append('\\');
                }
                sb.append((char) c);
            }
        }
        return sb.append('"').toString();
    }

    private static void decimal(StringBuilder sb, int c) {
        sb.append('\\').append((char) ('0' + c / 100)).append((char) ('0' + c / 10 % 10)).append((char) ('0' + c % 10));
    }

    /**
     * The wire form of a name given in presentation form, relative or absolute ({@code "."}
     * and {@code ""} are the root); {@code \X} and {@code \DDD} escapes are understood.
     *
     * @throws DnsFormatException for an empty label, a label over 63 bytes, a name over 255
     *                            bytes or a bad escape
     */
    static byte[] toWire(String name) throws DnsFormatException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream label = new ByteArrayOutputStream();
        byte[] text = name.getBytes(StandardCharsets.UTF_8);
        boolean root = name.isEmpty() || name.equals(".");
        for (int i = 0; i < text.length && !root; i++) {
            int c = text[i] & 0xFF;
            if (c == '\\') {
                if (i + 3 < text.length && isDigits(text, i + 1)) {
                    int v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
                    if (v > 255) {
                        throw new DnsFormatException("bad escape \\" + v + " in the name '" + name + "'");
                    }
                    label.write(v);
                    i += 3;
                } else if (i + 1 < text.length) {
                    label.write(text[++i]);
                } else {
                    throw new DnsFormatException("the name '" + name + "' ends in a backslash");
                }
            } else if (c == '.') {
                endLabel(out, label, name);
            } else {
                label.write(c);
            }
        }
        if (label.size() > 0) {
            endLabel(out, label, name);
        }
        out.write(0);
        if (out.size() > 255) {
            throw new DnsFormatException("the name '" + name + "' is over 255 bytes");
        }
        return out.toByteArray();
    }

    /** A name in presentation form made absolute and with dig's escapes: {@code a.example} → {@code a.example.}. */
    static String absolute(String name) throws DnsFormatException {
        byte[] wire = toWire(name);
        StringBuilder sb = new StringBuilder();
        for (int at = 0; wire[at] != 0; at += wire[at] + 1) {
            appendLabel(sb, wire, at + 1, wire[at]);
            sb.append('.');
        }
        return sb.isEmpty() ? "." : sb.toString();
    }

    private static boolean isDigits(byte[] text, int at) {
        for (int i = at; i < at + 3; i++) {
            if (text[i] < '0' || text[i] > '9') {
                return false;
            }
        }
        return true;
    }

    private static void endLabel(ByteArrayOutputStream out, ByteArrayOutputStream label, String name)
            throws DnsFormatException {
        if (label.size() == 0 || label.size() > 63) {
            throw new DnsFormatException("the name '" + name + "' has " + (label.size() == 0 ? "an empty label"
                    : "a label of " + label.size() + " bytes (at most 63)"));
        }
        out.write(label.size());
        out.writeBytes(label.toByteArray());
        label.reset();
    }
}
