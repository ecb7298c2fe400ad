package dev.netloom.kv;

import dev.netloom.core.PrivateFiles;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The append-only file: every write that changed data, as the RESP command that redoes it, in
 * the order the store ran them.
 *
 * <p><b>Writing.</b> Commands are encoded under the store's lock into a pending buffer. Before a
 * client's replies go out, its connection calls {@link #await} with the offset of its last write:
 * whoever gets there first writes everything pending to the file (one write for many clients'
 * commands), and under {@code appendfsync always} also forces it to disk, so that a reply is
 * never sent for a write the file does not have. This is Redis's order too (the AOF buffer is
 * written before replies; under {@code always} fsynced). With {@code everysec} a background
 * thread forces once a second: a crash of the process loses nothing acknowledged, a crash of the
 * machine at most about a second; with {@code no} the OS decides.
 *
 * <p><b>Loading</b> and checking are {@link AofReader}'s.
 *
 * <p><b>Rewriting</b> (BGREWRITEAOF, or automatically when the file has doubled past a minimum),
 * without stopping clients: the keys are copied into a temporary file in chunks, each under the
 * lock, while clients go on. Each entry carries the generation of the rewrite that has written it
 * ({@link Dict.Entry#mark}; keys created during the rewrite carry it from birth). A write during
 * the rewrite whose keys are all in the new file already (or new) is appended to it as a command;
 * one whose keys are all still to come needs nothing, since the copy will see its effect; a
 * write that mixes the two has the current state of its copied keys appended instead (DEL plus
 * the commands that rebuild them). At the end, under the lock, the tail goes in, the file is
 * forced and renamed over {@code appendonly.aof}, and appending continues there.
 */
final class Aof implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Aof.class.getName());
    static final String FILE = "appendonly.aof";
    private static final byte[] DEL = Bytes.of("DEL");
    private static final int CHUNK = 256;
    private static final String TEMP_PREFIX = "temp-rewriteaof-";

    enum Fsync { ALWAYS, EVERYSEC, NO }

    private final Path dir;
    private final Path file;
    private final Fsync fsync;
    private final KvStore store;
    private final int autoPercent;
    private final long autoMinSize;
    private FileChannel channel;

    // pending bytes, appended under the store lock; swapped out by the writer under bufLock
    private final ReentrantLock bufLock = new ReentrantLock();
    private Buffer pending = new Buffer();
    private Buffer spare = new Buffer();
    private long end;
    private Buffer rewriteBuf;

    private final ReentrantLock ioLock = new ReentrantLock();
    private volatile long written;
    private volatile long synced;
    private volatile long fileSize;
    private volatile long baseSize;
    private volatile IOException failure;
    private long lastFsyncNanos = System.nanoTime();

    // rewrite state: generation and running flag change under the store lock
    private int generation;
    private volatile boolean rewriting;
    private volatile Thread rewriter;
    private volatile String lastRewriteStatus = "ok";
    private volatile long lastRewriteMillis = -1;
    private volatile long rewrites;

    /** A growable byte buffer of encoded commands. */
    private static final class Buffer {
        byte[] b = new byte[64 * 1024];
        int len;

        void ensure(int more) {
            if (len + more > b.length) {
                b = Arrays.copyOf(b, Math.max(b.length * 2, len + more));
            }
        }

        void clear() {
            len = 0;
            if (b.length > 4 * 1024 * 1024) {
                b = new byte[64 * 1024];
            }
        }
    }

    Aof(Path dir, Fsync fsync, int autoPercent, long autoMinSize, KvStore store) throws IOException {
        this.dir = dir;
        this.file = dir.resolve(FILE);
        this.fsync = fsync;
        this.store = store;
        this.autoPercent = autoPercent;
        this.autoMinSize = autoMinSize;
        PrivateFiles.createFile(file); // 0600 in a 0700 directory when we make it
        removeStaleRewrites(dir);
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        fileSize = channel.size();
        baseSize = fileSize;
        channel.position(fileSize);
    }

    /** Deletes what a rewrite cut short by a crash left behind (appendonly.aof itself is whole). */
    private static void removeStaleRewrites(Path dir) throws IOException {
        try (var stale = Files.newDirectoryStream(dir, TEMP_PREFIX + "*.aof")) {
            for (Path p : stale) {
                LOG.log(Level.WARNING, "kv: deleting {0}, left by a rewrite that did not finish", p);
                Files.deleteIfExists(p);
            }
        }
    }

    Path file() {
        return file;
    }

    long size() {
        return fileSize;
    }

    // ---- appending (under the store lock) ----

    /** Offset just past the last command fed. */
    long end() {
        return end;
    }

    IOException failure() {
        return failure;
    }

    /** Before a write command runs during a rewrite: which of its keys are in the new file already. */
    Object beforeWrite(Command cmd, byte[][] argv) {
        if (!rewriting) {
            return null;
        }
        List<byte[]> keys = cmd.keys(argv);
        boolean[] copied = new boolean[keys.size()];
        for (int i = 0; i < copied.length; i++) {
            Dict.Entry e = store.keys.find(keys.get(i));
            copied[i] = e == null || e.mark == generation;
        }
        return copied;
    }

    /** Logs a command that changed data; {@code propagated} replaces argv when not null. */
    void feed(Command cmd, byte[][] argv, Object pre, List<byte[][]> propagated) {
        bufLock.lock();
        try {
            if (propagated == null) {
                encode(pending, argv);
            } else {
                for (byte[][] p : propagated) {
                    encode(pending, p);
                }
            }
            if (rewriting && pre instanceof boolean[] copied) {
                List<byte[]> keys = cmd.keys(argv);
                boolean all = true;
                for (boolean c : copied) {
                    all &= c;
                }
                if (all) {
                    if (propagated == null) {
                        encode(rewriteBuf, argv);
                    } else {
                        for (byte[][] p : propagated) {
                            encode(rewriteBuf, p);
                        }
                    }
                } else {
                    for (int i = 0; i < keys.size(); i++) {
                        Dict.Entry e = store.keys.find(keys.get(i));
                        if (copied[i] || (e != null && e.mark == generation)) {
                            encode(rewriteBuf, new byte[][] {DEL, keys.get(i)});
                            if (e != null) {
                                KvStore.rewrite(e, x -> encode(rewriteBuf, x));
                                e.mark = generation;
                            }
                        }
                    }
                }
            }
        } finally {
            bufLock.unlock();
        }
    }

    /** Logs the deletion of an expired key (lazily found or actively reaped). */
    void expired(Dict.Entry e) {
        bufLock.lock();
        try {
            byte[][] del = {DEL, e.key};
            encode(pending, del);
            if (rewriting && e.mark == generation) {
                encode(rewriteBuf, del);
            }
        } finally {
            bufLock.unlock();
        }
    }

    private void encode(Buffer buf, byte[][] argv) {
        int before = buf.len;
        int size = 16;
        for (byte[] a : argv) {
            size += a.length + 16;
        }
        buf.ensure(size);
        byte[] b = buf.b;
        int p = buf.len;
        b[p++] = '*';
        p = digits(b, p, argv.length);
        for (byte[] a : argv) {
            b[p++] = '$';
            p = digits(b, p, a.length);
            System.arraycopy(a, 0, b, p, a.length);
            p += a.length;
            b[p++] = '\r';
            b[p++] = '\n';
        }
        buf.len = p;
        if (buf == pending) {
            end += p - before;
        }
    }

    private static int digits(byte[] b, int p, int n) {
        byte[] d = Bytes.of((long) n);
        System.arraycopy(d, 0, b, p, d.length);
        p += d.length;
        b[p++] = '\r';
        b[p++] = '\n';
        return p;
    }

    // ---- writing (outside the store lock) ----

    /** Whether everything up to {@code offset} is where {@link #await} would wait for it to be. */
    boolean written(long offset) {
        return offset <= (fsync == Fsync.ALWAYS ? synced : written);
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
            if (fsync == Fsync.ALWAYS && offset > synced) {
                force();
            }
        } finally {
            ioLock.unlock();
        }
    }

    /** Writes what is pending (caller holds ioLock). */
    private void writePending() throws IOException {
        Buffer out;
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
            ByteBuffer bb = ByteBuffer.wrap(out.b, 0, out.len);
            while (bb.hasRemaining()) {
                channel.write(bb);
            }
            fileSize += out.len;
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
     * waiting), forces once a second under {@code everysec}, and starts an automatic rewrite when
     * the file has grown past the threshold.
     */
    void cron() {
        ioLock.lock();
        try {
            if (failure != null) {
                return;
            }
            if (written < pendingEnd()) {
                writePending();
            }
            if (fsync != Fsync.NO && synced < written && System.nanoTime() - lastFsyncNanos >= 1_000_000_000L) {
                force();
            }
        } catch (IOException e) {
            // failure recorded; clients get MISCONF
        } finally {
            ioLock.unlock();
        }
        long size = fileSize;
        if (autoPercent > 0 && rewriter == null && size >= autoMinSize && size > baseSize + baseSize * autoPercent / 100) {
            LOG.log(Level.INFO, "kv: {0} has grown to {1} bytes (from {2} after the last rewrite): rewriting it",
                    file, size, baseSize);
            try {
                startRewrite();
            } catch (KvError e) {
                // a BGREWRITEAOF started in between: that one will do
            }
        }
    }

    private long pendingEnd() {
        bufLock.lock();
        try {
            return end;
        } finally {
            bufLock.unlock();
        }
    }

    // ---- rewriting ----

    boolean rewriting() {
        return rewriting;
    }

    /** Starts a rewrite in the background; returns Redis's reply text, or throws if one is running. */
    String startRewrite() {
        synchronized (this) {
            if (rewriter != null) {
                throw new KvError("ERR Background append only file rewriting already in progress");
            }
            rewriter = Thread.ofPlatform().name("kv-aof-rewrite").daemon().start(this::rewrite);
        }
        return "Background append only file rewriting started";
    }

    /** Waits for a running rewrite (tests, stop). */
    void awaitRewrite() throws InterruptedException {
        Thread t = rewriter;
        if (t != null) {
            t.join();
        }
    }

    private void rewrite() {
        long started = System.currentTimeMillis();
        Path tmp = dir.resolve(TEMP_PREFIX + ProcessHandle.current().pid() + ".aof");
        Dict.Entry[] snapshot;
        int gen;
        store.lock.lock();
        try {
            gen = ++generation;
            bufLock.lock();
            try {
                rewriteBuf = new Buffer();
                rewriting = true;
            } finally {
                bufLock.unlock();
            }
            store.keys.newMark = gen;
            snapshot = store.keys.entries();
        } finally {
            store.lock.unlock();
        }
        boolean done = false;
        try (FileChannel out = FileChannel.open(PrivateFiles.createFile(tmp), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int from = 0; from < snapshot.length; from += CHUNK) {
                store.lock.lock();
                try {
                    long now = System.currentTimeMillis();
                    bufLock.lock();
                    try {
                        for (int i = from; i < Math.min(snapshot.length, from + CHUNK); i++) {
                            Dict.Entry e = snapshot[i];
                            if (e.mark != gen && store.keys.find(e.key) == e && (e.expireAt == 0 || e.expireAt > now)) {
                                KvStore.rewrite(e, x -> encode(rewriteBuf, x));
                                e.mark = gen;
                            }
                        }
                    } finally {
                        bufLock.unlock();
                    }
                } finally {
                    store.lock.unlock();
                }
                drain(out);
            }
            drain(out);
            out.force(true);
            finish(out, tmp);
            done = true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "kv: AOF rewrite failed; " + file + " is unchanged", e);
        } finally {
            if (!done) {
                store.lock.lock();
                try {
                    rewriting = false;
                    rewriteBuf = null;
                    store.keys.newMark = 0;
                } finally {
                    store.lock.unlock();
                }
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // nothing more to do
                }
            }
            lastRewriteStatus = done ? "ok" : "err";
            lastRewriteMillis = System.currentTimeMillis() - started;
            rewrites++;
            synchronized (this) {
                rewriter = null;
            }
        }
    }

    /** Writes what the rewrite has gathered so far to the temporary file. */
    private void drain(FileChannel out) throws IOException {
        Buffer b;
        bufLock.lock();
        try {
            b = rewriteBuf;
            rewriteBuf = new Buffer();
        } finally {
            bufLock.unlock();
        }
        ByteBuffer bb = ByteBuffer.wrap(b.b, 0, b.len);
        while (bb.hasRemaining()) {
            out.write(bb);
        }
    }

    /** The switch: the tail, force, rename over the file, and appending goes on in the new one. */
    private void finish(FileChannel out, Path tmp) throws IOException {
        ioLock.lock();
        try {
            store.lock.lock();
            try {
                drain(out);
                out.force(true);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
                forceDirectory();
                FileChannel next = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ);
                next.position(next.size());
                FileChannel old = channel;
                channel = next;
                old.close();
                bufLock.lock();
                try {
                    // what was pending for the old file is in the new one (as state or as commands)
                    pending.clear();
                    written = end;
                    synced = end;
                    rewriting = false;
                    rewriteBuf = null;
                } finally {
                    bufLock.unlock();
                }
                store.keys.newMark = 0;
                fileSize = next.size();
                baseSize = fileSize;
                failure = null;
            } finally {
                store.lock.unlock();
            }
        } finally {
            ioLock.unlock();
        }
        LOG.log(Level.INFO, "kv: rewrote {0} ({1} bytes)", file, fileSize);
    }

    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot open a directory; the rename is still atomic
        }
    }

    /** The persistence fields of INFO. */
    void info(Map<String, Object> m) {
        m.put("aof_rewrite_in_progress", rewriting ? 1 : 0);
        m.put("aof_rewrite_scheduled", 0);
        m.put("aof_last_rewrite_time_sec", lastRewriteMillis < 0 ? -1 : lastRewriteMillis / 1000);
        m.put("aof_last_bgrewrite_status", lastRewriteStatus);
        m.put("aof_rewrites", rewrites);
        m.put("aof_last_write_status", failure == null ? "ok" : "err");
        m.put("aof_current_size", fileSize);
        m.put("aof_base_size", baseSize);
        m.put("aof_fsync", fsync.name().toLowerCase(Locale.ROOT));
    }

    /** Writes and forces everything, and closes the file (a graceful stop). */
    @Override
    public void close() throws IOException {
        try {
            awaitRewrite();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
