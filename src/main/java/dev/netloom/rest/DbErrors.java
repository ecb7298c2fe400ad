package dev.netloom.rest;

import org.sqlite.SQLiteException;

import java.sql.SQLException;

/**
 * What a database failure means to a client, without the driver's text: a full disk is 507
 * Insufficient Storage (RFC 4918), a database that cannot be reached is 503 with
 * {@code Retry-After}, anything else 500. The driver's message goes to the log only.
 */
final class DbErrors {

    private static final int SQLITE_FULL = 13;
    /** PostgreSQL's SQLSTATE disk_full. */
    private static final String PG_DISK_FULL = "53100";

    private DbErrors() {
    }

    /** True when {@code e}, or anything it was caused by or suppressed, says the disk is full. */
    static boolean diskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException s && (s.getErrorCode() & 0xff) == SQLITE_FULL
                    || t instanceof SQLException s2 && PG_DISK_FULL.equals(s2.getSQLState())) {
                return true;
            }
            for (Throwable s : t.getSuppressed()) {
                if (diskFull(s)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when the connection itself failed (SQLSTATE class 08), so a commit's outcome is unknown. */
    static boolean connectionLost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /** The answer to a write or read that failed with {@code e}. */
    static Problem problem(SQLException e, boolean write) {
        if (diskFull(e)) {
            return new Problem(507, "the database's disk is full; " + (write ? "the write was not stored; " : "")
                    + "try again once space is freed");
        }
        if (connectionLost(e)) {
            return new Problem(503, "the database cannot be reached" + (write
                    ? "; the write may or may not be stored: read the item before trying again" : ""))
                    .header("Retry-After", "1");
        }
        return new Problem(500, "database error" + (write ? "; the write was not stored" : "") + "; see the server log");
    }
}
