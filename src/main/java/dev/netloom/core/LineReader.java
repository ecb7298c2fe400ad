package dev.netloom.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads lines terminated by LF or CRLF from a stream, with a maximum length, for line
 * protocols. A line over the maximum is consumed up to its end and returned marked too long, so
 * the protocol can answer with an error and go on with the next line.
 *
 * <p>Reads through a {@link DataReader} whose buffer is allocated when data arrives and dropped
 * when all of it has been consumed, so a connection waiting for its next line holds no buffer.
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

    private final DataReader in;
    private final int maxLine;

    /** {@code maxLine}: most bytes in a line, terminator excluded. */
    public LineReader(InputStream in, int maxLine) {
        this.in = new DataReader(in, CHUNK);
        this.in.release(); // no buffer until the first line arrives
        this.maxLine = maxLine;
    }

    /**
     * Blocks until a line has begun to arrive; false at end of stream. After a first byte that
     * is not LF it also waits for the next bytes of that line (one read, whatever is there), which
     * {@link #read()} would wait for anyway.
     */
    public boolean await() throws IOException {
        return in.await();
    }

    /** True when bytes of a next line are already buffered (a pipelining client). */
    public boolean hasBuffered() {
        return in.buffered() > 0;
    }

    /** Reads the next line; null at end of stream with nothing pending. */
    public Line read() throws IOException {
        int end = in.findLineEnd(0, maxLine);
        Line line;
        if (end == DataReader.OVER) {
            line = new Line(new byte[0], in.skipPast((byte) '\n') ? "\n" : "", true);
        } else if (end == DataReader.END) {
            int n = in.buffered(); // a last line cut by the end of the stream, at most maxLine + 1 bytes
            if (n == 0) {
                in.release();
                return null;
            }
            line = n > maxLine ? new Line(new byte[0], "", true) : new Line(in.copy(0, n), "", false);
            in.consume(n);
        } else {
            boolean crlf = in.byteAt(end) == '\r';
            line = new Line(in.copy(0, end), crlf ? "\r\n" : "\n", false);
            in.consume(end + (crlf ? 2 : 1));
        }
        in.release(); // drop the buffer while waiting for the next line
        return line;
    }
}
