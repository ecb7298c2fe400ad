package dev.netloom.kv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Random elements of a set, hash or sorted set (their {@link Dict}): SPOP, SRANDMEMBER,
 * HRANDFIELD and ZRANDMEMBER, with Redis's count rules: none, one element; a positive count, up
 * to that many distinct ones; a negative one, exactly |count| that may repeat. The last is sized
 * by the client, not the data, so past the size of the value it is {@link Reply#stream streamed}.
 */
final class RandomPicks {

    private RandomPicks() {
    }

    /**
     * RANDMEMBER-style reply of {@code dict} (not empty) for {@code count} (not 0, not
     * -2<sup>63</sup>): elements, each followed by its value when {@code withValues}.
     */
    static void reply(Reply out, Dict dict, long count, boolean withValues) {
        if (count < 0 && -count > dict.size()) {
            out.stream(picks(dict.entries(), -count, withValues, out.proto()));
            return;
        }
        if (count < 0) {
            header(out, -count, withValues);
            for (long i = 0; i < -count; i++) {
                element(out, dict.random(), withValues);
            }
            return;
        }
        List<Dict.Entry> picked = distinct(dict, count);
        header(out, picked.size(), withValues);
        for (Dict.Entry e : picked) {
            element(out, e, withValues);
        }
    }

    /**
     * HRANDFIELD key [count [WITHVALUES]] and ZRANDMEMBER key [count [WITHSCORES]]: the count is
     * read before the key ({@code dict} looks it up: null when missing, WRONGTYPE when not its type).
     */
    static void command(Client c, byte[][] a, String withWord, Supplier<Dict> dict) {
        if (a.length == 2) {
            Dict d = dict.get();
            c.out.bulk(d == null ? null : d.random().key);
            return;
        }
        long count = count(a[2]);
        if (a.length > 4 || (a.length == 4 && !Bytes.is(a[3], withWord))) {
            throw KvError.SYNTAX;
        }
        if (a.length == 4 && (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2)) {
            throw new KvError("ERR value is out of range"); // twice as many replies: Redis refuses the overflow
        }
        Dict d = dict.get();
        if (d == null || count == 0) {
            c.out.array(0);
            return;
        }
        reply(c.out, d, count, a.length == 4);
    }

    /** A count argument of HRANDFIELD/ZRANDMEMBER/SRANDMEMBER: any integer but -2<sup>63</sup>. */
    static long count(byte[] arg) {
        long count = Bytes.toLong(arg);
        if (count == Long.MIN_VALUE) {
            throw new KvError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        }
        return count;
    }

    /** The header of {@code n} elements, or of {@code n} (element, value) pairs (nested in RESP3). */
    private static void header(Reply out, long n, boolean withValues) {
        if (withValues) {
            out.pairs(n);
        } else {
            out.array(n);
        }
    }

    /** The element, and its value (a hash's, or a sorted set's score) when {@code withValues}. */
    static void element(Reply out, Dict.Entry e, boolean withValues) {
        if (withValues) {
            out.pair();
        }
        out.bulk(e.key);
        if (withValues) {
            if (e.value instanceof Double score) {
                out.dbl(score);
            } else {
                out.bulk((byte[]) e.value);
            }
        }
    }

    /** {@code count} picks from {@code entries}, repeats allowed, built a chunk at a time. */
    private static Reply.Streamed picks(Dict.Entry[] entries, long count, boolean withValues, int proto) {
        return out -> {
            Reply chunk = new Reply();
            chunk.proto(proto);
            header(chunk, count, withValues);
            ThreadLocalRandom r = ThreadLocalRandom.current();
            for (long i = 0; i < count; i++) {
                element(chunk, entries[r.nextInt(entries.length)], withValues);
                if (chunk.size() >= Reply.CHUNK) {
                    chunk.writeTo(out);
                }
            }
            chunk.writeTo(out);
        };
    }

    /**
     * Up to {@code count} distinct random entries (all of them when {@code count} reaches the
     * size): when they are many, a partial shuffle of a copy; when few, O(1) random picks,
     * skipping repeats.
     */
    static List<Dict.Entry> distinct(Dict dict, long count) {
        int n = dict.size();
        if (count >= n) {
            List<Dict.Entry> all = new ArrayList<>(n);
            dict.forEach(all::add);
            return all;
        }
        List<Dict.Entry> out = new ArrayList<>((int) count);
        if (count * 3L > n) {
            Dict.Entry[] all = dict.entries();
            ThreadLocalRandom r = ThreadLocalRandom.current();
            for (int i = 0; i < count; i++) {
                int j = i + r.nextInt(n - i);
                Dict.Entry t = all[i];
                all[i] = all[j];
                all[j] = t;
                out.add(all[i]);
            }
        } else {
            Set<Dict.Entry> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            while (out.size() < count) {
                Dict.Entry e = dict.random();
                if (seen.add(e)) {
                    out.add(e);
                }
            }
        }
        return out;
    }
}
