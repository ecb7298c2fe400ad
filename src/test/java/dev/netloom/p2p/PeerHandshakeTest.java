package dev.netloom.p2p;

import dev.netloom.p2p.seal.RecordCipher;
import dev.netloom.p2p.seal.SealKeys;
import dev.netloom.p2p.seal.SealedInputStream;
import dev.netloom.p2p.seal.SealedOutputStream;
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
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
                assertError(ErrorCode.UNSUPPORTED_VERSION, exchange(s, new Frame.Hello(3, 4, me.id(), link.root(), 0)));
            }
            try (SSLSocket s = tls(peer, me)) {
                assertError(ErrorCode.PROTOCOL, exchange(s, new Frame.Ping(1)));
            }
            try (SSLSocket s = tls(peer, me)) {
                s.getOutputStream().write(new byte[] {0x7f, 0, 0, 0, 1});
                assertError(ErrorCode.TOO_LARGE, new FrameReader(s.getInputStream()).read());
            }
            try (SSLSocket s = tls(peer, me)) { // version 1: everything over TLS
                Frame hello = exchange(s, new Frame.Hello(1, 1, me.id(), link.root(), 0));
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
    void versionTwoLeavesTlsForSealedRecordsAfterTheSeals() throws Exception {
        PeerIdentity me = PeerIdentity.generate();
        try (P2pService peer = P2pServiceTest.peer()) {
            Link link = shared(peer);
            byte[] data = Files.readAllBytes(dir.resolve("f.bin"));
            Socket raw = new Socket(peer.address().getAddress(), peer.address().getPort());
            raw.setSoTimeout(10_000);
            try (raw) {
                SSLSocket s = (SSLSocket) me.context().getSocketFactory().createSocket(raw, "peer", raw.getPort(), false);
                s.setUseClientMode(true);
                s.startHandshake();
                byte[] theirId = PeerIdentity.idOf(s.getSession());
                Frame.Hello hello = (Frame.Hello) exchange(s, new Frame.Hello(1, 7, me.id(), link.root(), 0));
                assertEquals(2, hello.maxVersion(), "the peer offers version 2");
                FrameReader tr = new FrameReader(s.getInputStream());
                byte[] mine = new byte[32];
                mine[0] = 1;
                new FrameWriter(s.getOutputStream()).send(new Frame.Seal(mine));
                Frame.Seal theirs = assertInstanceOf(Frame.Seal.class, tr.read(), "version 2: SEAL follows the HELLOs");
                SealKeys keys = SealKeys.derive(mine, theirs.secret(), me.id(), theirId);
                FrameReader r = new FrameReader(new SealedInputStream(raw.getInputStream(),
                        RecordCipher.of(keys.readKey(true), false)));
                SealedOutputStream sealedOut = new SealedOutputStream(raw.getOutputStream(),
                        RecordCipher.of(keys.writeKey(true), true));
                FrameWriter w = new FrameWriter(sealedOut);
                assertInstanceOf(Frame.Bitfield.class, r.read(), "the BITFIELD comes sealed, not over TLS");
                w.send(new Frame.Interested());
                assertInstanceOf(Frame.Unchoke.class, r.read());
                w.send(new Frame.Request(0, 0, 65536));
                Frame.Piece p = (Frame.Piece) r.read();
                assertTrue(p.data().isDirect(), "a sealed PIECE is decoded where its record was opened");
                assertEquals(ByteBuffer.wrap(data, 0, 65536), p.data());
                // the next record, changed on the way (one bit of its ciphertext): the peer drops the connection
                byte[] ping = FrameCodec.encode(new Frame.Ping(9));
                byte[] record = new byte[4 + ping.length + RecordCipher.TAG];
                ByteBuffer.wrap(record).putInt(ping.length + RecordCipher.TAG);
                RecordCipher.of(keys.writeKey(true), true).seal(sealedOut.records(), Arrays.copyOf(record, 4),
                        ByteBuffer.wrap(ping), ByteBuffer.wrap(record, 4, record.length - 4));
                record[6] ^= 1;
                raw.getOutputStream().write(record);
                Frame after;
                try {
                    after = r.read();
                } catch (SocketException reset) {
                    after = null;
                }
                assertNull(after, "no PONG: the connection ends");
            }
        }
    }

    @Test
    void versionOneAndVersionTwoPeersShareOverTlsBothWays() throws Exception {
        // a version-1 peer would take a SEAL on its open connection as a PROTOCOL error: the files
        // arriving means the version-2 side spoke version 1 to it, in either role
        byte[] data = P2pServiceTest.random(700_000, 3);
        try (P2pService modern = P2pServiceTest.peer(); P2pService old = P2pServiceTest.peer()) {
            old.speakUpTo(1);
            Link fromModern = modern.share(Files.write(dir.resolve("a.bin"), data));
            old.download(fromModern, dir.resolve("old")).completion().get(30, TimeUnit.SECONDS);
            assertArrayEquals(data, Files.readAllBytes(dir.resolve("old/a.bin")));
            Link fromOld = old.share(Files.write(dir.resolve("b.bin"), P2pServiceTest.random(300_000, 4)));
            modern.download(fromOld, dir.resolve("modern")).completion().get(30, TimeUnit.SECONDS);
            assertArrayEquals(Files.readAllBytes(dir.resolve("b.bin")), Files.readAllBytes(dir.resolve("modern/b.bin")));
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
            p.data().get(p.data().position(), got);
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
