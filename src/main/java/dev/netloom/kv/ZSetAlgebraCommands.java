package dev.netloom.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.READONLY;
import static dev.netloom.kv.CommandFlag.WRITE;

/**
 * The algebra of sorted sets: ZUNION, ZINTER, ZDIFF (WEIGHTS, AGGREGATE SUM|MIN|MAX,
 * WITHSCORES), their STORE forms, and ZINTERCARD (LIMIT). Plain sets are inputs too, each
 * member with score 1, as in Redis; a missing key is an empty input. A score that comes out NaN
 * (inf + -inf, 0 × inf) is 0, as Redis makes it.
 */
final class ZSetAlgebraCommands {

    private ZSetAlgebraCommands() {
    }

    private enum Op { UNION, INTER, DIFF }

    private enum Aggregate { SUM, MIN, MAX }

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        return List.of(
                new Command("zunion", -3, Set.of(READONLY), KeySpec.numkeys(1), (c, a) -> algebra(c, a, Op.UNION, false, false)),
                new Command("zinter", -3, Set.of(READONLY), KeySpec.numkeys(1), (c, a) -> algebra(c, a, Op.INTER, false, false)),
                new Command("zdiff", -3, Set.of(READONLY), KeySpec.numkeys(1), (c, a) -> algebra(c, a, Op.DIFF, false, false)),
                new Command("zunionstore", -4, Set.of(WRITE), KeySpec.STORE_NUMKEYS, (c, a) -> algebra(c, a, Op.UNION, true, false)),
                new Command("zinterstore", -4, Set.of(WRITE), KeySpec.STORE_NUMKEYS, (c, a) -> algebra(c, a, Op.INTER, true, false)),
                new Command("zdiffstore", -4, Set.of(WRITE), KeySpec.STORE_NUMKEYS, (c, a) -> algebra(c, a, Op.DIFF, true, false)),
                new Command("zintercard", -3, Set.of(READONLY), KeySpec.numkeys(1), (c, a) -> algebra(c, a, Op.INTER, false, true)));
    }

    /** A sorted set, or a set read as one (scores 1); null for a missing key. */
    private static Dict input(Client c, byte[] key) {
        Object v = c.store.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof KvZSet z) {
            return z.scores;
        }
        if (v instanceof KvSet s) {
            return s.members;
        }
        throw KvError.WRONGTYPE;
    }

    private static double score(Dict.Entry e) {
        return e.value instanceof Double d ? d : 1.0;
    }

    private static double scoreOf(Dict d, byte[] member) {
        Dict.Entry e = d.find(member);
        return e == null ? Double.NaN : score(e);
    }

    private static void algebra(Client c, byte[][] a, Op op, boolean store, boolean cardinality) {
        int at = store ? 2 : 1;
        long n = Bytes.toLong(a[at]);
        String name = Bytes.lowerName(a[0]);
        if (n < 1) {
            throw new KvError("ERR at least 1 input key is needed for '" + name + "' command");
        }
        if (n > a.length - at - 1) {
            throw KvError.SYNTAX;
        }
        List<Dict> inputs = new ArrayList<>();
        for (int i = at + 1; i <= at + n; i++) {
            inputs.add(input(c, a[i]));
        }
        double[] weights = new double[(int) n];
        Arrays.fill(weights, 1.0);
        Aggregate aggregate = Aggregate.SUM;
        boolean withScores = false;
        long limit = 0;
        for (int i = at + 1 + (int) n; i < a.length; i++) {
            int left = a.length - i;
            if (op != Op.DIFF && !cardinality && left >= n + 1 && Bytes.is(a[i], "weights")) {
                for (int k = 0; k < n; k++) {
                    Double w = Bytes.parseDouble(a[++i]);
                    if (w == null) {
                        throw new KvError("ERR weight value is not a float");
                    }
                    weights[k] = w;
                }
            } else if (op != Op.DIFF && !cardinality && left >= 2 && Bytes.is(a[i], "aggregate")) {
                byte[] w = a[++i];
                aggregate = Bytes.is(w, "sum") ? Aggregate.SUM : Bytes.is(w, "min") ? Aggregate.MIN
                        : Bytes.is(w, "max") ? Aggregate.MAX : null;
                if (aggregate == null) {
                    throw KvError.SYNTAX;
                }
            } else if (!store && !cardinality && Bytes.is(a[i], "withscores")) {
                withScores = true;
            } else if (cardinality && left >= 2 && Bytes.is(a[i], "limit")) {
                limit = Bytes.parseLong(a[++i], -1);
                if (limit < 0) {
                    throw new KvError("ERR LIMIT can't be negative");
                }
            } else {
                throw KvError.SYNTAX;
            }
        }
        KvZSet result = compute(op, inputs, weights, aggregate, cardinality ? limit : -1);
        if (cardinality) {
            c.out.integer(result.size());
        } else if (store) {
            ZRangeCommands.store(c, a[1], new ArrayList<>(result.sorted));
        } else {
            ZRangeCommands.reply(c, result.sorted, withScores);
        }
    }

    /** The result of {@code op}; for ZINTERCARD ({@code limit} not -1) it stops at the limit (0: none). */
    private static KvZSet compute(Op op, List<Dict> inputs, double[] weights, Aggregate agg, long limit) {
        KvZSet out = new KvZSet();
        switch (op) {
            case UNION -> {
                for (int k = 0; k < inputs.size(); k++) {
                    Dict d = inputs.get(k);
                    if (d == null) {
                        continue;
                    }
                    double w = weights[k];
                    d.forEach(e -> {
                        double s = weighted(score(e), w);
                        Double cur = out.score(e.key);
                        out.put(e.key, cur == null ? s : aggregate(agg, cur, s));
                    });
                }
            }
            case INTER -> {
                if (inputs.contains(null)) {
                    return out;
                }
                int smallest = 0;
                for (int k = 1; k < inputs.size(); k++) {
                    if (inputs.get(k).size() < inputs.get(smallest).size()) {
                        smallest = k;
                    }
                }
                for (Dict.Entry e : inputs.get(smallest).entries()) {
                    double s = 0;
                    boolean inAll = true;
                    boolean first = true;
                    for (int k = 0; k < inputs.size() && inAll; k++) {
                        double v = scoreOf(inputs.get(k), e.key);
                        if (Double.isNaN(v)) {
                            inAll = false;
                        } else {
                            double ws = weighted(v, weights[k]);
                            s = first ? ws : aggregate(agg, s, ws);
                            first = false;
                        }
                    }
                    if (inAll) {
                        out.put(e.key, s);
                        if (limit > 0 && out.size() >= limit) {
                            break;
                        }
                    }
                }
            }
            case DIFF -> {
                Dict head = inputs.get(0);
                if (head != null) {
                    head.forEach(e -> {
                        for (int k = 1; k < inputs.size(); k++) {
                            Dict o = inputs.get(k);
                            if (o != null && o.contains(e.key)) {
                                return;
                            }
                        }
                        out.put(e.key, score(e));
                    });
                }
            }
        }
        return out;
    }

    private static double weighted(double score, double weight) {
        double s = score * weight;
        return Double.isNaN(s) ? 0 : s;
    }

    private static double aggregate(Aggregate agg, double a, double b) {
        return switch (agg) {
            case SUM -> {
                double s = a + b;
                yield Double.isNaN(s) ? 0 : s;
            }
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
        };
    }
}
