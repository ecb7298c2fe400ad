/*
 * data/monitor/bandwidth.db, SQLite (PRAGMA user_version 1):
 *
 *   reading(iface TEXT PRIMARY KEY, at_ms, rx_bytes, rx_packets, rx_errors, rx_drops,
 *           tx_bytes, tx_packets, tx_errors, tx_drops)
 *       the last counters read from /proc/net/dev for each interface, and when (epoch ms)
 *   traffic(iface, resolution 'minute'|'hour'|'day', start (epoch s), seconds REAL,
 *           the same eight counters; PRIMARY KEY (iface, resolution, start))
 *       the traffic added up per step; seconds is the time the added differences covered
 *
 * Counters are stored as SQLite's signed 64-bit integers: an unsigned counter past 2^63 reads
 * back negative but bit for bit the same, and differences are taken unsigned.
 */
package dev.netloom.monitor;

import dev.netloom.core.PrivateFiles;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bandwidth history per interface, per minute, hour and day, in SQLite, as vnStat keeps
 * one: {@link #record} adds the difference between a reading and the one stored before it to
 * the minute, the hour and the day the reading falls in (so an hour is the sum of its minutes
 * and a day of its hours), and trims each resolution to what {@link Resolution#keep()} says.
 *
 * <p>The last reading of each interface is stored with the traffic, so the history survives a
 * restart, and two netloom processes sampling the same file never count the same bytes twice:
 * each difference is taken against the stored reading in one transaction. A reading:
 * <ul>
 *   <li>older than or as old as the stored one is ignored (another process stored a newer one);</li>
 *   <li>more than {@code maxGap} after the stored one (netloom was not running) only becomes
 *       the new reading: the traffic of the gap is not known per step, and is not invented;</li>
 *   <li>with any counter lower than the stored one (a reboot, the interface made again) counts
 *       its counters as they are, the traffic since they started again from 0;</li>
 *   <li>otherwise adds its difference to the steps of its own time.</li>
 * </ul>
 * Methods may be called from several threads (one connection, under a lock).
 */
public final class BandwidthHistory implements AutoCloseable {

    /** The default largest distance between two readings whose difference is counted. */
    public static final Duration DEFAULT_MAX_GAP = Duration.ofMinutes(2);
    private static final String COUNTERS = "rx_bytes, rx_packets, rx_errors, rx_drops, tx_bytes, tx_packets, tx_errors, tx_drops";

    private final Connection db;
    private final ZoneId zone;
    private final Duration maxGap;
    private final ReentrantLock lock = new ReentrantLock();

    private BandwidthHistory(Connection db, ZoneId zone, Duration maxGap) {
        this.db = db;
        this.zone = zone;
        this.maxGap = maxGap;
    }

    /** The history in {@code file} (made with its directories, 0600, when missing), steps in the system's zone. */
    public static BandwidthHistory open(Path file) throws IOException {
        return open(file, ZoneId.systemDefault(), DEFAULT_MAX_GAP);
    }

    /**
     * The history in {@code file}, days and hours reckoned in {@code zone}, differences over more
     * than {@code maxGap} not counted.
     *
     * @throws IOException when the file cannot be made or is not a database
     */
    public static BandwidthHistory open(Path file, ZoneId zone, Duration maxGap) throws IOException {
        PrivateFiles.createFile(file); // with its directories; 0600, and so are its -wal and -shm
        // BEGIN IMMEDIATE: a second process waits for the write lock at the start of record(), rather
        // than failing on it after its SELECT (WAL cannot upgrade a read that another write overtook)
        SQLiteConfig config = new SQLiteConfig();
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        config.setBusyTimeout(5000);
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA journal_mode = WAL");
                st.execute("CREATE TABLE IF NOT EXISTS reading (iface TEXT PRIMARY KEY, at_ms INTEGER NOT NULL, "
                        + COUNTERS + ")");
                st.execute("CREATE TABLE IF NOT EXISTS traffic (iface TEXT NOT NULL, resolution TEXT NOT NULL, "
                        + "start INTEGER NOT NULL, seconds REAL NOT NULL, " + COUNTERS
                        + ", PRIMARY KEY (iface, resolution, start)) WITHOUT ROWID");
                st.execute("PRAGMA user_version = 1");
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return new BandwidthHistory(c, zone, maxGap);
        } catch (SQLException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Adds {@code readings}, taken at {@code at}, as the class comment says; returns the traffic
     * counted for each interface (nothing for a first reading, a gap or a stale one).
     */
    public List<InterfaceCounters> record(Instant at, List<InterfaceCounters> readings) throws IOException {
        lock.lock();
        try {
            db.setAutoCommit(false);
            try {
                List<InterfaceCounters> counted = new ArrayList<>();
                for (InterfaceCounters now : readings) {
                    InterfaceCounters delta = record(at, now);
                    if (delta != null) {
                        counted.add(delta);
                    }
                }
                trim(at);
                db.commit();
                return counted;
            } catch (SQLException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IOException("bandwidth history: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private InterfaceCounters record(Instant at, InterfaceCounters now) throws SQLException {
        long atMs = at.toEpochMilli();
        long stored = -1;
        InterfaceCounters before = null;
        try (PreparedStatement q = db.prepareStatement("SELECT at_ms, " + COUNTERS + " FROM reading WHERE iface = ?")) {
            q.setString(1, now.name());
            try (ResultSet r = q.executeQuery()) {
                if (r.next()) {
                    stored = r.getLong(1);
                    before = counters(now.name(), r, 2);
                }
            }
        }
        if (before != null && atMs <= stored) {
            return null;
        }
        try (PreparedStatement u = db.prepareStatement("INSERT OR REPLACE INTO reading (iface, at_ms, " + COUNTERS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            u.setString(1, now.name());
            u.setLong(2, atMs);
            set(u, 3, now);
            u.executeUpdate();
        }
        if (before == null || atMs - stored > maxGap.toMillis()) {
            return null;
        }
        InterfaceCounters delta = now.wentDownSince(before) ? now : now.minus(before);
        double seconds = (atMs - stored) / 1000.0;
        for (Resolution res : Resolution.values()) {
            add(now.name(), res, res.start(at, zone), seconds, delta);
        }
        return delta;
    }

    private void add(String iface, Resolution res, Instant start, double seconds, InterfaceCounters delta)
            throws SQLException {
        try (PreparedStatement u = db.prepareStatement("INSERT INTO traffic (iface, resolution, start, seconds, "
                + COUNTERS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (iface, resolution, start) "
                + "DO UPDATE SET seconds = seconds + excluded.seconds, rx_bytes = rx_bytes + excluded.rx_bytes, "
                + "rx_packets = rx_packets + excluded.rx_packets, rx_errors = rx_errors + excluded.rx_errors, "
                + "rx_drops = rx_drops + excluded.rx_drops, tx_bytes = tx_bytes + excluded.tx_bytes, "
                + "tx_packets = tx_packets + excluded.tx_packets, tx_errors = tx_errors + excluded.tx_errors, "
                + "tx_drops = tx_drops + excluded.tx_drops")) {
            u.setString(1, iface);
            u.setString(2, res.label());
            u.setLong(3, start.getEpochSecond());
            u.setDouble(4, seconds);
            set(u, 5, delta);
            u.executeUpdate();
        }
    }

    private void trim(Instant now) throws SQLException {
        try (PreparedStatement d = db.prepareStatement("DELETE FROM traffic WHERE resolution = ? AND start < ?")) {
            for (Resolution res : Resolution.values()) {
                d.setString(1, res.label());
                d.setLong(2, res.start(now.minus(res.keep()), zone).getEpochSecond());
                d.executeUpdate();
            }
        }
    }

    /** The last {@code limit} steps of {@code iface} at {@code resolution}, oldest first; empty when there are none. */
    public List<BandwidthRow> rows(String iface, Resolution resolution, int limit) throws IOException {
        lock.lock();
        try (PreparedStatement q = db.prepareStatement("SELECT start, seconds, " + COUNTERS
                + " FROM traffic WHERE iface = ? AND resolution = ? ORDER BY start DESC LIMIT ?")) {
            q.setString(1, iface);
            q.setString(2, resolution.label());
            q.setInt(3, limit);
            List<BandwidthRow> rows = new ArrayList<>();
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    rows.add(new BandwidthRow(resolution, Instant.ofEpochSecond(r.getLong(1)), r.getDouble(2),
                            counters(iface, r, 3)));
                }
            }
            Collections.reverse(rows);
            return rows;
        } catch (SQLException e) {
            throw new IOException("bandwidth history: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Every interface a reading was ever stored for, by name. */
    public List<String> interfaces() throws IOException {
        lock.lock();
        try (Statement st = db.createStatement();
             ResultSet r = st.executeQuery("SELECT iface FROM reading UNION SELECT iface FROM traffic ORDER BY 1")) {
            List<String> names = new ArrayList<>();
            while (r.next()) {
                names.add(r.getString(1));
            }
            return names;
        } catch (SQLException e) {
            throw new IOException("bandwidth history: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            db.close();
        } catch (SQLException e) {
            throw new IOException("bandwidth history: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private static InterfaceCounters counters(String iface, ResultSet r, int first) throws SQLException {
        long[] v = new long[8];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.getLong(first + i);
        }
        return InterfaceCounters.of(iface, v);
    }

    private static void set(PreparedStatement s, int first, InterfaceCounters c) throws SQLException {
        long[] v = c.values();
        for (int i = 0; i < v.length; i++) {
            s.setLong(first + i, v[i]);
        }
    }
}
