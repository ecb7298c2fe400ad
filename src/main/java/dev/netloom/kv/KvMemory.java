package dev.netloom.kv;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The memory estimate, the LRU clock and LFU counter of a key, and OBJECT ENCODING.
 *
 * <p><b>The estimate</b> ({@code used_memory}, {@code MEMORY USAGE}, {@code maxmemory}) is not
 * the JVM heap: it is the size Redis would need for the same data, roughly: per key
 * {@link #KEY} bytes (Redis's dict entry, object header and string header) plus the key's
 * length, {@link #EXPIRE} more with a TTL, plus the value: a string's length, or an aggregate's
 * {@link Value#bytes()}, which each value keeps up to date in its mutators (element bytes plus a
 * fixed overhead per element, below). The store keeps each database's total
 * ({@link KvDb#bytes}) by settling, after each command, the keys the command looked up
 * ({@link KvStore#settle}): O(1) per key, never a scan of a value.
 *
 * <p><b>{@link Dict.Entry#lru}</b> holds Redis's 24-bit {@code robj.lru} in its low bits: the LRU
 * clock (seconds, wrapping at 2^24) of the last access, or under an LFU policy the minutes of the
 * last decrement (16 bits) and the logarithmic counter (8 bits); the high bits are
 * {@link #RAW} and {@link #CONVERTED}, what OBJECT ENCODING needs beyond the data.
 */
final class KvMemory {

    /** Per key: dict entry (24), object header (16), string header and terminator (~8). */
    static final int KEY = 48;
    /**
     * An empty database: its dict's tables and headers. Counted in used_memory for every database,
     * so an empty server is never at 0 (Redis's starts near 1 MB): {@code CONFIG SET maxmemory 1}
     * then refuses writes, as Redis's tests expect.
     */
    static final int EMPTY_DB = 64;
    /** Per key with a TTL: its entry in Redis's expires dict. */
    static final int EXPIRE = 32;
    /** Per hash field (hashtable encoding: dict entry and two string headers). */
    static final int HASH_FIELD = 40;
    /** Per set member (dict entry and a string header). */
    static final int SET_MEMBER = 32;
    /** Per sorted-set member (dict entry, skiplist node, string header). */
    static final int ZSET_MEMBER = 64;
    /** Per list element (a quicklist/listpack entry's header). */
    static final int LIST_ELEMENT = 12;
    /** Per stream entry (id and listpack framing). */
    static final int STREAM_ENTRY = 32;

    static final int LRU_MASK = (1 << 24) - 1;
    /** A string changed in place (APPEND, SETRANGE): Redis's raw encoding whatever its length. */
    static final int RAW = 1 << 24;
    /** An aggregate that outgrew its compact encoding: Redis never converts back. */
    static final int CONVERTED = 1 << 25;
    /** Redis's LFU_INIT_VAL: a new key's counter, so it is not evicted before it had a chance. */
    static final int LFU_INIT = 5;
    /** Redis's OBJ_SHARED_REFCOUNT, the refcount of the shared integers 0..9999. */
    static final int SHARED_REFCOUNT = Integer.MAX_VALUE;

    private KvMemory() {
    }

    /** The estimated bytes of a key with its value and TTL, at most Integer.MAX_VALUE. */
    static int estimate(Dict.Entry e) {
        long n = KEY + e.key.length + (e.expireAt != 0 ? EXPIRE : 0)
                + (e.value instanceof byte[] s ? s.length : ((Value) e.value).bytes());
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    // ---- OBJECT ENCODING, REFCOUNT ----

    /** The encoding Redis 7.0 would report for this key's value with the current thresholds. */
    static String encoding(Dict.Entry e, KvParams p) {
        Object v = e.value;
        boolean converted = (e.lru & CONVERTED) != 0;
        if (v instanceof byte[] s) {
            if ((e.lru & RAW) != 0) {
                return "raw";
            }
            return Bytes.isLong(s) ? "int" : s.length <= 44 ? "embstr" : "raw";
        }
        if (v instanceof KvHash h) {
            return converted || outgrew(h, p) ? "hashtable" : "listpack";
        }
        if (v instanceof KvSet s) {
            return converted || outgrew(s, p) ? "hashtable" : "intset";
        }
        if (v instanceof KvZSet z) {
            return converted || outgrew(z, p) ? "skiplist" : "listpack";
        }
        return v instanceof KvList ? "quicklist" : "stream";
    }

    /** Whether an aggregate is past its compact encoding's thresholds (so it is converted for good). */
    static boolean outgrew(Value v, KvParams p) {
        long max = v instanceof KvHash ? p.hashMaxEntries : v instanceof KvSet ? p.setMaxIntsetEntries
                : v instanceof KvZSet ? p.zsetMaxEntries : Long.MAX_VALUE;
        return v.size() > max || v.outgrew(p);
    }

    /** OBJECT REFCOUNT: shared integers 0..9999 unless an LRU/LFU policy needs each key its own object. */
    static int refcount(Dict.Entry e, KvParams p) {
        if (e.value instanceof byte[] s && (e.lru & RAW) == 0 && Bytes.isLong(s) && s.length <= 4 && s[0] != '-'
                && (p.maxmemory == 0 || !(p.policy.lru() || p.policy.lfu()))) {
            return SHARED_REFCOUNT;
        }
        return 1;
    }

    // ---- LRU clock and LFU counter (Redis's evict.c) ----

    /** Redis's LRU_CLOCK(): seconds, 24 bits. */
    static int lruClock(long nowMillis) {
        return (int) (nowMillis / 1000) & LRU_MASK;
    }

    /** Redis's estimateObjectIdleTime, in milliseconds. */
    static long idleMillis(int lru, long nowMillis) {
        int clock = lruClock(nowMillis);
        int at = lru & LRU_MASK;
        return (clock >= at ? clock - at : clock + (LRU_MASK - at)) * 1000L;
    }

    private static int minutes(long nowMillis) {
        return (int) (nowMillis / 60_000) & 0xFFFF;
    }

    /** Redis's LFUDecrAndReturn: the counter less one per {@code lfu-decay-time} minutes since its last decrement. */
    static int lfuCounter(int lru, long nowMillis, int decayTime) {
        int ldt = (lru & LRU_MASK) >>> 8;
        int counter = lru & 0xFF;
        int now = minutes(nowMillis);
        int elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
        long periods = decayTime > 0 ? elapsed / decayTime : 0;
        return periods > counter ? 0 : (int) (counter - periods);
    }

    /** Redis's LFULogIncr: the counter grows with probability 1 / ((counter - 5) * factor + 1). */
    static int lfuIncrement(int counter, int factor) {
        if (counter == 255) {
            return 255;
        }
        double base = Math.max(0, counter - LFU_INIT);
        double p = 1.0 / (base * factor + 1);
        return ThreadLocalRandom.current().nextDouble() < p ? counter + 1 : counter;
    }

    /** Records an access of {@code e} (a lookup), as Redis's lookupKey does. */
    static void touch(Dict.Entry e, KvParams p, long nowMillis) {
        int flags = e.lru & ~LRU_MASK;
        if (p.policy.lfu()) {
            int counter = lfuIncrement(lfuCounter(e.lru, nowMillis, p.lfuDecayTime), p.lfuLogFactor);
            e.lru = flags | minutes(nowMillis) << 8 | counter;
        } else {
            e.lru = flags | lruClock(nowMillis);
        }
    }

    /** The lru field of a new key: the clock, or under LFU the initial counter (Redis's createObject). */
    static int fresh(KvParams p, long nowMillis) {
        return p.policy.lfu() ? minutes(nowMillis) << 8 | LFU_INIT : lruClock(nowMillis);
    }
}
