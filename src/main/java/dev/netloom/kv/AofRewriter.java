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
 * without stopping clients: the keys of each database are copied into a temporary file in chunks
 * (each chunk after the SELECT of its database), each under the store's lock, while clients go
 * on. Each entry carries the generation of the rewrite that has written it
 * ({@link Dict.Entry#mark}; keys created during the rewrite carry it from birth). Before a write
 * during the rewrite runs, those of its keys not yet written are written as they are
 * ({@link #beforeWrite}); then the command itself is appended, so the new file always holds
 * every key a command it holds touches. Commands that change another database's keys (MOVE,
 * COPY ... DB) have that key written the same way first; SWAPDB and FLUSHALL have no keys and go
 * in as they are (a chunk copied later is written under the SELECT of the database its keys are
 * in by then). At the end, under the I/O lock and the store's, the tail goes in, the file is
 * forced and renamed over {@code appendonly.aof}, and the {@link AofWriter} appends there. Lock
 * order: see {@link Aof}.
 */
final class AofRewriter {

    private static final System.Logger LOG = System.getLogger(AofRewriter.class.getName());
    static final String TEMP_PREFIX = "temp-rewriteaof-";
    /** Keys copied per turn under the store's lock. */
    private static final int CHUNK = 256;
    private static final byte[] FUNCTION = Bytes.of("FUNCTION");
    private static final byte[] LOAD = Bytes.of("LOAD");

    private final Path dir;
    private final Path file;
    private final KvStore store;
    private final AofWriter writer;
    private final int autoPercent;
    private final long autoMinSize;
    /** The rewrite's own buffer, guarded by the writer's bufLock; null when no rewrite runs. */
    private AofBuffer buf;
    /** The database of the last command in {@link #buf} (-1: none yet, so the next is preceded by a SELECT). */
    private int bufDb = -1;
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

    /**
     * Before a write command runs in {@code db} during a rewrite: writes those of its keys that
     * the new file does not hold yet as they are now, so that the command can follow them.
     */
    void beforeWrite(Command cmd, byte[][] argv, KvDb db) {
        if (!rewriting) {
            return;
        }
        for (byte[] key : cmd.keys(argv)) {
            beforeWrite(db, key);
        }
    }

    /** Writes {@code key} of {@code db} as it is now if the new file does not hold it yet (under the store lock). */
    void beforeWrite(KvDb db, byte[] key) {
        if (!rewriting) {
            return;
        }
        Dict.Entry e = db.keys.find(key);
        if (e != null && e.mark != generation) {
            writer.bufLock.lock();
            try {
                KvStore.rewrite(e, argv -> append(db.index, argv));
                e.mark = generation;
            } finally {
                writer.bufLock.unlock();
            }
        }
    }

    /** A command that changed data was logged: the new file gets it too (the caller holds bufLock). */
    void logged(byte[][] argv, List<byte[][]> propagated, int db) {
        if (!rewriting) {
            return;
        }
        if (propagated == null) {
            append(db, argv);
        } else {
            for (byte[][] p : propagated) {
                append(db, p);
            }
        }
    }

    /** An expired key was deleted: the new file needs the DEL if it has the key (the caller holds bufLock). */
    void expired(byte[][] del, Dict.Entry e, int db) {
        if (rewriting && e.mark == generation) {
            append(db, del);
        }
    }

    /** Appends a command run in {@code db} to the rewrite's buffer, after a SELECT when needed (bufLock held). */
    private void append(int db, byte[][] argv) {
        if (db != bufDb) {
            buf.append(AofBuffer.select(db));
            bufDb = db;
        }
        buf.append(argv);
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
            Dict[] dicts = new Dict[store.dbs.length];
            Dict.Entry[][] snapshots = begin(dicts);
            for (int d = 0; d < dicts.length; d++) {
                Dict.Entry[] snapshot = snapshots[d];
                for (int from = 0; from < snapshot.length; from += CHUNK) {
                    copy(dicts[d], snapshot, from, Math.min(snapshot.length, from + CHUNK));
                    drain(out);
                }
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

    /**
     * A new generation; from now on writes are followed; fills {@code dicts} with each database's
     * keys and returns their entries as they are.
     */
    private Dict.Entry[][] begin(Dict[] dicts) {
        store.lock.lock();
        try {
            generation++;
            writer.bufLock.lock();
            try {
                buf = new AofBuffer();
                bufDb = -1;
                rewriting = true;
                for (byte[] code : store.functionCodes()) { // the libraries first, as Redis's rewrite
                    buf.append(new byte[][] {FUNCTION, LOAD, code});
                }
            } finally {
                writer.bufLock.unlock();
            }
            Dict.Entry[][] snapshots = new Dict.Entry[dicts.length][];
            for (int d = 0; d < dicts.length; d++) {
                dicts[d] = store.dbs[d].keys;
                dicts[d].newMark = generation;
                snapshots[d] = dicts[d].entries();
            }
            return snapshots;
        } finally {
            store.lock.unlock();
        }
    }

    /**
     * Encodes the live keys of {@code snapshot[from..to)} (entries of {@code dict}) not written
     * yet, under the store's lock and the SELECT of the database that holds {@code dict} now.
     */
    private void copy(Dict dict, Dict.Entry[] snapshot, int from, int to) {
        store.lock.lock();
        try {
            long now = System.currentTimeMillis();
            int db = 0;
            while (store.dbs[db].keys != dict) { // SWAPDB may have moved it
                db++;
            }
            writer.bufLock.lock();
            try {
                for (int i = from; i < to; i++) {
                    Dict.Entry e = snapshot[i];
                    if (e.mark != generation && dict.find(e.key) == e && (e.expireAt == 0 || e.expireAt > now)) {
                        int in = db;
                        KvStore.rewrite(e, argv -> append(in, argv));
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
            bufDb = -1;
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
                unmark();
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
            unmark();
        } finally {
            store.lock.unlock();
        }
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    /** New keys are born unwritten again (under the store lock). */
    private void unmark() {
        for (KvDb d : store.dbs) {
            d.keys.newMark = 0;
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
