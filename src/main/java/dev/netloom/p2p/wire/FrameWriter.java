package dev.netloom.p2p.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Writes frames to a stream. A PIECE is written as its 13-byte header and then its data from the
 * caller's buffer, never copied into a frame of its own; everything else is encoded whole.
 * {@link #write} leaves the bytes to the stream's buffering, {@link #send} flushes. Not
 * thread-safe: a connection has one writer at a time.
 */
public final class FrameWriter {

    private final OutputStream out;
    private final byte[] header = new byte[FrameCodec.PIECE_HEADER];
    private long bytesWritten;

    public FrameWriter(OutputStream out) {
        this.out = out;
    }

    /** Writes {@code f} without flushing. */
    public void write(Frame f) throws IOException {
        if (f instanceof Frame.Piece p) {
            ByteBuffer.wrap(header).putInt(1 + 8 + p.length()).put(Frame.PIECE).putInt(p.index()).putInt(p.offset());
            out.write(header);
            put(p.data().slice(p.data().position(), p.length()));
            bytesWritten += header.length + p.length();
            return;
        }
        byte[] frame = FrameCodec.encode(f);
        out.write(frame);
        bytesWritten += frame.length;
    }

    /**
     * Writes a PIECE whose {@code length} bytes of data are already in {@code frame} after
     * {@link FrameCodec#PIECE_HEADER} bytes from its position left free for the header, which
     * this fills: one write of header and data together (under TLS, no record holds a header
     * alone). To a {@link BufferOutput} the buffer goes as it is, so a direct buffer read from the
     * file is never copied into an array.
     */
    public void writePiece(int index, int offset, ByteBuffer frame, int length) throws IOException {
        int at = frame.position();
        int n = FrameCodec.PIECE_HEADER + length;
        frame.putInt(at, 1 + 8 + length).put(at + 4, Frame.PIECE).putInt(at + 5, index).putInt(at + 9, offset);
        put(frame.slice(at, n));
        bytesWritten += n;
    }

    /**
     * Writes all of {@code bytes}: to a {@link BufferOutput} as it is, else from its array, else
     * (a direct buffer to a plain stream) through a copy.
     */
    private void put(ByteBuffer bytes) throws IOException {
        if (out instanceof BufferOutput b) {
            b.write(bytes);
        } else if (bytes.hasArray()) {
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        } else {
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            out.write(copy);
        }
    }

    /** Writes {@code f} and flushes. */
    public void send(Frame f) throws IOException {
        write(f);
        out.flush();
    }

    /** Flushes what {@link #write} left buffered. */
    public void flush() throws IOException {
        out.flush();
    }

    /** Bytes of frames written so far. */
    public long bytesWritten() {
        return bytesWritten;
    }
}
