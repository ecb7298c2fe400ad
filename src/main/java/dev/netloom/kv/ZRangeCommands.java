package dev.netloom.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.FAST;
import static dev.netloom.kv.CommandFlag.READONLY;
import static dev.netloom.kv.CommandFlag.WRITE;

/**
 * The ranges of a sorted set ({@link KvZSet}): ZRANGE by rank, score or lex (REV, LIMIT,
 * WITHSCORES), its older forms (ZREVRANGE, ZRANGEBYSCORE, ZRANGEBYLEX and their REV ones),
 * ZRANGESTORE, the counts of a range and its removal. As in Redis, a lex range assumes members
 * of one score (what it means otherwise is the skiplist's order, which is what it walks here).
 */
final class ZRangeCommands {

    private static final KvError NOT_FLOAT_RANGE = new KvError("ERR min or max is not a float");
    private static final KvError NOT_LEX_RANGE = new KvError("ERR min or max not valid string range item");
    private static final KvError LIMIT_NEEDS_BY =
            new KvError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    private static final KvError LEX_SCORES =
            new KvError("ERR syntax error, WITHSCORES not supported in combination with BYLEX");

    private ZRangeCommands() {
    }

    /** How a range's bounds are read. */
    enum By { RANK, SCORE, LEX }

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        return List.of(
                new Command("zrange", -4, Set.of(READONLY), KeySpec.ONE, (c, a) -> zrange(c, a, null, null, false)),
                new Command("zrangestore", -5, Set.of(WRITE), KeySpec.TWO, (c, a) -> zrange(c, a, null, null, true)),
                new Command("zrevrange", -4, Set.of(READONLY), KeySpec.ONE, (c, a) -> zrange(c, a, By.RANK, true, false)),
                new Command("zrangebyscore", -4, Set.of(READONLY), KeySpec.ONE, (c, a) -> zrange(c, a, By.SCORE, false, false)),
                new Command("zrevrangebyscore", -4, Set.of(READONLY), KeySpec.ONE, (c, a) -> zrange(c, a, By.SCORE, true, false)),
                new Command("zrangebylex", -4, Set.of(READONLY), KeySpec.ONE, (c, a) -> zrange(c, a, By.LEX, false, false)),
                new Command("zrevrangebylex", -4, Set.of(READONLY), KeySpec.ONE, (c, a) -> zrange(c, a, By.LEX, true, false)),
                new Command("zcount", 4, Set.of(READONLY, FAST), KeySpec.ONE, (c, a) -> count(c, a, By.SCORE)),
                new Command("zlexcount", 4, Set.of(READONLY, FAST), KeySpec.ONE, (c, a) -> count(c, a, By.LEX)),
                new Command("zremrangebyrank", 4, Set.of(WRITE), KeySpec.ONE, (c, a) -> remove(c, a, By.RANK)),
                new Command("zremrangebyscore", 4, Set.of(WRITE), KeySpec.ONE, (c, a) -> remove(c, a, By.SCORE)),
                new Command("zremrangebylex", 4, Set.of(WRITE), KeySpec.ONE, (c, a) -> remove(c, a, By.LEX)));
    }

    /** A score range bound: a float, optionally after '(' for exclusive, or -inf/+inf. */
    record Bound(double value, boolean exclusive) {
        static Bound parse(byte[] b) {
            boolean excl = b.length > 0 && b[0] == '(';
            Double d = Bytes.parseDouble(excl ? Arrays.copyOfRange(b, 1, b.length) : b);
            if (d == null) {
                throw NOT_FLOAT_RANGE;
            }
            return new Bound(d, excl);
        }
    }

    /** A lex range bound: {@code -}, {@code +}, {@code [member} or {@code (member}. */
    record LexBound(byte[] member, boolean exclusive, int infinity) {
        static LexBound parse(byte[] b) {
            if (b.length == 1 && b[0] == '-') {
                return new LexBound(null, false, -1);
            }
            if (b.length == 1 && b[0] == '+') {
                return new LexBound(null, false, 1);
            }
            if (b.length == 0 || (b[0] != '[' && b[0] != '(')) {
                throw NOT_LEX_RANGE;
            }
            return new LexBound(Arrays.copyOfRange(b, 1, b.length), b[0] == '(', 0);
        }

        /** Whether {@code m} is on the range's side of this bound ({@code min}: above it). */
        boolean admits(byte[] m, boolean min) {
            if (infinity != 0) {
                return min == (infinity < 0);
            }
            int cmp = Arrays.compareUnsigned(m, member);
            int sign = min ? cmp : -cmp;
            return exclusive ? sign > 0 : sign >= 0;
        }
    }

    /** The range of argv[i..i+1] (min, max; max first when {@code rev} for SCORE and LEX), ascending. */
    private static List<KvZSet.Item> range(KvZSet z, By by, byte[] min, byte[] max, boolean rev, long[] rank) {
        return switch (by) {
            case RANK -> {
                int n = z == null ? 0 : z.size();
                int[] r = ListCommands.range(rank[0], rank[1], n);
                if (r == null) {
                    yield List.of();
                }
                yield rev ? z.byRank(n - 1 - r[1], n - 1 - r[0]) : z.byRank(r[0], r[1]);
            }
            case SCORE -> {
                Bound lo = Bound.parse(min);
                Bound hi = Bound.parse(max);
                yield z == null ? List.of() : new ArrayList<>(z.byScore(lo.value, lo.exclusive, hi.value, hi.exclusive));
            }
            case LEX -> {
                LexBound lo = LexBound.parse(min);
                LexBound hi = LexBound.parse(max);
                List<KvZSet.Item> out = new ArrayList<>();
                if (z != null) {
                    Iterator<KvZSet.Item> it = z.sorted.iterator();
                    while (it.hasNext()) {
                        KvZSet.Item item = it.next();
                        if (!lo.admits(item.member(), true)) {
                            continue;
                        }
                        if (!hi.admits(item.member(), false)) {
                            break;
                        }
                        out.add(item);
                    }
                }
                yield out;
            }
        };
    }

    /**
     * ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES], ZRANGESTORE
     * dst src ... (no WITHSCORES), and the older forms, which fix {@code by} and {@code rev} (then
     * those are not options). A reversed score or lex range takes max before min. Options are
     * checked before the key, as Redis does.
     */
    static void zrange(Client c, byte[][] a, By by, Boolean rev, boolean store) {
        int at = store ? 2 : 1;
        boolean withScores = false, limited = false;
        long offset = 0, count = -1;
        for (int i = at + 3; i < a.length; i++) {
            byte[] o = a[i];
            if (!store && Bytes.is(o, "withscores")) {
                withScores = true;
            } else if (Bytes.is(o, "limit") && i + 2 < a.length) {
                offset = Bytes.toLong(a[i + 1]);
                count = Bytes.toLong(a[i + 2]);
                limited = count != -1; // as Redis, which tells a LIMIT by its count
                i += 2;
            } else if (rev == null && Bytes.is(o, "rev")) {
                rev = true;
            } else if (by == null && Bytes.is(o, "byscore")) {
                by = By.SCORE;
            } else if (by == null && Bytes.is(o, "bylex")) {
                by = By.LEX;
            } else {
                throw KvError.SYNTAX;
            }
        }
        by = by == null ? By.RANK : by;
        boolean reverse = rev != null && rev;
        if (limited && by == By.RANK) {
            throw LIMIT_NEEDS_BY;
        }
        if (withScores && by == By.LEX) {
            throw LEX_SCORES;
        }
        byte[] min = a[reverse && by != By.RANK ? at + 2 : at + 1];
        byte[] max = a[reverse && by != By.RANK ? at + 1 : at + 2];
        long[] rank = by == By.RANK ? new long[] {Bytes.toLong(min), Bytes.toLong(max)} : null;
        if (by != By.RANK) {
            range(null, by, min, max, false, null); // the bounds' errors come before the key's
        }
        KvZSet z = c.store.get(a[at], KvZSet.class);
        List<KvZSet.Item> items = z == null ? List.of() : range(z, by, min, max, reverse, rank);
        if (reverse) {
            items = new ArrayList<>(items);
            Collections.reverse(items);
        }
        if (by != By.RANK) {
            items = offset < 0 ? List.of() : limit(items, offset, count);
        }
        if (store) {
            store(c, a[1], items);
            return;
        }
        reply(c, items, withScores);
    }

    /** Members, or (member, score) pairs: flat in RESP2, nested pairs in RESP3 (Redis's zrangeResultHandler). */
    static void reply(Client c, Collection<KvZSet.Item> items, boolean withScores) {
        if (!withScores) {
            c.out.array(items.size());
            items.forEach(it -> c.out.bulk(it.member()));
            return;
        }
        c.out.pairs(items.size());
        for (KvZSet.Item it : items) {
            c.out.pair();
            c.out.bulk(it.member());
            c.out.dbl(it.score());
        }
    }

    /** Writes {@code items} as the sorted set {@code dst} (deleting it when none) and replies the size. */
    static void store(Client c, byte[] dst, List<KvZSet.Item> items) {
        if (items.isEmpty()) {
            if (c.store.delete(dst)) {
                c.store.changed();
            }
        } else {
            KvZSet result = new KvZSet();
            for (KvZSet.Item it : items) {
                result.put(it.member(), it.score());
            }
            c.store.set(dst, result, false);
            c.store.changed();
        }
        c.out.integer(items.size());
    }

    /** The elements after skipping {@code offset}, at most {@code count} (all when negative). */
    private static List<KvZSet.Item> limit(List<KvZSet.Item> items, long offset, long count) {
        if (offset >= items.size()) {
            return List.of();
        }
        long end = count < 0 ? items.size() : Math.min(items.size(), offset + count);
        return items.subList((int) offset, (int) end);
    }

    /** ZCOUNT/ZLEXCOUNT key min max. */
    private static void count(Client c, byte[][] a, By by) {
        range(null, by, a[2], a[3], false, null);
        KvZSet z = c.store.get(a[1], KvZSet.class);
        if (z != null && by == By.SCORE) {
            Bound lo = Bound.parse(a[2]);
            Bound hi = Bound.parse(a[3]);
            NavigableSet<KvZSet.Item> r = z.byScore(lo.value, lo.exclusive, hi.value, hi.exclusive);
            c.out.integer(r.size());
            return;
        }
        c.out.integer(z == null ? 0 : range(z, by, a[2], a[3], false, null).size());
    }

    /** ZREMRANGEBYRANK/ZREMRANGEBYSCORE/ZREMRANGEBYLEX key min max: how many were removed. */
    private static void remove(Client c, byte[][] a, By by) {
        long[] rank = by == By.RANK ? new long[] {Bytes.toLong(a[2]), Bytes.toLong(a[3])} : null;
        if (by != By.RANK) {
            range(null, by, a[2], a[3], false, null);
        }
        KvZSet z = c.store.get(a[1], KvZSet.class);
        List<KvZSet.Item> items = z == null ? List.of() : range(z, by, a[2], a[3], false, rank);
        for (KvZSet.Item it : items) {
            z.remove(it.member());
        }
        if (!items.isEmpty()) {
            c.store.changed(items.size());
            c.store.deleteIfEmpty(a[1], z);
        }
        c.out.integer(items.size());
    }
}
