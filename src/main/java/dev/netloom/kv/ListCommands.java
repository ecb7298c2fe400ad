package dev.netloom.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.DENYOOM;
import static dev.netloom.kv.CommandFlag.FAST;
import static dev.netloom.kv.CommandFlag.READONLY;
import static dev.netloom.kv.CommandFlag.WRITE;

/**
 * List commands on {@link KvList}: pushes and pops at both ends, index access, ranges, LREM,
 * LTRIM, LINSERT and the moves between lists (LMOVE, RPOPLPUSH). The blocking pops are
 * {@link BlockingCommands}.
 */
final class ListCommands {

    private static final byte[] LPOP = Bytes.of("LPOP");
    private static final byte[] RPOP = Bytes.of("RPOP");

    private ListCommands() {
    }

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        return List.of(
                new Command("lpush", -3, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, (c, a) -> push(c, a, true, false)),
                new Command("rpush", -3, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, (c, a) -> push(c, a, false, false)),
                new Command("lpushx", -3, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, (c, a) -> push(c, a, true, true)),
                new Command("rpushx", -3, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, (c, a) -> push(c, a, false, true)),
                new Command("lpop", -2, Set.of(WRITE, FAST), KeySpec.ONE, (c, a) -> pop(c, a, true)),
                new Command("rpop", -2, Set.of(WRITE, FAST), KeySpec.ONE, (c, a) -> pop(c, a, false)),
                new Command("llen", 2, Set.of(READONLY, FAST), KeySpec.ONE, ListCommands::llen),
                new Command("lindex", 3, Set.of(READONLY), KeySpec.ONE, ListCommands::lindex),
                new Command("lset", 4, Set.of(WRITE, DENYOOM), KeySpec.ONE, ListCommands::lset),
                new Command("lrange", 4, Set.of(READONLY), KeySpec.ONE, ListCommands::lrange),
                new Command("ltrim", 4, Set.of(WRITE), KeySpec.ONE, ListCommands::ltrim),
                new Command("lrem", 4, Set.of(WRITE), KeySpec.ONE, ListCommands::lrem),
                new Command("linsert", 5, Set.of(WRITE, DENYOOM), KeySpec.ONE, ListCommands::linsert),
                new Command("lmove", 5, Set.of(WRITE, DENYOOM), KeySpec.TWO, ListCommands::lmove),
                new Command("rpoplpush", 3, Set.of(WRITE, DENYOOM), KeySpec.TWO, (c, a) -> move(c, a[1], a[2], false, true)),
                new Command("lpos", -3, Set.of(READONLY), KeySpec.ONE, ListCommands::lpos),
                new Command("lmpop", -4, Set.of(WRITE), KeySpec.numkeys(1), ListCommands::lmpop));
    }

    /** LPUSH/RPUSH/LPUSHX/RPUSHX key element [element ...]: the new length. */
    static void push(Client c, byte[][] a, boolean left, boolean onlyIfExists) {
        KvList l = onlyIfExists ? c.store.get(a[1], KvList.class) : c.store.getOrCreate(a[1], KvList.class, KvList::new);
        if (l == null) {
            c.out.integer(0);
            return;
        }
        for (int i = 2; i < a.length; i++) {
            if (left) {
                l.addFirst(a[i]);
            } else {
                l.addLast(a[i]);
            }
        }
        c.store.changed(a.length - 2);
        c.out.integer(l.size());
    }

    /** LPOP/RPOP key [count]: one element (or nil), or with a count an array (null if no key). */
    static void pop(Client c, byte[][] a, boolean left) {
        if (a.length > 3) {
            throw KvError.wrongArgs(left ? "lpop" : "rpop");
        }
        boolean hasCount = a.length == 3;
        long count = hasCount ? positive(a[2]) : 1;
        KvList l = c.store.get(a[1], KvList.class);
        if (l == null) {
            if (hasCount) {
                c.out.nullArray();
            } else {
                c.out.nullBulk();
            }
            return;
        }
        if (!hasCount) {
            c.out.bulk(left ? l.removeFirst() : l.removeLast());
            c.store.changed();
        } else {
            int n = (int) Math.min(count, l.size());
            c.out.array(n);
            for (int i = 0; i < n; i++) {
                c.out.bulk(left ? l.removeFirst() : l.removeLast());
            }
            if (n > 0) {
                c.store.changed(n);
            }
        }
        c.store.deleteIfEmpty(a[1], l);
    }

    /** A count argument that must be an integer of at least 0. */
    static long positive(byte[] arg) {
        long n = Bytes.toLong(arg);
        if (n < 0) {
            throw KvError.NOT_POSITIVE;
        }
        return n;
    }

    static void llen(Client c, byte[][] a) {
        KvList l = c.store.get(a[1], KvList.class);
        c.out.integer(l == null ? 0 : l.size());
    }

    static void lindex(Client c, byte[][] a) {
        long index = Bytes.toLong(a[2]);
        KvList l = c.store.get(a[1], KvList.class);
        if (l == null) {
            c.out.nullBulk();
            return;
        }
        long i = index < 0 ? index + l.size() : index;
        c.out.bulk(i < 0 || i >= l.size() ? null : l.get((int) i));
    }

    static void lset(Client c, byte[][] a) {
        long index = Bytes.toLong(a[2]);
        KvList l = c.store.get(a[1], KvList.class);
        if (l == null) {
            throw KvError.NO_SUCH_KEY;
        }
        long i = index < 0 ? index + l.size() : index;
        if (i < 0 || i >= l.size()) {
            throw KvError.OUT_OF_RANGE;
        }
        l.set((int) i, a[3]);
        c.store.changed();
        c.out.ok();
    }

    /**
     * Redis's index range over {@code size} elements: negatives count from the end, the start is
     * clamped to 0 and the stop to the last; null when the range is empty.
     */
    static int[] range(long start, long stop, int size) {
        if (start < 0) {
            start += size;
        }
        if (stop < 0) {
            stop += size;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > stop || start >= size) {
            return null;
        }
        if (stop >= size) {
            stop = size - 1;
        }
        return new int[] {(int) start, (int) stop};
    }

    static void lrange(Client c, byte[][] a) {
        long start = Bytes.toLong(a[2]);
        long stop = Bytes.toLong(a[3]);
        KvList l = c.store.get(a[1], KvList.class);
        int[] r = l == null ? null : range(start, stop, l.size());
        if (r == null) {
            c.out.array(0);
            return;
        }
        c.out.array(r[1] - r[0] + 1);
        for (int i = r[0]; i <= r[1]; i++) {
            c.out.bulk(l.get(i));
        }
    }

    static void ltrim(Client c, byte[][] a) {
        long start = Bytes.toLong(a[2]);
        long stop = Bytes.toLong(a[3]);
        KvList l = c.store.get(a[1], KvList.class);
        if (l != null) {
            int before = l.size();
            int[] r = range(start, stop, before);
            if (r == null) {
                c.store.delete(a[1]);
                c.store.changed(before);
            } else if (r[1] - r[0] + 1 < before) {
                l.keep(r[0], r[1]);
                c.store.changed(before - l.size());
            }
        }
        c.out.ok();
    }

    static void lrem(Client c, byte[][] a) {
        long count = Bytes.toLong(a[2]);
        KvList l = c.store.get(a[1], KvList.class);
        if (l == null) {
            c.out.integer(0);
            return;
        }
        int removed = l.remove(a[3], count);
        if (removed > 0) {
            c.store.changed(removed);
            c.store.deleteIfEmpty(a[1], l);
        }
        c.out.integer(removed);
    }

    /** LINSERT key BEFORE|AFTER pivot element: the new length, -1 without the pivot, 0 without the key. */
    static void linsert(Client c, byte[][] a) {
        boolean after;
        if (Bytes.is(a[2], "after")) {
            after = true;
        } else if (Bytes.is(a[2], "before")) {
            after = false;
        } else {
            throw KvError.SYNTAX;
        }
        KvList l = c.store.get(a[1], KvList.class);
        if (l == null) {
            c.out.integer(0);
            return;
        }
        int i = l.indexOf(a[3]);
        if (i < 0) {
            c.out.integer(-1);
            return;
        }
        l.insert(after ? i + 1 : i, a[4]);
        c.store.changed();
        c.out.integer(l.size());
    }

    /**
     * LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]: the index of the rank-th
     * match (a negative rank counts from the tail), or with COUNT an array of up to that many
     * (0: all); MAXLEN compares at most that many elements.
     */
    static void lpos(Client c, byte[][] a) {
        long rank = 1, count = -1, maxlen = 0;
        for (int i = 3; i < a.length; i++) {
            boolean more = i + 1 < a.length;
            if (Bytes.is(a[i], "rank") && more) {
                rank = Bytes.toLong(a[++i]);
                if (rank == Long.MIN_VALUE) {
                    throw new KvError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
                }
                if (rank == 0) {
                    throw new KvError("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
                            + "or use negative to start from the end of the list");
                }
            } else if (Bytes.is(a[i], "count") && more) {
                count = nonNegative(a[++i], "COUNT");
            } else if (Bytes.is(a[i], "maxlen") && more) {
                maxlen = nonNegative(a[++i], "MAXLEN");
            } else {
                throw KvError.SYNTAX;
            }
        }
        KvList l = c.store.get(a[1], KvList.class);
        List<Long> found = new ArrayList<>();
        if (l != null) {
            int n = l.size();
            boolean fromTail = rank < 0;
            long skip = Math.abs(rank) - 1;
            for (int k = 0; k < n && (maxlen == 0 || k < maxlen); k++) {
                int i = fromTail ? n - 1 - k : k;
                if (Arrays.equals(l.get(i), a[2]) && skip-- <= 0) {
                    found.add((long) i);
                    if (count != 0 && found.size() >= Math.max(count, 1)) {
                        break;
                    }
                }
            }
        }
        if (count < 0) {
            if (found.isEmpty()) {
                c.out.nullBulk();
            } else {
                c.out.integer(found.get(0));
            }
            return;
        }
        c.out.array(found.size());
        found.forEach(c.out::integer);
    }

    private static long nonNegative(byte[] arg, String option) {
        long n = Bytes.parseLong(arg, -1);
        if (n < 0) {
            throw new KvError("ERR " + option + " can't be negative");
        }
        return n;
    }

    /**
     * LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: pops up to count elements from the
     * first non-empty list: [key, [elements]], or nil. Logged as the LPOP/RPOP key count it did.
     */
    static void lmpop(Client c, byte[][] a) {
        if (!lmpop(c, a, 1)) {
            c.out.nullArray();
        }
    }

    /**
     * LMPOP's work on {@code a} whose numkeys is at {@code numkeysAt} (BLMPOP's is after its
     * timeout): replies and returns true when a list had elements; false, writing nothing, when none.
     */
    static boolean lmpop(Client c, byte[][] a, int numkeysAt) {
        int whereAt = mpopWhere(a, numkeysAt);
        boolean left = side(a[whereAt]);
        long count = mpopCount(a, whereAt + 1);
        for (int i = numkeysAt + 1; i < whereAt; i++) {
            KvList l = c.store.get(a[i], KvList.class);
            if (l == null) {
                continue;
            }
            int k = (int) Math.min(count, l.size());
            c.out.array(2);
            c.out.bulk(a[i]);
            c.out.array(k);
            for (int j = 0; j < k; j++) {
                c.out.bulk(left ? l.removeFirst() : l.removeLast());
            }
            c.store.deleteIfEmpty(a[i], l);
            c.store.changed(k);
            c.propagate(left ? LPOP : RPOP, a[i], Bytes.of(k));
            return true;
        }
        return false;
    }

    /**
     * Where LMPOP/ZMPOP's LEFT|RIGHT or MIN|MAX is: after the {@code numkeys} (at least 1) keys
     * that follow {@code numkeysAt} (1; 2 in BLMPOP/BZMPOP, after the timeout).
     */
    static int mpopWhere(byte[][] a, int numkeysAt) {
        long n = Bytes.parseLong(a[numkeysAt], -1);
        if (n < 1) {
            throw new KvError("ERR numkeys should be greater than 0");
        }
        if (n >= a.length - numkeysAt - 1) {
            throw KvError.SYNTAX;
        }
        return (int) n + numkeysAt + 1;
    }

    /** The [COUNT count] of LMPOP/ZMPOP from {@code from}: at least 1, 1 without it. */
    static long mpopCount(byte[][] a, int from) {
        long count = -1;
        for (int i = from; i < a.length; i++) {
            if (count == -1 && Bytes.is(a[i], "count") && i + 1 < a.length) {
                count = Bytes.parseLong(a[++i], 0);
                if (count < 1) {
                    throw new KvError("ERR count should be greater than 0");
                }
            } else {
                throw KvError.SYNTAX;
            }
        }
        return count == -1 ? 1 : count;
    }

    /** LMOVE source destination LEFT|RIGHT LEFT|RIGHT. */
    static void lmove(Client c, byte[][] a) {
        move(c, a[1], a[2], side(a[3]), side(a[4]));
    }

    static boolean side(byte[] arg) {
        if (Bytes.is(arg, "left")) {
            return true;
        }
        if (Bytes.is(arg, "right")) {
            return false;
        }
        throw KvError.SYNTAX;
    }

    /** Pops from one end of {@code src} and pushes onto one end of {@code dst}: the element, or nil. */
    static void move(Client c, byte[] src, byte[] dst, boolean fromLeft, boolean toLeft) {
        KvList from = c.store.get(src, KvList.class);
        if (from == null) {
            c.out.nullBulk();
            return;
        }
        c.store.get(dst, KvList.class); // WRONGTYPE before anything moves, as Redis checks
        byte[] v = fromLeft ? from.removeFirst() : from.removeLast();
        KvList to = c.store.getOrCreate(dst, KvList.class, KvList::new);
        if (toLeft) {
            to.addFirst(v);
        } else {
            to.addLast(v);
        }
        c.store.deleteIfEmpty(src, from);
        c.store.changed();
        c.out.bulk(v);
    }
}
