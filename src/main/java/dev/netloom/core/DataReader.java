package dev.netloom.core;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * The one buffered reader every protocol parser reads a connection through (HTTP heads, RESP,
 * text lines), as Helidon's {@code DataReader} serves every protocol: it fills and compacts its
 * buffer, finds a byte or a line end within a limit, reads and skips bodies, says what is already
 * buffered, and reads against a deadline.
 *
 * <p>Offsets are counted from the position, the first unread byte: {@code byteAt(0)} is the next
 * byte. Parsers look at what is buffered in place ({@link #array()} from {@link #start()}) and
 * {@link #consume} what they have parsed; any method that reads may move the bytes to the front
 * of the buffer or into a bigger one, so take {@code array()} and {@code start()} again after it.
 * The buffer grows only while one search needs more room than it has, and each search is
 * bounded by its caller's limit.
 *
 * <p>A {@link #deadline} bounds every read until {@link #noDeadline}: before each read the
 * transport's {@link ReadTimeout} is set to what is left, and a read past it throws
 * {@link SocketTimeoutException}; {@code noDeadline} puts the timeout back as it was. Without a
 * {@code ReadTimeout} a deadline is only checked between reads.
 *
 * <p>{@link #release()} drops an empty buffer, so a connection waiting for its next message
 * holds none; {@link #await()} then waits on a one-byte read. Not thread-safe.
 */
public final class DataReader {

    /** Returned by the searches: more than the limit is buffered without what was sought. */
    public static final int OVER = -1;
    /** Returned by the searches: the stream ended before what was sought. */
    public static final int END = -2;
    /** Reads of this many bytes or more go straight to the stream when nothing is buffered. */
    private static final int SMALL_READ = 1024;
    private static final int MAX_BUFFER = Integer.MAX_VALUE - 8;

    private final InputStream in;
    private final ReadTimeout timeout;
    private final int initialSize;
    private byte[] buf;
    private int pos;
    private int limit;
    private long consumedBefore; // bytes of the stream before buf[0]
    private boolean released;
    private boolean timed;
    private long deadline;
    private int savedTimeout = -1; // the timeout before a deadline shortened it; -1: untouched

    /** A reader without deadlines; the buffer starts at {@code initialSize} bytes on first use. */
    public DataReader(InputStream in, int initialSize) {
        this(in, initialSize, null);
    }

    /** A reader whose {@link #deadline}s set {@code timeout} (null: checked between reads only). */
    public DataReader(InputStream in, int initialSize, ReadTimeout timeout) {
        this.in = in;
        this.initialSize = Math.max(16, initialSize);
        this.timeout = timeout;
    }

    /**
     * Waits until a byte is buffered: true then, false at end of stream. After {@link #release()}
     * it reads the first byte alone (no buffer is held while the connection idles), then, unless
     * that byte ends an empty line, what else is there of the message that has begun.
     */
    public boolean await() throws IOException {
        if (pos < limit) {
            return true;
        }
        if (buf != null || !released) {
            return fill();
        }
        int first = timedRead();
        if (first < 0) {
            return false;
        }
        buf = new byte[initialSize];
        buf[0] = (byte) first;
        pos = 0;
        limit = 1;
        released = false;
        if (first != '\n') {
            // the message goes on, so this read waits for nothing a parser would not wait for,
            // and saves asking how much is there (an ioctl per message)
            int n = timedRead(buf, 1, buf.length - 1);
            limit += Math.max(n, 0);
        }
        return true;
    }

    /** Bytes received and not yet consumed: a body's start, or pipelined messages. */
    public int buffered() {
        return limit - pos;
    }

    /** Offset in the stream of the next unread byte (bytes consumed so far). */
    public long position() {
        return consumedBefore + pos;
    }

    /** The buffer; the unread bytes start at {@link #start()}. Valid until the next read. */
    public byte[] array() {
        return buf;
    }

    /** Index in {@link #array()} of the next unread byte. */
    public int start() {
        return pos;
    }

    /** The buffered byte at {@code offset} from the position (below {@link #buffered()}). */
    public byte byteAt(int offset) {
        return buf[pos + offset];
    }

    /** A copy of the buffered bytes from {@code from} to {@code to} (offsets from the position). */
    public byte[] copy(int from, int to) {
        return Arrays.copyOfRange(buf, pos + from, pos + to);
    }

    /** Marks {@code n} buffered bytes as read. */
    public void consume(int n) {
        if (n < 0 || n > limit - pos) {
            throw new IndexOutOfBoundsException(n + " bytes to consume, " + (limit - pos) + " buffered");
        }
        pos += n;
    }

    /**
     * Reads more bytes after those buffered: moves the unread ones to the front of the buffer,
     * grows it when they fill it, and reads once. False at end of stream.
     */
    public boolean fill() throws IOException {
        if (buf == null) {
            buf = new byte[initialSize];
            released = false;
        } else {
            compact();
            if (limit == buf.length) {
                if (buf.length == MAX_BUFFER) {
                    throw new IOException("read buffer full at " + MAX_BUFFER + " bytes");
                }
                buf = Arrays.copyOf(buf, (int) Math.min(MAX_BUFFER, 2L * buf.length));
            }
        }
        int n = timedRead(buf, limit, buf.length - limit);
        if (n < 0) {
            return false;
        }
        limit += n;
        return true;
    }

    /** Reads until at least {@code n} bytes are buffered; false if the stream ends first. */
    public boolean ensure(int n) throws IOException {
        while (limit - pos < n) {
            if (!fill()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Offset of the first {@code b} at or after offset {@code from}, reading more as needed.
     * {@link #OVER} once more than {@code max} bytes from {@code from} are buffered without one
     * (one found further in what a single read brought is still returned: callers that bound a
     * length check it); {@link #END} when the stream ends first.
     */
    public int indexOf(byte b, int from, int max) throws IOException {
        int i = from;
        while (true) {
            byte[] a = buf;
            int base = pos;
            int n = limit - pos;
            for (; i < n; i++) {
                if (a[base + i] == b) {
                    return i;
                }
            }
            if (n - from > max) {
                return OVER;
            }
            if (!fill()) {
                return END;
            }
        }
    }

    /**
     * End of the line that starts at offset {@code from}: the offset of its CR when CRLF ends
     * it, else of its LF. {@link #OVER} when the line is longer than {@code max} bytes (its end
     * excluded), {@link #END} when the stream ends before its LF.
     */
    public int findLineEnd(int from, int max) throws IOException {
        // one byte more: a CR right at the limit may still be followed by its LF
        int lf = indexOf((byte) '\n', from, max + 1);
        if (lf < 0) {
            return lf;
        }
        int end = lf > from && buf[pos + lf - 1] == '\r' ? lf - 1 : lf;
        return end - from > max ? OVER : end;
    }

    /** Consumes everything up to and including the next {@code b}; false if the stream ends first. */
    public boolean skipPast(byte b) throws IOException {
        while (true) {
            for (int i = pos; i < limit; i++) {
                if (buf[i] == b) {
                    pos = i + 1;
                    return true;
                }
            }
            pos = limit;
            if (!fill()) {
                return false;
            }
        }
    }

    /**
     * Reads up to {@code len} bytes, first from what is buffered, then from the stream; -1 at end
     * of stream. A small read with nothing buffered fills the buffer, so a body parsed a few bytes
     * at a time (chunk-size lines) costs no system call per read; a large one goes straight into
     * {@code dst}. What is read past a body stays buffered for the next message.
     */
    public int read(byte[] dst, int off, int len) throws IOException {
        if (len <= 0) {
            return 0;
        }
        if (pos >= limit) {
            if (len >= SMALL_READ) {
                int n = timedRead(dst, off, len);
                if (n > 0) {
                    consumedBefore += n;
                }
                return n;
            }
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(buf, pos, dst, off, n);
        pos += n;
        return n;
    }

    /**
     * Reads exactly {@code n} bytes into a new array. The array grows as the bytes really arrive,
     * from at most {@code growFrom} bytes: a peer announcing a huge length and sending nothing
     * costs that much, not the length.
     *
     * @throws EOFException when the stream ends first
     */
    public byte[] readFully(int n, int growFrom) throws IOException {
        int have = Math.min(n, limit - pos);
        byte[] value = new byte[have == n ? n : Math.min(n, Math.max(have, growFrom))];
        if (have > 0) {
            System.arraycopy(buf, pos, value, 0, have);
            pos += have;
        }
        while (have < n) {
            if (have == value.length) {
                value = Arrays.copyOf(value, (int) Math.min(n, 2L * value.length));
            }
            int got = read(value, have, value.length - have);
            if (got < 0) {
                throw new EOFException("end of stream after " + have + " of " + n + " bytes");
            }
            have += got;
        }
        return value;
    }

    /** Skips {@code n} bytes, buffered ones first; false if the stream ended first. */
    public boolean skip(long n) throws IOException {
        while (n > 0) {
            if (pos >= limit && !fill()) {
                return false;
            }
            int k = (int) Math.min(n, limit - pos);
            pos += k;
            n -= k;
        }
        return true;
    }

    /**
     * Drops the buffer when nothing is buffered, so an idle connection holds none; the next
     * {@link #await()} waits on a one-byte read, and the next fill allocates again.
     */
    public void release() {
        if (pos >= limit) {
            consumedBefore += pos;
            buf = null;
            pos = 0;
            limit = 0;
            released = true;
        }
    }

    /**
     * Bounds every read from now on by {@code deadlineNanos} ({@link System#nanoTime()} time):
     * a read that would end past it throws {@link SocketTimeoutException}.
     */
    public void deadline(long deadlineNanos) {
        timed = true;
        deadline = deadlineNanos;
    }

    /** Ends the {@link #deadline}, putting the transport's read timeout back as it was. */
    public void noDeadline() throws IOException {
        timed = false;
        if (savedTimeout >= 0) {
            timeout.set(savedTimeout);
            savedTimeout = -1;
        }
    }

    private void compact() {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            consumedBefore += pos;
            limit -= pos;
            pos = 0;
        }
    }

    private int timedRead() throws IOException {
        bound();
        return in.read();
    }

    private int timedRead(byte[] b, int off, int len) throws IOException {
        bound();
        return in.read(b, off, len);
    }

    /** Under a deadline, sets the read timeout to what is left of it. */
    private void bound() throws IOException {
        if (!timed) {
            return;
        }
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("read deadline passed");
        }
        if (timeout != null) {
            if (savedTimeout < 0) {
                savedTimeout = timeout.get();
            }
            timeout.set((int) Math.min(Integer.MAX_VALUE, left));
        }
    }
}
