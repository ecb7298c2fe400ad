package dev.netloom.kv;

import java.util.PriorityQueue;

/**
 * One numbered database (Redis's {@code redisDb}): its keys, and the heap of expiry times of
 * those with a TTL. {@code SELECT} chooses a client's database; {@code SWAPDB} swaps the contents
 * of two of them (so a client in database 0 sees what was in 1), which is why the contents are
 * fields that {@link #swap} exchanges rather than the objects {@link KvStore} holds.
 */
final class KvDb {

    final int index;
    Dict keys = new Dict();
    PriorityQueue<Expiry> expiries = new PriorityQueue<>();
    int volatileKeys;
    /** The memory estimate of the keys (see {@link KvMemory}), kept by {@link KvStore}. */
    long bytes;

    /** A key's expiry time as the heap orders them (entries whose time changed since are skipped). */
    record Expiry(long at, byte[] key) implements Comparable<Expiry> {
        @Override
        public int compareTo(Expiry o) {
            return Long.compare(at, o.at);
        }
    }

    KvDb(int index) {
        this.index = index;
    }

    /** Exchanges every key with {@code other} (SWAPDB). */
    void swap(KvDb other) {
        Dict k = keys;
        keys = other.keys;
        other.keys = k;
        PriorityQueue<Expiry> x = expiries;
        expiries = other.expiries;
        other.expiries = x;
        int v = volatileKeys;
        volatileKeys = other.volatileKeys;
        other.volatileKeys = v;
        long b = bytes;
        bytes = other.bytes;
        other.bytes = b;
    }

    void clear() {
        keys.clear();
        expiries.clear();
        volatileKeys = 0;
        bytes = 0;
    }

    void addExpiry(long at, byte[] key) {
        expiries.add(new Expiry(at, key));
        if (expiries.size() > 2 * volatileKeys + 1024) {
            expiries.clear();
            keys.forEach(e -> {
                if (e.expireAt != 0) {
                    expiries.add(new Expiry(e.expireAt, e.key));
                }
            });
        }
    }
}
