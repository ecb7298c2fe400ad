package dev.netloom.p2p;

import dev.netloom.p2p.wire.Link;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Peers on one machine find each other by multicast alone: a link with no address and no rendezvous. */
class LanDiscoveryTest {

    @TempDir
    Path dir;

    @Test
    void aLinkWithNoAddressIsFoundOnTheLan() throws Exception {
        byte[] data = P2pServiceTest.random(2_000_000, 8);
        Path file = Files.write(dir.resolve("lan.bin"), data);
        try (P2pService seed = P2pServiceTest.peer("lan=true"); P2pService leech = P2pServiceTest.peer("lan=true")) {
            assumeTrue(seed.lanOn() && leech.lanOn(), "no interface here joins a multicast group: LAN discovery is off");
            Link shared = seed.share(file);
            Link bare = new Link(shared.root(), shared.name(), List.of(), List.of());
            leech.download(bare, dir.resolve("out")).completion().get(20, TimeUnit.SECONDS);
            assertArrayEquals(data, Files.readAllBytes(dir.resolve("out/lan.bin")));
        }
    }
}
