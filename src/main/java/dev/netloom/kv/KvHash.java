package dev.netloom.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A hash value: fields and their byte-string values in a {@link Dict}, the same table as the
 * keyspace, so that HSET/HGET/HDEL are O(1) and a hash can be scanned with Redis's cursor.
 */
final class KvHash implements Value {

    private static final byte[] HSET = Bytes.of("HSET");

    final Dict fields = new Dict();
    /** The longest field or value ever set (the listpack's hash-max-listpack-value test). */
    private int longest;

    @Override
    public String type() {
        return "hash";
    }

    @Override
    public int size() {
        return fields.size();
    }

    byte[] get(byte[] field) {
        return (byte[]) fields.get(field);
    }

    /** Sets {@code field}; returns whether it is new. */
    boolean put(byte[] field, byte[] value) {
        Dict.Entry e = fields.addIfAbsent(field);
        boolean added = e.value == null;
        fields.set(e, value);
        longest = Math.max(longest, Math.max(field.length, value.length));
        return added;
    }

    @Override
    public KvHash copy() {
        KvHash h = new KvHash();
        fields.forEach(e -> h.put(e.key, (byte[]) e.value));
        return h;
    }

    @Override
    public long bytes() {
        return fields.bytes() + (long) fields.size() * KvMemory.HASH_FIELD;
    }

    @Override
    public boolean outgrew(KvParams p) {
        return longest > p.hashMaxValue;
    }

    @Override
    public void rewrite(byte[] key, Consumer<byte[][]> emit) {
        List<byte[]> pairs = new ArrayList<>(2 * fields.size());
        fields.forEach(e -> {
            pairs.add(e.key);
            pairs.add((byte[]) e.value);
        });
        KvStore.chunked(new byte[][] {HSET, key}, pairs, 128, emit);
    }
}
