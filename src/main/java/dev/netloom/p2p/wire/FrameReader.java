package dev.netloom.p2p.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Reads frames from a stream: the length prefix, checked against a maximum before anything is
 * allocated, then the type and payload into one buffer that is reused (grown as needed, up to the
 * maximum), then {@link FrameCodec#decode}. A PIECE's data points into that buffer, or, from a
 * {@link ViewableInput} that holds the whole frame already, into that stream's: it is valid
 * until the next {@link #read()}.
 */
public final class FrameReader {

    private final InputStream in;
    private final int maxFrame;
    private final byte[] prefix = new byte[4];
    private byte[] buf = new byte[16 * 1024];
    private long bytesRead;

    /** A reader allowing frames up to {@link FrameCodec#MAX_FRAME}. */
    public FrameReader(InputStream in) {
        this(in, FrameCodec.MAX_FRAME);
    }

    /** A reader allowing frames up to {@code maxFrame} bytes after the prefix (a rendezvous allows less). */
    public FrameReader(InputStream in, int maxFrame) {
        this.in = in;
        this.maxFrame = maxFrame;
    }

    /**
     * The next frame, or {@code null} when the stream ends cleanly between frames.
     *
     * @throws WireException TOO_LARGE for a length of 0 or over the maximum; what decode throws
     * @throws EOFException when the stream ends inside a frame
     */
    public Frame read() throws IOException {
        int got = in.readNBytes(prefix, 0, 4);
        if (got == 0) {
            return null;
        }
        if (got < 4) {
            throw new EOFException("stream ended inside a frame's length");
        }
        int length = ByteBuffer.wrap(prefix).getInt();
        if (length <= 0 || length > maxFrame) {
            throw new WireException(ErrorCode.TOO_LARGE, "frame length " + Integer.toUnsignedString(length)
                    + " (1 to " + maxFrame + ")");
        }
        ByteBuffer view = in instanceof ViewableInput v ? v.view(length) : null;
        if (view != null && view.get(0) == Frame.PIECE) { // decoded where it lies: its data is a view
            bytesRead += 4L + length;
            return FrameCodec.decode(Frame.PIECE, view.slice(1, length - 1));
        }
        if (buf.length < length) {
            buf = new byte[Math.max(length, Math.min(maxFrame, buf.length * 2))];
        }
        if (view != null) {
            view.get(0, buf, 0, length);
        } else if (in.readNBytes(buf, 0, length) < length) {
            throw new EOFException("stream ended inside a frame of " + length + " bytes");
        }
        bytesRead += 4L + length;
        return FrameCodec.decode(buf[0], ByteBuffer.wrap(buf, 1, length - 1).slice());
    }

    /** Bytes of whole frames read so far. */
    public long bytesRead() {
        return bytesRead;
    }

    /**
     * Decodes one datagram holding exactly one frame (the rendezvous's UDP side, LAN discovery).
     *
     * @throws WireException MALFORMED when the length prefix is not the datagram's, or what decode throws
     */
    public static Frame datagram(byte[] data, int offset, int length) throws WireException {
        if (length < 5) {
            throw new WireException(ErrorCode.MALFORMED, "datagram of " + length + " bytes is no frame");
        }
        ByteBuffer b = ByteBuffer.wrap(data, offset, length);
        int declared = b.getInt();
        if (declared != length - 4) {
            throw new WireException(ErrorCode.MALFORMED, "datagram of " + length + " bytes holds a frame length of "
                    + Integer.toUnsignedString(declared));
        }
        byte type = b.get();
        return FrameCodec.decode(type, b.slice());
    }
}
