package dev.netloom.kv;

import java.util.Iterator;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Eviction past {@code maxmemory}, approximated by sampling as Redis's evict.c does: for the LRU,
 * LFU and TTL policies each database gives {@code maxmemory-samples} random keys (only keys with
 * a TTL under the volatile-* policies) to a pool of the {@value #POOL} best candidates seen,
 * ordered by how evictable they are (idle time; 255 minus the LFU counter; nearness of expiry),
 * and the best still present is evicted; the pool outlives a call, so candidates accumulate. The
 * random policies take a random key of the databases in turn. Runs under the store's lock.
 *
 * <p>Sampling a key with a TTL: random keys of the database until one has a TTL (at most
 * {@value #VOLATILE_TRIES} tries); when the keys with a TTL are too rare for that, the first live
 * ones of the expiry heap, which favours those nearest expiry (Redis samples its expires dict).
 */
final class KvEviction {

    /** Redis's EVPOOL_SIZE. */
    static final int POOL = 16;
    private static final int VOLATILE_TRIES = 64;

    private final KvStore store;
    /** Candidates, ascending by score: the best is last. */
    private final long[] score = new long[POOL];
    private final Dict.Entry[] entry = new Dict.Entry[POOL];
    private final KvDb[] in = new KvDb[POOL];
    private int size;
    /** The database the random policies take from next (Redis's next_db). */
    private int nextDb;

    KvEviction(KvStore store) {
        this.store = store;
    }

    /**
     * Evicts keys until the estimate is within maxmemory; returns false when it is still over
     * (the policy is noeviction, or nothing it may evict is left).
     */
    boolean freeMemory() {
        KvParams p = store.params;
        while (store.used() > p.maxmemory) {
            if (p.policy == KvParams.Policy.NOEVICTION || !evictOne(p)) {
                return false;
            }
        }
        return true;
    }

    private boolean evictOne(KvParams p) {
        KvParams.Policy policy = p.policy;
        boolean volatileOnly = policy.volatileOnly();
        if (policy.random()) {
            for (int k = 0; k < store.dbs.length; k++) {
                KvDb d = store.dbs[nextDb++ % store.dbs.length];
                Dict.Entry e = volatileOnly ? randomVolatile(d) : d.keys.random();
                if (e != null) {
                    store.evicted(d, e);
                    return true;
                }
            }
            return false;
        }
        while (true) {
            boolean sampled = false;
            for (KvDb d : store.dbs) {
                if (d.keys.isEmpty() || (volatileOnly && d.volatileKeys == 0)) {
                    continue;
                }
                for (int i = 0; i < p.samples; i++) {
                    Dict.Entry e = volatileOnly ? randomVolatile(d) : d.keys.random();
                    if (e != null) {
                        offer(d, e, score(e, p));
                        sampled = true;
                    }
                }
            }
            // the best candidate still there (a key deleted or overwritten since it was pooled is dropped)
            while (size > 0) {
                size--;
                Dict.Entry e = entry[size];
                KvDb d = in[size];
                entry[size] = null;
                in[size] = null;
                if (d.keys.find(e.key) == e && (!volatileOnly || e.expireAt != 0)) {
                    store.evicted(d, e);
                    return true;
                }
            }
            if (!sampled) {
                return false;
            }
        }
    }

    /** How evictable a key is: the higher, the sooner it goes (Redis's idle in evictionPoolPopulate). */
    private long score(Dict.Entry e, KvParams p) {
        if (p.policy.lfu()) {
            return 255 - KvMemory.lfuCounter(e.lru, store.now, p.lfuDecayTime);
        }
        if (p.policy == KvParams.Policy.VOLATILE_TTL) {
            return Long.MAX_VALUE - e.expireAt;
        }
        return KvMemory.idleMillis(e.lru, store.now);
    }

    /** Puts a candidate in the pool, kept ascending; when full, only a better one than the worst gets in. */
    private void offer(KvDb d, Dict.Entry e, long s) {
        for (int i = 0; i < size; i++) {
            if (entry[i] == e) {
                return;
            }
        }
        if (size == POOL) {
            if (s <= score[0]) {
                return;
            }
            System.arraycopy(score, 1, score, 0, POOL - 1);
            System.arraycopy(entry, 1, entry, 0, POOL - 1);
            System.arraycopy(in, 1, in, 0, POOL - 1);
            size--;
        }
        int k = size;
        while (k > 0 && score[k - 1] > s) {
            score[k] = score[k - 1];
            entry[k] = entry[k - 1];
            in[k] = in[k - 1];
            k--;
        }
        score[k] = s;
        entry[k] = e;
        in[k] = d;
        size++;
    }

    /** A random key of {@code d} with a TTL, or null when it has none. */
    private static Dict.Entry randomVolatile(KvDb d) {
        if (d.volatileKeys == 0) {
            return null;
        }
        for (int i = 0; i < VOLATILE_TRIES; i++) {
            Dict.Entry e = d.keys.random();
            if (e != null && e.expireAt != 0) {
                return e;
            }
        }
        // rare among the keys: the heap holds every key with a TTL (and stale times, skipped)
        int skip = ThreadLocalRandom.current().nextInt(POOL);
        Dict.Entry found = null;
        for (Iterator<KvDb.Expiry> it = d.expiries.iterator(); it.hasNext(); ) {
            KvDb.Expiry x = it.next();
            Dict.Entry e = d.keys.find(x.key());
            if (e != null && e.expireAt == x.at()) {
                found = e;
                if (skip-- == 0) {
                    break;
                }
            }
        }
        return found;
    }
}
