package dev.netloom.p2p;

import dev.netloom.core.HostPort;
import dev.netloom.core.Service;
import dev.netloom.p2p.rendezvous.RendezvousService;
import dev.netloom.p2p.wire.Link;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Swarms in one JVM: real peers and a real rendezvous on loopback, port 0. */
class SwarmTest {

    @TempDir
    Path dir;

    private static String sha(Path p) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    @Test
    void fivePeersFoundThroughTheRendezvousAllGetTheFileIdentical() throws Exception {
        Path file = dir.resolve("big.bin");
        try (var out = Files.newOutputStream(file)) {
            for (int i = 0; i < 200; i++) {
                out.write(P2pServiceTest.random(1 << 20, i));
            }
        }
        String want = sha(file);
        try (Service rv = Net.start(RendezvousService.type())) {
            String rvAt = "rendezvous=" + HostPort.format(rv.address());
            List<P2pService> peers = new ArrayList<>();
            try {
                P2pService seed = P2pServiceTest.peer(rvAt, "chunk-size=256k");
                peers.add(seed);
                Link link = seed.share(file);
                Link viaRendezvous = new Link(link.root(), link.name(), link.rendezvous(), List.of()); // no peer= hint
                List<Download> downloads = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    P2pService p = P2pServiceTest.peer(rvAt, "chunk-size=256k");
                    peers.add(p);
                    downloads.add(p.download(viaRendezvous, dir.resolve("peer" + i)));
                }
                for (int i = 0; i < 4; i++) {
                    downloads.get(i).completion().get(120, TimeUnit.SECONDS);
                    assertEquals(want, sha(dir.resolve("peer" + i + "/big.bin")), "peer " + i);
                    assertEquals(0, downloads.get(i).status().verifyFailures());
                }
                long fromOthers = downloads.stream().mapToLong(d -> d.status().uploaded()).sum();
                assertTrue(fromOthers > 0, "downloaders also upload to each other: " + fromOthers);
                assertTrue(rv.details().getFirst().startsWith("1 roots, 5 announcements"), rv.details().toString());
            } finally {
                peers.forEach(P2pService::close);
            }
        }
    }

    @Test
    void aPeerKilledMidTransferLeavesTheDownloadToTheOthers() throws Exception {
        Path file = Files.write(dir.resolve("f.bin"), P2pServiceTest.random(64 << 20, 5));
        try (P2pService a = P2pServiceTest.peer("window=2"); P2pService b = P2pServiceTest.peer("window=2");
             P2pService leech = P2pServiceTest.peer()) {
            Link la = a.share(file);
            Link lb = b.share(file);
            Link both = new Link(la.root(), la.name(), List.of(), List.of(la.peers().getFirst(), lb.peers().getFirst()));
            Download d = leech.download(both, dir.resolve("out"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> d.status().have() > 0 && d.status().peers() == 2);
            a.stop(Duration.ZERO);
            d.completion().get(60, TimeUnit.SECONDS);
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(dir.resolve("out/f.bin")));
        }
    }

    @Test
    void aPeerSendingBadChunksIsBannedAndTheFileIsStillRight() throws Exception {
        byte[] data = P2pServiceTest.random(16 << 20, 9);
        Path good = Files.write(Files.createDirectories(dir.resolve("good")).resolve("f.bin"), data);
        Path bad = Files.write(Files.createDirectories(dir.resolve("bad")).resolve("f.bin"), data);
        try (P2pService honest = P2pServiceTest.peer(); P2pService liar = P2pServiceTest.peer();
             P2pService leech = P2pServiceTest.peer()) {
            Link lh = honest.share(good);
            Link ll = liar.share(bad);
            // the liar's file changes after it was hashed, its size and time put back: it serves wrong bytes
            FileTime when = Files.getLastModifiedTime(bad);
            byte[] corrupt = data.clone();
            for (int i = 0; i < corrupt.length; i += 4096) {
                corrupt[i] ^= 0x55;
            }
            Files.write(bad, corrupt);
            Files.setLastModifiedTime(bad, when);
            Link both = new Link(lh.root(), lh.name(), List.of(), List.of(ll.peers().getFirst(), lh.peers().getFirst()));
            Download d = leech.download(both, dir.resolve("out"));
            d.completion().get(60, TimeUnit.SECONDS);
            assertArrayEquals(data, Files.readAllBytes(dir.resolve("out/f.bin")));
            assertTrue(d.status().verifyFailures() >= 1, "the liar's chunk was caught");
            assertTrue(leech.isBanned(HexFormat.of().parseHex(liar.peerId())), "and the liar banned");
        }
    }
}
