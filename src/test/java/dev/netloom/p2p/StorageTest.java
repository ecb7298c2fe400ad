package dev.netloom.p2p;

import dev.netloom.p2p.wire.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The write-behind of a download's storage: past {@link Storage#WRITE_BEHIND} bytes written, a
 * background force runs while the writes go on, and what was written reads back whole.
 */
class StorageTest {

    @TempDir
    Path dir;

    @Test
    void writingPastTheWriteBehindStretchForcesInTheBackgroundAndKeepsEveryByte() throws Exception {
        byte[] data = new byte[(int) Storage.WRITE_BEHIND + 3 * 256 * 1024 + 123];
        new Random(7).nextBytes(data);
        Path source = Files.write(dir.resolve("film.bin"), data);
        Manifest m = Hasher.hash(source, 256 * 1024).manifest();
        Path out = Files.createDirectories(dir.resolve("out"));
        try (Storage s = Storage.forWriting(out, m)) {
            // the last chunk first, then the rest in order, as a swarm writes out of order
            int last = m.chunks() - 1;
            s.write(last, ByteBuffer.wrap(data, last * m.chunkSize(), m.chunkLength(last)));
            assertEquals(0, s.forcedBehind(), "one chunk is far below the stretch");
            for (int c = 0; c < last; c++) {
                s.write(c, ByteBuffer.wrap(data, c * m.chunkSize(), m.chunkLength(c)));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> s.forcedBehind() >= 1);
            s.force();
        }
        assertArrayEquals(data, Files.readAllBytes(out.resolve("film.bin")));
    }
}
