package dev.netloom.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A list value: a ring-buffer deque of byte strings, so that pushes and pops at either end and
 * access by index are all O(1) (LPUSH/RPOP queues, LINDEX, LRANGE from any offset); removals in
 * the middle (LREM, LINSERT) shift elements as Redis's listpack would. The buffer doubles when
 * full and halves when under a quarter full.
 */
final class KvList implements Value {

    private static final int MIN_CAPACITY = 8;
    private static final byte[] RPUSH = Bytes.of("RPUSH");

    private byte[][] items = new byte[MIN_CAPACITY][];
    private int head;
    private int size;
    /** Bytes of the elements (the memory estimate). */
    private long bytes;

    @Override
    public String type() {
        return "list";
    }

    @Override
    public int size() {
        return size;
    }

    private int slot(int i) {
        return (head + i) & (items.length - 1);
    }

    byte[] get(int i) {
        return items[slot(i)];
    }

    void set(int i, byte[] v) {
        bytes += v.length - items[slot(i)].length;
        items[slot(i)] = v;
    }

    void addFirst(byte[] v) {
        grow();
        head = (head - 1) & (items.length - 1);
        items[head] = v;
        size++;
        bytes += v.length;
    }

    void addLast(byte[] v) {
        grow();
        items[slot(size)] = v;
        size++;
        bytes += v.length;
    }

    byte[] removeFirst() {
        byte[] v = items[head];
        items[head] = null;
        head = (head + 1) & (items.length - 1);
        size--;
        bytes -= v.length;
        shrink();
        return v;
    }

    byte[] removeLast() {
        int i = slot(size - 1);
        byte[] v = items[i];
        items[i] = null;
        size--;
        bytes -= v.length;
        shrink();
        return v;
    }

    /** Inserts {@code v} so that it becomes element {@code index} (0..size). */
    void insert(int index, byte[] v) {
        grow();
        if (index < size / 2) {
            head = (head - 1) & (items.length - 1);
            for (int i = 0; i < index; i++) {
                items[slot(i)] = items[slot(i + 1)];
            }
        } else {
            for (int i = size; i > index; i--) {
                items[slot(i)] = items[slot(i - 1)];
            }
        }
        items[slot(index)] = v;
        size++;
        bytes += v.length;
    }

    /** Index of the first element equal to {@code v}, or -1. */
    int indexOf(byte[] v) {
        for (int i = 0; i < size; i++) {
            if (Arrays.equals(get(i), v)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Removes elements equal to {@code v} (LREM): up to {@code count} from the head when positive,
     * from the tail when negative, all when 0. Returns how many were removed.
     */
    int remove(byte[] v, long count) {
        boolean fromTail = count < 0;
        long limit = count == 0 ? Long.MAX_VALUE : Math.abs(count);
        boolean[] drop = new boolean[size];
        int removed = 0;
        for (int k = 0; k < size && removed < limit; k++) {
            int i = fromTail ? size - 1 - k : k;
            if (Arrays.equals(get(i), v)) {
                drop[i] = true;
                removed++;
            }
        }
        if (removed > 0) {
            List<byte[]> kept = new ArrayList<>(size - removed);
            for (int i = 0; i < size; i++) {
                if (!drop[i]) {
                    kept.add(get(i));
                }
            }
            replace(kept);
        }
        return removed;
    }

    /** Keeps elements {@code start..stop} (valid, inclusive indexes) and drops the rest (LTRIM). */
    void keep(int start, int stop) {
        List<byte[]> kept = new ArrayList<>(Math.max(0, stop - start + 1));
        for (int i = start; i <= stop; i++) {
            kept.add(get(i));
        }
        replace(kept);
    }

    private void replace(List<byte[]> kept) {
        int cap = MIN_CAPACITY;
        while (cap < kept.size()) {
            cap <<= 1;
        }
        items = kept.toArray(new byte[cap][]);
        head = 0;
        size = kept.size();
        bytes = 0;
        for (byte[] v : kept) {
            bytes += v.length;
        }
    }

    @Override
    public long bytes() {
        return bytes + (long) size * KvMemory.LIST_ELEMENT;
    }

    private void grow() {
        if (size == items.length) {
            resize(items.length << 1);
        }
    }

    private void shrink() {
        if (items.length > MIN_CAPACITY && size < items.length / 4) {
            resize(items.length >> 1);
        }
    }

    private void resize(int capacity) {
        byte[][] next = new byte[capacity][];
        for (int i = 0; i < size; i++) {
            next[i] = get(i);
        }
        items = next;
        head = 0;
    }

    @Override
    public KvList copy() {
        KvList l = new KvList();
        for (int i = 0; i < size; i++) {
            l.addLast(get(i));
        }
        return l;
    }

    @Override
    public void rewrite(byte[] key, Consumer<byte[][]> emit) {
        List<byte[]> all = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            all.add(get(i));
        }
        KvStore.chunked(new byte[][] {RPUSH, key}, all, 64, emit);
    }
}
