package dev.netloom.rest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JDBC connection with its prepared statements kept for reuse (at most 64, least recently
 * used closed first). Used by one thread at a time: the {@link Store} hands it out.
 */
final class Db implements AutoCloseable {

    /** Binds as an SQL NULL of a floating-point column. */
    static final Object NULL_NUMBER = new Object();

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() > 64) {
                closeQuietly(eldest.getValue());
                return true;
            }
            return false;
        }
    };

    Db(Connection connection) {
        this.connection = connection;
    }

    Connection connection() {
        return connection;
    }

    /** The prepared statement for {@code sql}, parameters cleared. */
    PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        } else {
            ps.clearParameters();
        }
        return ps;
    }

    /** {@link #prepare} with {@code args} bound in order: String, Long, Integer, Double or {@link #NULL_NUMBER}. */
    PreparedStatement prepare(String sql, List<Object> args) throws SQLException {
        PreparedStatement ps = prepare(sql);
        for (int i = 0; i < args.size(); i++) {
            bind(ps, i + 1, args.get(i));
        }
        return ps;
    }

    static void bind(PreparedStatement ps, int index, Object v) throws SQLException {
        switch (v) {
            case String s -> ps.setString(index, s);
            case Long l -> ps.setLong(index, l);
            case Integer n -> ps.setLong(index, n);
            case Double d -> ps.setDouble(index, d);
            default -> {
                if (v == NULL_NUMBER) {
                    ps.setNull(index, Types.DOUBLE);
                } else if (v == null) {
                    ps.setNull(index, Types.VARCHAR);
                } else {
                    throw new IllegalArgumentException("cannot bind " + v.getClass());
                }
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing a statement of a connection that is going away
        }
    }

    @Override
    public void close() {
        statements.values().forEach(Db::closeQuietly);
        statements.clear();
        closeQuietly(connection);
    }
}
