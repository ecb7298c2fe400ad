package dev.netloom.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A sorted-set value, built like Redis's: a {@link Dict} from member to score for O(1) ZSCORE and
 * membership, and an ordered set of (score, member) pairs for ranges and ranks, ordered by score
 * and then by member bytes (unsigned), which is the order every ZRANGE form returns.
 */
final class KvZSet implements Value {

    private static final byte[] ZADD = Bytes.of("ZADD");
    /** A member that sorts after every real member of its score (the upper end of a score range). */
    private static final byte[] HIGHEST = new byte[0];
    /** A member that sorts before every real member of its score (the lower end of a score range). */
    private static final byte[] LOWEST = new byte[0];

    /** One element; equal scores are ordered by member bytes. */
    record Item(double score, byte[] member) {
    }

    static final Comparator<Item> ORDER = (a, b) -> {
        if (a.score < b.score) {
            return -1;
        }
        if (a.score > b.score) {
            return 1;
        }
        if (a.member == b.member) {
            return 0;
        }
        if (a.member == HIGHEST || b.member == LOWEST) {
            return 1;
        }
        if (b.member == HIGHEST || a.member == LOWEST) {
            return -1;
        }
        return Arrays.compareUnsigned(a.member, b.member);
    };

    final Dict scores = new Dict();
    final TreeSet<Item> sorted = new TreeSet<>(ORDER);
    /** The longest member ever added (the listpack's zset-max-listpack-value test). */
    private int longest;

    @Override
    public String type() {
        return "zset";
    }

    @Override
    public int size() {
        return scores.size();
    }

    /** The score of {@code member}, or null. */
    Double score(byte[] member) {
        return (Double) scores.get(member);
    }

    /** Sets the score of {@code member} (adding it if new). */
    void put(byte[] member, double score) {
        Dict.Entry e = scores.addIfAbsent(member);
        if (e.value != null) {
            sorted.remove(new Item((Double) e.value, e.key));
        }
        e.value = score;
        sorted.add(new Item(score, e.key));
        longest = Math.max(longest, member.length);
    }

    @Override
    public long bytes() {
        return scores.bytes() + (long) scores.size() * KvMemory.ZSET_MEMBER;
    }

    @Override
    public boolean outgrew(KvParams p) {
        return longest > p.zsetMaxValue;
    }

    boolean remove(byte[] member) {
        Dict.Entry e = scores.remove(member);
        if (e == null) {
            return false;
        }
        sorted.remove(new Item((Double) e.value, e.key));
        return true;
    }

    /** The 0-based rank of {@code member} in ascending order, or -1 when absent. */
    long rank(byte[] member) {
        Double s = score(member);
        return s == null ? -1 : sorted.headSet(new Item(s, member), false).size();
    }

    /** Elements at ascending ranks {@code start..stop} (valid and inclusive), in ascending order. */
    List<Item> byRank(int start, int stop) {
        List<Item> out = new ArrayList<>(stop - start + 1);
        int n = size();
        if (start <= n - 1 - stop) {
            Iterator<Item> it = sorted.iterator();
            for (int i = 0; i < start; i++) {
                it.next();
            }
            for (int i = start; i <= stop; i++) {
                out.add(it.next());
            }
        } else {
            Iterator<Item> it = sorted.descendingIterator();
            for (int i = n - 1; i > stop; i--) {
                it.next();
            }
            for (int i = stop; i >= start; i--) {
                out.add(it.next());
            }
            Collections.reverse(out);
        }
        return out;
    }

    /** Elements with scores in the range, ascending. */
    NavigableSet<Item> byScore(double min, boolean minExclusive, double max, boolean maxExclusive) {
        Item lo = new Item(min, minExclusive ? HIGHEST : LOWEST);
        Item hi = new Item(max, maxExclusive ? LOWEST : HIGHEST);
        if (ORDER.compare(lo, hi) > 0) {
            return new TreeSet<>(ORDER);
        }
        return sorted.subSet(lo, false, hi, false);
    }

    @Override
    public KvZSet copy() {
        KvZSet z = new KvZSet();
        for (Item it : sorted) {
            z.put(it.member, it.score);
        }
        return z;
    }

    @Override
    public void rewrite(byte[] key, Consumer<byte[][]> emit) {
        List<byte[]> pairs = new ArrayList<>(2 * size());
        for (Item it : sorted) {
            pairs.add(Bytes.of(it.score));
            pairs.add(it.member);
        }
        KvStore.chunked(new byte[][] {ZADD, key}, pairs, 128, emit);
    }
}
