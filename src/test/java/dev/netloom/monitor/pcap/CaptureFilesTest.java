package dev.netloom.monitor.pcap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pcap and pcapng codecs on byte arrays: round trips, byte orders, resolutions, and malformed files. */
@Timeout(10)
class CaptureFilesTest {

    private static final long T0 = 1_765_000_000_123_456_789L;

    @Test
    void pcapRoundTripInMicrosecondsCutsToTheSnapLength() throws IOException {
        List<RawPacket> written = packets(LinkType.ETHERNET);
        byte[] file = write(written, 128, false);
        assertEquals(0xd4, file[0] & 0xff, "little-endian, as tcpdump writes on this host");
        try (PacketSource in = CaptureFiles.read(new ByteArrayInputStream(file))) {
            PcapReader reader = assertInstanceOf(PcapReader.class, in);
            assertEquals(LinkType.ETHERNET, reader.linkType());
            assertEquals(128, reader.snapLength());
            assertEquals(false, reader.nanosecond());
            for (RawPacket p : written) {
                RawPacket r = reader.next();
                assertEquals(p.epochNanos() / 1000 * 1000, r.epochNanos(), "microseconds kept, nanoseconds dropped");
                assertEquals(p.originalLength(), r.originalLength());
                assertArrayEquals(Arrays.copyOf(p.data(), Math.min(128, p.data().length)), r.data());
            }
            assertNull(reader.next());
            assertNull(reader.next());
        }
    }

    @Test
    void pcapRoundTripInNanoseconds() throws IOException {
        List<RawPacket> written = packets(LinkType.RAW);
        try (PcapReader reader = PcapReader.read(new ByteArrayInputStream(write(written, 65535, true)))) {
            assertTrue(reader.nanosecond());
            for (RawPacket p : written) {
                RawPacket r = reader.next();
                assertEquals(p.epochNanos(), r.epochNanos());
                assertArrayEquals(p.data(), r.data());
                assertEquals(LinkType.RAW, r.linkType());
            }
            assertNull(reader.next());
        }
    }

    @Test
    void bigEndianPcapIsRead() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(24 + 16 + 4).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0xA1B23C4D).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(96).putInt(101);
        b.putInt(1_765_000_000).putInt(999_999_999).putInt(4).putInt(1500).put(new byte[] {0x45, 1, 2, 3});
        try (PacketSource in = CaptureFiles.read(new ByteArrayInputStream(b.array()))) {
            RawPacket p = in.next();
            assertEquals(1_765_000_000_999_999_999L, p.epochNanos());
            assertEquals(1500, p.originalLength());
            assertEquals(101, in.linkType());
            assertEquals(ByteOrder.BIG_ENDIAN, ((PcapReader) in).byteOrder());
            assertNull(in.next());
        }
    }

    @Test
    void pcapngSectionsInBothOrdersWithResolutionsOffsetsAndEveryPacketBlock() throws IOException {
        byte[] a = {1, 2, 3, 4, 5};
        PcapngBuilder f = new PcapngBuilder()
                .section(ByteOrder.LITTLE_ENDIAN)
                .iface(LinkType.ETHERNET, 0, -1, 0)
                .block(0x0BAD, new byte[40])
                .iface(LinkType.RAW, 65535, 9, 0)
                .enhanced(0, 1_765_000_000_123_456L, 60, a)
                .enhanced(1, 1_765_000_000_123_456_789L, 5, a)
                .simple(5, a)
                .section(ByteOrder.BIG_ENDIAN)
                .iface(LinkType.LINUX_SLL, 262144, 0x80 | 20, 100)
                .packet(0, 3L << 20 | 1L << 19, 5, a)
                .block(5, new byte[8]);
        try (PacketSource in = CaptureFiles.read(new ByteArrayInputStream(f.bytes()))) {
            PcapngReader reader = assertInstanceOf(PcapngReader.class, in);
            assertEquals(LinkType.ETHERNET, reader.linkType());
            assertEquals(0, reader.snapLength());
            RawPacket p = reader.next();
            assertEquals(List.of(1_765_000_000_123_456_000L, 60, LinkType.ETHERNET, 0),
                    List.of(p.epochNanos(), p.originalLength(), p.linkType(), p.interfaceIndex()));
            p = reader.next();
            assertEquals(List.of(1_765_000_000_123_456_789L, LinkType.RAW, 1),
                    List.of(p.epochNanos(), p.linkType(), p.interfaceIndex()));
            p = reader.next();
            assertEquals(List.of(0L, 5, 5, LinkType.ETHERNET), List.of(p.epochNanos(), p.originalLength(),
                    p.capturedLength(), p.linkType()), "a simple packet: no timestamp, its length without the padding");
            p = reader.next();
            assertEquals(List.of(103_500_000_000L, LinkType.LINUX_SLL, 2),
                    List.of(p.epochNanos(), p.linkType(), p.interfaceIndex()), "2^-20 s units, 100 s offset");
            assertArrayEquals(a, p.data());
            assertNull(reader.next());
            assertEquals(3, reader.interfaces().size());
            assertEquals("lo", reader.interfaces().get(0).name());
        }
    }

    @Test
    void writerRefusesWhatPcapCannotHold() throws IOException {
        try (PcapWriter w = PcapWriter.create(new ByteArrayOutputStream(), LinkType.ETHERNET, 96, false)) {
            assertThrows(IllegalArgumentException.class, () -> w.write(new RawPacket(T0, 4, LinkType.RAW, new byte[4])));
            assertThrows(IllegalArgumentException.class,
                    () -> w.write(new RawPacket(-1, 4, LinkType.ETHERNET, new byte[4])));
        }
        assertThrows(IllegalArgumentException.class,
                () -> PcapWriter.create(new ByteArrayOutputStream(), LinkType.ETHERNET, 0, false));
    }

    static Stream<Arguments> malformed() {
        ByteBuffer pcap = ByteBuffer.allocate(24 + 16 + 8).order(ByteOrder.LITTLE_ENDIAN);
        pcap.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        pcap.putInt(1).putInt(2).putInt(20).putInt(20).put(new byte[8]);
        byte[] cutRecord = pcap.array();
        byte[] absurd = cutRecord.clone();
        ByteBuffer.wrap(absurd).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 0).putInt(32, 0x7fff_0000);
        byte[] overSnap = cutRecord.clone();
        ByteBuffer.wrap(overSnap).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 16);
        byte[] cutHeader = Arrays.copyOf(cutRecord, 30);
        byte[] ng = new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1, 0).bytes();
        byte[] badLength = ByteBuffer.allocate(ng.length + 12).order(ByteOrder.LITTLE_ENDIAN)
                .put(ng).putInt(6).putInt(13).putInt(13).array();
        byte[] trailer = ByteBuffer.allocate(ng.length + 12).order(ByteOrder.LITTLE_ENDIAN)
                .put(ng).putInt(6).putInt(12).putInt(16).array();
        byte[] packetPast = new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1, 0)
                .enhanced(0, 1, 60, new byte[8]).bytes();
        ByteBuffer.wrap(packetPast).order(ByteOrder.LITTLE_ENDIAN).putInt(packetPast.length - 40 + 20, 9999);
        byte[] noInterface = new PcapngBuilder().section(ByteOrder.BIG_ENDIAN).iface(1, 0, -1, 0)
                .enhanced(3, 1, 4, new byte[4]).bytes();
        byte[] ngCut = Arrays.copyOf(new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1, 0)
                .enhanced(0, 1, 60, new byte[60]).bytes(), ng.length + 50);
        byte[] huge = ByteBuffer.allocate(ng.length + 12).order(ByteOrder.LITTLE_ENDIAN)
                .put(ng).putInt(6).putInt(0x7ffffff0).putInt(0).array();
        byte[] badOrder = new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).bytes();
        badOrder[8] = 0x11;
        return Stream.of(
                Arguments.of("bad magic", "GET / HTTP/1.1\r\n\r\n".getBytes(), "not a pcap or pcapng file (magic 0x47455420)"),
                Arguments.of("too short", new byte[] {(byte) 0xd4, (byte) 0xc3}, "not a pcap or pcapng file"),
                Arguments.of("pcap cut in the file header", Arrays.copyOf(cutRecord, 20), "cut inside the file header at byte offset 0"),
                Arguments.of("pcap cut in a record header", cutHeader, "cut inside a record header at byte offset 24"),
                Arguments.of("pcap cut in packet data", cutRecord, "cut inside the packet data of the record at byte offset 24"),
                Arguments.of("pcap absurd caplen", absurd, "captured length of 2147418112 bytes, over the most a file may hold, 262144 (at byte offset 24)"),
                Arguments.of("pcap caplen over snaplen", overSnap, "over the file's snapshot length of 16 (at byte offset 24)"),
                Arguments.of("pcapng block length not a multiple of 4", badLength, "total length of 13 (at least 12 and a multiple of 4) (at byte offset " + ng.length + ")"),
                Arguments.of("pcapng block over 16 MiB", huge, "total length of 2147483632, over 16 MiB"),
                Arguments.of("pcapng trailing length differs", trailer, "total length 12 differs from its trailing length 16"),
                Arguments.of("pcapng packet past its block", packetPast, "captured length of 9999 bytes, past the end of its block"),
                Arguments.of("pcapng undescribed interface", noInterface, "packet of interface 3, which the section has not described"),
                Arguments.of("pcapng cut in a block", ngCut, "cut inside the block at byte offset " + ng.length),
                Arguments.of("pcapng bad byte-order magic", badOrder, "byte-order magic of 0x"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedFilesEndWithAClearIoException(String what, byte[] file, String message) {
        IOException e = assertThrows(IOException.class, () -> {
            try (PacketSource in = CaptureFiles.read(new ByteArrayInputStream(file))) {
                for (int i = 0; i < 100 && in.next() != null; i++) {
                    assertTrue(i < 99, "the reader never ends");
                }
            }
        });
        assertTrue(e.getMessage().contains(message), what + ": " + e.getMessage());
    }

    private static List<RawPacket> packets(int linkType) {
        List<RawPacket> list = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] data = new byte[14 + i * 73];
            Arrays.fill(data, (byte) i);
            list.add(new RawPacket(T0 + i * 1_000_333_777L, data.length + (i % 3 == 0 ? 100 : 0), linkType, data));
        }
        return list;
    }

    private static byte[] write(List<RawPacket> packets, int snapLength, boolean nanos) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = PcapWriter.create(out, packets.getFirst().linkType(), snapLength, nanos)) {
            for (RawPacket p : packets) {
                w.write(p);
            }
        }
        return out.toByteArray();
    }
}
