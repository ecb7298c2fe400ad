package dev.netloom.p2p.wire;

import java.nio.ByteBuffer;

/**
 * An input stream that can lend its next bytes as a view of its own buffer, when it holds them
 * already: {@link FrameReader} then decodes a PIECE where it lies instead of copying it out
 * (p2p's sealed records: the plaintext of a record is a direct buffer, hashed and written from
 * there).
 */
public interface ViewableInput {

    /**
     * The next {@code length} bytes as a buffer (position 0, limit {@code length}), read past, if
     * they are all in this stream's buffer; else null and nothing read. The view is valid until the
     * next read.
     */
    ByteBuffer view(int length);
}
