package dev.netloom.kv;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The hash table under the keyspace, hashes and sets: chained buckets, a power-of-two table, and
 * byte-array keys hashed with a per-process random seed (so a client cannot choose colliding keys
 * ahead of time).
 *
 * <p>Written here rather than using {@code HashMap} for three things Redis needs of its dict:
 * <ul>
 *   <li>{@link #scan}: a stateless cursor (Redis's reverse-binary cursor) that returns every
 *       element present for the whole iteration at least once, even across resizes;</li>
 *   <li>{@link #random}: a random element in O(1) expected time (SPOP, SRANDMEMBER);</li>
 *   <li>the expiry time and rewrite mark live in the entry itself, with no boxing.</li>
 * </ul>
 * The table grows (×2) when it holds more elements than buckets and shrinks (÷2 steps) below
 * one eighth full; a resize moves every entry at once, unlike Redis's incremental rehash.
 * Not thread-safe: the store's lock guards every dict.
 */
final class Dict {

    /** The value of set members: sets are dicts whose entries carry no value. */
    static final Object PRESENT = new Object();

    private static final long SEED = ThreadLocalRandom.current().nextLong() | 1;
    private static final int MIN_CAPACITY = 4;

    static final class Entry {
        final byte[] key;
        final int hash;
        Object value;
        /** Absolute expiry in Unix milliseconds; 0 when the key does not expire. */
        long expireAt;
        /** The AOF rewrite generation that has this key in its file (see Aof). */
        int mark;
        /**
         * Of a key (eviction, OBJECT): the low 24 bits are Redis's {@code robj.lru}, the LRU clock
         * of the last access or, under an LFU policy, minutes (16 bits) and counter (8 bits); the
         * high bits are {@link KvMemory}'s encoding flags. Unused in hashes and sets.
         */
        int lru;
        /** Of a key: the estimated bytes its database's total holds for it ({@link KvMemory}); -1 once deleted. */
        int bytes;
        Entry next;

        Entry(byte[] key, int hash, Entry next) {
            this.key = key;
            this.hash = hash;
            this.next = next;
        }
    }

    private Entry[] table = new Entry[MIN_CAPACITY];
    /** The longest chain {@link #random} has met since the table last changed size. */
    private int longestChain = 1;
    private int size;
    /** Bytes of the keys, and of the byte-string values set by {@link #put}/{@link #set} (the memory estimate). */
    private long bytes;
    /** Given to every new entry's {@link Entry#mark} (the running rewrite's generation, else 0). */
    int newMark;

    static int hash(byte[] k) {
        long h = SEED ^ k.length;
        int i = 0;
        for (; i + 8 <= k.length; i += 8) {
            h = (h ^ Bytes.longAt(k, i)) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 29;
        }
        for (; i < k.length; i++) {
            h = (h ^ (k[i] & 0xff)) * 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int) h;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Bytes of the keys and of the byte-string values set through {@link #put}/{@link #set}. */
    long bytes() {
        return bytes;
    }

    /** Buckets in the table (INFO and the memory estimate). */
    int capacity() {
        return table.length;
    }

    Entry find(byte[] key) {
        int h = hash(key);
        for (Entry e = table[h & (table.length - 1)]; e != null; e = e.next) {
            if (e.hash == h && Arrays.equals(e.key, key)) {
                return e;
            }
        }
        return null;
    }

    Object get(byte[] key) {
        Entry e = find(key);
        return e == null ? null : e.value;
    }

    boolean contains(byte[] key) {
        return find(key) != null;
    }

    /** The entry of {@code key}, added with a null value if missing (the caller then sets it). */
    Entry addIfAbsent(byte[] key) {
        int h = hash(key);
        int i = h & (table.length - 1);
        for (Entry e = table[i]; e != null; e = e.next) {
            if (e.hash == h && Arrays.equals(e.key, key)) {
                return e;
            }
        }
        Entry e = new Entry(key, h, table[i]);
        e.mark = newMark;
        bytes += key.length;
        table[i] = e;
        if (++size > table.length) {
            resize(table.length << 1);
        }
        return e;
    }

    /** Sets {@code key} to {@code value}; returns the entry. */
    Entry put(byte[] key, Object value) {
        Entry e = addIfAbsent(key);
        set(e, value);
        return e;
    }

    /** Sets the value of an entry of this dict, counting a byte-string value's length in {@link #bytes()}. */
    void set(Entry e, Object value) {
        bytes += length(value) - length(e.value);
        e.value = value;
    }

    private static int length(Object value) {
        return value instanceof byte[] b ? b.length : 0;
    }

    /** Removes {@code key}; returns its entry, or null if there was none. */
    Entry remove(byte[] key) {
        int h = hash(key);
        int i = h & (table.length - 1);
        Entry prev = null;
        for (Entry e = table[i]; e != null; prev = e, e = e.next) {
            if (e.hash == h && Arrays.equals(e.key, key)) {
                if (prev == null) {
                    table[i] = e.next;
                } else {
                    prev.next = e.next;
                }
                e.next = null;
                size--;
                bytes -= e.key.length + length(e.value);
                if (table.length > MIN_CAPACITY && size < table.length / 8) {
                    resize(table.length >> 1);
                }
                return e;
            }
        }
        return null;
    }

    void clear() {
        table = new Entry[MIN_CAPACITY];
        size = 0;
        longestChain = 1;
        bytes = 0;
    }

    private void resize(int capacity) {
        longestChain = 1;
        Entry[] old = table;
        Entry[] next = new Entry[capacity];
        int mask = capacity - 1;
        for (Entry head : old) {
            for (Entry e = head; e != null; ) {
                Entry following = e.next;
                int i = e.hash & mask;
                e.next = next[i];
                next[i] = e;
                e = following;
            }
        }
        table = next;
    }

    /** Visits every entry; the action must not add or remove entries. */
    void forEach(Consumer<Entry> action) {
        for (Entry head : table) {
            for (Entry e = head; e != null; ) {
                Entry following = e.next;
                action.accept(e);
                e = following;
            }
        }
    }

    /** Every entry, in table order (a copy: the caller may change the dict while walking it). */
    Entry[] entries() {
        Entry[] all = new Entry[size];
        int n = 0;
        for (Entry head : table) {
            for (Entry e = head; e != null; e = e.next) {
                all[n++] = e;
            }
        }
        return all;
    }

    /**
     * Visits the bucket at {@code cursor} (and, for a cursor from a smaller table, the buckets it
     * split into) and returns the next cursor, 0 when the iteration is complete. This is Redis's
     * algorithm: the cursor is incremented in reversed-bit order, so buckets already visited
     * stay visited when the table doubles or halves between calls.
     */
    long scan(long cursor, Consumer<Entry> action) {
        int mask = table.length - 1;
        int v = (int) cursor;
        for (Entry e = table[v & mask]; e != null; ) {
            Entry following = e.next;
            action.accept(e);
            e = following;
        }
        v |= ~mask;
        v = Integer.reverse(v);
        v++;
        v = Integer.reverse(v);
        return v & 0xFFFFFFFFL;
    }

    /**
     * A uniformly random entry (null when empty), in O(1) expected time: a random bucket and a
     * random position up to the longest chain met so far, tried again when the bucket is empty or
     * its chain shorter (rejection sampling: every entry has the same chance on each try, where
     * a random link of a random non-empty bucket favours entries with fewer neighbours, which
     * Redis's SRANDMEMBER distribution test notices).
     */
    Entry random() {
        if (size == 0) {
            return null;
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int mask = table.length - 1;
        while (true) {
            Entry head = table[r.nextInt() & mask];
            if (head == null) {
                continue;
            }
            int len = 0;
            for (Entry e = head; e != null; e = e.next) {
                len++;
            }
            longestChain = Math.max(longestChain, len);
            int k = r.nextInt(longestChain);
            if (k < len) {
                Entry e = head;
                for (; k > 0; k--) {
                    e = e.next;
                }
                return e;
            }
        }
    }
}
