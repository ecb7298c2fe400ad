package dev.netloom.p2p.wire;

import dev.netloom.core.HostPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameCodecTest {

    static byte[] id(int start) {
        byte[] b = new byte[32];
        for (int i = 0; i < 32; i++) {
            b[i] = (byte) (start + i);
        }
        return b;
    }

    static Manifest folder() {
        byte[] hashes = new byte[2 * 32];
        return new Manifest(true, "photos", 16384, List.of(new Manifest.FileEntry("a/one.jpg", 20000),
                new Manifest.FileEntry("b.txt", 0), new Manifest.FileEntry("c d/é.png", 12000)), hashes);
    }

    static List<Frame> everyFrame() throws Exception {
        byte[] peer = id(1);
        byte[] root = id(100);
        Frame.PeerAddress v4 = new Frame.PeerAddress(peer, InetAddress.getByName("192.0.2.9"), 65535);
        Frame.PeerAddress v6 = new Frame.PeerAddress(id(7), InetAddress.getByName("2001:db8::1"), 1);
        return List.of(new Frame.Hello(1, 3, peer, root, 0), new Frame.ErrorFrame(ErrorCode.BANNED, "é".repeat(100)),
                new Frame.ErrorFrame(999, ""), new Frame.Ping(-1), new Frame.Pong(Long.MIN_VALUE), new Frame.GetManifest(),
                new Frame.ManifestFrame(folder()), new Frame.Bitfield(new byte[0]), new Frame.Bitfield(new byte[] {-1, 0}),
                new Frame.Have(-1), new Frame.Interested(), new Frame.NotInterested(), new Frame.Choke(), new Frame.Unchoke(),
                new Frame.Request(5, 16384, FrameCodec.MAX_BLOCK), new Frame.Piece(1, 2, new byte[] {9, 8, 7}, 1, 2),
                new Frame.Cancel(0, 0, 1), new Frame.Announce(peer, 7014, Frame.AnnounceEvent.STOPPED, List.of(root, peer)),
                new Frame.Announce(peer, 1, Frame.AnnounceEvent.STARTED, List.of()), new Frame.Lookup(root),
                new Frame.Peers(root, List.of(v4, v6)), new Frame.Peers(root, List.of()), new Frame.PunchRequest(peer),
                new Frame.Punch(v6, 1, false), new Frame.Relay(-5), new Frame.RelayOk());
    }

    @Test
    void everyFrameRoundTripsThroughStreamsAndDatagrams() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(out);
        List<Frame> frames = everyFrame();
        for (Frame f : frames) {
            w.write(f);
        }
        w.flush();
        FrameReader r = new FrameReader(new ByteArrayInputStream(out.toByteArray()));
        for (Frame f : frames) {
            Frame back = r.read();
            assertEquals(f.describe(), back.describe());
            byte[] one = FrameCodec.encode(f);
            assertEquals(f.describe(), FrameReader.datagram(one, 0, one.length).describe());
        }
        assertNull(r.read(), "a clean end between frames");
        assertEquals(out.size(), r.bytesRead());
        assertEquals(out.size(), w.bytesWritten());
    }

    @Test
    void anErrorMessageIsCutAtACharacterBoundary() throws Exception {
        byte[] bytes = FrameCodec.encode(new Frame.ErrorFrame(ErrorCode.BANNED, "é".repeat(600)));
        Frame.ErrorFrame back = (Frame.ErrorFrame) FrameReader.datagram(bytes, 0, bytes.length);
        assertEquals("é".repeat(512), back.message());
        assertEquals(ErrorCode.BANNED, back.errorCode());
    }

    @Test
    void aPieceWrittenInPlaceIsOneFrame() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] frame = new byte[FrameCodec.PIECE_HEADER + 3];
        frame[13] = 1;
        frame[14] = 2;
        frame[15] = 3;
        new FrameWriter(out).writePiece(4, 8, ByteBuffer.wrap(frame), 3);
        Frame.Piece p = (Frame.Piece) new FrameReader(new ByteArrayInputStream(out.toByteArray())).read();
        assertEquals("PIECE index=4 offset=8 data=010203", p.describe());
    }

    /** Payloads (hex, after the type byte) that break the layout, and the code each gets. */
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "01, 4e4c503201, MALFORMED",
        "01, 00000000010100, UNSUPPORTED_VERSION",
        "01, '', UNSUPPORTED_VERSION",
        "03, 00000000000000, MALFORMED",
        "03, 000000000000000000, MALFORMED",
        "10, 00, MALFORMED",
        "13, 000000, MALFORMED",
        "18, 000000000000000000000000, BAD_REQUEST",
        "18, 000000000000000000100001, BAD_REQUEST",
        "1a, 00000000000000000000, MALFORMED",
        "19, 0000000000000000, MALFORMED",
        "02, 0001ff, MALFORMED",
        "20, 0101010101010101010101010101010101010101010101010101010101010101000003, MALFORMED",
        "22, 0101010101010101010101010101010101010101010101010101010101010101000101010101010101010101010101010101010101010101010101010101010101010501020304, MALFORMED",
        "24, 01010101010101010101010101010101010101010101010101010101010101010401020304000100000000000000000002, MALFORMED",
        "11, 02, MALFORMED",
        "7f, '', UNKNOWN_TYPE",
        "00, '', UNKNOWN_TYPE",
    })
    void malformedPayloadsGetTheirCode(String type, String payloadHex, ErrorCode code) {
        byte[] payload = HexFormat.of().parseHex(payloadHex);
        byte[] frame = new byte[5 + payload.length];
        frame[3] = (byte) (1 + payload.length);
        frame[4] = (byte) Integer.parseInt(type, 16);
        System.arraycopy(payload, 0, frame, 5, payload.length);
        WireException e = assertThrows(WireException.class, () -> FrameReader.datagram(frame, 0, frame.length));
        assertEquals(code, e.code(), e.getMessage());
        assertEquals(code.value(), e.toFrame().code());
    }

    @Test
    void theLengthIsCheckedBeforeAnythingIsRead() {
        byte[] zero = {0, 0, 0, 0};
        assertEquals(ErrorCode.TOO_LARGE, assertThrows(WireException.class,
                () -> new FrameReader(new ByteArrayInputStream(zero)).read()).code());
        byte[] huge = {0, 0x40, 0, 1, 0x19};
        assertEquals(ErrorCode.TOO_LARGE, assertThrows(WireException.class,
                () -> new FrameReader(new ByteArrayInputStream(huge)).read()).code());
        byte[] overSmallLimit = {0, 0, 1, 0, 0x20};
        assertEquals(ErrorCode.TOO_LARGE, assertThrows(WireException.class,
                () -> new FrameReader(new ByteArrayInputStream(overSmallLimit), 255).read()).code());
    }

    @Test
    void aStreamEndingInsideAFrameIsEof() {
        assertThrows(EOFException.class, () -> new FrameReader(new ByteArrayInputStream(new byte[] {0, 0})).read());
        assertThrows(EOFException.class, () -> new FrameReader(new ByteArrayInputStream(new byte[] {0, 0, 0, 9, 3, 0})).read());
        byte[] ping = FrameCodec.encode(new Frame.Ping(1));
        assertEquals(ErrorCode.MALFORMED, assertThrows(WireException.class,
                () -> FrameReader.datagram(ping, 0, ping.length - 1)).code(), "a datagram shorter than its prefix");
    }

    @Test
    void manifestsCheckNamesPathsAndSizes() throws Exception {
        Manifest m = folder();
        assertEquals(32000, m.size());
        assertEquals(2, m.chunks());
        assertEquals(16384, m.chunkLength(0));
        assertEquals(32000 - 16384, m.chunkLength(1));
        byte[] bytes = m.encode();
        assertEquals(m.describe(), Manifest.decode(ByteBuffer.wrap(bytes)).describe());
        assertArrayEquals(Manifest.sha256(bytes), m.root());
        for (String bad : List.of("", ".", "..", "a/b", "a\\b", "tab\there", "x".repeat(256))) {
            assertThrows(IllegalArgumentException.class,
                    () -> new Manifest(false, bad, 16384, List.of(new Manifest.FileEntry("", 1)), new byte[32]), bad);
        }
        for (String bad : List.of("../x", "a//b", "/abs", "a/./b", "a/")) {
            assertThrows(IllegalArgumentException.class,
                    () -> new Manifest(true, "f", 16384, List.of(new Manifest.FileEntry(bad, 1)), new byte[32]), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new Manifest(true, "f", 16384,
                List.of(new Manifest.FileEntry("a", 1), new Manifest.FileEntry("a", 1)), new byte[32]), "a path twice");
        assertThrows(IllegalArgumentException.class, () -> new Manifest(false, "f", 16385,
                List.of(new Manifest.FileEntry("", 1)), new byte[32]), "not a power of two");
        assertThrows(IllegalArgumentException.class, () -> new Manifest(false, "f", 16384,
                List.of(new Manifest.FileEntry("", 16385)), new byte[32]), "one hash short");
        assertEquals(256 * 1024, Manifest.chunkSizeFor(1L << 30, Manifest.DEFAULT_CHUNK));
        assertEquals(1024 * 1024, Manifest.chunkSizeFor(64L << 30, Manifest.DEFAULT_CHUNK));
        assertEquals(Manifest.MAX_CHUNK, Manifest.chunkSizeFor(1L << 45, Manifest.DEFAULT_CHUNK));
    }

    @Test
    void linksRoundTripAndSayWhatIsWrong() {
        byte[] root = id(3);
        Link l = new Link(root, "my file+1.txt", List.of(new HostPort("203.0.113.1", 7013)),
                List.of(new HostPort("::1", 9000), new HostPort("10.0.0.2", 7014)));
        String text = l.toString();
        assertEquals("netloom://" + HexFormat.of().formatHex(root) + "/my%20file%2B1.txt?rv=203.0.113.1:7013"
                + "&peer=[::1]:9000&peer=10.0.0.2:7014", text);
        Link back = Link.parse(text + "&future=1");
        assertEquals(text, back.toString());
        assertEquals("my file+1.txt", back.name());
        assertEquals(7013, Link.parse("netloom://" + HexFormat.of().formatHex(root) + "/x?rv=example.org")
                .rendezvous().getFirst().port());
        for (String bad : Stream.of("http://x", "netloom://abc/x", "netloom://" + "g".repeat(64) + "/x",
                "netloom://" + HexFormat.of().formatHex(root) + "/x?peer=nohostport").toList()) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> Link.parse(bad)).getMessage().length() > 5);
        }
    }
}
