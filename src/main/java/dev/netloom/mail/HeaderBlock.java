package dev.netloom.mail;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/*
 * The header section of a message or body part (RFC 5322 §2.2, §3.2.2): fields
 * "name: value" one per line, a line that starts with space or tab continuing the field
 * before it (unfolding removes the line break and keeps the whitespace), ended by the first
 * empty line; the body follows it. CRLF and bare LF both end a line.
 *
 * Leniency, so that any bytes read as something: no empty line means all headers and an
 * empty body; a line that is not a field (no colon, or a name with whitespace) is skipped,
 * except that when the very first line is not a field there are no headers at all and
 * everything is body (a part that forgot its blank line); an mbox "From " line at the top is
 * skipped. Header bytes are UTF-8 when valid (RFC 6532), else ISO-8859-1.
 */

/** A parsed header section and where the body after it starts. */
record HeaderBlock(List<Header> headers, int bodyStart) {

    /** The first value of {@code name} (case-insensitive), or null. */
    String get(String name) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }

    /** Parses the headers at the start of {@code raw[from, to)}; never throws. */
    static HeaderBlock parse(byte[] raw, int from, int to) {
        List<Header> headers = new ArrayList<>();
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        int i = from;
        boolean first = true;
        while (i < to) {
            int lineEnd = i;
            while (lineEnd < to && raw[lineEnd] != '\n') {
                lineEnd++;
            }
            int contentEnd = lineEnd > i && raw[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            int next = Math.min(lineEnd + 1, to);
            if (contentEnd == i) {
                finish(field, headers);
                return new HeaderBlock(headers, next);
            }
            boolean continuation = raw[i] == ' ' || raw[i] == '\t';
            if (first && startsWith(raw, i, contentEnd, "From ")) {
                i = next;
                continue;
            }
            if (first && !continuation && toField(raw, i, contentEnd) == null) {
                return new HeaderBlock(List.of(), from);
            }
            first = false;
            if (!continuation) {
                finish(field, headers);
            }
            field.write(raw, i, contentEnd - i);
            i = next;
        }
        finish(field, headers);
        return new HeaderBlock(headers, to);
    }

    private static void finish(ByteArrayOutputStream field, List<Header> headers) {
        if (field.size() > 0) {
            byte[] b = field.toByteArray();
            Header h = toField(b, 0, b.length);
            if (h != null) {
                headers.add(h);
            }
            field.reset();
        }
    }

    /** The field in {@code raw[from, to)}, or null when it is not one. */
    private static Header toField(byte[] raw, int from, int to) {
        int colon = from;
        while (colon < to && raw[colon] != ':') {
            colon++;
        }
        if (colon == to) {
            return null;
        }
        String name = Charsets.header(raw, from, colon).strip();
        if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            return null;
        }
        return new Header(name, Charsets.header(raw, colon + 1, to).strip());
    }

    private static boolean startsWith(byte[] raw, int from, int to, String prefix) {
        if (to - from < prefix.length()) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (raw[from + k] != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
