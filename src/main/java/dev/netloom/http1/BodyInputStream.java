package dev.netloom.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A message body read through the {@link HeadReader} that read its head: the bytes it already
 * buffered come first, then the connection. {@link #open} frames it as
 * {@link MessageHead#responseBodyLength} or {@link MessageHead#requestBodyLength} says: no body,
 * a length, chunked, or until the connection closes.
 *
 * <p>A body with a length that ends early fails with {@link EOFException} ("body ended after
 * N of M bytes"), so a truncated download is never taken for a complete one. Closing this
 * stream does not close the connection.
 */
public final class BodyInputStream extends InputStream {

    private final HeadReader reader;
    private final long length; // -1: until the connection closes
    private final byte[] one = new byte[1];
    private long read;

    private BodyInputStream(HeadReader reader, long length) {
        this.reader = reader;
        this.length = length;
    }

    /**
     * The body framed by {@code framing}: {@link MessageHead#NO_BODY}, a length,
     * {@link MessageHead#CHUNKED} (decoded, see {@link ChunkedInputStream}) or
     * {@link MessageHead#UNTIL_CLOSE}.
     */
    public static InputStream open(HeadReader reader, long framing) {
        if (framing == MessageHead.CHUNKED) {
            return new ChunkedInputStream(new BodyInputStream(reader, -1));
        }
        if (framing == MessageHead.UNTIL_CLOSE) {
            return new BodyInputStream(reader, -1);
        }
        if (framing < 0) {
            throw new IllegalArgumentException("framing " + framing);
        }
        return new BodyInputStream(reader, framing);
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
        long left = length < 0 ? len : Math.min(len, length - read);
        if (left == 0) {
            return -1;
        }
        int n = reader.readBody(b, off, (int) left);
        if (n < 0) {
            if (length >= 0) {
                throw new EOFException("body ended after " + read + " of " + length + " bytes");
            }
            return -1;
        }
        read += n;
        return n;
    }

    @Override
    public int available() {
        long left = length < 0 ? Long.MAX_VALUE : length - read;
        return (int) Math.min(left, reader.buffered());
    }
}
