package dev.netloom.kv;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, XREAD BLOCK ...), Redis's
 * {@code blocking_keys} and {@code handleClientsBlockedOnKeys}, on virtual threads.
 *
 * <p>A blocking command that finds nothing calls {@link #block}: the client is queued on each of
 * its keys and its handler returns without a reply; the connection's virtual thread then parks
 * ({@link #await}: no carrier thread is held). A write that changes a key someone waits on
 * signals it ready ({@link KvStore#keyModified}); at the end of the outermost command (so after a
 * whole EXEC), still under the store's lock, {@link #serve} runs the command of each client
 * queued on a ready key again, first come first served, as that client: a pop then is an
 * ordinary command, logged to the AOF as the non-blocking pop it did and touching its keys (a
 * BLMOVE's destination wakes whoever waits on it, in the same pass). The reply goes into the
 * blocked client's own {@link Client#out} (its thread does not touch it while parked: the
 * connection writes earlier replies before it runs a blocking command) and its
 * {@link Client#aofOffset} is the pop's; then {@link Blocked#done} is set (volatile: what was
 * written before is seen by the woken thread) and the thread is unparked, to write the reply
 * once the AOF holds the pop. A timeout, CLIENT UNBLOCK and a closed connection end the wait the
 * same way, under the lock, so exactly one of them and a serve wins.
 *
 * <p>A parked client is not reading its socket, so it would not see the client go away: it
 * wakes now and then ({@link #PROBE_MAX} at most apart) to look (a read of at most a
 * millisecond that keeps what arrives), and a closed connection leaves every queue.
 */
final class Blocking {

    /** Longest a parked client goes without looking whether its connection is still open. */
    static final long PROBE_MAX = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long PROBE_MIN = TimeUnit.MILLISECONDS.toNanos(10);

    /** One blocked client: what it runs again when a key is ready, and how its wait ends. */
    static final class Blocked {
        final Client client;
        final Command cmd;
        /** The command as it runs again (XREAD's {@code $} replaced by the id it stood for). */
        final byte[][] argv;
        final List<DbKey> keys;
        /** The type of value that serves it (a list, a sorted set, a stream): a key of another type wakes nobody. */
        final Class<? extends Value> type;
        /** System.nanoTime() when the wait times out; 0: never. */
        final long deadline;
        /** What the client gets when the wait times out (nil, or a null array). */
        final Consumer<Reply> timeoutReply;
        final Thread thread;
        /** Set once the client has its reply; every write to it happens before. */
        volatile boolean done;
        /** Set by {@link #block} when a run again found nothing: the client keeps its place. */
        boolean again;

        Blocked(Client client, Command cmd, byte[][] argv, List<DbKey> keys, Class<? extends Value> type, long deadline,
                Consumer<Reply> timeoutReply) {
            this.client = client;
            this.cmd = cmd;
            this.argv = argv;
            this.keys = keys;
            this.type = type;
            this.deadline = deadline;
            this.timeoutReply = timeoutReply;
            this.thread = Thread.currentThread();
        }
    }

    private final KvStore store;
    private final Map<DbKey, ArrayDeque<Blocked>> waiting = new HashMap<>();
    private LinkedHashSet<DbKey> ready = new LinkedHashSet<>();
    /** Clients blocked now (INFO's blocked_clients). */
    private int blocked;

    Blocking(KvStore store) {
        this.store = store;
    }

    /** Whether anyone waits on a key (else a signal has nothing to do). */
    boolean active() {
        return !waiting.isEmpty();
    }

    int blockedClients() {
        return blocked;
    }

    /**
     * From a blocking command's handler that found nothing on {@code keys} (of the client's
     * database): blocks the client until one is ready or {@code timeoutMillis} (0: forever) has
     * passed, when it gets {@code timeoutReply}. Where the client cannot block (inside EXEC, a
     * script, the AOF's replay) it gets {@code timeoutReply} at once, as Redis answers. A client
     * run again by {@link #serve} keeps its place in the queues.
     */
    void block(Client c, byte[][] argv, List<byte[]> keys, Class<? extends Value> type, long timeoutMillis,
            Consumer<Reply> timeoutReply) {
        if (c.noBlock || store.loading) {
            timeoutReply.accept(c.out);
            return;
        }
        if (c.blocked != null) {
            c.blocked.again = true;
            return;
        }
        List<DbKey> at = new ArrayList<>(keys.size());
        for (byte[] k : keys) {
            DbKey dk = new DbKey(c.db, k);
            if (!at.contains(dk)) {
                at.add(dk);
            }
        }
        long deadline = timeoutMillis == 0 ? 0 : Math.max(1, System.nanoTime() + timeoutMillis * 1_000_000);
        Blocked b = new Blocked(c, store.table.lookup(argv[0]), argv, at, type, deadline, timeoutReply);
        for (DbKey k : at) {
            waiting.computeIfAbsent(k, x -> new ArrayDeque<>()).addLast(b);
        }
        c.blocked = b;
        blocked++;
    }

    /** {@code key} of {@code db} changed: clients waiting on it are served after the command. */
    void signal(KvDb db, byte[] key) {
        if (waiting.isEmpty()) {
            return;
        }
        DbKey k = new DbKey(db.index, key);
        if (waiting.containsKey(k)) {
            ready.add(k);
        }
    }

    /** Every key of {@code db} may have changed (FLUSHDB, SWAPDB): its waiting clients look again. */
    void signalAll(KvDb db) {
        for (DbKey k : waiting.keySet()) {
            if (k.db() == db.index) {
                ready.add(k);
            }
        }
    }

    /** Serves the clients waiting on keys made ready, in order (the outermost command's end, under the lock). */
    void serve() {
        while (!ready.isEmpty()) {
            Iterator<DbKey> it = ready.iterator();
            DbKey k = it.next();
            it.remove();
            ArrayDeque<Blocked> q = waiting.get(k);
            if (q == null) {
                continue;
            }
            KvDb db = store.dbs[k.db()];
            for (Blocked b : q.toArray(new Blocked[0])) {
                if (b.done) {
                    continue;
                }
                Dict.Entry e = db.keys.find(k.key());
                if (e == null || !b.type.isInstance(e.value)) {
                    // a key gone or now of another type wakes nobody (LPUSH + DEL + SET), but a group's
                    // reader, whose group went with it: Redis 7.0 unblocks it with an error
                    if (b.cmd.name().equals("xreadgroup")) {
                        end(b, r -> r.error("UNBLOCKED the stream key no longer exists"));
                    }
                    continue;
                }
                b.again = false;
                store.run(b.client, b.cmd, b.argv);
                if (!b.again) {
                    wake(b);
                }
            }
        }
    }

    /**
     * Ends {@code b}'s wait with {@code reply} unless it has ended already (a timeout, CLIENT
     * UNBLOCK; under the lock). Returns whether it ended it.
     */
    boolean end(Blocked b, Consumer<Reply> reply) {
        if (b.done) {
            return false;
        }
        if (reply != null) {
            reply.accept(b.client.out);
        }
        wake(b);
        return true;
    }

    /** Leaves every queue and wakes the client's thread (under the lock). */
    private void wake(Blocked b) {
        for (DbKey k : b.keys) {
            ArrayDeque<Blocked> q = waiting.get(k);
            if (q != null) {
                q.remove(b);
                if (q.isEmpty()) {
                    waiting.remove(k);
                    ready.remove(k);
                }
            }
        }
        b.client.blocked = null;
        blocked--;
        b.done = true;
        LockSupport.unpark(b.thread);
    }

    /** Takes the lock and ends {@code b}'s wait with {@code reply} (null: none, the connection is gone). */
    void endLocked(Blocked b, Consumer<Reply> reply) {
        store.lock.lock();
        try {
            end(b, reply);
        } finally {
            store.lock.unlock();
        }
    }

    /** What a parked connection checks when it wakes up: whether its socket is still open. */
    @FunctionalInterface
    interface Probe {
        boolean open();
    }

    /**
     * Parks the calling thread (the blocked client's connection) until {@code b} is served,
     * times out (its timeout reply is written) or {@code probe} finds the connection closed
     * (it leaves the queues); returns false in the last case.
     */
    boolean await(Blocked b, Probe probe) {
        long probeEvery = PROBE_MIN;
        long nextProbe = System.nanoTime() + probeEvery;
        while (!b.done) {
            long now = System.nanoTime();
            if (b.deadline != 0 && now - b.deadline >= 0) {
                endLocked(b, b.timeoutReply);
                break;
            }
            if (now - nextProbe >= 0) {
                if (!probe.open()) {
                    endLocked(b, null);
                    return false;
                }
                probeEvery = Math.min(PROBE_MAX, probeEvery * 2);
                nextProbe = System.nanoTime() + probeEvery;
                continue;
            }
            long wake = b.deadline == 0 ? nextProbe : (nextProbe - b.deadline < 0 ? nextProbe : b.deadline);
            LockSupport.parkNanos(this, wake - now);
        }
        return true;
    }

    /**
     * A timeout argument of a blocking command, in seconds with a fraction (BLPOP, BZPOPMIN
     * ...): milliseconds, rounded up, 0 for forever; Redis's errors otherwise.
     */
    static long seconds(byte[] arg) {
        double d;
        try {
            String s = Bytes.str(arg).trim();
            if (s.isEmpty() || s.length() != arg.length || s.endsWith("d") || s.endsWith("D")
                    || s.endsWith("f") || s.endsWith("F")) {
                throw new NumberFormatException(s);
            }
            d = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new KvError("ERR timeout is not a float or out of range");
        }
        if (Double.isNaN(d)) {
            throw new KvError("ERR timeout is not a float or out of range");
        }
        if (d * 1000 > Long.MAX_VALUE) {
            throw new KvError("ERR timeout is out of range");
        }
        if (d < 0) {
            throw new KvError("ERR timeout is negative");
        }
        return outOfRange((long) Math.ceil(d * 1000));
    }

    /** A timeout in milliseconds (XREAD's BLOCK): 0 for forever; Redis's errors otherwise. */
    static long millis(byte[] arg) {
        long ms = Bytes.parseLong(arg, Long.MIN_VALUE);
        if (ms == Long.MIN_VALUE) {
            throw new KvError("ERR timeout is not an integer or out of range");
        }
        if (ms < 0) {
            throw new KvError("ERR timeout is negative");
        }
        return outOfRange(ms);
    }

    private static long outOfRange(long ms) {
        if (ms > Long.MAX_VALUE / 1_000_000 - System.currentTimeMillis()) {
            throw new KvError("ERR timeout is out of range");
        }
        return ms;
    }
}
