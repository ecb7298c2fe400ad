package dev.netloom.p2p.wire;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An output that takes a buffer as it is. {@link FrameWriter} hands a PIECE read from the file
 * into a direct buffer to such a stream (p2p's sealed records: libcrypto seals it where it lies);
 * the sealed records go on to the connection's channel through another (a connection's
 * {@code write}).
 */
public interface BufferOutput {

    /** Writes {@code src}'s remaining bytes; its position ends at its limit. */
    void write(ByteBuffer src) throws IOException;
}
