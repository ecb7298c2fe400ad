package dev.netloom.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.FAST;
import static dev.netloom.kv.CommandFlag.NOSCRIPT;
import static dev.netloom.kv.CommandFlag.STALE;

/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH, as Redis 7.0's {@code multi.c}. Between MULTI and
 * EXEC the dispatcher ({@link KvStore#execute}) queues each command and answers {@code +QUEUED};
 * one refused while queueing (unknown, wrong arity, NO_MULTI) marks the transaction so that EXEC
 * answers EXECABORT. EXEC runs the queued commands one after the other under the store's lock
 * held once (no other client's command runs between them), each as it would run alone (an error
 * fails only its own command), with blocking commands answering as their non-blocking forms; the
 * AOF gets them as one unit ({@link Aof#beginUnit}). A change to a WATCHed key ({@link Watches})
 * makes EXEC answer a null array instead.
 */
final class TransactionCommands {

    private static final KvError EXECABORT =
            new KvError("EXECABORT Transaction discarded because of previous errors.");

    /** A command queued between MULTI and EXEC. */
    record Queued(Command cmd, byte[][] argv) {
    }

    private TransactionCommands() {
    }

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        return List.of(
                new Command("multi", 1, Set.of(NOSCRIPT, FAST, STALE), KeySpec.NONE, TransactionCommands::multi),
                new Command("exec", 1, Set.of(NOSCRIPT, STALE), KeySpec.NONE, TransactionCommands::exec),
                new Command("discard", 1, Set.of(NOSCRIPT, FAST, STALE), KeySpec.NONE, TransactionCommands::discard),
                new Command("watch", -2, Set.of(NOSCRIPT, FAST, STALE), new KeySpec(1, -1, 1), TransactionCommands::watch),
                new Command("unwatch", 1, Set.of(NOSCRIPT, FAST, STALE), KeySpec.NONE, (c, a) -> {
                    c.store.watches.unwatchAll(c);
                    c.watchBroken = false;
                    c.out.ok();
                }));
    }

    /** Whether {@code cmd} runs at once inside MULTI instead of being queued (as Redis's processCommand). */
    static boolean runsInMulti(Command cmd) {
        return switch (cmd.name()) {
            case "exec", "discard", "multi", "watch", "quit", "reset" -> true;
            default -> false;
        };
    }

    private static void multi(Client c, byte[][] a) {
        if (c.multi != null) {
            throw new KvError("ERR MULTI calls can not be nested");
        }
        c.multi = new ArrayList<>();
        c.out.ok();
    }

    private static void discard(Client c, byte[][] a) {
        if (c.multi == null) {
            throw new KvError("ERR DISCARD without MULTI");
        }
        reset(c);
        c.out.ok();
    }

    private static void watch(Client c, byte[][] a) {
        if (c.multi != null) {
            throw new KvError("ERR WATCH inside MULTI is not allowed");
        }
        if (!c.watchBroken) { // no point watching more once broken
            for (int i = 1; i < a.length; i++) {
                c.store.watches.watch(c, c.store.db, a[i]);
            }
        }
        c.out.ok();
    }

    /** Leaves the transaction state: nothing queued, nothing watched (EXEC, DISCARD, RESET, a closed connection). */
    static void reset(Client c) {
        c.multi = null;
        c.multiError = false;
        c.watchBroken = false;
        c.store.watches.unwatchAll(c);
    }

    private static void exec(Client c, byte[][] a) {
        if (c.multi == null) {
            throw new KvError("ERR EXEC without MULTI");
        }
        KvStore s = c.store;
        if (s.watches.expiredSinceWatch(c)) {
            c.watchBroken = true;
        }
        if (c.multiError || c.watchBroken) {
            boolean aborted = c.multiError;
            reset(c);
            if (aborted) {
                throw EXECABORT;
            }
            c.out.nullArray();
            return;
        }
        List<Queued> queued = c.multi;
        reset(c);
        c.out.array(queued.size());
        boolean noBlock = c.noBlock;
        c.noBlock = true; // a blocking command answers as its non-blocking form
        Aof log = s.aof;
        if (log != null) {
            log.beginUnit();
        }
        try {
            for (Queued q : queued) {
                s.run(c, q.cmd(), q.argv());
            }
        } finally {
            c.noBlock = noBlock;
            if (log != null) {
                log.endUnit();
            }
        }
    }
}
