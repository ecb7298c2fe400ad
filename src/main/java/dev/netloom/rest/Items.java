package dev.netloom.rest;

import com.fasterxml.jackson.databind.JsonNode;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes items and collections with fixed, prepared SQL: nothing a client sends is
 * ever part of the SQL text, only of its parameters.
 */
final class Items {

    /** One stored item: its id, the revision of its last write (its ETag) and its JSON text. */
    record Item(long id, long version, String body) {
        String etag() {
            return "\"" + version + "\"";
        }
    }

    private Items() {
    }

    static Optional<Item> get(Db db, String collection, long id) throws SQLException {
        PreparedStatement ps = db.prepare("SELECT version, body FROM items WHERE collection = ? AND id = ?");
        ps.setString(1, collection);
        ps.setLong(2, id);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new Item(id, rs.getLong(1), rs.getString(2))) : Optional.empty();
        }
    }

    static List<String> collectionNames(Db db) throws SQLException {
        return names(db, "SELECT name FROM collections ORDER BY name");
    }

    static List<String> singularNames(Db db) throws SQLException {
        return names(db, "SELECT name FROM singulars ORDER BY name");
    }

    private static List<String> names(Db db, String sql) throws SQLException {
        PreparedStatement ps = db.prepare(sql);
        try (ResultSet rs = ps.executeQuery()) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            return names;
        }
    }

    /** Every collection with its item count, by name. */
    static Map<String, Long> counts(Db db) throws SQLException {
        PreparedStatement ps = db.prepare("SELECT c.name, (SELECT COUNT(*) FROM items i WHERE i.collection = c.name) "
                + "FROM collections c ORDER BY c.name");
        Map<String, Long> out = new LinkedHashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    static long totalItems(Db db) throws SQLException {
        try (ResultSet rs = db.prepare("SELECT COUNT(*) FROM items").executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Creates the collection if it is new; true when it was created. */
    static boolean createCollection(Db db, String name) throws SQLException {
        PreparedStatement ps = db.prepare("INSERT INTO collections (name, next_id) VALUES (?, 1) ON CONFLICT DO NOTHING");
        ps.setString(1, name);
        return ps.executeUpdate() == 1;
    }

    /**
     * Takes the next id of a collection.
     *
     * @throws Problem 409 when the collection has handed out {@link Json#MAX_ID}: ids never wrap
     */
    static long allocateId(Db db, String collection) throws SQLException {
        PreparedStatement ps = db.prepare("SELECT next_id FROM collections WHERE name = ?");
        ps.setString(1, collection);
        long id;
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw Problem.notFound("no collection '" + collection + "'");
            }
            id = rs.getLong(1);
        }
        if (id < 1 || id > Json.MAX_ID) {
            throw new Problem(409, "'" + collection + "' has given out its last id, " + Json.MAX_ID
                    + " (2^53-1, the largest every JSON client holds exactly), and ids are never reused;"
                    + " POST with a free id in the body, or PUT to one");
        }
        bumpNextId(db, collection, id);
        return id;
    }

    /** Makes sure the collection never hands out {@code used} (or anything below it) again. */
    static void bumpNextId(Db db, String collection, long used) throws SQLException {
        PreparedStatement ps = db.prepare("UPDATE collections SET next_id = ? WHERE name = ? AND next_id <= ?");
        ps.setLong(1, used + 1);
        ps.setString(2, collection);
        ps.setLong(3, used);
        ps.executeUpdate();
    }

    static void insert(Db db, String collection, long id, long version, JsonNode item, String body) throws SQLException {
        PreparedStatement ps = db.prepare("INSERT INTO items (collection, id, version, body) VALUES (?, ?, ?, ?)");
        ps.setString(1, collection);
        ps.setLong(2, id);
        ps.setLong(3, version);
        ps.setString(4, body);
        ps.executeUpdate();
        index(db, collection, id, item);
    }

    static void replace(Db db, String collection, long id, long version, JsonNode item, String body) throws SQLException {
        PreparedStatement ps = db.prepare("UPDATE items SET version = ?, body = ? WHERE collection = ? AND id = ?");
        ps.setLong(1, version);
        ps.setString(2, body);
        ps.setString(3, collection);
        ps.setLong(4, id);
        ps.executeUpdate();
        unindex(db, collection, id);
        index(db, collection, id, item);
    }

    static boolean delete(Db db, String collection, long id) throws SQLException {
        PreparedStatement ps = db.prepare("DELETE FROM items WHERE collection = ? AND id = ?");
        ps.setString(1, collection);
        ps.setLong(2, id);
        boolean deleted = ps.executeUpdate() == 1;
        unindex(db, collection, id);
        return deleted;
    }

    /**
     * The ids of the items of {@code collection} whose field {@code key} holds {@code id}, as a
     * number or as its text, compared as text as json-server compares them (one index lookup), in id order.
     */
    static List<Long> pointingAt(Db db, String collection, String key, long id) throws SQLException {
        PreparedStatement ps = db.prepare("SELECT id FROM fields WHERE collection = ? AND path = ? AND str = ? ORDER BY id");
        ps.setString(1, collection);
        ps.setString(2, key);
        ps.setString(3, Long.toString(id));
        List<Long> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    /** A singular resource ({@code /profile}) as an item with id 0, or empty when there is none of that name. */
    static Optional<Item> singular(Db db, String name) throws SQLException {
        PreparedStatement ps = db.prepare("SELECT version, body FROM singulars WHERE name = ?");
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new Item(0, rs.getLong(1), rs.getString(2))) : Optional.empty();
        }
    }

    /** Creates or replaces a singular resource. */
    static void putSingular(Db db, String name, long version, String body) throws SQLException {
        PreparedStatement ps = db.prepare("INSERT INTO singulars (name, version, body) VALUES (?, ?, ?) "
                + "ON CONFLICT (name) DO UPDATE SET version = excluded.version, body = excluded.body");
        ps.setString(1, name);
        ps.setLong(2, version);
        ps.setString(3, body);
        ps.executeUpdate();
    }

    /** Removes every item, collection and singular resource (a reload of a watched seed file). */
    static void clear(Db db) throws SQLException {
        for (String table : List.of("fields", "items", "collections", "singulars")) {
            db.prepare("DELETE FROM " + table).executeUpdate();
        }
    }

    private static void unindex(Db db, String collection, long id) throws SQLException {
        PreparedStatement ps = db.prepare("DELETE FROM fields WHERE collection = ? AND id = ?");
        ps.setString(1, collection);
        ps.setLong(2, id);
        ps.executeUpdate();
    }

    private static void index(Db db, String collection, long id, JsonNode item) throws SQLException {
        PreparedStatement ps = db.prepare("INSERT INTO fields (collection, id, path, str, fold, num) VALUES (?, ?, ?, ?, ?, ?)");
        for (Fields.Leaf leaf : Fields.of(item)) {
            ps.setString(1, collection);
            ps.setLong(2, id);
            ps.setString(3, leaf.path());
            ps.setString(4, leaf.text());
            ps.setString(5, leaf.folded());
            Db.bind(ps, 6, leaf.number() == null ? Db.NULL_NUMBER : leaf.number());
            ps.addBatch();
        }
        ps.executeBatch();
    }
}
