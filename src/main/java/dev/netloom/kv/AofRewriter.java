package dev.netloom.kv;

import dev.netloom.core.PrivateFiles;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Rewrites the AOF (BGREWRITEAOF, or automatically when the file has doubled past a minimum)
 * without stopping clients: the keys are copied into a temporary file in chunks, each under the
 * store's lock, while clients go on. Each entry carries the generation of the rewrite that has
 * written it ({@link Dict.Entry#mark}; keys created during the rewrite carry it from birth). A
 * write during the rewrite whose keys are all in the new file already (or new) is appended to it
 * as a command; one whose keys are all still to come needs nothing, since the copy will see its
 * effect; a write that mixes the two has the current state of its copied keys appended instead
 * (DEL plus the commands that rebuild them). At the end, under the I/O lock and the store's, the
 * tail goes in, the file is forced and renamed over {@code appendonly.aof}, and the
 * {@link AofWriter} appends there. Lock order: see {@link Aof}.
 */
final class AofRewriter {

    private static final System.Logger LOG = System.getLogger(AofRewriter.class.getName());
    static final String TEMP_PREFIX = "temp-rewriteaof-";
    private static final byte[] DEL = Bytes.of("DEL");
    /** Keys copied per turn under the store's lock. */
    private static final int CHUNK = 256;

    private final Path dir;
    private final Path file;
    private final KvStore store;
    private final AofWriter writer;
    private final int autoPercent;
    private final long autoMinSize;
    /** The rewrite's own buffer, guarded by the writer's bufLock; null when no rewrite runs. */
    private AofBuffer buf;
    // generation and running flag change under the store lock
    private int generation;
    private volatile boolean rewriting;
    /** The running rewrite's thread; set and cleared under this object's monitor. */
    private volatile Thread thread;
    private volatile long baseSize;
    private volatile String lastStatus = "ok";
    private volatile long lastMillis = -1;
    private volatile long rewrites;

    AofRewriter(Path file, KvStore store, AofWriter writer, int autoPercent, long autoMinSize) {
        this.dir = file.getParent();
        this.file = file;
        this.store = store;
        this.writer = writer;
        this.autoPercent = autoPercent;
        this.autoMinSize = autoMinSize;
        this.baseSize = writer.size();
    }

    boolean rewriting() {
        return rewriting;
    }

    // ---- while clients write (under the store lock) ----

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

    /** A command that changed data was logged: what the new file needs of it (the caller holds bufLock). */
    void logged(Command cmd, byte[][] argv, Object pre, List<byte[][]> propagated) {
        if (!rewriting || !(pre instanceof boolean[] copied)) {
            return;
        }
        boolean all = true;
        for (boolean c : copied) {
            all &= c;
        }
        if (all) {
            if (propagated == null) {
                buf.append(argv);
            } else {
                for (byte[][] p : propagated) {
                    buf.append(p);
                }
            }
            return;
        }
        List<byte[]> keys = cmd.keys(argv);
        for (int i = 0; i < keys.size(); i++) {
            Dict.Entry e = store.keys.find(keys.get(i));
            if (copied[i] || (e != null && e.mark == generation)) {
                buf.append(new byte[][] {DEL, keys.get(i)});
                if (e != null) {
                    KvStore.rewrite(e, buf::append);
                    e.mark = generation;
                }
            }
        }
    }

    /** An expired key was deleted: the new file needs the DEL if it has the key (the caller holds bufLock). */
    void expired(byte[][] del, Dict.Entry e) {
        if (rewriting && e.mark == generation) {
            buf.append(del);
        }
    }

    // ---- starting ----

    /** Starts a rewrite when the file has grown past the threshold (the service's cron). */
    void startIfGrown() {
        long size = writer.size();
        if (autoPercent > 0 && thread == null && size >= autoMinSize && size > baseSize + baseSize * autoPercent / 100) {
            LOG.log(Level.INFO, "kv: {0} has grown to {1} bytes (from {2} after the last rewrite): rewriting it",
                    file, size, baseSize);
            try {
                start();
            } catch (KvError e) {
                // a BGREWRITEAOF started in between: that one will do
            }
        }
    }

    /** Starts a rewrite in the background; returns Redis's reply text, or throws if one is running. */
    String start() {
        synchronized (this) {
            if (thread != null) {
                throw new KvError("ERR Background append only file rewriting already in progress");
            }
            thread = Thread.ofPlatform().name("kv-aof-rewrite").daemon().start(this::rewrite);
        }
        return "Background append only file rewriting started";
    }

    /** Waits for a running rewrite (tests, stop). */
    void await() throws InterruptedException {
        Thread t = thread;
        if (t != null) {
            t.join();
        }
    }

    // ---- the rewrite (its own thread) ----

    private void rewrite() {
        long started = System.currentTimeMillis();
        Path tmp = dir.resolve(TEMP_PREFIX + ProcessHandle.current().pid() + ".aof");
        boolean done = false;
        try (FileChannel out = FileChannel.open(PrivateFiles.createFile(tmp), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            Dict.Entry[] snapshot = begin();
            for (int from = 0; from < snapshot.length; from += CHUNK) {
                copy(snapshot, from, Math.min(snapshot.length, from + CHUNK));
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
                abandon(tmp);
            }
            lastStatus = done ? "ok" : "err";
            lastMillis = System.currentTimeMillis() - started;
            rewrites++;
            synchronized (this) {
                thread = null;
            }
        }
    }

    /** A new generation; from now on writes are followed; returns the keys as they are. */
    private Dict.Entry[] begin() {
        store.lock.lock();
        try {
            generation++;
            writer.bufLock.lock();
            try {
                buf = new AofBuffer();
                rewriting = true;
            } finally {
                writer.bufLock.unlock();
            }
            store.keys.newMark = generation;
            return store.keys.entries();
        } finally {
            store.lock.unlock();
        }
    }

    /** Encodes the live keys of {@code snapshot[from..to)} not written yet, under the store's lock. */
    private void copy(Dict.Entry[] snapshot, int from, int to) {
        store.lock.lock();
        try {
            long now = System.currentTimeMillis();
            writer.bufLock.lock();
            try {
                for (int i = from; i < to; i++) {
                    Dict.Entry e = snapshot[i];
                    if (e.mark != generation && store.keys.find(e.key) == e && (e.expireAt == 0 || e.expireAt > now)) {
                        KvStore.rewrite(e, buf::append);
                        e.mark = generation;
                    }
                }
            } finally {
                writer.bufLock.unlock();
            }
        } finally {
            store.lock.unlock();
        }
    }

    /** Writes what the rewrite has gathered so far to the temporary file. */
    private void drain(FileChannel out) throws IOException {
        AofBuffer b;
        writer.bufLock.lock();
        try {
            b = buf;
            buf = new AofBuffer();
        } finally {
            writer.bufLock.unlock();
        }
        b.writeTo(out);
    }

    /** The switch: the tail, force, rename over the file, and appending goes on in the new one. */
    private void finish(FileChannel out, Path tmp) throws IOException {
        writer.ioLock.lock();
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
                // what was pending for the old file is in the new one (as state or as commands)
                writer.switchTo(FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ));
                rewriting = false;
                buf = null;
                store.keys.newMark = 0;
                baseSize = writer.size();
            } finally {
                store.lock.unlock();
            }
        } finally {
            writer.ioLock.unlock();
        }
        LOG.log(Level.INFO, "kv: rewrote {0} ({1} bytes)", file, writer.size());
    }

    /** After a failure: stop following writes, and delete the temporary file. */
    private void abandon(Path tmp) {
        store.lock.lock();
        try {
            rewriting = false;
            buf = null;
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

    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot open a directory; the rename is still atomic
        }
    }

    /** The rewrite's fields of INFO's persistence section. */
    void info(Map<String, Object> m) {
        m.put("aof_rewrite_in_progress", rewriting ? 1 : 0);
        m.put("aof_rewrite_scheduled", 0);
        m.put("aof_last_rewrite_time_sec", lastMillis < 0 ? -1 : lastMillis / 1000);
        m.put("aof_last_bgrewrite_status", lastStatus);
        m.put("aof_rewrites", rewrites);
    }

    long baseSize() {
        return baseSize;
    }
}
