package dev.netloom.kv;

import java.util.function.Consumer;

/**
 * A value other than a string (strings are plain {@code byte[]}): list, hash, set, sorted set,
 * stream. Each knows its TYPE name and how to rebuild itself with commands, which the AOF
 * rewrite writes.
 */
interface Value {

    /** The name TYPE answers: list, hash, set, zset, stream. */
    String type();

    /** Elements (for an empty aggregate the key is deleted, as Redis does). */
    int size();

    /** The estimated bytes of the value (see {@link KvMemory}): kept up to date by its mutators, O(1). */
    long bytes();

    /**
     * Whether a listpack or intset encoding would already have been converted for an element (too
     * long a member or field, a non-integer set member), as Redis converts at insertion, one way.
     */
    default boolean outgrew(KvParams p) {
        return false;
    }

    /**
     * Emits commands that rebuild this value under {@code key} from nothing (RPUSH, HSET, SADD,
     * ZADD, XADD), a bounded number of elements per command.
     */
    void rewrite(byte[] key, Consumer<byte[][]> emit);

    /** A copy that shares no mutable state with this one (COPY); elements, immutable, are shared. */
    Value copy();
}
