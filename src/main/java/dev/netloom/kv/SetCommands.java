package dev.netloom.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.DENYOOM;
import static dev.netloom.kv.CommandFlag.FAST;
import static dev.netloom.kv.CommandFlag.READONLY;
import static dev.netloom.kv.CommandFlag.WRITE;

/**
 * Set commands on {@link KvSet}: membership, random pops and samples, and the algebra
 * (SINTER/SUNION/SDIFF and their STORE forms). SPOP is random, so what the AOF logs is the SREM
 * of the members it actually popped.
 */
final class SetCommands {

    private static final byte[] SREM = Bytes.of("SREM");

    private SetCommands() {
    }

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        return List.of(
                new Command("sadd", -3, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, SetCommands::sadd),
                new Command("srem", -3, Set.of(WRITE, FAST), KeySpec.ONE, SetCommands::srem),
                new Command("smembers", 2, Set.of(READONLY), KeySpec.ONE, SetCommands::smembers),
                new Command("sismember", 3, Set.of(READONLY, FAST), KeySpec.ONE, SetCommands::sismember),
                new Command("smismember", -3, Set.of(READONLY, FAST), KeySpec.ONE, SetCommands::smismember),
                new Command("scard", 2, Set.of(READONLY, FAST), KeySpec.ONE, SetCommands::scard),
                new Command("spop", -2, Set.of(WRITE, FAST), KeySpec.ONE, SetCommands::spop),
                new Command("srandmember", -2, Set.of(READONLY), KeySpec.ONE, SetCommands::srandmember),
                new Command("smove", 4, Set.of(WRITE, FAST), KeySpec.TWO, SetCommands::smove),
                new Command("sinter", -2, Set.of(READONLY), KeySpec.ALL, (c, a) -> algebra(c, a, 1, Op.INTER, false)),
                new Command("sunion", -2, Set.of(READONLY), KeySpec.ALL, (c, a) -> algebra(c, a, 1, Op.UNION, false)),
                new Command("sdiff", -2, Set.of(READONLY), KeySpec.ALL, (c, a) -> algebra(c, a, 1, Op.DIFF, false)),
                new Command("sinterstore", -3, Set.of(WRITE, DENYOOM), KeySpec.ALL, (c, a) -> algebra(c, a, 2, Op.INTER, true)),
                new Command("sunionstore", -3, Set.of(WRITE, DENYOOM), KeySpec.ALL, (c, a) -> algebra(c, a, 2, Op.UNION, true)),
                new Command("sdiffstore", -3, Set.of(WRITE, DENYOOM), KeySpec.ALL, (c, a) -> algebra(c, a, 2, Op.DIFF, true)),
                new Command("sintercard", -3, Set.of(READONLY), KeySpec.numkeys(1), SetCommands::sintercard),
                new Command("sscan", -3, Set.of(READONLY), KeySpec.ONE, (c, a) -> {
                    KeyCommands.parseCursor(a[2]);
                    KvSet s = c.store.get(a[1], KvSet.class);
                    KeyCommands.scan(c, a, 2, s == null ? null : s.members, false);
                }));
    }

    static void sadd(Client c, byte[][] a) {
        KvSet s = c.store.getOrCreate(a[1], KvSet.class, KvSet::new);
        int added = 0;
        for (int i = 2; i < a.length; i++) {
            if (s.add(a[i])) {
                added++;
            }
        }
        if (added > 0) {
            c.store.changed(added);
        }
        c.out.integer(added);
    }

    static void srem(Client c, byte[][] a) {
        KvSet s = c.store.get(a[1], KvSet.class);
        int removed = 0;
        if (s != null) {
            for (int i = 2; i < a.length; i++) {
                if (s.remove(a[i])) {
                    removed++;
                }
            }
            if (removed > 0) {
                c.store.changed(removed);
                c.store.deleteIfEmpty(a[1], s);
            }
        }
        c.out.integer(removed);
    }

    static void smembers(Client c, byte[][] a) {
        KvSet s = c.store.get(a[1], KvSet.class);
        if (s == null) {
            c.out.set(0);
            return;
        }
        c.out.set(s.size());
        s.members.forEach(e -> c.out.bulk(e.key));
    }

    static void sismember(Client c, byte[][] a) {
        KvSet s = c.store.get(a[1], KvSet.class);
        c.out.integer(s != null && s.contains(a[2]) ? 1 : 0);
    }

    static void smismember(Client c, byte[][] a) {
        KvSet s = c.store.get(a[1], KvSet.class);
        c.out.array(a.length - 2);
        for (int i = 2; i < a.length; i++) {
            c.out.integer(s != null && s.contains(a[i]) ? 1 : 0);
        }
    }

    static void scard(Client c, byte[][] a) {
        KvSet s = c.store.get(a[1], KvSet.class);
        c.out.integer(s == null ? 0 : s.size());
    }

    /** SPOP key [count]: one random member (or nil), or with a count an array of distinct ones. */
    static void spop(Client c, byte[][] a) {
        if (a.length > 3) {
            throw KvError.SYNTAX;
        }
        boolean hasCount = a.length == 3;
        long count = hasCount ? ListCommands.positive(a[2]) : 1;
        KvSet s = c.store.get(a[1], KvSet.class);
        if (s == null || count == 0) {
            if (hasCount) {
                c.out.set(0);
            } else {
                c.out.nullBulk();
            }
            return;
        }
        List<Dict.Entry> popped = RandomPicks.distinct(s.members, count);
        byte[][] srem = new byte[2 + popped.size()][];
        srem[0] = SREM;
        srem[1] = a[1];
        if (hasCount) {
            c.out.set(popped.size());
        }
        for (int i = 0; i < popped.size(); i++) {
            byte[] m = popped.get(i).key;
            s.remove(m);
            srem[2 + i] = m;
            c.out.bulk(m);
        }
        c.store.deleteIfEmpty(a[1], s);
        c.store.changed(popped.size());
        c.propagate(srem);
    }

    /**
     * SRANDMEMBER key [count]: one random member (or nil); with a positive count up to that many
     * distinct members, with a negative one exactly |count| members that may repeat. The client
     * chooses that size, not the data: when |count| is more than the set holds, the reply is
     * streamed from a snapshot of the members, 64 KiB at a time, after the lock is released, so
     * that {@code SRANDMEMBER s -300000000} costs the server a chunk, not gigabytes of heap. As
     * Redis 7, only a count of -2<sup>63</sup> is refused ({@code value is out of range}).
     */
    static void srandmember(Client c, byte[][] a) {
        if (a.length > 3) {
            throw KvError.SYNTAX;
        }
        if (a.length == 2) {
            KvSet s = c.store.get(a[1], KvSet.class);
            c.out.bulk(s == null ? null : s.members.random().key);
            return;
        }
        long count = RandomPicks.count(a[2]);
        KvSet s = c.store.get(a[1], KvSet.class);
        if (s == null || count == 0) {
            c.out.array(0);
            return;
        }
        RandomPicks.reply(c.out, s.members, count, false);
    }

    /** SMOVE source destination member: 1 when moved, 0 when source lacks it. */
    static void smove(Client c, byte[][] a) {
        KvSet src = c.store.get(a[1], KvSet.class);
        if (src == null) {
            c.out.integer(0);
            return;
        }
        KvSet dst = c.store.get(a[2], KvSet.class);
        if (!src.contains(a[3])) {
            c.out.integer(0);
            return;
        }
        if (src == dst) {
            c.out.integer(1);
            return;
        }
        src.remove(a[3]);
        c.store.deleteIfEmpty(a[1], src);
        if (dst == null) {
            dst = c.store.getOrCreate(a[2], KvSet.class, KvSet::new);
        }
        c.store.modifiedKey(a[1]);
        if (dst.add(a[3])) {
            c.store.modifiedKey(a[2]); // as Redis: WATCH on the destination breaks only when it gained the member
        }
        c.store.changed();
        c.out.integer(1);
    }

    /** The operation of {@link #algebra}. */
    enum Op { INTER, UNION, DIFF }

    /**
     * SINTER/SUNION/SDIFF over the keys from {@code first} (missing keys are empty sets); the
     * STORE forms write the result to argv[1] (deleting it when empty) and reply its size.
     */
    static void algebra(Client c, byte[][] a, int first, Op op, boolean store) {
        List<KvSet> sets = new ArrayList<>(a.length - first);
        boolean anyMissing = false;
        for (int i = first; i < a.length; i++) {
            KvSet s = c.store.get(a[i], KvSet.class); // every key is type-checked, as Redis does
            anyMissing |= s == null;
            sets.add(s);
        }
        KvSet result = new KvSet();
        if (!(op == Op.INTER && anyMissing)) { // an empty operand makes the intersection empty
            switch (op) {
                case INTER -> intersect(sets, result);
                case UNION -> {
                    for (KvSet s : sets) {
                        if (s != null) {
                            s.members.forEach(e -> result.add(e.key));
                        }
                    }
                }
                case DIFF -> {
                    if (sets.get(0) != null) {
                        List<KvSet> others = sets.subList(1, sets.size());
                        sets.get(0).members.forEach(e -> {
                            for (KvSet o : others) {
                                if (o != null && o.contains(e.key)) {
                                    return;
                                }
                            }
                            result.add(e.key);
                        });
                    }
                }
            }
        }
        if (store) {
            if (result.size() > 0) {
                c.store.set(a[1], result, false);
                c.store.changed();
            } else if (c.store.delete(a[1])) {
                c.store.changed();
            }
            c.out.integer(result.size());
            return;
        }
        c.out.set(result.size());
        result.members.forEach(e -> c.out.bulk(e.key));
    }

    /**
     * The {@code numkeys} argument at {@code at} of LMPOP, SINTERCARD, ZMPOP...: at least 1, and no
     * more than the arguments after it hold.
     */
    static int numkeys(byte[][] a, int at) {
        long n = Bytes.parseLong(a[at], -1);
        if (n < 1) {
            throw new KvError("ERR numkeys should be greater than 0");
        }
        if (n > a.length - at - 1) {
            throw new KvError("ERR Number of keys can't be greater than number of args");
        }
        return (int) n;
    }

    /** A LIMIT argument of SINTERCARD/ZINTERCARD: 0 (no limit) or more. */
    static long limit(byte[][] a, int from) {
        long limit = 0;
        for (int i = from; i < a.length; i++) {
            if (Bytes.is(a[i], "limit") && i + 1 < a.length) {
                limit = Bytes.parseLong(a[++i], -1);
                if (limit < 0) {
                    throw new KvError("ERR LIMIT can't be negative");
                }
            } else {
                throw KvError.SYNTAX;
            }
        }
        return limit;
    }

    /** SINTERCARD numkeys key [key ...] [LIMIT limit]: the size of the intersection, counting up to the limit. */
    static void sintercard(Client c, byte[][] a) {
        int n = numkeys(a, 1);
        long limit = limit(a, 2 + n);
        List<KvSet> sets = new ArrayList<>(n);
        boolean anyMissing = false;
        for (int i = 2; i < 2 + n; i++) {
            KvSet s = c.store.get(a[i], KvSet.class);
            anyMissing |= s == null;
            sets.add(s);
        }
        if (anyMissing) {
            c.out.integer(0);
            return;
        }
        sets.sort((x, y) -> Integer.compare(x.size(), y.size()));
        long count = 0;
        for (Dict.Entry e : sets.get(0).members.entries()) {
            boolean inAll = true;
            for (int k = 1; k < sets.size() && inAll; k++) {
                inAll = sets.get(k).contains(e.key);
            }
            if (inAll && ++count == limit) {
                break;
            }
        }
        c.out.integer(count);
    }

    private static void intersect(List<KvSet> sets, KvSet result) {
        List<KvSet> bySize = new ArrayList<>(sets);
        bySize.sort((x, y) -> Integer.compare(x.size(), y.size()));
        List<KvSet> others = bySize.subList(1, bySize.size());
        bySize.get(0).members.forEach(e -> {
            for (KvSet o : others) {
                if (!o.contains(e.key)) {
                    return;
                }
            }
            result.add(e.key);
        });
    }
}
