package dev.netloom.kv;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.BLOCKING;
import static dev.netloom.kv.CommandFlag.FAST;
import static dev.netloom.kv.CommandFlag.NOSCRIPT;
import static dev.netloom.kv.CommandFlag.WRITE;

/**
 * The blocking pops of lists and sorted sets: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BZPOPMIN and
 * BZPOPMAX (XREAD's BLOCK is in {@link StreamCommands}). Each pops at once when one of its keys
 * has something, logged to the AOF as the non-blocking pop it did (LPOP, LMOVE, ZPOPMIN ...),
 * as Redis propagates it; otherwise it blocks the client ({@link Blocking#block}) and runs again
 * when a key is ready. Inside EXEC it answers as the non-blocking form would with nothing there.
 */
final class BlockingCommands {

    private static final byte[] LPOP = Bytes.of("LPOP");
    private static final byte[] RPOP = Bytes.of("RPOP");
    private static final byte[] LMOVE = Bytes.of("LMOVE");
    private static final byte[] RPOPLPUSH = Bytes.of("RPOPLPUSH");
    private static final byte[] ZPOPMIN = Bytes.of("ZPOPMIN");
    private static final byte[] ZPOPMAX = Bytes.of("ZPOPMAX");
    /** The keys before the timeout (BLPOP k1 k2 timeout). */
    private static final KeySpec ALL_BUT_LAST = new KeySpec(1, -2, 1);

    private BlockingCommands() {
    }

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        return List.of(
                new Command("blpop", -3, Set.of(WRITE, NOSCRIPT, BLOCKING), ALL_BUT_LAST, (c, a) -> bpop(c, a, true)),
                new Command("brpop", -3, Set.of(WRITE, NOSCRIPT, BLOCKING), ALL_BUT_LAST, (c, a) -> bpop(c, a, false)),
                new Command("blmove", 6, Set.of(WRITE, NOSCRIPT, BLOCKING), KeySpec.TWO, BlockingCommands::blmove),
                new Command("brpoplpush", 4, Set.of(WRITE, NOSCRIPT, BLOCKING), KeySpec.TWO,
                        BlockingCommands::brpoplpush),
                new Command("bzpopmin", -3, Set.of(WRITE, NOSCRIPT, FAST, BLOCKING), ALL_BUT_LAST,
                        (c, a) -> bzpop(c, a, true)),
                new Command("bzpopmax", -3, Set.of(WRITE, NOSCRIPT, FAST, BLOCKING), ALL_BUT_LAST,
                        (c, a) -> bzpop(c, a, false)),
                new Command("blmpop", -5, Set.of(WRITE, BLOCKING), KeySpec.numkeys(2),
                        (c, a) -> bmpop(c, a, ListCommands::lmpop, KvList.class)),
                new Command("bzmpop", -5, Set.of(WRITE, BLOCKING), KeySpec.numkeys(2),
                        (c, a) -> bmpop(c, a, ZSetCommands::zmpop, KvZSet.class)));
    }

    /** LMPOP or ZMPOP with numkeys at a given position: true when it popped (see ListCommands#lmpop). */
    @FunctionalInterface
    private interface Mpop {
        boolean pop(Client c, byte[][] a, int numkeysAt);
    }

    /** BLMPOP/BZMPOP timeout numkeys key [key ...] LEFT|RIGHT|MIN|MAX [COUNT count]. */
    private static void bmpop(Client c, byte[][] a, Mpop mpop, Class<? extends Value> type) {
        long timeout = Blocking.seconds(a[1]);
        if (!mpop.pop(c, a, 2)) {
            int whereAt = ListCommands.mpopWhere(a, 2);
            c.store.blocking.block(c, a, Arrays.asList(a).subList(3, whereAt), type, timeout, Reply::nullArray);
        }
    }

    /** The keys of {@code a} between the name and the last argument (the timeout). */
    private static List<byte[]> keys(byte[][] a) {
        return Arrays.asList(a).subList(1, a.length - 1);
    }

    /** BLPOP/BRPOP key [key ...] timeout: [key, element] from the first non-empty list. */
    private static void bpop(Client c, byte[][] a, boolean left) {
        long timeout = Blocking.seconds(a[a.length - 1]);
        for (int i = 1; i < a.length - 1; i++) {
            KvList l = c.store.get(a[i], KvList.class);
            if (l != null) {
                byte[] v = left ? l.removeFirst() : l.removeLast();
                c.store.changed();
                c.store.deleteIfEmpty(a[i], l);
                c.propagate(left ? LPOP : RPOP, a[i]);
                c.out.array(2);
                c.out.bulk(a[i]);
                c.out.bulk(v);
                return;
            }
        }
        c.store.blocking.block(c, a, keys(a), KvList.class, timeout, Reply::nullArray);
    }

    /** BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout. */
    private static void blmove(Client c, byte[][] a) {
        boolean fromLeft = ListCommands.side(a[3]);
        boolean toLeft = ListCommands.side(a[4]);
        long timeout = Blocking.seconds(a[5]);
        bmove(c, a, fromLeft, toLeft, timeout, new byte[][] {LMOVE, a[1], a[2], a[3], a[4]});
    }

    /** BRPOPLPUSH source destination timeout. */
    private static void brpoplpush(Client c, byte[][] a) {
        long timeout = Blocking.seconds(a[3]);
        bmove(c, a, false, true, timeout, new byte[][] {RPOPLPUSH, a[1], a[2]});
    }

    private static void bmove(Client c, byte[][] a, boolean fromLeft, boolean toLeft, long timeout, byte[][] logged) {
        if (c.store.get(a[1], KvList.class) == null) {
            c.store.blocking.block(c, a, List.of(a[1]), KvList.class, timeout, Reply::nullBulk);
            return;
        }
        ListCommands.move(c, a[1], a[2], fromLeft, toLeft);
        c.propagate(logged);
    }

    /** BZPOPMIN/BZPOPMAX key [key ...] timeout: [key, member, score] from the first non-empty sorted set. */
    private static void bzpop(Client c, byte[][] a, boolean min) {
        long timeout = Blocking.seconds(a[a.length - 1]);
        for (int i = 1; i < a.length - 1; i++) {
            KvZSet z = c.store.get(a[i], KvZSet.class);
            if (z != null) {
                KvZSet.Item it = min ? z.sorted.first() : z.sorted.last();
                z.remove(it.member());
                c.store.changed();
                c.store.deleteIfEmpty(a[i], z);
                c.propagate(min ? ZPOPMIN : ZPOPMAX, a[i]);
                c.out.array(3);
                c.out.bulk(a[i]);
                c.out.bulk(it.member());
                c.out.dbl(it.score());
                return;
            }
        }
        c.store.blocking.block(c, a, keys(a), KvZSet.class, timeout, Reply::nullArray);
    }
}
