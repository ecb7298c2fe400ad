package dev.netloom.kv;

import dev.netloom.core.DataReader;
import dev.netloom.resp.RespArgs;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * Reads requests as Redis does: RESP arrays of bulk strings ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n})
 * or inline commands ({@code PING\r\n}, words split by {@link RespArgs} as Redis does), from a
 * blocking stream through a {@link DataReader}. Limits and error texts are Redis's: a count or
 * inline line over 64 KiB, a bulk over {@code maxBulk}, a missing {@code $} are
 * {@link RespException}s.
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

    private final DataReader in;
    private final long maxBulk;
    /** Only RESP arrays, no inline commands (the append-only file). */
    private final boolean arraysOnly;
    /** The length of the stream when known (a file), else Long.MAX_VALUE. */
    private long streamEnd = Long.MAX_VALUE;

    RespReader(InputStream in, long maxBulk) {
        this(in, maxBulk, 16 * 1024);
    }

    RespReader(InputStream in, long maxBulk, int bufferSize) {
        this(in, maxBulk, bufferSize, false);
    }

    RespReader(InputStream in, long maxBulk, int bufferSize, boolean arraysOnly) {
        this(new DataReader(in, bufferSize), maxBulk, arraysOnly);
    }

    /** A reader of a connection's requests through {@code in} (a connection's reader: see {@link #open}). */
    RespReader(DataReader in, long maxBulk) {
        this(in, maxBulk, false);
    }

    private RespReader(DataReader in, long maxBulk, boolean arraysOnly) {
        this.in = in;
        this.maxBulk = maxBulk;
        this.arraysOnly = arraysOnly;
    }

    /**
     * Whether the connection is still open, waiting a few milliseconds at most for a sign: what
     * arrives meanwhile is kept for {@link #next} (a blocked client's look at its socket; the
     * reader must come from {@code Connection.reader}, whose deadlines bound a read).
     */
    boolean open() {
        try {
            in.deadline(System.nanoTime() + 5_000_000);
            try {
                return in.fill();
            } finally {
                in.noDeadline();
            }
        } catch (SocketTimeoutException e) {
            return true; // nothing came, and nothing went
        } catch (IOException e) {
            return false;
        }
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
        return in.buffered() > 0;
    }

    /** Offset in the stream of the next unread byte. */
    long position() {
        return in.position();
    }

    /**
     * The next request's arguments; null at the end of the stream between requests. Empty
     * requests ({@code *0}, blank inline lines) are skipped. An end of stream inside a request
     * is an {@link EOFException}.
     */
    byte[][] next() throws IOException {
        while (true) {
            if (in.buffered() == 0 && !in.fill()) {
                return null;
            }
            byte first = in.byteAt(0);
            if (arraysOnly && first != '*') {
                throw new RespException("expected '*', got '" + printable(first) + "'");
            }
            byte[][] argv = first == '*' ? multibulk() : inline();
            if (argv.length > 0) {
                return argv;
            }
        }
    }

    private byte[][] multibulk() throws IOException {
        int end = countEnd("too big mbulk count string");
        long n = number(in.array(), in.start() + 1, in.start() + end);
        in.consume(end + 2);
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
        more(1);
        if (in.byteAt(0) != '$') {
            throw new RespException("expected '$', got '" + printable(in.byteAt(0)) + "'");
        }
        int end = countEnd("too big bulk count string");
        long len = number(in.array(), in.start() + 1, in.start() + end);
        in.consume(end + 2);
        if (len < 0 || len > maxBulk) {
            throw new RespException("invalid bulk length");
        }
        if (len + 2 > streamEnd - position()) {
            throw new EOFException("a bulk string of " + len + " bytes runs past the end of the stream");
        }
        byte[] value;
        int n = (int) len;
        if (n <= in.buffered()) { // the common case: the value is in the buffer
            value = in.copy(0, n);
            in.consume(n);
        } else {
            // a large value is read straight into its array, which grows as its bytes really
            // arrive: a client announcing 512 MiB and sending nothing costs 1 MiB, not 512
            try {
                value = in.readFully(n, GROW_FROM);
            } catch (EOFException e) {
                throw new EOFException("end of stream inside a bulk string");
            }
        }
        // the CRLF after the data: skipped unchecked as Redis does, but checked in a file
        if (!arraysOnly && in.buffered() >= 2) {
            in.consume(2);
            return value;
        }
        for (int k = 0; k < 2; k++) {
            more(1);
            if (arraysOnly && in.byteAt(0) != (k == 0 ? '\r' : '\n')) {
                throw new RespException("bulk string not followed by CRLF");
            }
            in.consume(1);
        }
        return value;
    }

    private byte[][] inline() throws IOException {
        int end = in.indexOf((byte) '\n', 0, MAX_INLINE);
        if (end == DataReader.END) {
            throw new EOFException("end of stream inside a request");
        }
        if (end == DataReader.OVER || end > MAX_INLINE) {
            // also when the whole line came in one read: the limit is the line's, not the read's
            throw new RespException("too big inline request");
        }
        int stop = end > 0 && in.byteAt(end - 1) == '\r' ? end - 1 : end;
        byte[][] argv;
        try {
            argv = RespArgs.split(in.array(), in.start(), in.start() + stop);
        } catch (IllegalArgumentException e) {
            argv = null;
        }
        in.consume(end + 1);
        if (argv == null) {
            throw new RespException("unbalanced quotes in request");
        }
        return argv;
    }

    /**
     * Offset of the CR of the CRLF that ends a count line ({@code *3}, {@code $5}), reading more
     * as needed; a CR without LF is part of the line. Over 64 KiB buffered without one is
     * {@code tooBig}, as Redis says.
     */
    private int countEnd(String tooBig) throws IOException {
        int from = 0;
        while (true) {
            int i = in.indexOf((byte) '\r', from, MAX_INLINE - from);
            if (i == DataReader.OVER) {
                throw new RespException(tooBig);
            }
            if (i == DataReader.END) {
                throw new EOFException("end of stream inside a request");
            }
            if (i + 1 < in.buffered()) {
                if (in.byteAt(i + 1) == '\n') {
                    return i;
                }
                from = i + 1;
                continue;
            }
            // the \n is not here yet
            if (in.buffered() > MAX_INLINE) {
                throw new RespException(tooBig);
            }
            more(in.buffered() + 1);
            from = i;
        }
    }

    /** Reads until {@code n} bytes are buffered; the end of the stream here is inside a request. */
    private void more(int n) throws IOException {
        if (in.buffered() < n && !in.ensure(n)) {
            throw new EOFException("end of stream inside a request");
        }
    }

    /** A decimal number in b[from, to); Long.MIN_VALUE when it is not one. */
    private static long number(byte[] b, int from, int to) {
        if (from >= to || to - from > 19) {
            return Long.MIN_VALUE;
        }
        boolean neg = b[from] == '-';
        int i = neg ? from + 1 : from;
        if (i == to) {
            return Long.MIN_VALUE;
        }
        long v = 0;
        for (; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return Long.MIN_VALUE;
            }
            v = v * 10 + d;
        }
        return neg ? -v : v;
    }

    private static String printable(byte b) {
        return b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff);
    }
}
