package dev.netloom.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.sql.SQLException;

/*
 * The seed file has json-server's db.json shape: {"users": [{"id": 1, ...}, ...], "posts": [...]}.
 * Every array of objects becomes a collection; an item keeps its id when it has one (a whole
 * number from 1 to 2^53-1; any other id is an error), else gets the next free id. Values follow
 * the API's rules (JsonValues). Anything else (a singular "profile" object) is an error.
 */

/** Loads a seed file into an empty database, on the writer. */
final class Seed {

    private Seed() {
    }

    static int load(Db db, Store store, String collection, JsonNode items) throws SQLException {
        if (!RestConfig.COLLECTION.matcher(collection).matches()) {
            throw new IllegalArgumentException("seed: '" + collection + "' is not a collection name");
        }
        if (!items.isArray()) {
            throw new IllegalArgumentException("seed: '" + collection + "' must be an array of objects");
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
