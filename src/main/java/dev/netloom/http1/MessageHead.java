package dev.netloom.http1;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The head of one HTTP/1.x message as received: its start line and header fields, kept as
 * offsets into a private copy of the bytes, so that a request costs one array and no String or
 * map per field. Strings are made only for what a handler asks for.
 *
 * <p>Request heads have a method, target and version; response heads a version, status and reason.
 */
public final class MessageHead {

    /** Framing of a message body (RFC 9112 §6.3): none, a length, chunked, or until close. */
    public static final long NO_BODY = 0;
    public static final long CHUNKED = -1;
    public static final long UNTIL_CLOSE = -2;
    private static final byte[] HTTP11 = " HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] HTTP11_STATUS = "HTTP/1.1 ".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] COLON = {':', ' '};
    private static final byte[] CRLF = {'\r', '\n'};

    private final byte[] data;
    private final boolean request;
    // start line: [0, firstEnd) method or version, [middleStart, middleEnd) target or status,
    // [lastStart, lineEnd) version or reason; lineEnd is also where the start line ends
    private final int firstEnd;
    private final int middleStart;
    private final int middleEnd;
    private final int lastStart;
    private final int lineEnd;
    private final int minorVersion;
    private final int[] fields; // 4 ints per field: name start, name end, value start, value end
    private final int count;

    MessageHead(byte[] data, boolean request, int firstEnd, int middleStart, int middleEnd, int lastStart,
                int lineEnd, int minorVersion, int[] fields, int count) {
        this.data = data;
        this.request = request;
        this.firstEnd = firstEnd;
        this.middleStart = middleStart;
        this.middleEnd = middleEnd;
        this.lastStart = lastStart;
        this.lineEnd = lineEnd;
        this.minorVersion = minorVersion;
        this.fields = fields;
        this.count = count;
    }

    public boolean isRequest() {
        return request;
    }

    /** The request method as sent (case-sensitive, RFC 9110 §9.1). */
    public String method() {
        return ascii(0, firstEnd);
    }

    /** True when the method is exactly {@code name}, without making a String. */
    public boolean methodIs(String name) {
        return request && equalsAscii(0, firstEnd, name, false);
    }

    /** The request target as sent (origin-form {@code /a?b}, absolute-form, {@code *}). */
    public String target() {
        return ascii(middleStart, middleEnd);
    }

    /** The response status code. */
    public int status() {
        return parseInt(middleStart, middleEnd);
    }

    public String reason() {
        return new String(data, lastStart, lineEnd - lastStart, StandardCharsets.ISO_8859_1);
    }

    /** 0 for HTTP/1.0, 1 for HTTP/1.1 (and later 1.x, answered as 1.1). */
    public int minorVersion() {
        return minorVersion;
    }

    /** The start line as received, e.g. {@code GET /index.html HTTP/1.1}. */
    public String startLine() {
        return new String(data, 0, lineEnd, StandardCharsets.ISO_8859_1);
    }

    public int fieldCount() {
        return count;
    }

    public String name(int i) {
        return ascii(fields[4 * i], fields[4 * i + 1]);
    }

    public String value(int i) {
        return new String(data, fields[4 * i + 2], fields[4 * i + 3] - fields[4 * i + 2], StandardCharsets.ISO_8859_1);
    }

    /** The length of field {@code i}'s name, in bytes. */
    public int nameLength(int i) {
        return fields[4 * i + 1] - fields[4 * i];
    }

    /** Whether field {@code i}'s value is {@code text}, ignoring case, without making a string. */
    public boolean valueIs(int i, String text) {
        return equalsAscii(fields[4 * i + 2], fields[4 * i + 3], text, true);
    }

    /** Whether field {@code i}'s name is {@code name}, ignoring case, without making a string. */
    public boolean nameIs(int i, String name) {
        return equalsAscii(fields[4 * i], fields[4 * i + 1], name, true);
    }

    void copyRequestLine11(HeadWriter w) {
        w.bytes(data, 0, firstEnd).bytes(HTTP11, 0, 1).bytes(data, middleStart, middleEnd - middleStart)
                .bytes(HTTP11, 0, HTTP11.length);
    }

    void copyStatusLine11(HeadWriter w) {
        w.bytes(HTTP11_STATUS, 0, HTTP11_STATUS.length).bytes(data, middleStart, middleEnd - middleStart);
        if (lastStart < lineEnd) {
            w.bytes(HTTP11_STATUS, HTTP11_STATUS.length - 1, 1).bytes(data, lastStart, lineEnd - lastStart);
        } else {
            w.text(" " + Status.reason(status()));
        }
        w.bytes(CRLF, 0, 2);
    }

    void copyField(int i, HeadWriter w) {
        int f = 4 * i;
        w.bytes(data, fields[f], fields[f + 1] - fields[f]).bytes(COLON, 0, 2)
                .bytes(data, fields[f + 2], fields[f + 3] - fields[f + 2]).bytes(CRLF, 0, 2);
    }

    /** The first value of field {@code name} (case-insensitive), or null. */
    public String header(String name) {
        int i = indexOf(name, 0);
        return i < 0 ? null : value(i);
    }

    /** All values of {@code name} joined with ", " as RFC 9110 §5.3 allows, or null. */
    public String headerJoined(String name) {
        int i = indexOf(name, 0);
        if (i < 0) {
            return null;
        }
        String first = value(i);
        int j = indexOf(name, i + 1);
        if (j < 0) {
            return first;
        }
        StringBuilder sb = new StringBuilder(first);
        for (; j >= 0; j = indexOf(name, j + 1)) {
            sb.append(", ").append(value(j));
        }
        return sb.toString();
    }

    /** How many fields are named {@code name}. */
    public int occurrences(String name) {
        int n = 0;
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            n++;
        }
        return n;
    }

    /** True when field {@code name}'s comma-separated values contain {@code token}, ignoring case. */
    public boolean hasToken(String name, String token) {
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            int s = fields[4 * i + 2];
            int end = fields[4 * i + 3];
            while (s < end) {
                int comma = s;
                while (comma < end && data[comma] != ',') {
                    comma++;
                }
                int ts = s;
                int te = comma;
                while (ts < te && (data[ts] == ' ' || data[ts] == '\t')) {
                    ts++;
                }
                while (te > ts && (data[te - 1] == ' ' || data[te - 1] == '\t')) {
                    te--;
                }
                int semi = ts;
                while (semi < te && data[semi] != ';') {
                    semi++;
                }
                while (semi > ts && (data[semi - 1] == ' ' || data[semi - 1] == '\t')) {
                    semi--;
                }
                if (equalsAscii(ts, semi, token, true)) {
                    return true;
                }
                s = comma + 1;
            }
        }
        return false;
    }

    private int indexOf(String name, int from) {
        for (int i = from; i < count; i++) {
            if (equalsAscii(fields[4 * i], fields[4 * i + 1], name, true)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The body framing of a request (RFC 9112 §6.3): Transfer-Encoding with Content-Length, a
     * Transfer-Encoding that does not end in chunked, or Content-Length values that differ or
     * are not numbers are refused with 400, so that no two parsers can disagree on where this
     * message ends.
     *
     * @return {@link #NO_BODY}, a length, or {@link #CHUNKED}
     */
    public long requestBodyLength() throws HttpException {
        boolean te = indexOf("Transfer-Encoding", 0) >= 0;
        boolean cl = indexOf("Content-Length", 0) >= 0;
        if (te && cl) {
            throw new HttpException(400, "both Transfer-Encoding and Content-Length");
        }
        if (te) {
            String v = headerJoined("Transfer-Encoding").strip().toLowerCase(Locale.ROOT);
            if (!v.equals("chunked") && !v.endsWith(",chunked") && !v.endsWith(", chunked")) {
                throw new HttpException(400, "Transfer-Encoding does not end in chunked");
            }
            return CHUNKED;
        }
        return cl ? contentLength() : NO_BODY;
    }

    /**
     * The body framing of a response (RFC 9112 §6.3): none for a response to HEAD and for 1xx,
     * 204 and 304; chunked when Transfer-Encoding ends in chunked, until the connection closes
     * when it ends in another coding; else Content-Length, or until close without one. Both
     * Transfer-Encoding and Content-Length, or a bad Content-Length, are refused with 502: a
     * response that two parsers could frame differently is not passed on (§6.3 items 3-5).
     *
     * @param toHead the request was HEAD
     * @return {@link #NO_BODY}, a length, {@link #CHUNKED} or {@link #UNTIL_CLOSE}
     */
    public long responseBodyLength(boolean toHead) throws HttpException {
        int status = status();
        if (toHead || status < 200 || status == 204 || status == 304) {
            return NO_BODY;
        }
        boolean te = indexOf("Transfer-Encoding", 0) >= 0;
        boolean cl = indexOf("Content-Length", 0) >= 0;
        if (te && cl) {
            throw new HttpException(502, "both Transfer-Encoding and Content-Length");
        }
        if (te) {
            String v = headerJoined("Transfer-Encoding");
            String last = v.substring(v.lastIndexOf(',') + 1).strip();
            return last.equalsIgnoreCase("chunked") ? CHUNKED : UNTIL_CLOSE;
        }
        if (!cl) {
            return UNTIL_CLOSE;
        }
        try {
            return contentLength();
        } catch (HttpException e) {
            throw new HttpException(502, e.getMessage());
        }
    }

    /** The Content-Length, checking that all its values agree; -1 when absent. */
    public long contentLength() throws HttpException {
        long length = -1;
        for (int i = indexOf("Content-Length", 0); i >= 0; i = indexOf("Content-Length", i + 1)) {
            int s = fields[4 * i + 2];
            int end = fields[4 * i + 3];
            while (s < end) { // "5, 5" is one length said twice (RFC 9110 §8.6)
                int comma = s;
                while (comma < end && data[comma] != ',') {
                    comma++;
                }
                int ts = s;
                int te = comma;
                while (ts < te && data[ts] == ' ') {
                    ts++;
                }
                while (te > ts && data[te - 1] == ' ') {
                    te--;
                }
                long v = parseLength(ts, te);
                if (v < 0 || (length >= 0 && v != length)) {
                    throw new HttpException(400, "bad or conflicting Content-Length");
                }
                length = v;
                s = comma + 1;
            }
        }
        return length;
    }

    private long parseLength(int s, int end) {
        if (s == end || end - s > 18) {
            return -1;
        }
        long v = 0;
        for (int i = s; i < end; i++) {
            int digit = data[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            v = v * 10 + digit;
        }
        return v;
    }

    private int parseInt(int s, int end) {
        int v = 0;
        for (int i = s; i < end; i++) {
            v = v * 10 + (data[i] - '0');
        }
        return v;
    }

    private boolean equalsAscii(int s, int end, String text, boolean ignoreCase) {
        if (end - s != text.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            int x = data[s + i];
            int y = text.charAt(i);
            if (x != y) {
                if (!ignoreCase || (x | 0x20) != (y | 0x20) || (x | 0x20) < 'a' || (x | 0x20) > 'z') {
                    return false;
                }
            }
        }
        return true;
    }

    private String ascii(int s, int end) {
        return new String(data, s, end - s, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return startLine();
    }
}
