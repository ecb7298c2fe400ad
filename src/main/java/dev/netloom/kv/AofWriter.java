package dev.netloom.kv;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Appends to the AOF (see {@link Aof} for the format and the lock order): commands are encoded
 * under the store's lock into a pending buffer; before a client's replies go out, its connection
 * calls {@link #await} with the offset of its last write, and whoever gets there first writes
 * everything pending (one write for many clients' commands) and, under {@code appendfsync always},
 * forces it to disk. {@link #cron} writes what no client waits for and forces once a second under
 * {@code everysec}. After the first failed write or force, every write is refused
 * ({@link #failure}) until a rewrite replaces the file.
 */
final class AofWriter {

    private static final System.Logger LOG = System.getLogger(AofWriter.class.getName());

    /** Guards {@link #pending}, {@link #end} and the rewrite's buffer (see {@link AofRewriter}). */
    final ReentrantLock bufLock = new ReentrantLock();
    /** Guards the channel: writing, forcing, and the switch to a rewritten file. */
    final ReentrantLock ioLock = new ReentrantLock();
    private final Path file;
    /** Changed at runtime by CONFIG SET appendfsync. */
    private volatile Aof.Fsync fsync;
    private FileChannel channel;
    private AofBuffer pending = new AofBuffer();
    private AofBuffer spare = new AofBuffer();
    private long end;
    /** The database the file's last command ran in (-1: unknown, so the next one is preceded by a SELECT). */
    private int selected = -1;
    private volatile long written;
    private volatile long synced;
    private volatile long fileSize;
    private volatile IOException failure;
    private long lastFsyncNanos = System.nanoTime();

    /** Opens {@code file} (which must exist) for appending at its end. */
    AofWriter(Path file, Aof.Fsync fsync) throws IOException {
        this.file = file;
        this.fsync = fsync;
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        fileSize = channel.size();
        channel.position(fileSize);
    }

    long size() {
        return fileSize;
    }

    Aof.Fsync fsync() {
        return fsync;
    }

    /** Changes the mode from the next write on (CONFIG SET appendfsync); under always the next await forces. */
    void fsync(Aof.Fsync mode) {
        fsync = mode;
    }

    /** Offset just past the last command appended (under the store lock). */
    long end() {
        return end;
    }

    IOException failure() {
        return failure;
    }

    /**
     * Appends {@code argv}, or {@code propagated} instead when not null, run in database {@code db}
     * (the caller holds {@link #bufLock}).
     */
    void append(byte[][] argv, List<byte[][]> propagated, int db) {
        if (db != selected) {
            end += pending.append(AofBuffer.select(db));
            selected = db;
        }
        if (propagated == null) {
            end += pending.append(argv);
        } else {
            for (byte[][] p : propagated) {
                end += pending.append(p);
            }
        }
    }

    /** Whether everything up to {@code offset} is where {@link #await} would wait for it to be. */
    boolean written(long offset) {
        return offset <= (fsync == Aof.Fsync.ALWAYS ? synced : written);
    }

    /**
     * Returns once everything up to {@code offset} is written to the file (and, under
     * {@code always}, forced to disk). Throws if the file cannot be written: the caller must
     * then not acknowledge.
     */
    void await(long offset) throws IOException {
        if (written(offset)) {
            return;
        }
        ioLock.lock();
        try {
            if (failure != null) {
                throw failure;
            }
            if (offset > written) {
                writePending();
            }
            if (fsync == Aof.Fsync.ALWAYS && offset > synced) {
                force();
            }
        } finally {
            ioLock.unlock();
        }
    }

    /** Writes what is pending (caller holds ioLock). */
    private void writePending() throws IOException {
        AofBuffer out;
        long upTo;
        bufLock.lock();
        try {
            out = pending;
            upTo = end;
            pending = spare;
            spare = out;
        } finally {
            bufLock.unlock();
        }
        try {
            out.writeTo(channel);
            fileSize += out.length();
            written = upTo;
        } catch (IOException e) {
            fail(e);
            throw e;
        } finally {
            out.clear();
        }
    }

    private void force() throws IOException {
        long upTo = written;
        try {
            channel.force(false);
            synced = upTo;
            lastFsyncNanos = System.nanoTime();
        } catch (IOException e) {
            fail(e);
            throw e;
        }
    }

    private void fail(IOException e) {
        if (failure == null) {
            failure = e;
            LOG.log(Level.ERROR, "kv: cannot write " + file + "; writes are refused from now on", e);
        }
    }

    /**
     * Called ten times a second: writes what is pending (expired keys reaped with no client
     * waiting) and forces once a second under {@code everysec}. A failure is recorded (clients
     * get MISCONF), not thrown. Returns false, doing nothing, when an earlier failure stands.
     */
    boolean cron() {
        ioLock.lock();
        try {
            if (failure != null) {
                return false;
            }
            if (written < pendingEnd()) {
                writePending();
            }
            if (fsync != Aof.Fsync.NO && synced < written && System.nanoTime() - lastFsyncNanos >= 1_000_000_000L) {
                force();
            }
        } catch (IOException e) {
            // failure recorded; clients get MISCONF
        } finally {
            ioLock.unlock();
        }
        return true;
    }

    private long pendingEnd() {
        bufLock.lock();
        try {
            return end;
        } finally {
            bufLock.unlock();
        }
    }

    /**
     * Goes on appending in {@code next}, the rewritten file now in place of the old one, which
     * already holds everything pending (as state or as commands). The caller holds
     * {@link #ioLock} and the store's lock.
     */
    void switchTo(FileChannel next) throws IOException {
        next.position(next.size());
        FileChannel old = channel;
        channel = next;
        old.close();
        bufLock.lock();
        try {
            pending.clear();
            written = end;
            synced = end;
            selected = -1;
        } finally {
            bufLock.unlock();
        }
        fileSize = next.size();
        failure = null;
    }

    /** Writes and forces everything, and closes the file (a graceful stop). */
    void close() throws IOException {
        ioLock.lock();
        try {
            if (failure == null) {
                writePending();
                channel.force(false);
            }
        } finally {
            channel.close();
            ioLock.unlock();
        }
    }
}
