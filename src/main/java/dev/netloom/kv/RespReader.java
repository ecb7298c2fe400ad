package dev.netloom.kv;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads requests as Redis does: RESP arrays of bulk strings ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n})
 * or inline commands ({@code PING\r\n}, words split like redis-cli's quoting), from a blocking
 * stream with its own buffer. Limits and error texts are Redis's: a count or inline line over
 * 64 KiB, a bulk over {@code maxBulk}, a missing {@code $} are {@link RespException}s.
 *
 * <p>{@link #buffered()} tells the connection whether another request is already waiting, so a
 * pipeline is answered with one write at its end. {@link #position()} is the offset of the next
 * request in the stream (the AOF loader reports and cuts at it).
 */
final class RespReader {

    static final int MAX_INLINE = 64 * 1024;
    private static final int MAX_ARGS = Integer.MAX_VALUE - 8;
    /** A bulk's array starts at most this big and doubles as its bytes arrive. */
    private static final int GROW_FROM = 1024 * 1024;

    private final InputStream in;
    private final long maxBulk;
    /** Only RESP arrays, no inline commands (the append-only file). */
    private final boolean arraysOnly;
    /** The length of the stream when known (a file), else Long.MAX_VALUE. */
    private long streamEnd = Long.MAX_VALUE;
    private byte[] buf;
    private int pos;
    private int lim;
    private long consumedBefore; // bytes of the stream before buf[0]

    RespReader(InputStream in, long maxBulk) {
        this(in, maxBulk, 16 * 1024);
    }

    RespReader(InputStream in, long maxBulk, int bufferSize) {
        this(in, maxBulk, bufferSize, false);
    }

    RespReader(InputStream in, long maxBulk, int bufferSize, boolean arraysOnly) {
        this.in = in;
        this.maxBulk = maxBulk;
        this.arraysOnly = arraysOnly;
        this.buf = new byte[bufferSize];
    }

    /**
     * A reader of a file of {@code length} bytes (the append-only file): RESP arrays only, the
     * CRLF after each bulk checked, and a bulk announced longer than what is left of the file is
     * an {@link EOFException} at once instead of a read through the rest of the file.
     */
    static RespReader ofFile(InputStream in, long length, int bufferSize) {
        RespReader r = new RespReader(in, Integer.MAX_VALUE - 8, bufferSize, true);
        r.streamEnd = length;
        return r;
    }

    /** True when bytes of a next request are already buffered. */
    boolean buffered() {
        return pos < lim;
    }

    /** Offset in the stream of the next unread byte. */
    long position() {
        return consumedBefore + pos;
    }

    /**
     * The next request's arguments; null at the end of the stream between requests. Empty
     * requests ({@code *0}, blank inline lines) are skipped. An end of stream inside a request
     * is an {@link EOFException}.
     */
    byte[][] next() throws IOException {
        while (true) {
            if (pos == lim && !fill(false)) {
                return null;
            }
            if (arraysOnly && buf[pos] != '*') {
                throw new RespException("expected '*', got '" + printable(buf[pos]) + "'");
            }
            byte[][] argv = buf[pos] == '*' ? multibulk() : inline();
            if (argv.length > 0) {
                return argv;
            }
        }
    }

    private byte[][] multibulk() throws IOException {
        int end = lineEnd((byte) '\r', "too big mbulk count string");
        long n = number(pos + 1, end);
        pos = end + 2;
        if (n == Long.MIN_VALUE || n > MAX_ARGS) {
            throw new RespException("invalid multibulk length");
        }
        if (n <= 0) {
            return new byte[0][];
        }
        byte[][] argv = new byte[(int) Math.min(n, 1024)][];
        for (int i = 0; i < n; i++) {
            if (i == argv.length) {
                argv = Arrays.copyOf(argv, (int) Math.min(n, (long) argv.length * 2));
            }
            argv[i] = bulk();
        }
        return argv;
    }

    private byte[] bulk() throws IOException {
        if (pos == lim) {
            fill(true);
        }
        if (buf[pos] != '$') {
            throw new RespException("expected '$', got '" + printable(buf[pos]) + "'");
        }
        int end = lineEnd((byte) '\r', "too big bulk count string");
        long len = number(pos + 1, end);
        pos = end + 2;
        if (len < 0 || len > maxBulk) {
            throw new RespException("invalid bulk length");
        }
        if (len + 2 > streamEnd - position()) {
            throw new EOFException("a bulk string of " + len + " bytes runs past the end of the stream");
        }
        int n = (int) len;
        int have = Math.min(n, lim - pos);
        // a large value is read straight into its array, which grows as its bytes really arrive:
        // a client announcing 512 MiB and sending nothing costs 1 MiB, not 512
        byte[] value = new byte[have == n ? n : Math.min(n, Math.max(have, GROW_FROM))];
        System.arraycopy(buf, pos, value, 0, have);
        pos += have;
        while (have < n) {
            if (have == value.length) {
                value = Arrays.copyOf(value, (int) Math.min(n, 2L * value.length));
            }
            int got = in.read(value, have, value.length - have);
            if (got < 0) {
                throw new EOFException("end of stream inside a bulk string");
            }
            have += got;
            consumedBefore += got;
        }
        // the CRLF after the data: skipped unchecked as Redis does, but checked in a file
        for (int k = 0; k < 2; k++) {
            if (pos == lim) {
                fill(true);
            }
            if (arraysOnly && buf[pos] != (k == 0 ? '\r' : '\n')) {
                throw new RespException("bulk string not followed by CRLF");
            }
            pos++;
        }
        return value;
    }

    private byte[][] inline() throws IOException {
        int end = lineEnd((byte) '\n', "too big inline request");
        if (end - pos > MAX_INLINE) {
            // also when the whole line came in one read: the limit is the line's, not the read's
            throw new RespException("too big inline request");
        }
        int stop = end > pos && buf[end - 1] == '\r' ? end - 1 : end;
        byte[][] argv = split(buf, pos, stop);
        pos = end + 1;
        if (argv == null) {
            throw new RespException("unbalanced quotes in request");
        }
        return argv;
    }

    /** Index of the first {@code term} at or after pos, reading more as needed; for '\r' it must be followed by '\n'. */
    private int lineEnd(byte term, String tooBig) throws IOException {
        int from = pos;
        while (true) {
            for (int i = from; i < lim; i++) {
                if (buf[i] == term) {
                    if (term == '\r') {
                        if (i + 1 == lim) {
                            break; // the \n is not here yet
                        }
                        if (buf[i + 1] != '\n') {
                            continue;
                        }
                    }
                    return i;
                }
            }
            if (lim - pos > MAX_INLINE) {
                throw new RespException(tooBig);
            }
            from = Math.max(pos, lim - 1);
            int shift = pos;
            fill(true);
            from -= shift - pos; // fill may have moved the data to the front
        }
    }

    /** A decimal number in buf[from, to); Long.MIN_VALUE when it is not one. */
    private long number(int from, int to) {
        if (from >= to || to - from > 19) {
            return Long.MIN_VALUE;
        }
        boolean neg = buf[from] == '-';
        int i = neg ? from + 1 : from;
        if (i == to) {
            return Long.MIN_VALUE;
        }
        long v = 0;
        for (; i < to; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                return Long.MIN_VALUE;
            }
            v = v * 10 + d;
        }
        return neg ? -v : v;
    }

    /**
     * Reads more bytes, first moving what is unread to the front (or growing the buffer when it
     * is full of one unfinished line). Returns false at the end of the stream when {@code must}
     * is false; throws EOFException when it is true (the end came inside a request).
     */
    private boolean fill(boolean must) throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            consumedBefore += pos;
            lim -= pos;
            pos = 0;
        }
        if (lim == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            if (must || lim > 0) {
                throw new EOFException("end of stream inside a request");
            }
            return false;
        }
        lim += n;
        return true;
    }

    private static String printable(byte b) {
        return b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff);
    }

    /**
     * Splits an inline command into words as Redis's sdssplitargs does: spaces separate, "double
     * quotes" take \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes' take \' only; a closing
     * quote must be followed by a space or the end. Null for unbalanced quotes.
     */
    static byte[][] split(byte[] b, int from, int to) {
        List<byte[]> words = new ArrayList<>();
        int i = from;
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        while (true) {
            while (i < to && isSpace(b[i])) {
                i++;
            }
            if (i >= to) {
                return words.toArray(new byte[0][]);
            }
            w.reset();
            boolean inDq = false, inSq = false;
            while (true) {
                if (inDq) {
                    if (i >= to) {
                        return null;
                    }
                    if (b[i] == '\\' && i + 3 < to && b[i + 1] == 'x' && hex(b[i + 2]) >= 0 && hex(b[i + 3]) >= 0) {
                        w.write(hex(b[i + 2]) * 16 + hex(b[i + 3]));
                        i += 3;
                    } else if (b[i] == '\\' && i + 1 < to) {
                        i++;
                        w.write(switch (b[i]) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> b[i];
                        });
                    } else if (b[i] == '"') {
                        if (i + 1 < to && !isSpace(b[i + 1])) {
                            return null;
                        }
                        i++;
                        break;
                    } else {
                        w.write(b[i]);
                    }
                } else if (inSq) {
                    if (i >= to) {
                        return null;
                    }
                    if (b[i] == '\\' && i + 1 < to && b[i + 1] == '\'') {
                        i++;
                        w.write('\'');
                    } else if (b[i] == '\'') {
                        if (i + 1 < to && !isSpace(b[i + 1])) {
                            return null;
                        }
                        i++;
                        break;
                    } else {
                        w.write(b[i]);
                    }
                } else {
                    if (i >= to || isSpace(b[i])) {
                        break;
                    }
                    if (b[i] == '"') {
                        inDq = true;
                    } else if (b[i] == '\'') {
                        inSq = true;
                    } else {
                        w.write(b[i]);
                    }
                }
                i++;
            }
            words.add(w.toByteArray());
        }
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    private static int hex(byte c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
