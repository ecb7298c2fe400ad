package dev.netloom.p2p.wire;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An output stream that takes a buffer as it is: {@link FrameWriter} then hands it a PIECE read
 * from the file into a direct buffer without copying it into an array first (p2p's sealed
 * records: libcrypto seals it where it lies).
 */
public interface BufferOutput {

    /** Writes {@code src}'s remaining bytes; its position ends at its limit. */
    void write(ByteBuffer src) throws IOException;
}
