package dev.netloom.kv;

import dev.netloom.core.PrivateFiles;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/*
 * The append-only file, appendonly.aof: every write that changed data, as the RESP command that
 * redoes it, in the order the store ran them, back to back with nothing between them. Each is an
 * array of bulk strings, as a client sends it (SET k v, then RPUSH l a b):
 *
 *   *3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*4\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\na\r\n$1\r\nb\r\n
 *
 * What a command logs is what redoes it, not always what the client sent: a relative expiry is
 * logged as PEXPIREAT (SET k v EX 10 as SET k v PXAT <ms>), a random pop as the SREM of the
 * members it took, a key found expired as DEL k. A rewrite writes each key's state the same way
 * (SET, RPUSH, HSET, SADD, ZADD, XADD in chunks, then PEXPIREAT), so a rewritten file is a file
 * like any other. No header, no checksum, no RDB preamble (Redis's aof-use-rdb-preamble no): the
 * file is what redis-check-aof and kv-check-aof read.
 *
 * Databases: as on Redis, a SELECT n goes before a command whenever the database it changed is
 * not the one the file's last command was in (and first thing after a rewrite, whose file starts
 * each run of keys with the SELECT of their database).
 *
 * Transactions: an EXEC that changed data with more than one command is logged as MULTI, the
 * commands, EXEC (SELECTs inside as needed), as Redis 7.0 does; the loader replays them all or,
 * when the file ends before the EXEC (a crash while it was written), none, and cuts them off.
 *
 * Commands that must be replayed all or none (a Lua script's effects, the same way) are wrapped in
 * *1\r\n$5\r\nMULTI\r\n ... *1\r\n$4\r\nEXEC\r\n, as Redis 7 writes them; a MULTI whose EXEC a crash
 * cut off is a cut tail, dropped from its MULTI on.
 */

/**
 * The append-only file (the format is in the comment above): the face {@link KvStore} and
 * {@link KvService} see of {@link AofWriter} (appending, {@code appendfsync}) and
 * {@link AofRewriter} (BGREWRITEAOF, automatic rewrites); loading and checking are
 * {@link AofLoader}'s and {@link AofReader}'s.
 *
 * <p><b>Locks</b>, always taken in this order, any of them skipped:
 * <ol>
 * <li>{@link AofWriter#ioLock}: the file channel (writing, forcing, the switch to a rewritten file);
 * <li>{@link KvStore#lock}: the dataset, and with it which rewrite generation each key is in;
 * <li>{@link AofWriter#bufLock}: the pending bytes and their end offset, and the rewrite's buffer.
 * </ol>
 * A command runs under the store's lock and appends under bufLock; a connection waiting for its
 * writes takes ioLock (and bufLock, briefly, to swap the pending buffer out), never the store's;
 * the rewrite copies a chunk under the store's lock and bufLock, and makes the switch under all
 * three. The rewriter's monitor guards only its thread field and is taken with no other lock
 * held but (from BGREWRITEAOF) the store's; nothing blocking runs under it.
 */
final class Aof implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Aof.class.getName());
    static final String FILE = "appendonly.aof";
    /** The commands other than writes that the file holds: the database switches (and transactions' bounds). */
    static final Set<String> FRAMING = Set.of("select", "multi", "exec");
    private static final byte[] DEL = Bytes.of("DEL");
    private static final byte[] MULTI = Bytes.of("MULTI");
    private static final byte[] EXEC = Bytes.of("EXEC");

    /** When written data is forced to disk: after each write, once a second, or when the OS decides. */
    enum Fsync { ALWAYS, EVERYSEC, NO }

    private final Path file;
    private final AofWriter writer;
    private final AofRewriter rewriter;
    /** How many units (EXEC, a script) are open; their commands wait in {@link #unit} (under the store lock). */
    private int unitDepth;
    private List<Fed> unit;

    /** A command fed while a unit is open. */
    private record Fed(byte[][] argv, List<byte[][]> propagated, int db) {
    }

    Aof(Path dir, Fsync fsync, int autoPercent, long autoMinSize, KvStore store) throws IOException {
        this.file = dir.resolve(FILE);
        PrivateFiles.createFile(file); // 0600 in a 0700 directory when we make it
        removeStaleRewrites(dir);
        writer = new AofWriter(file, fsync);
        rewriter = new AofRewriter(file, store, writer, autoPercent, autoMinSize);
    }

    /** Deletes what a rewrite cut short by a crash left behind (appendonly.aof itself is whole). */
    private static void removeStaleRewrites(Path dir) throws IOException {
        try (var stale = Files.newDirectoryStream(dir, AofRewriter.TEMP_PREFIX + "*.aof")) {
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
        return writer.size();
    }

    Fsync fsync() {
        return writer.fsync();
    }

    /** CONFIG SET appendfsync: the running writer's mode. */
    void fsync(Fsync mode) {
        writer.fsync(mode);
    }

    // ---- appending (under the store lock) ----

    /** Offset just past the last command fed. */
    long end() {
        return writer.end();
    }

    IOException failure() {
        return writer.failure();
    }

    /** Before a write command runs in {@code db}: a running rewrite writes those of its keys it has not yet. */
    void beforeWrite(Command cmd, byte[][] argv, KvDb db) {
        rewriter.beforeWrite(cmd, argv, db);
    }

    /**
     * A command is about to change {@code key} of database {@code db}, other than its own (MOVE,
     * COPY ... DB): a running rewrite writes the key's state first (see {@link AofRewriter}).
     */
    void beforeWrite(KvDb db, byte[] key) {
        rewriter.beforeWrite(db, key);
    }

    /** Logs a command that changed data in database {@code db}; {@code propagated} replaces argv when not null. */
    void feed(byte[][] argv, List<byte[][]> propagated, int db) {
        if (unitDepth > 0) {
            unit.add(new Fed(argv, propagated, db));
            return;
        }
        writer.bufLock.lock();
        try {
            writer.append(argv, propagated, db);
            rewriter.logged(argv, propagated, db);
        } finally {
            writer.bufLock.unlock();
        }
    }

    /**
     * Opens a unit (EXEC; a script): the commands fed until {@link #endUnit} are logged as one,
     * between {@code MULTI} and {@code EXEC} when there are more than one (none: nothing; one:
     * the command alone), as Redis 7.0 propagates a transaction. Units nest; the outermost
     * writes. The loader replays a unit whole or not at all (a {@code MULTI} without its
     * {@code EXEC} at the end of the file is a cut tail: see {@link AofReader#walk}). Keys a
     * running rewrite writes before a command of the unit ({@link #beforeWrite}) go in before
     * the {@code MULTI}: they are the state before the unit's commands, which have not touched
     * them yet. Expired keys deleted meanwhile go in at once, before the unit too: with the time
     * fixed for the whole EXEC they were expired before it began.
     */
    void beginUnit() {
        if (unitDepth++ == 0) {
            unit = new ArrayList<>();
        }
    }

    /** Closes a unit (see {@link #beginUnit}): its commands go to the file and a running rewrite's buffer, all at once. */
    void endUnit() {
        if (--unitDepth > 0) {
            return;
        }
        List<Fed> u = unit;
        unit = null;
        if (u.isEmpty()) {
            return;
        }
        boolean framed = u.size() > 1;
        writer.bufLock.lock();
        try {
            if (framed) {
                logFraming(MULTI, u.get(0).db());
            }
            for (Fed f : u) {
                writer.append(f.argv(), f.propagated(), f.db());
                rewriter.logged(f.argv(), f.propagated(), f.db());
            }
            if (framed) {
                logFraming(EXEC, u.get(u.size() - 1).db());
            }
        } finally {
            writer.bufLock.unlock();
        }
    }

    /** MULTI or EXEC, in the file and a running rewrite's buffer (bufLock held). */
    private void logFraming(byte[] word, int db) {
        byte[][] argv = {word};
        writer.append(argv, null, db);
        rewriter.logged(argv, null, db);
    }

    /** Logs the deletion of an expired key (lazily found or actively reaped). */

    /** Logs the deletion of an expired key (lazily found or actively reaped) or of an evicted one. */
    void expired(Dict.Entry e, int db) {
        writer.bufLock.lock();
        try {
            byte[][] del = {DEL, e.key};
            writer.append(del, null, db);
            rewriter.expired(del, e, db);
        } finally {
            writer.bufLock.unlock();
        }
    }

    // ---- writing (outside the store lock) ----

    /** Whether everything up to {@code offset} is where {@link #await} would wait for it to be. */
    boolean written(long offset) {
        return writer.written(offset);
    }

    /** See {@link AofWriter#await}: the caller must not acknowledge when it throws. */
    void await(long offset) throws IOException {
        writer.await(offset);
    }

    /**
     * Called ten times a second: writes what is pending, forces once a second under
     * {@code everysec}, and starts an automatic rewrite when the file has grown past the threshold.
     */
    void cron() {
        if (writer.cron()) {
            rewriter.startIfGrown();
        }
    }

    // ---- rewriting ----

    boolean rewriting() {
        return rewriter.rewriting();
    }

    /** Starts a rewrite in the background; returns Redis's reply text, or throws if one is running. */
    String startRewrite() {
        return rewriter.start();
    }

    /** Waits for a running rewrite (tests, stop). */
    void awaitRewrite() throws InterruptedException {
        rewriter.await();
    }

    /** The persistence fields of INFO. */
    void info(Map<String, Object> m) {
        rewriter.info(m);
        m.put("aof_last_write_status", writer.failure() == null ? "ok" : "err");
        m.put("aof_current_size", writer.size());
        m.put("aof_base_size", rewriter.baseSize());
        m.put("aof_fsync", writer.fsync().name().toLowerCase(Locale.ROOT));
    }

    /** Writes and forces everything, and closes the file (a graceful stop). */
    @Override
    public void close() throws IOException {
        try {
            awaitRewrite();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
    }
}
