package dev.netloom.p2p;

import dev.netloom.core.Libc;
import dev.netloom.p2p.wire.Manifest;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A share's bytes on disk: the manifest's files as one stream (in their order), read and written
 * by position, a chunk possibly spanning files. Opened read-only to seed what is shared, or
 * read-write (files made at their full size, sparse) to download into. Positional reads and
 * writes are safe from several threads at once.
 *
 * <p>Written data is forced to disk behind the writers: after every {@link #WRITE_BEHIND} bytes
 * a background thread forces the files while the download goes on, so the {@link #force} that
 * completes a download waits only for the last stretch, not for the whole file's writeback.
 * Then it drops the files' clean pages from the page cache ({@link Libc#dropCleanPages}): a
 * download keeps about one stretch of its file in memory, and its writes reuse those pages (on
 * this machine, a VM whose freed memory goes back to the host, a GiB written into fresh page
 * cache cost about a second of system time in page faults: bench/README.md, p2p).
 */
public final class Storage implements Closeable {

    /**
     * Bytes written between two background forces: the final force waits for at most this much
     * (16 MiB: 11-13 ms here, where 64 MiB made it 44-48 ms of every download's end).
     */
    static final long WRITE_BEHIND = 16L << 20;
    private static final Logger LOG = Logger.getLogger(Storage.class.getName());

    private final List<Path> paths;
    private final long[] starts;
    private final long[] sizes;
    private final FileChannel[] channels;
    private final int chunkSize;
    private final boolean writable;
    private final AtomicLong unforced = new AtomicLong();
    private final AtomicBoolean forcing = new AtomicBoolean();
    private final AtomicLong forcedBehind = new AtomicLong();

    private Storage(List<Path> paths, Manifest m, boolean writable) throws IOException {
        this.paths = List.copyOf(paths);
        this.chunkSize = m.chunkSize();
        this.writable = writable;
        int n = m.files().size();
        starts = new long[n];
        sizes = new long[n];
        channels = new FileChannel[n];
        long at = 0;
        try {
            for (int i = 0; i < n; i++) {
                starts[i] = at;
                sizes[i] = m.files().get(i).size();
                at += sizes[i];
                Path p = paths.get(i);
                if (writable) {
                    Path parent = p.toAbsolutePath().getParent();
                    Files.createDirectories(parent);
                    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                        if (f.length() != sizes[i]) {
                            f.setLength(sizes[i]); // sparse: the chunks fill it
                        }
                    }
                    channels[i] = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
                } else {
                    channels[i] = FileChannel.open(p, StandardOpenOption.READ);
                }
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** The files of {@code m} as paths under {@code base}: {@code base/NAME}, or {@code base/NAME/PATH...} for a folder. */
    public static List<Path> pathsUnder(Path base, Manifest m) {
        Path top = base.resolve(m.name());
        List<Path> out = new ArrayList<>();
        for (Manifest.FileEntry f : m.files()) {
            out.add(m.folder() ? top.resolve(f.path()) : top);
        }
        return out;
    }

    /** The files of {@code m}, read-only, at {@code paths} (one per manifest entry). */
    public static Storage forReading(List<Path> paths, Manifest m) throws IOException {
        return new Storage(paths, m, false);
    }

    /** The files of {@code m} under {@code base}, made at their sizes if missing, read-write. */
    public static Storage forWriting(Path base, Manifest m) throws IOException {
        return new Storage(pathsUnder(base, m), m, true);
    }

    /** The files, in manifest order. */
    public List<Path> paths() {
        return paths;
    }

    /**
     * Fills {@code dst}'s remaining bytes from chunk {@code chunk} at {@code offset} in it; its
     * position ends at its limit. A direct buffer is read into straight by the kernel.
     */
    public void read(int chunk, int offset, ByteBuffer dst) throws IOException {
        transfer((long) chunk * chunkSize + offset, dst, false);
    }

    /**
     * Writes {@code src}'s remaining bytes as chunk {@code chunk} from its start; its position ends
     * at its limit. A direct buffer goes to the kernel as it is (a heap one is first copied into
     * one by the JDK).
     */
    public void write(int chunk, ByteBuffer src) throws IOException {
        if (!writable) {
            throw new IOException("storage is read-only");
        }
        int length = src.remaining();
        transfer((long) chunk * chunkSize, src, true);
        if (unforced.addAndGet(length) >= WRITE_BEHIND && forcing.compareAndSet(false, true)) {
            unforced.set(0);
            Thread.ofPlatform().daemon().name("p2p-write-behind").start(this::forceBehind);
        }
    }

    /** The modification times of the files, in order (to notice a shared file changed under the share). */
    public List<FileTime> stamps() throws IOException {
        List<FileTime> out = new ArrayList<>();
        for (Path p : paths) {
            out.add(Files.getLastModifiedTime(p));
        }
        return out;
    }

    /** The files' sizes on disk, in order. */
    public List<Long> diskSizes() throws IOException {
        List<Long> out = new ArrayList<>();
        for (Path p : paths) {
            out.add(Files.size(p));
        }
        return out;
    }

    /** Makes what was written durable. */
    public void force() throws IOException {
        for (FileChannel c : channels) {
            if (c != null) {
                c.force(false);
            }
        }
    }

    /** Background forces done so far, each with its drop from the page cache (tests). */
    long forcedBehind() {
        return forcedBehind.get();
    }

    /** The background force: a failure here is only logged, since the final {@link #force} reports it. */
    private void forceBehind() {
        try {
            force();
            for (Path p : paths) {
                Libc.dropCleanPages(p); // what the force made clean: the next writes reuse its pages
            }
            forcedBehind.incrementAndGet();
        } catch (IOException e) {
            LOG.log(Level.FINE, "p2p: background force of {0}: {1}", new Object[] {paths.get(0), e});
        } finally {
            forcing.set(false);
        }
    }

    private void transfer(long position, ByteBuffer buf, boolean write) throws IOException {
        int file = fileAt(position);
        while (buf.hasRemaining()) {
            if (file >= channels.length) {
                throw new IOException("position " + position + " is past the end of the share");
            }
            long within = position - starts[file];
            int n = (int) Math.min(buf.remaining(), sizes[file] - within);
            if (n <= 0) {
                file++;
                continue;
            }
            ByteBuffer part = buf.slice(buf.position(), n);
            while (part.hasRemaining()) {
                int done = write ? channels[file].write(part, within + part.position())
                        : channels[file].read(part, within + part.position());
                if (done < 0) {
                    throw new IOException(paths.get(file) + " is shorter than the manifest says (changed under the share?)");
                }
            }
            buf.position(buf.position() + n);
            position += n;
            file++;
        }
    }

    private int fileAt(long position) {
        int lo = 0;
        int hi = starts.length - 1;
        while (lo < hi) { // the last file starting at or before position
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= position) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (FileChannel c : channels) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
