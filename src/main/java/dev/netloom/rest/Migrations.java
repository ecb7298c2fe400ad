package dev.netloom.rest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/*
 * Schema versions are files NNN-name.sql in <migrations>/<dialect>/ (sqlite or postgresql),
 * applied in number order, each in its own transaction; the table schema_migrations records
 * (version, name, applied_at) for each one applied. Statements in a file end with ';' at the
 * end of a line; lines starting with "--" are comments.
 */

/** Brings a database to the newest schema version found in the migrations directory. */
final class Migrations {

    private static final Pattern FILE = Pattern.compile("(\\d{3,})-[A-Za-z0-9_-]+\\.sql");

    private Migrations() {
    }

    /** Applies every file newer than the database; returns how many were applied. */
    static int apply(Connection c, Path dir) throws SQLException, IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("schema directory " + dir + " is missing (set rest.migrations)");
        }
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                    + "name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        }
        c.commit();
        int current = 0;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")) {
            rs.next();
            current = rs.getInt(1);
        }
        int applied = 0;
        for (Path file : files(dir)) {
            Matcher m = FILE.matcher(file.getFileName().toString());
            m.matches();
            int version = Integer.parseInt(m.group(1));
            if (version <= current) {
                continue;
            }
            try (Statement st = c.createStatement()) {
                for (String sql : statements(Files.readString(file, StandardCharsets.UTF_8))) {
                    st.execute(sql);
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")) {
                    ps.setInt(1, version);
                    ps.setString(2, file.getFileName().toString());
                    ps.setString(3, Instant.now().toString());
                    ps.executeUpdate();
                }
                c.commit();
                applied++;
            } catch (SQLException e) {
                c.rollback();
                throw new SQLException("schema file " + file + ": " + e.getMessage(), e);
            }
        }
        return applied;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> FILE.matcher(p.getFileName().toString()).matches())
                    .sorted((a, b) -> Integer.compare(version(a), version(b))).toList();
        }
    }

    private static int version(Path p) {
        Matcher m = FILE.matcher(p.getFileName().toString());
        m.matches();
        return Integer.parseInt(m.group(1));
    }

    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : script.split("\n")) {
            String t = line.strip();
            if (t.startsWith("--") || t.isEmpty()) {
                continue;
            }
            cur.append(line).append('\n');
            if (t.endsWith(";")) {
                String sql = cur.toString().strip();
                out.add(sql.substring(0, sql.length() - 1));
                cur.setLength(0);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString().strip());
        }
        return out;
    }
}
