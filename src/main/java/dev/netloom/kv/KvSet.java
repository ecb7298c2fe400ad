package dev.netloom.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A set value: members as the keys of a {@link Dict} whose values are all {@link Dict#PRESENT}.
 * The dict gives O(1) membership and, for SPOP and SRANDMEMBER, an O(1) random member.
 */
final class KvSet implements Value {

    private static final byte[] SADD = Bytes.of("SADD");

    final Dict members = new Dict();
    /** Whether a member that is not a 64-bit integer was ever added (no intset then, as Redis's one-way conversion). */
    private boolean nonInteger;

    @Override
    public String type() {
        return "set";
    }

    @Override
    public int size() {
        return members.size();
    }

    boolean contains(byte[] m) {
        return members.contains(m);
    }

    /** Adds {@code m}; returns whether it was new. */
    boolean add(byte[] m) {
        Dict.Entry e = members.addIfAbsent(m);
        if (e.value == null) {
            e.value = Dict.PRESENT;
            if (!nonInteger && !Bytes.isLong(m)) {
                nonInteger = true;
            }
            return true;
        }
        return false;
    }

    @Override
    public long bytes() {
        return members.bytes() + (long) members.size() * KvMemory.SET_MEMBER;
    }

    @Override
    public boolean outgrew(KvParams p) {
        return nonInteger;
    }

    boolean remove(byte[] m) {
        return members.remove(m) != null;
    }

    @Override
    public KvSet copy() {
        KvSet s = new KvSet();
        members.forEach(e -> s.add(e.key));
        return s;
    }

    @Override
    public void rewrite(byte[] key, Consumer<byte[][]> emit) {
        List<byte[]> all = new ArrayList<>(members.size());
        members.forEach(e -> all.add(e.key));
        KvStore.chunked(new byte[][] {SADD, key}, all, 64, emit);
    }
}
