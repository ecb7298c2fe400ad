package dev.netloom.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The read side of the API: {@code GET /}, {@code GET /openapi.json}, lists with filters,
 * sorting and pages, and single items with ETags, {@code If-None-Match} and relations
 * ({@code _embed} children that point at the item by {@code <singular>Id}, {@code _expand}
 * the parent an item's {@code <name>Id} points at; the suffix is {@code rest.foreign-key-suffix}),
 * and nested lists ({@code /users/1/posts}).
 */
final class Reads {

    private record Page(long total, List<Items.Item> rows, List<JsonNode> shaped) {
    }

    private static final int MAX_COUNTS = 1024;

    private final RestConfig config;
    private final Store store;
    /** List counts by query (SQL and values): {commit number read at, count}. */
    private final ConcurrentHashMap<String, long[]> counts = new ConcurrentHashMap<>();

    Reads(RestConfig config, Store store) {
        this.config = config;
        this.store = store;
    }

    void root(RestExchange x) throws IOException, SQLException {
        if (!x.params().isEmpty()) {
            throw Problem.badRequest("GET / takes no query parameters");
        }
        Map<String, Long> counts = store.read(Items::counts);
        ObjectNode doc = Json.MAPPER.createObjectNode();
        ObjectNode c = doc.putObject("collections");
        counts.forEach(c::put);
        ArrayNode singulars = doc.putArray("singulars");
        store.singulars().stream().sorted().forEach(singulars::add);
        doc.put("db", "/db");
        doc.put("openapi", "/openapi.json");
        x.json(200, Json.write(doc));
    }

    /**
     * {@code GET /db}: the whole database in the seed file's shape, {@code {"posts": [...],
     * "profile": {...}}}, collections and singular resources by name, read in one snapshot and
     * streamed (chunked), so its size is bounded by nothing but the data.
     */
    void database(RestExchange x) throws IOException, SQLException {
        if (!x.params().isEmpty()) {
            throw Problem.badRequest("GET /db takes no query parameters");
        }
        if (x.method().equals("HEAD")) {
            x.json(200, store.snapshot(db -> {
                StringWriter out = new StringWriter();
                writeDatabase(db, out);
                return out.toString();
            }));
            return;
        }
        try (Writer out = new BufferedWriter(new OutputStreamWriter(x.stream(200, RestExchange.JSON),
                StandardCharsets.UTF_8), 1 << 16)) {
            store.snapshot(db -> {
                writeDatabase(db, out);
                return null;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void writeDatabase(Db db, Writer out) throws SQLException {
        TreeMap<String, Boolean> names = new TreeMap<>();
        Items.collectionNames(db).forEach(n -> names.put(n, true));
        Items.singularNames(db).forEach(n -> names.put(n, false));
        try {
            out.write('{');
            boolean first = true;
            for (Map.Entry<String, Boolean> n : names.entrySet()) {
                out.write((first ? "" : ",") + Json.write(Json.MAPPER.getNodeFactory().textNode(n.getKey())) + ":");
                first = false;
                if (!n.getValue()) {
                    out.write(Items.singular(db, n.getKey()).map(Items.Item::body).orElse("{}"));
                    continue;
                }
                PreparedStatement ps = db.prepare("SELECT body FROM items WHERE collection = ? ORDER BY id");
                ps.setString(1, n.getKey());
                out.write('[');
                try (ResultSet rs = ps.executeQuery()) {
                    for (boolean more = false; rs.next(); more = true) {
                        if (more) {
                            out.write(',');
                        }
                        out.write(rs.getString(1));
                    }
                }
                out.write(']');
            }
            out.write('}');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code GET /{name}} of a singular resource, with its ETag and {@code If-None-Match}. */
    void singular(RestExchange x, String name) throws IOException, SQLException {
        if (!x.params().isEmpty()) {
            throw Problem.badRequest("a singular resource takes no query parameters");
        }
        Items.Item item = store.read(db -> Items.singular(db, name))
                .orElseThrow(() -> Problem.notFound("no resource '" + name + "'"));
        x.out().set("ETag", item.etag());
        if (Preconditions.noneMatch(x.header("If-None-Match"), item)) {
            x.send(304, null, null);
            return;
        }
        x.json(200, item.body());
    }

    void openapi(RestExchange x) throws IOException, SQLException {
        List<String> names = store.read(Items::collectionNames);
        x.json(200, Json.write(OpenApi.document(names, store.singulars().stream().sorted().toList(), config.readOnly())));
    }

    /**
     * {@code GET /{collection}}, or {@code GET /{parent}/{parentId}/{collection}} (a nested route:
     * the items whose {@code <singular parent>Id} is {@code parentId}, as json-server's) when
     * {@code parent} is not null.
     */
    void list(RestExchange x, String collection, String parent, long parentId) throws IOException, SQLException {
        requireCollection(collection);
        ListQuery q = ListQuery.parse(x.params(), config.maxPerPage());
        if (parent != null) {
            requireCollection(parent);
            List<ListQuery.Condition> all = new ArrayList<>();
            // first, so that it drives the query through the index
            all.add(new ListQuery.Condition(ListQuery.Op.REF, config.foreignKey(parent), List.of(Long.toString(parentId))));
            all.addAll(q.conditions());
            q = new ListQuery(List.copyOf(all), q.text(), q.sort(), q.page(), q.perPage(), q.pageAsked(), q.start(),
                    q.fields(), q.embed(), q.expand());
        }
        relations(q);
        ListSql sql = new ListSql(collection, q);
        Page page = page(collection, q, sql);
        x.out().set("X-Total-Count", Long.toString(page.total()));
        if (!q.sliced() && (q.pageAsked() || page.total() > q.perPage())) {
            x.out().set("Link", Links.header(x, q, page.total()));
        }
        StringBuilder body = new StringBuilder(64 + page.rows().size() * 128).append('[');
        for (int i = 0; i < page.rows().size(); i++) {
            body.append(i == 0 ? "" : ",").append(page.shaped() == null ? page.rows().get(i).body()
                    : Json.write(page.shaped().get(i)));
        }
        x.json(200, body.append(']').toString());
    }

    /**
     * The count and the page, read in one snapshot. A count is kept (in {@link #counts}) with
     * the store's commit number it was read at and reused while no data has changed since, as
     * long as the page read beside it also saw no change; pages are always read.
     */
    private Page page(String collection, ListQuery q, ListSql sql) throws SQLException {
        String key = sql.countSql() + '\u0000' + sql.countArgs();
        long before = store.commits();
        long[] known = (before & 1) == 0 && !shapes(q) ? counts.get(key) : null;
        if (known != null && known[0] == before) {
            List<Items.Item> rows = store.read(db -> rows(db, sql));
            if (store.commits() == before) {
                return new Page(known[1], rows, null);
            }
        }
        Page page = store.snapshot(db -> {
            long total;
            try (ResultSet rs = db.prepare(sql.countSql(), sql.countArgs()).executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
            List<Items.Item> rows = rows(db, sql);
            return new Page(total, rows, shapes(q) ? shape(db, collection, q, rows) : null);
        });
        if ((before & 1) == 0 && store.commits() == before) {
            if (counts.size() >= MAX_COUNTS) {
                counts.clear();
            }
            counts.put(key, new long[] {before, page.total()});
        }
        return page;
    }

    private static List<Items.Item> rows(Db db, ListSql sql) throws SQLException {
        List<Items.Item> rows = new ArrayList<>();
        try (ResultSet rs = db.prepare(sql.pageSql(), sql.pageArgs()).executeQuery()) {
            while (rs.next()) {
                rows.add(new Items.Item(rs.getLong(1), rs.getLong(2), rs.getString(3)));
            }
        }
        return rows;
    }

    void item(RestExchange x, String collection, long id) throws IOException, SQLException {
        requireCollection(collection);
        ListQuery q = ListQuery.parse(x.params(), config.maxPerPage());
        if (!q.conditions().isEmpty() || q.text().isPresent() || !q.sort().isEmpty() || q.pageAsked()) {
            throw Problem.badRequest("an item takes only _fields, _embed and _expand");
        }
        relations(q);
        record Found(Items.Item item, JsonNode shaped) {
        }
        Store.Work<Optional<Found>> work = db -> {
            Optional<Items.Item> item = Items.get(db, collection, id);
            if (item.isEmpty()) {
                return Optional.empty();
            }
            JsonNode shaped = shapes(q) ? shape(db, collection, q, List.of(item.get())).getFirst() : null;
            return Optional.of(new Found(item.get(), shaped));
        };
        Optional<Found> found;
        Items.Item cached = shapes(q) ? null : store.cache().get(collection, id);
        if (cached != null) {
            found = Optional.of(new Found(cached, null));
        } else {
            found = shapes(q) ? store.snapshot(work) : store.read(work);
            if (found.isPresent() && store.cache().enabled()) {
                store.warm(collection, id);
            }
        }
        if (found.isEmpty()) {
            throw Problem.notFound("no item " + id + " in '" + collection + "'");
        }
        Items.Item item = found.get().item();
        x.out().set("ETag", item.etag());
        if (Preconditions.noneMatch(x.header("If-None-Match"), item)) {
            x.send(304, null, null);
            return;
        }
        x.json(200, found.get().shaped() == null ? item.body() : Json.write(found.get().shaped()));
    }

    private void requireCollection(String collection) {
        if (!store.collections().contains(collection)) {
            throw Problem.notFound("no collection '" + collection + "'");
        }
    }

    private static boolean shapes(ListQuery q) {
        return !q.fields().isEmpty() || !q.embed().isEmpty() || !q.expand().isEmpty();
    }

    /** Checks that every collection named by _embed and _expand exists. */
    private void relations(ListQuery q) {
        for (String e : q.embed()) {
            if (!store.collections().contains(e)) {
                throw Problem.badRequest("_embed=" + e + ": there is no collection '" + e + "'");
            }
        }
        for (String e : q.expand()) {
            parentCollection(e);
        }
    }

    /**
     * The collection an {@code _expand=category} points into: the first that exists of its
     * plural ({@code categories}, {@code person}: {@code people}), the name with an {@code s},
     * and the name itself.
     */
    private String parentCollection(String name) {
        for (String c : List.of(Inflections.plural(name), name + "s", name)) {
            if (store.collections().contains(c)) {
                return c;
            }
        }
        throw Problem.badRequest("_expand=" + name + ": there is no collection '" + Inflections.plural(name) + "' (or '"
                + name + "')");
    }

    private List<JsonNode> shape(Db db, String collection, ListQuery q, List<Items.Item> rows) throws SQLException {
        List<JsonNode> out = new ArrayList<>(rows.size());
        for (Items.Item row : rows) {
            ObjectNode item = Json.read(row.body());
            for (String child : q.embed()) {
                item.set(child, children(db, child, config.foreignKey(collection), row.id()));
            }
            for (String parent : q.expand()) {
                JsonNode ref = item.get(parent + config.foreignKeySuffix());
                if (ref != null && ref.canConvertToExactIntegral()) {
                    Optional<Items.Item> p = Items.get(db, parentCollection(parent), ref.asLong());
                    if (p.isPresent()) {
                        item.set(parent, Json.read(p.get().body()));
                    }
                }
            }
            out.add(q.fields().isEmpty() ? item : project(item, q.fields()));
        }
        return out;
    }

    private static ArrayNode children(Db db, String child, String key, long parentId) throws SQLException {
        PreparedStatement ps = db.prepare("SELECT i.body FROM fields f JOIN items i ON i.collection = f.collection "
                + "AND i.id = f.id WHERE f.collection = ? AND f.path = ? AND f.num = ? ORDER BY i.id");
        ps.setString(1, child);
        ps.setString(2, key);
        ps.setDouble(3, parentId);
        ArrayNode out = Json.MAPPER.createArrayNode();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(Json.read(rs.getString(1)));
            }
        }
        return out;
    }

    /** Keeps only the named fields; a dotted name keeps that nested field inside its parents. */
    private static ObjectNode project(ObjectNode item, List<String> fields) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        for (String f : fields) {
            String[] parts = f.split("\\.");
            JsonNode src = item;
            ObjectNode dst = out;
            for (int i = 0; i < parts.length && src != null; i++) {
                JsonNode next = src.get(parts[i]);
                if (next == null) {
                    break;
                }
                if (i == parts.length - 1) {
                    dst.set(parts[i], next);
                } else if (next.isObject()) {
                    JsonNode existing = dst.get(parts[i]);
                    dst = existing instanceof ObjectNode o ? o : dst.putObject(parts[i]);
                }
                src = next.isObject() ? next : null;
            }
        }
        return out;
    }
}
