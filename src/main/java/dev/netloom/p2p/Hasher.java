package dev.netloom.p2p;

import dev.netloom.p2p.seal.Sha256;
import dev.netloom.p2p.wire.Frame;
import dev.netloom.p2p.wire.Manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Makes the manifest of a file or a folder: lists the files (a folder's regular files, in
 * path order, symbolic links not followed), cuts them into chunks and hashes the chunks, in
 * parallel on every core (SHA-256 is the cost of sharing: about 1 s per GiB per core here).
 */
public final class Hasher {

    private Hasher() {
    }

    /** What hashing made: the manifest and the files it describes, in its order. */
    public record Result(Manifest manifest, List<Path> paths) {
    }

    /**
     * Hashes {@code path} with chunks of {@code preferredChunk} bytes (raised for large shares:
     * {@link Manifest#chunkSizeFor}).
     *
     * @throws IOException when the path does not exist, cannot be read, or is neither file nor folder
     */
    public static Result hash(Path path, int preferredChunk) throws IOException {
        Path p = path.toAbsolutePath().normalize();
        if (p.getFileName() == null) {
            throw new IOException("cannot share " + path + ": it has no name");
        }
        String name = p.getFileName().toString();
        List<Path> files = new ArrayList<>();
        List<Manifest.FileEntry> entries = new ArrayList<>();
        boolean folder = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        if (folder) {
            try (Stream<Path> walk = Files.walk(p)) {
                for (Path f : walk.filter(x -> Files.isRegularFile(x, LinkOption.NOFOLLOW_LINKS))
                        .sorted(Comparator.comparing(x -> p.relativize(x).toString())).toList()) {
                    files.add(f);
                    entries.add(new Manifest.FileEntry(p.relativize(f).toString().replace('\\', '/'), Files.size(f)));
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        } else if (Files.isRegularFile(p)) {
            files.add(p);
            entries.add(new Manifest.FileEntry("", Files.size(p)));
        } else {
            throw new IOException("cannot share " + path + ": no such file or folder");
        }
        long total = entries.stream().mapToLong(Manifest.FileEntry::size).sum();
        int chunk = Manifest.chunkSizeFor(total, preferredChunk);
        int chunks = (int) ((total + chunk - 1) / chunk);
        byte[] hashes = new byte[chunks * Frame.ID_LENGTH];
        Manifest probe = new Manifest(folder, name, chunk, entries, hashes);
        try (Storage s = Storage.forReading(files, probe)) {
            BitSet all = new BitSet();
            all.set(0, chunks);
            hashChunks(s, probe, all, hashes);
        }
        return new Result(new Manifest(folder, name, chunk, entries, hashes), files);
    }

    /**
     * Puts the SHA-256 of each chunk in {@code which}, as {@code s} holds it, at its place in
     * {@code hashes} (32 bytes per chunk of {@code m}).
     */
    static void hashChunks(Storage s, Manifest m, BitSet which, byte[] hashes) throws IOException {
        int[] list = which.stream().toArray();
        int workers = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), list.length));
        try (ExecutorService pool = Executors.newFixedThreadPool(workers, Thread.ofPlatform().daemon().factory())) {
            List<Future<?>> parts = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int first = w;
                parts.add(pool.submit(() -> {
                    // direct: the kernel reads into it and libcrypto hashes it where it is
                    ByteBuffer buf = ByteBuffer.allocateDirect(m.chunkSize());
                    for (int k = first; k < list.length; k += workers) {
                        int i = list[k];
                        s.read(i, 0, buf.clear().limit(m.chunkLength(i)));
                        System.arraycopy(Sha256.digest(buf.flip()), 0, hashes, i * Frame.ID_LENGTH, Frame.ID_LENGTH);
                    }
                    return null;
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("hashing failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("hashing interrupted");
        }
    }
}
