package dev.netloom.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The write side: POST creates (201 + Location), PUT replaces or creates at a chosen id, PATCH
 * merges (RFC 7396), DELETE removes (204). Each runs as one unit on the store's writer, with
 * its preconditions checked there, so If-Match cannot race with another write; each returns
 * only once committed.
 */
final class Writes {

    private record Written(Items.Item item, boolean created) {
    }

    private final RestConfig config;
    private final Store store;

    Writes(RestConfig config, Store store) {
        this.config = config;
        this.store = store;
    }

    /**
     * {@code POST /{collection}}, or {@code POST /{parent}/{parentId}/{collection}} (a nested
     * route: the new item gets {@code <singular parent>Id} = parentId, and the parent must exist)
     * when {@code parent} is not null.
     */
    void create(RestExchange x, String collection, String parent, long parentId) throws IOException, SQLException {
        boolean exists = store.collections().contains(collection);
        if (parent != null) {
            requireCollection(parent);
            requireCollection(collection);
        }
        if (!exists && !config.autoCollections()) {
            throw Problem.notFound("no collection '" + collection + "' (rest.auto-collections=false)");
        }
        if (!exists && !RestConfig.COLLECTION.matcher(collection).matches()) {
            throw Problem.badRequest("a collection name is a letter then letters, digits, '_' or '-' (at most 64)");
        }
        if (!exists && RestConfig.reserved(collection)) {
            throw Problem.badRequest("'" + collection + "' is a reserved name (/" + collection + " is served by netloom)");
        }
        ObjectNode body = Json.object(body(x, "POST"));
        long wanted = Json.bodyId(body, 0);
        if (parent != null) {
            String key = config.foreignKey(parent);
            JsonNode given = body.get(key);
            if (given != null && !(given.canConvertToExactIntegral() && given.asLong() == parentId
                    || given.isTextual() && given.asText().equals(Long.toString(parentId)))) {
                throw new Problem(422, "the body's " + key + " " + given + " differs from the parent in the URL, "
                        + parentId);
            }
            body.put(key, parentId);
        }
        Items.Item item = store.write(db -> {
            if (parent != null && Items.get(db, parent, parentId).isEmpty()) {
                throw Problem.notFound("no item " + parentId + " in '" + parent + "' to add to");
            }
            if (!store.collections().contains(collection) && Items.createCollection(db, collection)) {
                store.onCommit(() -> store.collections().add(collection));
            }
            long id = wanted;
            if (id == 0) {
                id = Items.allocateId(db, collection);
            } else if (Items.get(db, collection, id).isPresent()) {
                throw new Problem(409, "there is already an item " + id + " in '" + collection
                        + "'; leave id out to have one assigned, or PUT to replace it");
            } else {
                Items.bumpNextId(db, collection, id);
            }
            return insert(db, collection, id, body);
        });
        x.out().set("Location", "/" + collection + "/" + item.id());
        x.out().set("ETag", item.etag());
        x.json(201, item.body());
    }

    void replace(RestExchange x, String collection, long id) throws IOException, SQLException {
        requireCollection(collection);
        ObjectNode body = Json.object(body(x, "PUT"));
        Json.bodyId(body, id);
        Written w = store.write(db -> {
            Optional<Items.Item> current = Items.get(db, collection, id);
            Preconditions.check(x, current);
            if (current.isEmpty()) {
                Items.bumpNextId(db, collection, id);
                return new Written(insert(db, collection, id, body), true);
            }
            return new Written(update(db, collection, id, body), false);
        });
        respond(x, collection, w);
    }

    void patch(RestExchange x, String collection, long id) throws IOException, SQLException {
        requireCollection(collection);
        ObjectNode patch = Json.object(body(x, "PATCH"));
        if (patch.has("id") && !patch.get("id").isNull()) {
            Json.bodyId(patch, id);
        } else if (patch.has("id")) {
            throw new Problem(422, "the id cannot be removed");
        }
        Written w = store.write(db -> {
            Optional<Items.Item> current = Items.get(db, collection, id);
            Preconditions.check(x, current);
            if (current.isEmpty()) {
                throw Problem.notFound("no item " + id + " in '" + collection + "'");
            }
            JsonNode merged = Json.mergePatch(Json.read(current.get().body()), patch);
            return new Written(update(db, collection, id, (ObjectNode) merged), false);
        });
        respond(x, collection, w);
    }

    /**
     * {@code DELETE /{collection}/{id}}, and with it, in the same transaction, every item that
     * points at it by {@code <singular>Id} in any collection, and every item that points at one of
     * those, to the end of the chain (json-server removes the first level at once and the rest
     * at its next delete). {@code If-Match} is checked on the item named only.
     */
    void delete(RestExchange x, String collection, long id) throws IOException, SQLException {
        requireCollection(collection);
        store.write(db -> {
            Optional<Items.Item> current = Items.get(db, collection, id);
            Preconditions.check(x, current);
            if (current.isEmpty()) {
                throw Problem.notFound("no item " + id + " in '" + collection + "'");
            }
            store.nextRevision();
            Set<ItemCache.Key> gone = new LinkedHashSet<>();
            ArrayDeque<ItemCache.Key> todo = new ArrayDeque<>();
            todo.add(new ItemCache.Key(collection, id));
            while (!todo.isEmpty()) {
                ItemCache.Key k = todo.poll();
                if (!gone.add(k)) {
                    continue;
                }
                Items.delete(db, k.collection(), k.id());
                String key = config.foreignKey(k.collection());
                for (String c : store.collections()) {
                    for (long child : Items.pointingAt(db, c, key, k.id())) {
                        todo.add(new ItemCache.Key(c, child));
                    }
                }
            }
            store.onCommit(() -> gone.forEach(k -> store.cache().remove(k.collection(), k.id())));
            return gone.size();
        });
        x.send(204, null, null);
    }

    /** {@code PUT} (replace) or {@code PATCH} (merge patch) of a singular resource: 200 with its new ETag. */
    void singular(RestExchange x, String name) throws IOException, SQLException {
        ObjectNode sent = Json.object(body(x, x.method()));
        Items.Item item = store.write(db -> {
            Optional<Items.Item> current = Items.singular(db, name);
            Preconditions.check(x, current);
            if (current.isEmpty()) {
                throw Problem.notFound("no resource '" + name + "'");
            }
            JsonNode now = x.method().equals("PATCH") ? Json.mergePatch(Json.read(current.get().body()), sent) : sent;
            String text = Json.write(now);
            long version = store.nextRevision();
            Items.putSingular(db, name, version, text);
            return new Items.Item(0, version, text);
        });
        x.out().set("ETag", item.etag());
        x.json(200, item.body());
    }

    private static void respond(RestExchange x, String collection, Written w) throws IOException {
        if (w.created()) {
            x.out().set("Location", "/" + collection + "/" + w.item().id());
        }
        x.out().set("ETag", w.item().etag());
        x.json(w.created() ? 201 : 200, w.item().body());
    }

    private Items.Item insert(Db db, String collection, long id, ObjectNode fields) throws SQLException {
        ObjectNode item = Json.withId(id, fields);
        String text = Json.write(item);
        long version = store.nextRevision();
        Items.insert(db, collection, id, version, item, text);
        return cached(collection, new Items.Item(id, version, text));
    }

    private Items.Item update(Db db, String collection, long id, ObjectNode fields) throws SQLException {
        ObjectNode item = Json.withId(id, fields);
        String text = Json.write(item);
        long version = store.nextRevision();
        Items.replace(db, collection, id, version, item, text);
        return cached(collection, new Items.Item(id, version, text));
    }

    /** The cache gets the item once its write is committed (on the writer, in commit order). */
    private Items.Item cached(String collection, Items.Item item) {
        store.onCommit(() -> store.cache().put(collection, item));
        return item;
    }

    private void requireCollection(String collection) {
        if (!store.collections().contains(collection)) {
            throw Problem.notFound("no collection '" + collection + "'");
        }
    }

    /**
     * The body of a write, after checking its media type: JSON (or any {@code application/*+json},
     * such as merge-patch+json) in UTF-8.
     */
    private byte[] body(RestExchange x, String method) throws IOException {
        String type = x.header("Content-Type");
        String accept = method.equals("PATCH") ? "application/merge-patch+json, application/json" : "application/json";
        String acceptHeader = method.equals("PATCH") ? "Accept-Patch" : method.equals("POST") ? "Accept-Post" : null;
        if (type == null || !json(type)) {
            Problem p = new Problem(415, (type == null ? "no Content-Type" : "Content-Type " + type + " is not JSON")
                    + "; send " + accept);
            if (acceptHeader != null) {
                p.header(acceptHeader, accept);
            }
            throw p;
        }
        return x.body(config.maxBody());
    }

    private static boolean json(String contentType) {
        String[] parts = contentType.split(";");
        String media = parts[0].strip().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json") && !(media.startsWith("application/") && media.endsWith("+json"))) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip().toLowerCase(Locale.ROOT);
            if (p.startsWith("charset=") && !p.substring(8).replace("\"", "").equals("utf-8")) {
                return false;
            }
        }
        return true;
    }
}
