package dev.netloom.p2p;

import dev.netloom.core.Libc;
import dev.netloom.p2p.wire.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The write-behind of a download's storage: past {@link Storage#WRITE_BEHIND} bytes written, a
 * background force runs while the writes go on, and what was written reads back whole; the
 * stretch it forced leaves the page cache.
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

    @Test
    void theStretchABackgroundForceMadeCleanLeavesThePageCache() throws Exception {
        assumeTrue(Libc.canDropPages(), "posix_fadvise through libc: Linux, 64-bit");
        assumeFalse("tmpfs".equals(Files.getFileStore(dir).type()), "tmpfs keeps its pages: they are the file");
        int chunk = 256 * 1024;
        byte[] data = new byte[(int) Storage.WRITE_BEHIND + 4 * chunk];
        new Random(11).nextBytes(data);
        Path source = Files.write(dir.resolve("disk.img"), data);
        Manifest m = Hasher.hash(source, chunk).manifest();
        Path out = Files.createDirectories(dir.resolve("out"));
        try (Storage s = Storage.forWriting(out, m)) {
            for (int c = 0; c < m.chunks(); c++) {
                s.write(c, ByteBuffer.wrap(data, c * chunk, m.chunkLength(c)));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> s.forcedBehind() >= 1);
            s.force();
        }
        int pages = (int) (Storage.WRITE_BEHIND / 4096);
        // the control: the source, written through the cache like any file, is still in it
        assertTrue(resident(source, pages) > pages * 9 / 10, "mincore sees a cached file as cached");
        // the first stretch (written before the background force began) was forced, then dropped;
        // a few pages may stay where a large folio reaches into the chunks written after it
        int left = resident(out.resolve("disk.img"), pages);
        assertTrue(left < pages / 20, left + " of the forced stretch's " + pages + " pages are still cached");
        assertArrayEquals(data, Files.readAllBytes(out.resolve("disk.img")));
    }

    /** How many of the first {@code pages} 4 KiB pages of {@code file} are in the page cache (mincore, through isLoaded). */
    private static int resident(Path file, int pages) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, pages * 4096L);
            int n = 0;
            for (int p = 0; p < pages; p++) {
                if (map.slice(p * 4096, 4096).isLoaded()) {
                    n++;
                }
            }
            return n;
        }
    }
}
