package dev.netloom.kv;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A stream value, the minimal part of Redis's: entries ordered by their id {@code ms-seq} (two
 * unsigned 64-bit numbers), each with its field/value pairs, and the last id ever added (which
 * stays when trimming removes the entry, so ids keep increasing). No consumer groups.
 */
final class KvStream implements Value {

    private static final byte[] XADD = Bytes.of("XADD");
    private static final byte[] MAXLEN = Bytes.of("MAXLEN");
    private static final byte[] ZERO = Bytes.of("0");

    /** A stream entry id; ordered as unsigned numbers, milliseconds first. */
    record Id(long ms, long seq) implements Comparable<Id> {
        static final Id MIN = new Id(0, 0);
        static final Id MAX = new Id(-1, -1);

        @Override
        public int compareTo(Id o) {
            int c = Long.compareUnsigned(ms, o.ms);
            return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
        }

        /** The id after this one, or null after the largest. */
        Id next() {
            if (seq != -1) {
                return new Id(ms, seq + 1);
            }
            return ms == -1 ? null : new Id(ms + 1, 0);
        }

        /** The id before this one, or null before 0-0. */
        Id previous() {
            if (seq != 0) {
                return new Id(ms, seq - 1);
            }
            return ms == 0 ? null : new Id(ms - 1, -1);
        }

        byte[] bytes() {
            return Bytes.of(Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq));
        }
    }

    final TreeMap<Id, byte[][]> entries = new TreeMap<>();
    Id lastId = Id.MIN;
    /** Bytes of the entries' fields and values (the memory estimate). */
    private long bytes;

    @Override
    public String type() {
        return "stream";
    }

    @Override
    public int size() {
        return entries.size();
    }

    void add(Id id, byte[][] fieldsAndValues) {
        entries.put(id, fieldsAndValues);
        lastId = id;
        bytes += length(fieldsAndValues);
    }

    private static long length(byte[][] fieldsAndValues) {
        long n = 0;
        for (byte[] b : fieldsAndValues) {
            n += b.length;
        }
        return n;
    }

    @Override
    public long bytes() {
        return bytes + (long) entries.size() * KvMemory.STREAM_ENTRY;
    }

    /** Removes the oldest entries beyond {@code maxLen}; returns how many. */
    long trimToLength(long maxLen) {
        long n = 0;
        while (entries.size() > maxLen) {
            bytes -= length(entries.pollFirstEntry().getValue());
            n++;
        }
        return n;
    }

    /** Removes the entries with ids below {@code minId}; returns how many. */
    long trimBelow(Id minId) {
        long n = 0;
        while (!entries.isEmpty() && entries.firstKey().compareTo(minId) < 0) {
            bytes -= length(entries.pollFirstEntry().getValue());
            n++;
        }
        return n;
    }

    /**
     * One XADD per entry with its explicit id; an empty stream (all trimmed) is rebuilt as Redis
     * does, by adding a dummy entry at the last id under {@code MAXLEN 0}, which keeps the id.
     */
    @Override
    public void rewrite(byte[] key, Consumer<byte[][]> emit) {
        if (entries.isEmpty()) {
            emit.accept(new byte[][] {XADD, key, MAXLEN, ZERO, lastId.bytes(), Bytes.of("x"), Bytes.of("y")});
            return;
        }
        for (Map.Entry<Id, byte[][]> e : entries.entrySet()) {
            byte[][] fv = e.getValue();
            byte[][] argv = new byte[3 + fv.length][];
            argv[0] = XADD;
            argv[1] = key;
            argv[2] = e.getKey().bytes();
            System.arraycopy(fv, 0, argv, 3, fv.length);
            emit.accept(argv);
        }
    }
}
