package dev.netloom.p2p.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The decoder on hostile input: any bytes read as frames end in frames, a clean end, an
 * {@link EOFException} (cut short) or a {@link WireException} with a code, never another
 * exception, an allocation past the maximum or a hang. A frame that decodes encodes back to a
 * frame with the same description.
 */
class FrameCodecFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void anyBytesDecodeOrFailWithACode(byte[] input) throws IOException {
        FrameReader r = new FrameReader(new ByteArrayInputStream(input), 64 * 1024);
        try {
            for (Frame f = r.read(); f != null; f = r.read()) {
                byte[] again = FrameCodec.encode(f);
                assertEquals(f.describe(), FrameReader.datagram(again, 0, again.length).describe());
            }
        } catch (WireException e) {
            if (e.code() == null) {
                throw new AssertionError("a WireException without a code", e);
            }
        } catch (EOFException expected) {
            // cut short: the connection is simply gone
        }
    }
}
