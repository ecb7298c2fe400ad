package dev.netloom.rest;

import dev.netloom.core.PrivateFiles;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The database behind {@code rest}: a pool of read connections and one writer.
 *
 * <p>Writes go through a queue to one writer thread, which runs every write waiting at that
 * moment in one transaction (each in its own savepoint, so one failing write undoes only
 * itself) and commits once: a group commit. SQLite has one writer at a time anyway; this turns
 * N concurrent writes into one fsync instead of N. A write's caller returns only after the
 * commit, so a 2xx is never sent for data that is not on disk (SQLite: WAL with
 * {@code synchronous=FULL}).
 *
 * <p>When a batch fails as a whole (its commit, or a rollback to a savepoint, fails: a full
 * disk, after which SQLite may have rolled the transaction back by itself), every write of it
 * fails, nothing of it is stored, and the writer's connection is rolled back, closed and opened
 * afresh, so the driver's idea of the transaction can never drift from the database's and the
 * next batch works as soon as the cause is gone.
 */
final class Store implements AutoCloseable {

    /** Work on one connection; runs on a reader or on the writer thread. */
    interface Work<T> {
        T run(Db db) throws SQLException;
    }

    private record Task<T>(Work<T> work, CompletableFuture<T> result) {
    }

    private static final Task<Object> STOP = new Task<>(db -> null, new CompletableFuture<>());
    private static final int BATCH = 256;

    private static final System.Logger LOG = System.getLogger(Store.class.getName());

    private final RestConfig config;
    private final BlockingQueue<Db> readers;
    private final List<Db> all = new CopyOnWriteArrayList<>();
    /** Used by the writer thread only (after the constructor); null when reopening it failed. */
    private Db writer;
    private final LinkedBlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final Set<String> collections = ConcurrentHashMap.newKeySet();
    private final Set<String> singulars = ConcurrentHashMap.newKeySet();
    private final ItemCache cache;
    private final Thread writerThread;
    private final boolean sqlite;
    private long revision;
    private long lastStoredRevision;
    /** Odd while the writer commits changes, even otherwise (a seqlock for readers' caches). */
    private volatile long commits;
    private List<Runnable> onCommit = new ArrayList<>();
    private volatile boolean closed;

    private Store(RestConfig config) throws SQLException, IOException {
        this.config = config;
        sqlite = config.sqlite();
        cache = new ItemCache(config.cacheItems());
        try {
            writer = connect(config, false);
            Migrations.apply(writer.connection(), config.migrations().resolve(sqlite ? "sqlite" : "postgresql"));
            readers = new ArrayBlockingQueue<>(config.readers());
            for (int i = 0; i < config.readers(); i++) {
                readers.add(connect(config, true));
            }
            try (Statement st = writer.connection().createStatement();
                 ResultSet rs = st.executeQuery("SELECT value FROM revision WHERE id = 1")) {
                rs.next();
                revision = rs.getLong(1);
                lastStoredRevision = revision;
            }
            writer.connection().commit();
        } catch (SQLException | IOException | RuntimeException e) {
            all.forEach(Db::close);
            throw e;
        }
        writerThread = Thread.ofPlatform().name("rest-writer").daemon().start(this::writeLoop);
    }

    /** Opens the database, creating it and applying schema files as needed. */
    static Store open(RestConfig config) throws SQLException, IOException {
        if (config.sqlite()) {
            Path file = Path.of(config.jdbcUrl().substring("jdbc:sqlite:".length()));
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                PrivateFiles.createFile(file); // 0600, and so are its -wal and -shm
            }
        }
        return new Store(config);
    }

    private Db connect(RestConfig config, boolean reader) throws SQLException {
        Connection c = DriverManager.getConnection(config.jdbcUrl());
        Db db = new Db(c);
        all.add(db);
        if (sqlite) {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout = 5000");
                st.execute("PRAGMA journal_mode = WAL");
                // FULL: the WAL is synced at every commit, so an acknowledged write survives
                // power loss, not only a crash of this process.
                st.execute("PRAGMA synchronous = FULL");
                st.execute("PRAGMA foreign_keys = ON");
                if (reader) {
                    st.execute("PRAGMA query_only = 1");
                }
            }
        } else if (reader) {
            c.setReadOnly(true);
        }
        // The writer commits explicitly; readers run single statements in autocommit and open
        // a transaction only for a snapshot (a list's count and page).
        c.setAutoCommit(reader);
        return db;
    }

    boolean sqlite() {
        return sqlite;
    }

    /** Items in memory: readers look, only the writer changes it (see {@link ItemCache}). */
    ItemCache cache() {
        return cache;
    }

    /**
     * After a cache miss: has the writer load the item into the cache, after the writes queued
     * before this request, unless it is already being loaded or the cache is full.
     */
    void warm(String collection, long id) {
        ItemCache.Key key = new ItemCache.Key(collection, id);
        if (!closed && cache.startLoading(key)) {
            queue.add(new Task<>(db -> {
                Items.Item item = Items.get(db, collection, id).orElse(null);
                onCommit(() -> cache.loaded(key, item));
                return null;
            }, new CompletableFuture<>()));
        }
    }

    /**
     * A number that changes around every commit that changes data: odd while one is under
     * way. Two equal even readings mean no data changed in between.
     */
    long commits() {
        return commits;
    }

    /** Collections known to exist; updated by the writer as they are created. */
    Set<String> collections() {
        return collections;
    }

    /** Singular resources known to exist (seed keys holding one object); updated by the writer. */
    Set<String> singulars() {
        return singulars;
    }

    /** Runs {@code work}, one statement, on a read connection (autocommit: no transaction around it). */
    <T> T read(Work<T> work) throws SQLException {
        return onReader(work, false);
    }

    /** Runs {@code work}, several statements, on a read connection in one read transaction (one snapshot). */
    <T> T snapshot(Work<T> work) throws SQLException {
        return onReader(work, true);
    }

    private <T> T onReader(Work<T> work, boolean transaction) throws SQLException {
        Db db;
        try {
            db = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a database connection");
        }
        Connection c = db.connection();
        try {
            if (transaction) {
                c.setAutoCommit(false);
            }
            T result = work.run(db);
            if (transaction) {
                c.commit();
            }
            return result;
        } catch (SQLException | RuntimeException e) {
            if (transaction) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        } finally {
            try {
                if (transaction) {
                    c.setAutoCommit(true);
                }
            } finally {
                readers.add(db);
            }
        }
    }

    /**
     * Runs {@code work} on the writer and returns once it is committed. A {@link Problem} or
     * SQLException thrown by the work comes out here, with its changes undone.
     */
    <T> T write(Work<T> work) throws SQLException {
        if (closed) {
            throw new Problem(503, "the service is stopping").header("Retry-After", "1");
        }
        Task<T> task = new Task<>(work, new CompletableFuture<>());
        queue.add(task);
        try {
            return task.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Problem(503, "interrupted while waiting for the commit; the write may or may not be stored")
                    .header("Retry-After", "1");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Problem p) {
                throw p;
            }
            if (cause instanceof SQLException s) {
                throw s;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new SQLException(cause);
        }
    }

    /** The revision for a write being made now; only called by write work, on the writer thread. */
    long nextRevision() {
        return ++revision;
    }

    /** Runs {@code r} once the current write is committed; only called by write work. */
    void onCommit(Runnable r) {
        onCommit.add(r);
    }

    private void writeLoop() {
        List<Task<?>> batch = new ArrayList<>(BATCH);
        while (true) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, BATCH - 1);
            int stop = batch.indexOf(STOP);
            List<Task<?>> work = stop < 0 ? batch : batch.subList(0, stop);
            if (!work.isEmpty()) {
                commit(work);
            }
            if (stop >= 0) {
                return;
            }
        }
    }

    private void commit(List<Task<?>> batch) {
        List<Runnable> replies = new ArrayList<>(batch.size());
        onCommit = replies;
        try {
            Connection c = writerConnection();
            for (Task<?> task : batch) {
                run(c, task, replies);
            }
            boolean changes = revision != lastStoredRevision;
            if (changes) {
                var ps = writer.prepare("UPDATE revision SET value = ? WHERE id = 1");
                ps.setLong(1, revision);
                ps.executeUpdate();
                commits++;
            }
            try {
                c.commit();
            } finally {
                if (changes) {
                    commits++;
                }
            }
        } catch (SQLException | RuntimeException e) {
            revision = lastStoredRevision;
            cache.clear();
            LOG.log(DbErrors.diskFull(e) ? Level.WARNING : Level.ERROR,
                    "rest: a group commit of " + batch.size() + " writes failed; none is stored", e);
            recover();
            // a Problem here comes from writerConnection, never from one write (run keeps those)
            Exception failure = e instanceof Problem p ? p : new SQLException("the group commit failed", e);
            for (Task<?> task : batch) {
                task.result().completeExceptionally(failure);
            }
            return;
        }
        lastStoredRevision = revision;
        for (Runnable r : replies) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "rest: after a commit", e);
            }
        }
    }

    /** The writer's connection, opened again when the last recovery could not. */
    private Connection writerConnection() throws SQLException {
        if (writer == null) {
            try {
                writer = connect(config, false);
            } catch (SQLException e) {
                throw DbErrors.diskFull(e) ? DbErrors.problem(e, true)
                        : new Problem(503, "the database cannot be opened for writing; the write was not stored")
                                .header("Retry-After", "1");
            }
        }
        return writer.connection();
    }

    /**
     * After a failed batch: rolls back, then replaces the connection, so that whatever state the
     * failure left in the driver or the database (SQLite may have ended the transaction itself
     * after SQLITE_FULL, while the driver still thinks one is open) cannot leak into the next batch.
     */
    private void recover() {
        Db broken = writer;
        writer = null;
        if (broken == null) {
            return;
        }
        try {
            broken.connection().rollback();
        } catch (SQLException e) {
            LOG.log(Level.DEBUG, "rest: rollback after a failed commit: " + e);
        }
        all.remove(broken);
        broken.close();
        try {
            writer = connect(config, false);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "rest: the writer's connection cannot be reopened yet; the next write tries again: " + e);
        }
    }

    private <T> void run(Connection c, Task<T> task, List<Runnable> replies) throws SQLException {
        Savepoint sp = c.setSavepoint();
        int mark = replies.size();
        try {
            T value = task.work().run(writer);
            c.releaseSavepoint(sp);
            replies.add(() -> task.result().complete(value));
        } catch (SQLException | RuntimeException e) {
            replies.subList(mark, replies.size()).clear();
            try {
                c.rollback(sp);
                c.releaseSavepoint(sp);
            } catch (SQLException undo) {
                // The transaction is gone (SQLite ends it by itself after SQLITE_FULL): the whole
                // batch fails, with this write's cause, so a full disk is still reported as one.
                SQLException batch = new SQLException("a write failed and could not be undone alone", e);
                batch.addSuppressed(undo);
                throw batch;
            }
            task.result().completeExceptionally(e);
        }
    }

    /** Finishes the writes already queued, then closes every connection. */
    @Override
    public void close() {
        closed = true;
        queue.add(STOP);
        try {
            writerThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Task<?> t : queue) {
            t.result().completeExceptionally(new SQLException("the service stopped before this write was made"));
        }
        all.forEach(Db::close);
    }
}
