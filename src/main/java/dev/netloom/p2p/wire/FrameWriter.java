package dev.netloom.p2p.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Writes frames to a stream. A PIECE is written as its 13-byte header and then its data from the
 * caller's array, never copied into a frame of its own; everything else is encoded whole.
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
            ByteBuffer data = p.data();
            if (data.hasArray()) {
                out.write(data.array(), data.arrayOffset() + data.position(), p.length());
            } else {
                byte[] bytes = new byte[p.length()];
                data.get(data.position(), bytes);
                out.write(bytes);
            }
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
        if (out instanceof BufferOutput b) {
            b.write(frame.slice(at, n));
        } else if (frame.hasArray()) {
            out.write(frame.array(), frame.arrayOffset() + at, n);
        } else {
            byte[] bytes = new byte[n];
            frame.get(at, bytes);
            out.write(bytes);
        }
        bytesWritten += n;
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
