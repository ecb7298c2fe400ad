package dev.netloom.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads lines terminated by LF or CRLF from a stream, with a maximum length, for line
 * protocols. A line over the maximum is consumed up to its end and returned marked too long, so
 * the protocol can answer with an error and go on with the next line.
 *
 * <p>The read buffer is allocated when data arrives and dropped when all of it has been
 * consumed, so a connection waiting for its next line holds no buffer.
 */
public final class LineReader {

    /**
     * One line without its terminator.
     *
     * @param bytes      the line's bytes (empty when too long)
     * @param terminator "\n", "\r\n", or "" for a last line cut by end of stream
     * @param tooLong    the line exceeded the maximum and was discarded
     */
    public record Line(byte[] bytes, String terminator, boolean tooLong) {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static final int CHUNK = 2048;

    private final InputStream in;
    private final int maxLine;
    private byte[] buf;
    private int pos;
    private int limit;

    /** {@code maxLine}: most bytes in a line, terminator excluded. */
    public LineReader(InputStream in, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
    }

    /**
     * Blocks until a line has begun to arrive; false at end of stream. After a first byte that
     * is not LF it also waits for the next bytes of that line (one read, whatever is there), which
     * {@link #read()} would wait for anyway.
     */
    public boolean await() throws IOException {
        if (pos < limit) {
            return true;
        }
        int first = in.read(); // no buffer held while idle
        if (first < 0) {
            return false;
        }
        buf = new byte[CHUNK];
        buf[0] = (byte) first;
        pos = 0;
        limit = 1;
        if (first != '\n') {
            // the line goes on, so reading the rest now waits for nothing read() would not wait
            // for, and saves asking how much is there (an ioctl per line)
            int n = in.read(buf, 1, buf.length - 1);
            limit += Math.max(n, 0);
        }
        return true;
    }

    /** True when bytes of a next line are already buffered (a pipelining client). */
    public boolean hasBuffered() {
        return pos < limit;
    }

    /** Reads the next line; null at end of stream with nothing pending. */
    public Line read() throws IOException {
        byte[] line = new byte[64];
        int len = 0;
        boolean tooLong = false;
        while (true) {
            if (pos >= limit && !fill()) {
                return len == 0 && !tooLong ? null : finish(line, len, "", tooLong);
            }
            byte b = buf[pos++];
            if (b == '\n') {
                boolean crlf = len > 0 && line[len - 1] == '\r' && !tooLong;
                return finish(line, crlf ? len - 1 : len, crlf ? "\r\n" : "\n", tooLong);
            }
            if (tooLong) {
                continue;
            }
            // one spare byte so a CR right at the limit can still be followed by its LF
            if (len >= maxLine + 1) {
                tooLong = true;
                continue;
            }
            if (len == line.length) {
                line = Arrays.copyOf(line, Math.min(maxLine + 1, line.length * 2));
            }
            line[len++] = b;
        }
    }

    private Line finish(byte[] line, int len, String terminator, boolean tooLong) {
        if (pos >= limit) {
            buf = null; // drop the buffer while waiting for the next line
        }
        if (!tooLong && len > maxLine) {
            tooLong = true;
        }
        return new Line(tooLong ? new byte[0] : Arrays.copyOf(line, len), terminator, tooLong);
    }

    private boolean fill() throws IOException {
        if (buf == null) {
            buf = new byte[CHUNK];
        }
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            buf = null;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }
}
