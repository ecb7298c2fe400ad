package dev.netloom.monitor.pcap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reading only each packet's first bytes (the analysis's pass): the rest skipped, lengths kept, records in step. */
class CaptureFilesKeepTest {

    @TempDir
    Path dir;

    @Test
    void aHeadersOnlyPassKeepsLengthsAndStaysInStep() throws Exception {
        byte[] big = new byte[60_000];
        Arrays.fill(big, (byte) 7);
        big[0] = 1;
        byte[] small = {9, 8, 7};
        Path file = dir.resolve("k.pcap");
        try (PcapWriter w = PcapWriter.create(file, LinkType.ETHERNET, 65_535)) {
            w.write(new RawPacket(1_000_000_000L, 60_000, LinkType.ETHERNET, big));
            w.write(new RawPacket(2_000_000_000L, 3, LinkType.ETHERNET, small));
            w.write(new RawPacket(3_000_000_000L, 70_000, LinkType.ETHERNET, big));
        }
        try (PacketSource in = CaptureFiles.open(file, 100)) {
            RawPacket a = in.next();
            assertEquals(100, a.capturedLength());
            assertEquals(60_000, a.originalLength());
            assertArrayEquals(Arrays.copyOf(big, 100), a.data());
            RawPacket b = in.next();
            assertArrayEquals(small, b.data(), "the next record, found after the skip");
            assertEquals(2_000_000_000L, b.epochNanos());
            assertEquals(70_000, in.next().originalLength());
            assertNull(in.next());
        }
        try (PacketSource in = CaptureFiles.open(file, Integer.MAX_VALUE)) {
            assertEquals(60_000, in.next().capturedLength(), "no limit: every byte");
        }
        assertThrows(IllegalArgumentException.class, () -> CaptureFiles.open(file, 0));
    }
}
