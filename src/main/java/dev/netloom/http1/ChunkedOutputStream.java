package dev.netloom.http1;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a body in the chunked transfer coding (RFC 9112 §7.1): each {@code write} of n bytes
 * becomes one chunk ({@code HEX\r\n} + bytes + {@code \r\n}); {@link #finish} writes the last
 * chunk with no trailers. {@link #close} does not finish: a body cut short by an error must not
 * look complete to the reader, so only a caller that got to the end calls {@code finish}.
 */
public final class ChunkedOutputStream extends FilterOutputStream {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST = {'0', '\r', '\n', '\r', '\n'};
    private boolean finished;

    public ChunkedOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (finished) {
            throw new IOException("chunked body already finished");
        }
        if (len == 0) {
            return; // a chunk of size 0 would end the body
        }
        out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b, off, len);
        out.write(CRLF);
    }

    /** Writes the last chunk: the body is complete. */
    public void finish() throws IOException {
        if (!finished) {
            finished = true;
            out.write(LAST);
        }
    }

    /** Flushes; does not close the stream below, which the connection owns. */
    @Override
    public void close() throws IOException {
        flush();
    }
}
