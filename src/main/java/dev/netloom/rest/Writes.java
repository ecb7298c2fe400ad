package dev.netloom.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

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

    void create(RestExchange x, String collection) throws IOException, SQLException {
        boolean exists = store.collections().contains(collection);
        if (!exists && !config.autoCollections()) {
            throw Problem.notFound("no collection '" + collection + "' (rest.auto-collections=false)");
        }
        if (!exists && !RestConfig.COLLECTION.matcher(collection).matches()) {
            throw Problem.badRequest("a collection name is a letter then letters, digits, '_' or '-' (at most 64)");
        }
        ObjectNode body = Json.object(body(x, "POST"));
        long wanted = Json.bodyId(body, 0);
        Items.Item item = store.write(db -> {
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

    void delete(RestExchange x, String collection, long id) throws IOException, SQLException {
        requireCollection(collection);
        store.write(db -> {
            Optional<Items.Item> current = Items.get(db, collection, id);
            Preconditions.check(x, current);
            if (current.isEmpty()) {
                throw Problem.notFound("no item " + id + " in '" + collection + "'");
            }
            store.nextRevision();
            boolean deleted = Items.delete(db, collection, id);
            store.onCommit(() -> store.cache().remove(collection, id));
            return deleted;
        });
        x.send(204, null, null);
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
