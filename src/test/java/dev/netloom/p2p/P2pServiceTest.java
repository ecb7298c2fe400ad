package dev.netloom.p2p;

import dev.netloom.p2p.wire.Link;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class P2pServiceTest {

    @TempDir
    Path dir;

    static P2pService peer(String... more) {
        String[] base = {"identity=none", "lan=false", "chunk-size=64k"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return (P2pService) Net.start(P2pService.type(), all);
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aFileSharedByOnePeerArrivesWholeAtAnother() throws Exception {
        byte[] data = random(3 * 1024 * 1024 + 123, 1);
        Path file = Files.write(dir.resolve("data.bin"), data);
        try (P2pService seed = peer(); P2pService leech = peer()) {
            Link link = seed.share(file);
            assertEquals("data.bin", link.name());
            Download d = leech.download(Link.parse(link.toString()), dir.resolve("out"));
            d.completion().get(30, TimeUnit.SECONDS);
            assertArrayEquals(data, Files.readAllBytes(dir.resolve("out/data.bin")));
        }
    }
}
