package dev.netloom.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;

/*
 * Wire format read here (RFC 9112 §7.1):
 *
 *   chunked-body    = *chunk last-chunk trailer-section CRLF
 *   chunk           = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *   chunk-size      = 1*HEXDIG
 *   last-chunk      = 1*("0") [ chunk-ext ] CRLF
 *   chunk-ext       = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
 *   trailer-section = *( field-line CRLF )
 *
 *   e.g.  5\r\nhello\r\n  7;name=value\r\n, world\r\n  0\r\nExpires: 0\r\n\r\n  ->  "hello, world"
 *
 * Stricter than the head reader on purpose: every line ends in CRLF (a bare CR or LF is
 * refused) and nothing but optional whitespace and ";" may follow the size, because chunk
 * framing that two parsers read differently is how requests are smuggled through a proxy.
 * Extensions are skipped unread; trailer fields are checked for shape and dropped.
 */

/**
 * The decoded content of a chunked body. Reads exactly to the end of the chunked body and no
 * further, so the stream underneath stays positioned at the next message; read single bytes
 * cheaply from it (a {@link BodyInputStream} does). Closing this stream does not close the
 * one underneath.
 *
 * <p>Errors: {@link ProtocolException} for malformed framing (a size that is not hex or has
 * more than 15 significant digits, a line over its limit, a bare CR or LF, a malformed
 * trailer); {@link EOFException} when the stream ends before the last chunk.
 */
public final class ChunkedInputStream extends InputStream {

    /** Longest chunk-size line, extensions included (default 4 KiB). */
    public static final int DEFAULT_MAX_LINE = 4096;
    /** Most bytes of trailer fields (default 16 KiB). */
    public static final int DEFAULT_MAX_TRAILERS = 16 * 1024;
    private static final int MAX_DIGITS = 15; // below 2^60: no overflow, and more than anyone sends

    private final InputStream in;
    private final int maxLine;
    private final int maxTrailers;
    private final StringBuilder line = new StringBuilder();
    private final byte[] one = new byte[1];
    private long remaining; // bytes left in the current chunk
    private boolean started;
    private boolean done;

    public ChunkedInputStream(InputStream in) {
        this(in, DEFAULT_MAX_LINE, DEFAULT_MAX_TRAILERS);
    }

    public ChunkedInputStream(InputStream in, int maxLine, int maxTrailers) {
        this.in = in;
        this.maxLine = maxLine;
        this.maxTrailers = maxTrailers;
    }

    @Override
    public int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (remaining == 0 && !nextChunk()) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("chunked body ended inside a chunk (" + remaining + " bytes missing)");
        }
        remaining -= n;
        return n;
    }

    @Override
    public int available() throws IOException {
        return done ? 0 : (int) Math.min(remaining, in.available());
    }

    /** True when the last chunk and the trailers have been read. */
    public boolean finished() {
        return done;
    }

    /** Reads the CRLF after the previous chunk's data, then the next size line; false at the last chunk. */
    private boolean nextChunk() throws IOException {
        if (done) {
            return false;
        }
        if (started) {
            readLine(0, "chunk data not followed by CRLF");
        }
        started = true;
        readLine(maxLine, "chunk-size line over " + maxLine + " bytes");
        long size = parseSize();
        if (size > 0) {
            remaining = size;
            return true;
        }
        int used = 0;
        while (true) { // trailer section, then the final CRLF
            int n = readLine(Math.max(0, maxTrailers - used), "trailer fields over " + maxTrailers + " bytes");
            if (n == 0) {
                break;
            }
            used += n + 2;
            int colon = line.indexOf(":");
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t' || colon <= 0
                    || line.substring(0, colon).chars().anyMatch(ch -> ch == ' ' || ch == '\t')) {
                throw new ProtocolException("malformed trailer field");
            }
        }
        done = true;
        return false;
    }

    private long parseSize() throws ProtocolException {
        long size = 0;
        int i = 0;
        int significant = 0;
        for (; i < line.length(); i++) {
            int digit = hex(line.charAt(i));
            if (digit < 0) {
                break;
            }
            if ((size != 0 || digit != 0) && ++significant > MAX_DIGITS) {
                throw new ProtocolException("chunk size over " + MAX_DIGITS + " hex digits");
            }
            size = size * 16 + digit;
        }
        if (i == 0) {
            throw new ProtocolException("malformed chunk size");
        }
        int j = i;
        while (j < line.length() && (line.charAt(j) == ' ' || line.charAt(j) == '\t')) {
            j++;
        }
        if (j < line.length() ? line.charAt(j) != ';' : j != i) {
            throw new ProtocolException("malformed chunk size");
        }
        return size;
    }

    private static int hex(char ch) {
        if (ch >= '0' && ch <= '9') {
            return ch - '0';
        }
        char lower = (char) (ch | 0x20);
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }

    /**
     * Reads one CRLF-terminated line into {@link #line} (without the CRLF) and returns its
     * length. Control characters other than HTAB, a bare CR or LF, or more than {@code max}
     * bytes ({@code tooLong} says which limit) fail.
     */
    private int readLine(int max, String tooLong) throws IOException {
        line.setLength(0);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("chunked body ended before its last chunk");
            }
            if (b == '\r') {
                int lf = in.read();
                if (lf < 0) {
                    throw new EOFException("chunked body ended before its last chunk");
                }
                if (lf != '\n') {
                    throw new ProtocolException("bare CR in chunked framing");
                }
                return line.length();
            }
            if (b == '\n') {
                throw new ProtocolException("bare LF in chunked framing (CRLF expected)");
            }
            if ((b < 0x20 && b != '\t') || b == 0x7f) {
                throw new ProtocolException("control character in chunked framing");
            }
            if (line.length() >= max) {
                throw new ProtocolException(tooLong);
            }
            line.append((char) b);
        }
    }
}
