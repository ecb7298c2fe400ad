package dev.netloom.kv;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * WATCH's bookkeeping (Redis's {@code db->watched_keys} and {@code touchWatchedKey}): for each
 * watched key the clients watching it. A change to a watched key ({@link KvStore#keyModified})
 * breaks the transaction of every client watching it ({@link Client#watchBroken}), and EXEC then
 * answers a null array. All under the store's lock; with nobody watching, a touch is one
 * {@code isEmpty()}.
 *
 * <p>Stale keys, as Redis 7.0: a key watched while it had expired but was not yet deleted is
 * flagged {@link Watch#expired}; its deletion (lazy or active) is no change, and EXEC fails only
 * when a key that was live at WATCH has expired by then.
 */
final class Watches {

    /** One client watching one key. */
    static final class Watch {
        final Client client;
        final DbKey key;
        /** The key had expired (not yet deleted) when WATCH was called. */
        boolean expired;

        Watch(Client client, DbKey key, boolean expired) {
            this.client = client;
            this.key = key;
            this.expired = expired;
        }
    }

    private final KvStore store;
    private final Map<DbKey, List<Watch>> byKey = new HashMap<>();

    Watches(KvStore store) {
        this.store = store;
    }

    /** Whether anyone watches anything (else a touch has nothing to do). */
    boolean active() {
        return !byKey.isEmpty();
    }

    /** WATCH {@code key} of {@code db} for {@code c} (once: watching it again changes nothing). */
    void watch(Client c, KvDb db, byte[] key) {
        DbKey k = new DbKey(db.index, key);
        for (Watch w : c.watched) {
            if (w.key.equals(k)) {
                return;
            }
        }
        Watch w = new Watch(c, k, store.isExpired(db, key));
        c.watched.add(w);
        byKey.computeIfAbsent(k, x -> new ArrayList<>(2)).add(w);
    }

    /** Forgets every key {@code c} watches (UNWATCH, EXEC, DISCARD, a closed connection). */
    void unwatchAll(Client c) {
        if (c.watched.isEmpty()) {
            return;
        }
        for (Watch w : c.watched) {
            List<Watch> l = byKey.get(w.key);
            l.remove(w);
            if (l.isEmpty()) {
                byKey.remove(w.key);
            }
        }
        c.watched.clear();
    }

    /** {@code key} of {@code db} changed: the transactions watching it are broken. */
    void touch(KvDb db, byte[] key) {
        if (byKey.isEmpty()) {
            return;
        }
        List<Watch> l = byKey.get(new DbKey(db.index, key));
        if (l == null) {
            return;
        }
        for (Watch w : l.toArray(new Watch[0])) {
            if (w.expired && db.keys.find(key) == null) {
                w.expired = false; // a stale key deleted: no change seen from outside
                continue;
            }
            w.client.watchBroken = true;
            unwatchAll(w.client); // nothing more to learn for this client
        }
    }

    /**
     * Every watched key of {@code emptied} that exists there or in {@code replacedWith} changed
     * (FLUSHDB and FLUSHALL with no replacement, SWAPDB with the other database): Redis's
     * {@code touchAllWatchedKeysInDb}, called before the change.
     */
    void touchAll(KvDb emptied, KvDb replacedWith) {
        if (byKey.isEmpty()) {
            return;
        }
        for (Map.Entry<DbKey, List<Watch>> e : new ArrayList<>(byKey.entrySet())) {
            DbKey k = e.getKey();
            if (k.db() != emptied.index) {
                continue;
            }
            boolean inEmptied = emptied.keys.find(k.key()) != null;
            boolean inReplacement = replacedWith != null && replacedWith.keys.find(k.key()) != null;
            if (!inEmptied && !inReplacement) {
                continue;
            }
            for (Watch w : e.getValue().toArray(new Watch[0])) {
                if (w.expired) {
                    if (!inReplacement) {
                        w.expired = false; // the stale key is gone: no change
                        continue;
                    }
                    if (store.isExpired(replacedWith, k.key())) {
                        continue; // stale replaced by stale
                    }
                } else if (!inEmptied && store.isExpired(replacedWith, k.key())) {
                    w.expired = true; // nothing replaced by a stale key: no change yet
                    continue;
                }
                w.client.watchBroken = true;
            }
        }
    }

    /** Whether a key {@code c} watched while it was live has expired since (EXEC then fails). */
    boolean expiredSinceWatch(Client c) {
        for (Watch w : c.watched) {
            if (!w.expired && store.isExpired(store.dbs[w.key.db()], w.key.key())) {
                return true;
            }
        }
        return false;
    }
}
