package dev.netloom.kv;

import java.util.List;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.DENYOOM;
import static dev.netloom.kv.CommandFlag.FAST;
import static dev.netloom.kv.CommandFlag.READONLY;
import static dev.netloom.kv.CommandFlag.WRITE;

/**
 * Sorted-set commands on {@link KvZSet}: ZADD with all its flags, scores, ranks, pops at either
 * end (ZMPOP logged as the ZPOPMIN/ZPOPMAX it did), random members and ZSCAN. The ranges are in
 * {@link ZRangeCommands}, the algebra in {@link ZSetAlgebraCommands}.
 */
final class ZSetCommands {

    private static final KvError XX_AND_NX = new KvError("ERR XX and NX options at the same time are not compatible");
    private static final KvError GT_LT_NX =
            new KvError("ERR GT, LT, and/or NX options at the same time are not compatible");
    private static final KvError INCR_PAIR = new KvError("ERR INCR option supports a single increment-element pair");
    private static final KvError NAN = new KvError("ERR resulting score is not a number (NaN)");
    private static final byte[] ZPOPMIN = Bytes.of("ZPOPMIN");
    private static final byte[] ZPOPMAX = Bytes.of("ZPOPMAX");

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
                new Command("zpopmin", -2, Set.of(WRITE, FAST), KeySpec.ONE, (c, a) -> zpop(c, a, true)),
                new Command("zpopmax", -2, Set.of(WRITE, FAST), KeySpec.ONE, (c, a) -> zpop(c, a, false)),
                new Command("zrandmember", -2, Set.of(READONLY), KeySpec.ONE, (c, a) -> RandomPicks.command(c, a, "withscores", () -> {
                    KvZSet z = c.store.get(a[1], KvZSet.class);
                    return z == null ? null : z.scores;
                })),
                new Command("zmpop", -4, Set.of(WRITE), KeySpec.numkeys(1), ZSetCommands::zmpop),
                new Command("zscan", -3, Set.of(READONLY), KeySpec.ONE, (c, a) -> {
                    KeyCommands.parseCursor(a[2]);
                    KvZSet z = c.store.get(a[1], KvZSet.class);
                    KeyCommands.scan(c, a, 2, z == null ? null : z.scores, false);
                }));
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
                c.out.dbl(r.score());
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
        c.out.dbl(score);
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
            c.out.dbl(s);
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
                c.out.dbl(s);
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
            c.out.dbl(z.score(a[2]));
        } else {
            c.out.integer(rank);
        }
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
        boolean nested = a.length == 3; // RESP3 nests the pairs only when a count was given (Redis's genericZpopCommand)
        if (nested) {
            c.out.pairs(n);
        } else {
            c.out.array(2);
        }
        for (int i = 0; i < n; i++) {
            KvZSet.Item it = min ? z.sorted.first() : z.sorted.last();
            z.remove(it.member());
            if (nested) {
                c.out.pair();
            }
            c.out.bulk(it.member());
            c.out.dbl(it.score());
        }
        c.store.changed(n);
        c.store.deleteIfEmpty(a[1], z);
    }

    /**
     * ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: pops up to count members from the first
     * non-empty sorted set: [key, [[member, score] ...]], or nil. Logged as ZPOPMIN/ZPOPMAX key count.
     */
    static void zmpop(Client c, byte[][] a) {
        if (!zmpop(c, a, 1)) {
            c.out.nullArray();
        }
    }

    /** ZMPOP's work with numkeys at {@code numkeysAt}; false, writing nothing, when every set is empty (see ListCommands#lmpop). */
    static boolean zmpop(Client c, byte[][] a, int numkeysAt) {
        int whereAt = ListCommands.mpopWhere(a, numkeysAt);
        boolean min;
        if (Bytes.is(a[whereAt], "min")) {
            min = true;
        } else if (Bytes.is(a[whereAt], "max")) {
            min = false;
        } else {
            throw KvError.SYNTAX;
        }
        long count = ListCommands.mpopCount(a, whereAt + 1);
        for (int i = numkeysAt + 1; i < whereAt; i++) {
            KvZSet z = c.store.get(a[i], KvZSet.class);
            if (z == null) {
                continue;
            }
            int k = (int) Math.min(count, z.size());
            c.out.array(2);
            c.out.bulk(a[i]);
            c.out.array(k);
            for (int j = 0; j < k; j++) {
                KvZSet.Item it = min ? z.sorted.first() : z.sorted.last();
                z.remove(it.member());
                c.out.array(2);
                c.out.bulk(it.member());
                c.out.dbl(it.score());
            }
            c.store.deleteIfEmpty(a[i], z);
            c.store.changed(k);
            c.propagate(min ? ZPOPMIN : ZPOPMAX, a[i], Bytes.of(k));
            return true;
        }
        return false;
    }
}
