package dev.netloom.rest;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Items kept in memory for {@code GET /{c}/{id}}, at most {@code capacity} of them.
 *
 * <p>Only the store's writer thread changes the cache, and only after a commit (through
 * {@link Store#onCommit}), in commit order: a write puts the new item (when it is cached or
 * there is room), a delete removes it, and a reader that missed asks the writer to load the
 * item ({@link Store#warm}). So the cache never holds anything but the committed state, and
 * no reader can put back an item that a concurrent write has just replaced.
 */
final class ItemCache {

    record Key(String collection, long id) {
    }

    private final ConcurrentHashMap<Key, Items.Item> items = new ConcurrentHashMap<>();
    private final Set<Key> loading = ConcurrentHashMap.newKeySet();
    private final int capacity;

    ItemCache(int capacity) {
        this.capacity = capacity;
    }

    boolean enabled() {
        return capacity > 0;
    }

    Items.Item get(String collection, long id) {
        return capacity == 0 ? null : items.get(new Key(collection, id));
    }

    int size() {
        return items.size();
    }

    /** True when a reader's miss should make the writer load the item (not already asked, room left). */
    boolean startLoading(Key key) {
        return capacity > 0 && items.size() < capacity && loading.size() < 256 && loading.add(key);
    }

    /** Writer thread, after a commit: the item as it now is. */
    void put(String collection, Items.Item item) {
        Key key = new Key(collection, item.id());
        if (capacity > 0 && (items.size() < capacity || items.containsKey(key))) {
            items.put(key, item);
        }
    }

    /** Writer thread, after a commit: the item is gone. */
    void remove(String collection, long id) {
        items.remove(new Key(collection, id));
    }

    /** Writer thread: a load asked for by {@link #startLoading} is done. */
    void loaded(Key key, Items.Item item) {
        if (item != null && items.size() < capacity) {
            items.putIfAbsent(key, item);
        }
        loading.remove(key);
    }

    /** Writer thread: a commit failed, so what was put for it may not be stored. */
    void clear() {
        items.clear();
        loading.clear();
    }
}
