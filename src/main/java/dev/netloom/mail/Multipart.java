package dev.netloom.mail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/*
 * A multipart body (RFC 2046 §5.1.1):
 *
 *   preamble CRLF "--" boundary *LWSP CRLF part CRLF "--" boundary *LWSP CRLF part ...
 *   CRLF "--" boundary "--" *LWSP CRLF epilogue
 *
 * The line break before a delimiter belongs to the delimiter, not to the part. A delimiter
 * line must hold exactly "--" boundary (then "--" for the last), optionally trailing
 * whitespace: so a boundary that is a prefix of another (a nested part's) does not match the
 * longer one. Bare LF counts as a line break. A missing closing delimiter ends the last part at
 * the end of the body; preamble and epilogue are ignored.
 */

/** Splits a multipart body into its parts' byte ranges, in one pass over the lines. */
final class Multipart {

    private Multipart() {
    }

    /** The {@code [start, end)} ranges of the parts of {@code raw[from, to)}. */
    static List<int[]> split(byte[] raw, int from, int to, String boundary) {
        byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<int[]> parts = new ArrayList<>();
        int partStart = -1;
        int i = from;
        while (i < to) {
            int lineEnd = i;
            while (lineEnd < to && raw[lineEnd] != '\n') {
                lineEnd++;
            }
            if (matches(raw, i, lineEnd, delim)) {
                int k = i + delim.length;
                boolean close = k + 1 < lineEnd && raw[k] == '-' && raw[k + 1] == '-';
                if (blank(raw, close ? k + 2 : k, lineEnd)) {
                    if (partStart >= 0) {
                        parts.add(new int[] {partStart, contentEnd(raw, partStart, i)});
                    }
                    if (close) {
                        return parts;
                    }
                    partStart = Math.min(lineEnd + 1, to);
                }
            }
            i = lineEnd + 1;
        }
        if (partStart >= 0) {
            parts.add(new int[] {partStart, to});
        }
        return parts;
    }

    private static int contentEnd(byte[] raw, int start, int delimiter) {
        int end = delimiter;
        if (end > start && raw[end - 1] == '\n') {
            end--;
            if (end > start && raw[end - 1] == '\r') {
                end--;
            }
        }
        return end;
    }

    private static boolean matches(byte[] raw, int from, int lineEnd, byte[] delim) {
        if (lineEnd - from < delim.length) {
            return false;
        }
        for (int k = 0; k < delim.length; k++) {
            if (raw[from + k] != delim[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean blank(byte[] raw, int from, int to) {
        for (int k = from; k < to; k++) {
            if (raw[k] != ' ' && raw[k] != '\t' && raw[k] != '\r') {
                return false;
            }
        }
        return true;
    }
}
