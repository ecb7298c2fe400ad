package dev.netloom.kv;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.DENYOOM;
import static dev.netloom.kv.CommandFlag.FAST;
import static dev.netloom.kv.CommandFlag.READONLY;
import static dev.netloom.kv.CommandFlag.WRITE;

/**
 * Sorted-set commands on {@link KvZSet}: ZADD with all its flags, scores, ranks, the ZRANGE
 * family by index or by score (either direction, LIMIT, WITHSCORES), counts, pops at either end
 * and range removals. Everything here is deterministic, so the AOF logs the commands as sent.
 */
final class ZSetCommands {

    private static final KvError XX_AND_NX = new KvError("ERR XX and NX options at the same time are not compatible");
    private static final KvError GT_LT_NX =
            new KvError("ERR GT, LT, and/or NX options at the same time are not compatible");
    private static final KvError INCR_PAIR = new KvError("ERR INCR option supports a single increment-element pair");
    private static final KvError NAN = new KvError("ERR resulting score is not a number (NaN)");
    private static final KvError NOT_FLOAT_RANGE = new KvError("ERR min or max is not a float");
    private static final KvError LIMIT_NEEDS_BY =
            new KvError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");

    private ZSetCommands() {
    }

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        return List.of(
                new Command("zadd", -4, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, ZSetCommands::zadd),
                new Command("zincrby", 4, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, ZSetCommands::zincrby),
                new Command("zrem", -3, Set.of(WRITE, FAST), KeySpec.ONE, ZSetCommands::zrem),
                new Command("zcard", 2, Set.of(READONLY, FAST), KeySpec.ONE, ZSetCommands::zcard),
                new Command("zscore", 3, Set.of(READONLY, FAST), KeySpec.ONE, ZSetCommands::zscore),
                new Command("zmscore", -3, Set.of(READONLY, FAST), KeySpec.ONE, ZSetCommands::zmscore),
                new Command("zrank", -3, Set.of(READONLY, FAST), KeySpec.ONE, (c, a) -> zrank(c, a, false)),
                new Command("zrevrank", -3, Set.of(READONLY, FAST), KeySpec.ONE, (c, a) -> zrank(c, a, true)),
                new Command("zrange", -4, Set.of(READONLY), KeySpec.ONE, (c, a) -> zrange(c, a, false, false, true)),
                new Command("zrevrange", -4, Set.of(READONLY), KeySpec.ONE, (c, a) -> zrange(c, a, false, true, false)),
                new Command("zrangebyscore", -4, Set.of(READONLY), KeySpec.ONE, (c, a) -> zrange(c, a, true, false, false)),
                new Command("zrevrangebyscore", -4, Set.of(READONLY), KeySpec.ONE, (c, a) -> zrange(c, a, true, true, false)),
                new Command("zcount", 4, Set.of(READONLY, FAST), KeySpec.ONE, ZSetCommands::zcount),
                new Command("zpopmin", -2, Set.of(WRITE, FAST), KeySpec.ONE, (c, a) -> zpop(c, a, true)),
                new Command("zpopmax", -2, Set.of(WRITE, FAST), KeySpec.ONE, (c, a) -> zpop(c, a, false)),
                new Command("zremrangebyrank", 4, Set.of(WRITE), KeySpec.ONE, ZSetCommands::zremrangebyrank),
                new Command("zremrangebyscore", 4, Set.of(WRITE), KeySpec.ONE, ZSetCommands::zremrangebyscore));
    }

    /** ZADD's options, and where its score-member pairs start. */
    private record ZaddOptions(boolean nx, boolean xx, boolean gt, boolean lt, boolean ch, boolean incr, int pairsAt) {
    }

    /** What ZADD did: members added, scores changed, and the last score set (INCR's reply; null if none). */
    private record ZaddResult(int added, int updated, Double score) {
    }

    /** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]. */
    static void zadd(Client c, byte[][] a) {
        ZaddOptions o = zaddOptions(a);
        int i = o.pairsAt();
        double[] scores = new double[(a.length - i) / 2];
        for (int k = 0; k < scores.length; k++) {
            scores[k] = Bytes.toDouble(a[i + 2 * k]);
        }
        KvZSet z = c.store.get(a[1], KvZSet.class);
        if (z == null) {
            if (o.xx()) {
                if (o.incr()) {
                    c.out.nullBulk();
                } else {
                    c.out.integer(0);
                }
                return;
            }
            z = c.store.getOrCreate(a[1], KvZSet.class, KvZSet::new);
        }
        ZaddResult r = zadd(z, o, a, scores);
        if (r.added() + r.updated() > 0) {
            c.store.changed(r.added() + r.updated());
        }
        if (o.incr()) {
            if (r.score() == null) {
                c.out.nullBulk();
            } else {
                c.out.bulk(r.score());
            }
        } else {
            c.out.integer(o.ch() ? r.added() + r.updated() : r.added());
        }
    }

    private static ZaddOptions zaddOptions(byte[][] a) {
        boolean nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
        int i = 2;
        for (; i < a.length; i++) {
            byte[] o = a[i];
            if (Bytes.is(o, "nx")) {
                nx = true;
            } else if (Bytes.is(o, "xx")) {
                xx = true;
            } else if (Bytes.is(o, "gt")) {
                gt = true;
            } else if (Bytes.is(o, "lt")) {
                lt = true;
            } else if (Bytes.is(o, "ch")) {
                ch = true;
            } else if (Bytes.is(o, "incr")) {
                incr = true;
            } else {
                break;
            }
        }
        int args = a.length - i;
        if (args == 0 || args % 2 != 0) {
            throw KvError.SYNTAX;
        }
        if (nx && xx) {
            throw XX_AND_NX;
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            throw GT_LT_NX;
        }
        if (incr && args > 2) {
            throw INCR_PAIR;
        }
        return new ZaddOptions(nx, xx, gt, lt, ch, incr, i);
    }

    /** Adds or updates each member of {@code a} in {@code z} with its score of {@code scores}, as {@code o} says. */
    private static ZaddResult zadd(KvZSet z, ZaddOptions o, byte[][] a, double[] scores) {
        int added = 0, updated = 0;
        Double result = null;
        for (int k = 0; k < scores.length; k++) {
            byte[] member = a[o.pairsAt() + 2 * k + 1];
            double score = scores[k];
            Double cur = z.score(member);
            if (cur == null) {
                if (o.xx()) {
                    continue;
                }
                z.put(member, score);
                added++;
                result = score;
                continue;
            }
            if (o.nx()) {
                continue;
            }
            if (o.incr()) {
                score += cur;
                if (Double.isNaN(score)) {
                    throw NAN;
                }
            }
            if ((o.gt() && score <= cur) || (o.lt() && score >= cur)) {
                continue;
            }
            result = score;
            if (score != cur) {
                z.put(member, score);
                updated++;
            }
        }
        return new ZaddResult(added, updated, result);
    }

    /** ZINCRBY key increment member: the new score. */
    static void zincrby(Client c, byte[][] a) {
        double by = Bytes.toDouble(a[2]);
        KvZSet z = c.store.get(a[1], KvZSet.class);
        Double cur = z == null ? null : z.score(a[3]);
        double score = cur == null ? by : cur + by;
        if (Double.isNaN(score)) {
            throw NAN;
        }
        if (z == null) {
            z = c.store.getOrCreate(a[1], KvZSet.class, KvZSet::new);
        }
        z.put(a[3], score);
        c.store.changed();
        c.out.bulk(score);
    }

    static void zrem(Client c, byte[][] a) {
        KvZSet z = c.store.get(a[1], KvZSet.class);
        int removed = 0;
        if (z != null) {
            for (int i = 2; i < a.length; i++) {
                if (z.remove(a[i])) {
                    removed++;
                }
            }
            if (removed > 0) {
                c.store.changed(removed);
                c.store.deleteIfEmpty(a[1], z);
            }
        }
        c.out.integer(removed);
    }

    static void zcard(Client c, byte[][] a) {
        KvZSet z = c.store.get(a[1], KvZSet.class);
        c.out.integer(z == null ? 0 : z.size());
    }

    static void zscore(Client c, byte[][] a) {
        KvZSet z = c.store.get(a[1], KvZSet.class);
        Double s = z == null ? null : z.score(a[2]);
        if (s == null) {
            c.out.nullBulk();
        } else {
            c.out.bulk(s);
        }
    }

    static void zmscore(Client c, byte[][] a) {
        KvZSet z = c.store.get(a[1], KvZSet.class);
        c.out.array(a.length - 2);
        for (int i = 2; i < a.length; i++) {
            Double s = z == null ? null : z.score(a[i]);
            if (s == null) {
                c.out.nullBulk();
            } else {
                c.out.bulk(s);
            }
        }
    }

    /** ZRANK/ZREVRANK key member [WITHSCORE]: the rank (and score), or nil. */
    static void zrank(Client c, byte[][] a, boolean rev) {
        if (a.length > 4) {
            throw KvError.wrongArgs(rev ? "zrevrank" : "zrank");
        }
        boolean withScore = a.length == 4;
        if (withScore && !Bytes.is(a[3], "withscore")) {
            throw KvError.SYNTAX;
        }
        KvZSet z = c.store.get(a[1], KvZSet.class);
        long rank = z == null ? -1 : z.rank(a[2]);
        if (rank < 0) {
            if (withScore) {
                c.out.nullArray();
            } else {
                c.out.nullBulk();
            }
            return;
        }
        if (rev) {
            rank = z.size() - 1 - rank;
        }
        if (withScore) {
            c.out.array(2);
            c.out.integer(rank);
            c.out.bulk(z.score(a[2]));
        } else {
            c.out.integer(rank);
        }
    }

    /** A score range bound: a float, optionally after '(' for exclusive, or -inf/+inf. */
    record Bound(double value, boolean exclusive) {
        static Bound parse(byte[] b) {
            boolean excl = b.length > 0 && b[0] == '(';
            byte[] num = b;
            if (excl) {
                num = new byte[b.length - 1];
                System.arraycopy(b, 1, num, 0, num.length);
            }
            Double d = Bytes.parseDouble(num);
            if (d == null) {
                throw NOT_FLOAT_RANGE;
            }
            return new Bound(d, excl);
        }
    }

    private static NavigableSet<KvZSet.Item> byScore(KvZSet z, Bound min, Bound max) {
        return z.byScore(min.value, min.exclusive, max.value, max.exclusive);
    }

    /**
     * The ZRANGE family: ZRANGE key start stop [BYSCORE] [REV] [LIMIT offset count] [WITHSCORES],
     * and ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, which fix the kind and direction (then
     * BYSCORE and REV are not options). A reversed score range takes max before min.
     */
    static void zrange(Client c, byte[][] a, boolean byScore, boolean rev, boolean options) {
        boolean withScores = false, limited = false;
        long offset = 0, count = -1;
        for (int i = 4; i < a.length; i++) {
            byte[] o = a[i];
            if (Bytes.is(o, "withscores")) {
                withScores = true;
            } else if (Bytes.is(o, "limit") && i + 2 < a.length) {
                offset = Bytes.toLong(a[i + 1]);
                count = Bytes.toLong(a[i + 2]);
                limited = true;
                i += 2;
            } else if (options && !rev && Bytes.is(o, "rev")) {
                rev = true;
            } else if (options && !byScore && Bytes.is(o, "byscore")) {
                byScore = true;
            } else {
                throw KvError.SYNTAX;
            }
        }
        if (limited && !byScore) {
            throw LIMIT_NEEDS_BY;
        }
        Collection<KvZSet.Item> items;
        if (byScore) {
            Bound min = Bound.parse(a[rev ? 3 : 2]);
            Bound max = Bound.parse(a[rev ? 2 : 3]);
            KvZSet z = c.store.get(a[1], KvZSet.class);
            if (z == null || offset < 0) {
                c.out.array(0);
                return;
            }
            NavigableSet<KvZSet.Item> range = byScore(z, min, max);
            items = limit(rev ? range.descendingSet() : range, offset, count);
        } else {
            long start = Bytes.toLong(a[2]);
            long stop = Bytes.toLong(a[3]);
            KvZSet z = c.store.get(a[1], KvZSet.class);
            int n = z == null ? 0 : z.size();
            int[] r = ListCommands.range(start, stop, n);
            if (r == null) {
                c.out.array(0);
                return;
            }
            List<KvZSet.Item> asc = rev ? z.byRank(n - 1 - r[1], n - 1 - r[0]) : z.byRank(r[0], r[1]);
            if (rev) {
                Collections.reverse(asc);
            }
            items = asc;
        }
        reply(c, items, withScores);
    }

    /** The elements after skipping {@code offset}, at most {@code count} (all when negative). */
    private static List<KvZSet.Item> limit(NavigableSet<KvZSet.Item> range, long offset, long count) {
        List<KvZSet.Item> out = new ArrayList<>();
        Iterator<KvZSet.Item> it = range.iterator();
        for (long k = 0; k < offset && it.hasNext(); k++) {
            it.next();
        }
        while (it.hasNext() && (count < 0 || out.size() < count)) {
            out.add(it.next());
        }
        return out;
    }

    private static void reply(Client c, Collection<KvZSet.Item> items, boolean withScores) {
        c.out.array(items.size() * (withScores ? 2 : 1));
        for (KvZSet.Item it : items) {
            c.out.bulk(it.member());
            if (withScores) {
                c.out.bulk(it.score());
            }
        }
    }

    static void zcount(Client c, byte[][] a) {
        Bound min = Bound.parse(a[2]);
        Bound max = Bound.parse(a[3]);
        KvZSet z = c.store.get(a[1], KvZSet.class);
        c.out.integer(z == null ? 0 : byScore(z, min, max).size());
    }

    /** ZPOPMIN/ZPOPMAX key [count]: member, score pairs from the low or high end. */
    static void zpop(Client c, byte[][] a, boolean min) {
        if (a.length > 3) {
            throw KvError.wrongArgs(min ? "zpopmin" : "zpopmax");
        }
        long count = a.length == 3 ? ListCommands.positive(a[2]) : 1;
        KvZSet z = c.store.get(a[1], KvZSet.class);
        if (z == null || count == 0) {
            c.out.array(0);
            return;
        }
        int n = (int) Math.min(count, z.size());
        c.out.array(2 * n);
        for (int i = 0; i < n; i++) {
            KvZSet.Item it = min ? z.sorted.first() : z.sorted.last();
            z.remove(it.member());
            c.out.bulk(it.member());
            c.out.bulk(it.score());
        }
        c.store.changed(n);
        c.store.deleteIfEmpty(a[1], z);
    }

    static void zremrangebyrank(Client c, byte[][] a) {
        long start = Bytes.toLong(a[2]);
        long stop = Bytes.toLong(a[3]);
        KvZSet z = c.store.get(a[1], KvZSet.class);
        int[] r = z == null ? null : ListCommands.range(start, stop, z.size());
        removeAll(c, a[1], z, r == null ? List.of() : z.byRank(r[0], r[1]));
    }

    static void zremrangebyscore(Client c, byte[][] a) {
        Bound min = Bound.parse(a[2]);
        Bound max = Bound.parse(a[3]);
        KvZSet z = c.store.get(a[1], KvZSet.class);
        removeAll(c, a[1], z, z == null ? List.of() : new ArrayList<>(byScore(z, min, max)));
    }

    private static void removeAll(Client c, byte[] key, KvZSet z, List<KvZSet.Item> items) {
        for (KvZSet.Item it : items) {
            z.remove(it.member());
        }
        if (!items.isEmpty()) {
            c.store.changed(items.size());
            c.store.deleteIfEmpty(key, z);
        }
        c.out.integer(items.size());
    }
}
