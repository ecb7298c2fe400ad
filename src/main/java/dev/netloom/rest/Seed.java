package dev.netloom.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/*
 * The seed file has json-server's db.json shape: {"users": [{"id": 1, ...}, ...], "posts": [...],
 * "profile": {"name": "typicode"}}. Every array of objects becomes a collection; an item keeps
 * its id when it has one (a whole number from 1 to 2^53-1; any other id is an error), else gets
 * the next free id. An object becomes a singular resource (GET/PUT/PATCH /profile). Values follow
 * the API's rules (JsonValues). Anything else (a number, a string, an array holding something
 * other than objects), a name that is not a collection name, "db", or a configured collection
 * given as an object, is an error.
 */

/** Loads a seed file into an empty database, or in place of everything (a watched file), on the writer. */
final class Seed {

    private Seed() {
    }

    /**
     * Makes sure the configured collections exist and loads {@code data} (when not null), after
     * removing everything when {@code replace}; once committed, the store's sets of collections
     * and singular resources are what the database holds and its item cache is emptied.
     *
     * @return the number of items and singular resources loaded
     * @throws IllegalArgumentException saying what in {@code data} cannot be loaded
     */
    static int load(Db db, Store store, RestConfig config, JsonNode data, boolean replace) throws SQLException {
        if (replace) {
            Items.clear(db);
        }
        for (String c : config.collections()) {
            Items.createCollection(db, c);
        }
        int n = 0;
        if (data != null) {
            for (Map.Entry<String, JsonNode> e : data.properties()) {
                String name = e.getKey();
                if (e.getValue().isObject() && RestConfig.COLLECTION.matcher(name).matches() && !RestConfig.reserved(name)
                        && !config.collections().contains(name)) {
                    Items.putSingular(db, name, store.nextRevision(), Json.write(e.getValue()));
                    n++;
                } else if (e.getValue().isObject()) {
                    throw new IllegalArgumentException("seed: '" + name + "' holds an object, but "
                            + (config.collections().contains(name) ? "it is a collection (rest.collections)"
                            : "it is not a resource name (a letter then letters, digits, '_' or '-'; not db)"));
                } else {
                    n += collection(db, store, name, e.getValue());
                }
            }
        }
        List<String> collections = Items.collectionNames(db);
        List<String> singulars = Items.singularNames(db);
        store.onCommit(() -> {
            store.collections().addAll(collections);
            store.collections().retainAll(collections);
            store.singulars().addAll(singulars);
            store.singulars().retainAll(singulars);
            store.cache().clear();
        });
        return n;
    }

    private static int collection(Db db, Store store, String collection, JsonNode items) throws SQLException {
        if (!RestConfig.COLLECTION.matcher(collection).matches() || RestConfig.reserved(collection)) {
            throw new IllegalArgumentException("seed: '" + collection + "' is not a collection name");
        }
        if (!items.isArray()) {
            throw new IllegalArgumentException("seed: '" + collection + "' must be an array of objects (a collection)"
                    + " or an object (a singular resource), not " + Json.kind(items));
        }
        Items.createCollection(db, collection);
        int n = 0;
        for (JsonNode node : items) {
            if (!node.isObject()) {
                throw new IllegalArgumentException("seed: '" + collection + "' holds " + Json.kind(node)
                        + "; every item must be an object");
            }
            ObjectNode fields = (ObjectNode) node;
            long id;
            try {
                id = Json.bodyId(fields, 0);
            } catch (Problem p) {
                throw new IllegalArgumentException("seed: '" + collection + "': " + p.getMessage());
            }
            if (id == 0) {
                id = Items.allocateId(db, collection);
            } else {
                Items.bumpNextId(db, collection, id);
            }
            ObjectNode item = Json.withId(id, fields);
            Items.insert(db, collection, id, store.nextRevision(), item, Json.write(item));
            n++;
        }
        return n;
    }
}
