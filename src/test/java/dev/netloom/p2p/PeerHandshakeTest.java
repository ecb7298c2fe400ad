package dev.netloom.p2p;

import dev.netloom.p2p.wire.ErrorCode;
import dev.netloom.p2p.wire.Frame;
import dev.netloom.p2p.wire.FrameCodec;
import dev.netloom.p2p.wire.FrameReader;
import dev.netloom.p2p.wire.FrameWriter;
import dev.netloom.p2p.wire.Link;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A peer's door: TLS with a pinned id, the HELLO's checks, and each error in the protocol's terms. */
class PeerHandshakeTest {

    @TempDir
    Path dir;

    /** A TLS client with a key of its own, connected to {@code peer}. */
    private static SSLSocket tls(P2pService peer, PeerIdentity me) throws IOException {
        Socket raw = new Socket(peer.address().getAddress(), peer.address().getPort());
        raw.setSoTimeout(10_000);
        SSLSocket s = (SSLSocket) me.context().getSocketFactory().createSocket(raw, "peer", raw.getPort(), true);
        s.setUseClientMode(true);
        s.startHandshake();
        assertEquals(peer.peerId(), HexFormat.of().formatHex(PeerIdentity.idOf(s.getSession())), "the key pinned by its id");
        return s;
    }

    private static Frame exchange(SSLSocket s, Frame... send) throws IOException {
        FrameWriter w = new FrameWriter(s.getOutputStream());
        for (Frame f : send) {
            w.send(f);
        }
        return new FrameReader(s.getInputStream()).read();
    }

    private static void assertError(ErrorCode code, Frame f) {
        Frame.ErrorFrame e = assertInstanceOf(Frame.ErrorFrame.class, f);
        assertEquals(code, e.errorCode(), e.describe());
    }

    private Link shared(P2pService peer) throws IOException {
        return peer.share(Files.write(dir.resolve("f.bin"), P2pServiceTest.random(100_000, 1)));
    }

    @Test
    void theHelloIsCheckedAndEachRefusalSaysWhy() throws Exception {
        PeerIdentity me = PeerIdentity.generate();
        try (P2pService peer = P2pServiceTest.peer()) {
            Link link = shared(peer);
            try (SSLSocket s = tls(peer, me)) {
                assertError(ErrorCode.UNKNOWN_FILE, exchange(s, new Frame.Hello(1, 1, me.id(), new byte[32], 0)));
            }
            try (SSLSocket s = tls(peer, me)) {
                assertError(ErrorCode.AUTH, exchange(s, new Frame.Hello(1, 1, new byte[32], link.root(), 0)));
            }
            try (SSLSocket s = tls(peer, me)) {
                assertError(ErrorCode.UNSUPPORTED_VERSION, exchange(s, new Frame.Hello(2, 3, me.id(), link.root(), 0)));
            }
            try (SSLSocket s = tls(peer, me)) {
                assertError(ErrorCode.PROTOCOL, exchange(s, new Frame.Ping(1)));
            }
            try (SSLSocket s = tls(peer, me)) {
                s.getOutputStream().write(new byte[] {0x7f, 0, 0, 0, 1});
                assertError(ErrorCode.TOO_LARGE, new FrameReader(s.getInputStream()).read());
            }
            try (SSLSocket s = tls(peer, me)) {
                Frame hello = exchange(s, new Frame.Hello(1, 7, me.id(), link.root(), 0));
                assertEquals(peer.peerId(), HexFormat.of().formatHex(((Frame.Hello) hello).peerId()));
                FrameReader r = new FrameReader(s.getInputStream());
                assertInstanceOf(Frame.Bitfield.class, r.read(), "a seeder says what it has");
                FrameWriter w = new FrameWriter(s.getOutputStream());
                w.send(new Frame.GetManifest());
                assertEquals(link.rootHex(), ((Frame.ManifestFrame) r.read()).manifest().rootHex());
                w.send(new Frame.Request(99, 0, 100));
                assertError(ErrorCode.BAD_REQUEST, r.read());
            }
            try (SSLSocket s = tls(peer, me)) {
                exchange(s, new Frame.Hello(1, 1, me.id(), link.root(), 0));
                FrameReader r = new FrameReader(s.getInputStream());
                r.read(); // BITFIELD
                s.getOutputStream().write(new byte[] {0, 0, 0, 1, 0x5e});
                assertError(ErrorCode.UNKNOWN_TYPE, r.read());
            }
        }
    }

    @Test
    void aPlainConnectionGetsNoFurtherThanTls() throws Exception {
        try (P2pService peer = P2pServiceTest.peer(); Socket s = new Socket(peer.address().getAddress(), peer.address().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(FrameCodec.encode(new Frame.Hello(1, 1, new byte[32], new byte[32], 0)));
            byte[] answer;
            try {
                answer = s.getInputStream().readAllBytes(); // a read timeout here fails the test: it must close
            } catch (SocketException reset) {
                answer = new byte[0];
            }
            // nothing of the protocol comes back: at most a TLS alert record (content type 21), then the close
            assertTrue(answer.length == 0 || answer[0] == 21, HexFormat.of().formatHex(answer));
        }
    }

    @Test
    void aChunkIsServedOnlyWhileUnchokedAndExactly() throws Exception {
        PeerIdentity me = PeerIdentity.generate();
        try (P2pService peer = P2pServiceTest.peer(); SSLSocket s = tls(peer, me)) {
            Link link = shared(peer);
            byte[] data = Files.readAllBytes(dir.resolve("f.bin"));
            exchange(s, new Frame.Hello(1, 1, me.id(), link.root(), 0));
            FrameReader r = new FrameReader(s.getInputStream());
            FrameWriter w = new FrameWriter(s.getOutputStream());
            r.read(); // BITFIELD
            w.send(new Frame.Request(0, 0, 100)); // choked: dropped
            w.send(new Frame.Interested());
            assertInstanceOf(Frame.Unchoke.class, r.read());
            w.send(new Frame.Request(1, 100, 1000));
            Frame.Piece p = (Frame.Piece) r.read();
            assertEquals(1, p.index());
            byte[] got = new byte[p.length()];
            System.arraycopy(p.data(), p.dataOffset(), got, 0, got.length);
            byte[] want = new byte[1000];
            System.arraycopy(data, 65536 + 100, want, 0, 1000);
            assertArrayEquals(want, got);
            w.send(new Frame.Ping(5));
            assertEquals(5, ((Frame.Pong) r.read()).nonce(), "the request made while choked was dropped, not answered");
        }
    }

    @Test
    void aSharedFileThatChangesIsHashedAgainAndNeverServedStale() throws Exception {
        try (P2pService peer = P2pServiceTest.peer(); P2pService leech = P2pServiceTest.peer()) {
            Path f = dir.resolve("f.bin");
            Link old = shared(peer);
            byte[] changed = P2pServiceTest.random(100_000, 2);
            Files.write(f, changed);
            Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
            PeerIdentity me = PeerIdentity.generate();
            try (SSLSocket s = tls(peer, me)) { // the old root's first upload finds the change
                exchange(s, new Frame.Hello(1, 1, me.id(), old.root(), 0));
                FrameReader r = new FrameReader(s.getInputStream());
                FrameWriter w = new FrameWriter(s.getOutputStream());
                r.read();
                w.send(new Frame.Interested());
                r.read();
                w.send(new Frame.Request(0, 0, 100));
                assertError(ErrorCode.INTERNAL, r.read());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> peer.status().size() == 1
                    && !peer.status().getFirst().root().equals(old.rootHex()));
            String fresh = peer.status().getFirst().root();
            assertNotEquals(old.rootHex(), fresh);
            Link now = new Link(HexFormat.of().parseHex(fresh), "f.bin", List.of(), old.peers());
            leech.download(now, dir.resolve("out")).completion().get(30, TimeUnit.SECONDS);
            assertArrayEquals(changed, Files.readAllBytes(dir.resolve("out/f.bin")));
            try (SSLSocket s = tls(peer, me)) {
                assertError(ErrorCode.UNKNOWN_FILE, exchange(s, new Frame.Hello(1, 1, me.id(), old.root(), 0)));
            }
            assertTrue(peer.details().toString().contains("seeding f.bin"), peer.details().toString());
        }
    }
}
