/*
 * Disk format: one SQLite database (smtp.store, default db/smtp.db) in WAL mode with
 * synchronous=FULL, so a committed transaction is on disk. One table:
 *
 *   messages(id INTEGER PRIMARY KEY AUTOINCREMENT,  -- the id in "250 ... queued as ID"
 *            received INTEGER,   -- milliseconds since the epoch
 *            sender TEXT,        -- the envelope's MAIL FROM ("" for <>)
 *            recipients TEXT,    -- the envelope's RCPT TOs, comma-separated
 *            subject TEXT,       -- decoded Subject header
 *            size INTEGER,       -- octets of raw
 *            search TEXT,        -- lower-cased sender, recipients, From, To, subject and text part, for ?q=
 *            raw BLOB)           -- the message as received (dot-unstuffed) after our Received header
 */
package dev.netloom.smtp;

import dev.netloom.core.PrivateFiles;
import dev.netloom.mail.MessageReader;
import dev.netloom.mail.ParsedMessage;
import dev.netloom.mailbox.Mailbox;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where messages live: SQLite, chosen over a Maildir because one commit makes a message durable
 * with one fsync of the write-ahead log however many sessions wait (a Maildir needs a file and a
 * directory fsync per message), and because listing, search and the retention cap are queries.
 *
 * <p>Writes go through one platform thread (the SQLite driver is native code, which would pin a
 * virtual thread) that takes every message waiting, stores them in one transaction, drops the
 * oldest past {@code maxMessages}, commits, and only then completes each sender's future: a group
 * commit, so the session answers 250 after its message is on disk. Reads use their own connection.
 *
 * <p>Each commit that changed something moves {@link #version()} and completes the futures of the
 * readers waiting for a change ({@link #changeAfter}); closing completes them too, so no reader
 * waits on a store that is gone.
 */
final class MailStore implements Mailbox, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MailStore.class.getName());
    private static final int BATCH = 256;

    /** A message to store: the envelope and the bytes. */
    record Incoming(String sender, List<String> recipients, byte[] raw) {
    }

    private sealed interface Job permits Insert, Delete {
    }

    private record Insert(Incoming message, ParsedMessage parsed, CompletableFuture<Long> done) implements Job {
    }

    /** Deletes one id, or every message when id is 0; completes with the count deleted. */
    private record Delete(long id, CompletableFuture<Long> done) implements Job {
    }

    private final Path file;
    private final int maxMessages;
    private final Connection writer;
    private final Connection reader;
    private final ReentrantLock readLock = new ReentrantLock();
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final ReentrantLock changeLock = new ReentrantLock();
    private volatile boolean closed;
    private long count;
    /** Guarded by changeLock; starts at the opening's clock so that two openings differ. */
    private long version = System.currentTimeMillis() * 1000;
    private final Set<CompletableFuture<Long>> waiting = ConcurrentHashMap.newKeySet();

    private MailStore(Path file, int maxMessages, Connection writer, Connection reader) throws SQLException {
        this.file = file;
        this.maxMessages = maxMessages;
        this.writer = writer;
        this.reader = reader;
        try (Statement st = writer.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM messages")) {
            count = rs.next() ? rs.getLong(1) : 0;
        }
        this.thread = Thread.ofPlatform().daemon().name("smtp-store").start(this::loop);
    }

    /**
     * Opens (or creates) the database.
     *
     * @throws IOException naming the file when it cannot be opened or is not a message store
     */
    static MailStore open(Path file, int maxMessages) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            PrivateFiles.createFile(file); // 0600, and so are its -wal and -shm
        }
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        Connection w = null;
        Connection r = null;
        try {
            w = DriverManager.getConnection(url);
            try (Statement st = w.createStatement()) {
                st.execute("PRAGMA busy_timeout = 5000");
                st.execute("PRAGMA journal_mode = WAL");
                st.execute("PRAGMA synchronous = FULL");
                st.execute("CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                        + " received INTEGER NOT NULL, sender TEXT NOT NULL, recipients TEXT NOT NULL,"
                        + " subject TEXT NOT NULL, size INTEGER NOT NULL, search TEXT NOT NULL, raw BLOB NOT NULL)");
            }
            w.setAutoCommit(false);
            r = DriverManager.getConnection(url);
            try (Statement st = r.createStatement()) {
                st.execute("PRAGMA busy_timeout = 5000");
                st.execute("PRAGMA query_only = 1");
            }
            return new MailStore(file, maxMessages, w, r);
        } catch (SQLException e) {
            closeQuietly(w);
            closeQuietly(r);
            throw new IOException("message store " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stores {@code m} and returns its id once it is committed to disk.
     *
     * @throws IOException when the database refuses the write (the client then gets 451)
     */
    long store(Incoming m) throws IOException {
        ParsedMessage parsed = MessageReader.parse(m.raw()); // on the session's thread, in parallel
        return await(submit(new Insert(m, parsed, new CompletableFuture<>())));
    }

    @Override
    public boolean delete(long id) throws IOException {
        return await(submit(new Delete(id, new CompletableFuture<>()))) > 0;
    }

    @Override
    public long deleteAll() throws IOException {
        return await(submit(new Delete(0, new CompletableFuture<>())));
    }

    private CompletableFuture<Long> submit(Job job) throws IOException {
        if (closed) {
            throw new IOException("the message store is closed");
        }
        queue.add(job);
        return switch (job) {
            case Insert i -> i.done();
            case Delete d -> d.done();
        };
    }

    private static long await(CompletableFuture<Long> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while storing");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage(), e.getCause());
        }
    }

    private void loop() {
        List<Job> batch = new ArrayList<>(BATCH);
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                if (closed && queue.isEmpty()) {
                    return;
                }
                continue;
            }
            // sessions that are about to hand in a message get to first, so one commit (and one
            // fsync, one round of file locks) serves several
            Thread.yield();
            queue.drainTo(batch, BATCH - 1);
            write(batch);
            batch.clear();
        }
    }

    /** One transaction for the whole batch; every future completes after the commit, or fails. */
    private void write(List<Job> batch) {
        List<Long> results = new ArrayList<>(batch.size());
        long before = count;
        boolean changed;
        try {
            try (PreparedStatement insert = writer.prepareStatement("INSERT INTO messages"
                    + " (received, sender, recipients, subject, size, search, raw) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                for (Job job : batch) {
                    results.add(switch (job) {
                        case Insert i -> insert(insert, i);
                        case Delete d -> deleteRows(d.id());
                    });
                }
            }
            if (maxMessages > 0 && count > maxMessages) {
                try (PreparedStatement ps = writer.prepareStatement(
                        "DELETE FROM messages WHERE id IN (SELECT id FROM messages ORDER BY id LIMIT ?)")) {
                    ps.setLong(1, count - maxMessages);
                    count -= ps.executeUpdate();
                }
            }
            writer.commit();
            changed = count != before || batch.stream().anyMatch(j -> j instanceof Insert);
        } catch (SQLException | RuntimeException e) {
            count = before;
            try {
                writer.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            LOG.log(Level.WARNING, "smtp: storing {0} change(s) in {1} failed: {2}", batch.size(), file, e.getMessage());
            IOException failure = new IOException("message store " + file + ": " + e.getMessage(), e);
            for (Job job : batch) {
                done(job).completeExceptionally(failure);
            }
            return;
        }
        if (changed) {
            changed();
        }
        for (int i = 0; i < batch.size(); i++) {
            done(batch.get(i)).complete(results.get(i));
        }
    }

    @Override
    public long version() {
        changeLock.lock();
        try {
            return version;
        } finally {
            changeLock.unlock();
        }
    }

    @Override
    public CompletableFuture<Long> changeAfter(long seen) {
        changeLock.lock();
        try {
            if (seen != version || closed) {
                return CompletableFuture.completedFuture(version);
            }
            CompletableFuture<Long> f = new CompletableFuture<>();
            waiting.add(f);
            // a reader that gives up (cancels) leaves nothing behind
            f.whenComplete((v, e) -> waiting.remove(f));
            return f;
        } finally {
            changeLock.unlock();
        }
    }

    /** A new version, and every reader waiting for one woken. */
    private void changed() {
        List<CompletableFuture<Long>> woken;
        long now;
        changeLock.lock();
        try {
            now = ++version;
            woken = List.copyOf(waiting);
            waiting.clear();
        } finally {
            changeLock.unlock();
        }
        woken.forEach(f -> f.complete(now));
    }

    private static CompletableFuture<Long> done(Job job) {
        return switch (job) {
            case Insert i -> i.done();
            case Delete d -> d.done();
        };
    }

    private long insert(PreparedStatement ps, Insert job) throws SQLException {
        Incoming m = job.message();
        ParsedMessage p = job.parsed();
        String recipients = String.join(",", m.recipients());
        String search = String.join("\n", m.sender(), recipients, p.from(), String.join(",", p.to()), p.subject(),
                p.text() == null ? "" : p.text()).toLowerCase(Locale.ROOT);
        ps.setLong(1, System.currentTimeMillis());
        ps.setString(2, m.sender());
        ps.setString(3, recipients);
        ps.setString(4, p.subject());
        ps.setLong(5, m.raw().length);
        ps.setString(6, search);
        ps.setBytes(7, m.raw());
        ps.executeUpdate();
        count++;
        try (ResultSet keys = ps.getGeneratedKeys()) {
            if (!keys.next()) {
                throw new SQLException("no id for the inserted message");
            }
            return keys.getLong(1);
        }
    }

    private long deleteRows(long id) throws SQLException {
        try (PreparedStatement ps = writer.prepareStatement(
                id == 0 ? "DELETE FROM messages" : "DELETE FROM messages WHERE id = ?")) {
            if (id != 0) {
                ps.setLong(1, id);
            }
            int n = ps.executeUpdate();
            count -= n;
            return n;
        }
    }

    @Override
    public Page list(String query, String to, int limit, int offset) throws IOException {
        List<String> args = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        if (query != null && !query.isBlank()) {
            conditions.add("instr(search, ?) > 0");
            args.add(query.strip().toLowerCase(Locale.ROOT));
        }
        if (to != null && !to.isBlank()) {
            conditions.add("instr(lower(recipients), ?) > 0");
            args.add(to.strip().toLowerCase(Locale.ROOT));
        }
        String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        return read(c -> {
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM messages" + where)) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setString(i + 1, args.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    total = rs.next() ? rs.getLong(1) : 0;
                }
            }
            List<Summary> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, received, sender, recipients, subject, size"
                    + " FROM messages" + where + " ORDER BY id DESC LIMIT ? OFFSET ?")) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setString(i + 1, args.get(i));
                }
                ps.setInt(args.size() + 1, limit);
                ps.setInt(args.size() + 2, offset);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(summary(rs));
                    }
                }
            }
            return new Page(total, rows);
        });
    }

    @Override
    public Stored get(long id) throws IOException {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, received, sender, recipients, subject, size, raw FROM messages WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Stored(summary(rs), rs.getBytes(7)) : null;
                }
            }
        });
    }

    /** How many messages are stored. */
    long count() {
        return count;
    }

    private static Summary summary(ResultSet rs) throws SQLException {
        String recipients = rs.getString(4);
        return new Summary(rs.getLong(1), rs.getLong(2), rs.getString(3),
                recipients.isEmpty() ? List.of() : List.of(recipients.split(",")), rs.getString(5), rs.getLong(6));
    }

    private interface Query<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T read(Query<T> q) throws IOException {
        readLock.lock();
        try {
            return q.run(reader);
        } catch (SQLException e) {
            throw new IOException("message store " + file + ": " + e.getMessage(), e);
        } finally {
            readLock.unlock();
        }
    }

    /** Finishes what is queued, then closes the database. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        changed();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IOException closedError = new IOException("the message store is closed");
        for (Job job; (job = queue.poll()) != null; ) {
            done(job).completeExceptionally(closedError);
        }
        closeQuietly(writer);
        readLock.lock();
        try {
            closeQuietly(reader);
        } finally {
            readLock.unlock();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "smtp: closing the store: {0}", e.getMessage());
            }
        }
    }
}
