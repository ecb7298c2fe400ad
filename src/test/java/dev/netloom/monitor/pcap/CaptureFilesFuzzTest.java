package dev.netloom.monitor.pcap;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The file readers on hostile input: any bytes give packets and then the end, or an IOException,
 * never another exception and never a hang; no packet holds more than the file has bytes.
 */
class CaptureFilesFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void anyBytesReadOrFail(byte[] input) {
        try (PacketSource in = CaptureFiles.read(new ByteArrayInputStream(input))) {
            // Each packet takes at least 16 bytes of the file (a pcap record header): a bound on the loop.
            for (int i = 0; i <= input.length / 16 + 1; i++) {
                RawPacket p = in.next();
                if (p == null) {
                    return;
                }
                assertTrue(p.capturedLength() <= input.length && p.capturedLength() <= PcapReader.MAX_CAPTURED);
            }
            throw new AssertionError("more packets than the input can hold");
        } catch (IOException expected) {
            // malformed: the message says where
        }
    }
}
