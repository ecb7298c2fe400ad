package dev.netloom.kv;

import dev.netloom.core.CommandCounts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The dataset and the dispatcher. Every command runs under one lock, so each is atomic with
 * respect to every other, as on Redis (whose single thread gives the same guarantee); the lock
 * is held only while the command runs in memory, never across network or disk I/O.
 *
 * <p>Expiry: a key's absolute expiry (Unix ms) is in its entry. A key found expired when it is
 * looked up is deleted then (lazily), and {@link #activeExpire} deletes those nobody asks for,
 * from a heap ordered by expiry time. Either way the AOF gets a {@code DEL}, so a replay
 * reproduces the same state; while loading, nothing expires (as in Redis).
 *
 * <p>Memory: each database keeps the estimate of its keys' size ({@link KvMemory}); a command's
 * lookups are settled into it when it ends. Past {@code maxmemory}, keys are evicted before a
 * command runs ({@link KvEviction}), and a {@code denyoom} command is refused when that cannot
 * bring the estimate under the limit.
 */
final class KvStore {

    /** Distinct error codes INFO errorstats keeps, as Redis (past them, new codes are not counted). */
    static final int MAX_ERROR_CODES = 128;
    /** How often a command waiting for a script's lock looks whether the script is past its limit (BUSY). */
    private static final long BUSY_POLL_MILLIS = 10;
    static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";

    final ReentrantLock lock = new ReentrantLock();
    final CommandTable table = new CommandTable();
    /** The databases, 0 to {@code kv.databases - 1}. */
    final KvDb[] dbs;
    /** The database of the command running (its client's, see {@link Client#db}); set under the lock. */
    KvDb db;
    /** The time commands see: fixed for the length of a command, as Redis caches it. */
    long now = System.currentTimeMillis();
    /** Changes made (Redis's "dirty"): a write command that changed nothing is not logged. */
    long dirty;
    boolean loading;
    /** Longest a string may grow by SETRANGE or APPEND: the server's proto-max-bulk-len (512 MiB). */
    long maxString = 512L * 1024 * 1024;
    // ---- streams (kv-streams): Redis's stream-node-max-entries/-bytes, which CONFIG SET may change ----
    /** Entries (live and deleted) per listpack node of a stream; approximate trims remove whole nodes. */
    int streamNodeMaxEntries = 100;
    /** Bytes per listpack node of a stream (estimated; see {@link KvStream}). */
    long streamNodeMaxBytes = 4096;
    Aof aof;
    /** The server around the store (INFO's clients and stats); null in tests of the store alone. */
    KvHost host;
    /** Lua scripting (see the section "scripting" at the end); made on the first script. */
    private LuaScripts scripts;
    /** How long a script runs before it is busy (Redis's busy-reply-threshold, ms; 0 = never). */
    volatile long scriptTimeLimitMillis = 5000;
    /** A script has run past the limit: others get -BUSY without waiting for the lock. */
    volatile boolean scriptBusy;

    // ---- pub/sub and keyspace notifications (PubSub, Subscriber, KeyspaceEvents) ----
    final PubSub pubsub = new PubSub();
    /** The limit of a subscriber's queued output (client-output-buffer-limit pubsub); read at each message. */
    volatile Subscriber.Limit pubsubLimit = Subscriber.Limit.PUBSUB;
    /** notify-keyspace-events as flags ({@link KeyspaceEvents}); 0 = off, the default. */
    volatile int notifyFlags;
    final KeyspaceEvents events = new KeyspaceEvents();

    final LongAdder commands = new LongAdder();
    /** Commands received, by name (the known ones; {@code other} for the rest). */
    final CommandCounts calls = table.newCounts();
    /** Error replies (Redis's total_error_replies). */
    final LongAdder errors = new LongAdder();
    /** INFO errorstats: error replies by their first word (ERR, WRONGTYPE, ...), at most {@link #MAX_ERROR_CODES}. */
    final Map<String, Long> errorCounts = new TreeMap<>();
    long hits;
    long misses;
    long expired;

    // ---- memory and eviction (see KvMemory, KvEviction, KvParams) ----
    /** CONFIG's parameters: maxmemory and its policy, the encoding thresholds, ... */
    final KvParams params = new KvParams(this);
    final KvEviction eviction = new KvEviction(this);
    /** Keys evicted (INFO's evicted_keys). */
    long evicted;
    /** Set while a lookup must not count as an access (OBJECT, as Redis's LOOKUP_NOTOUCH). */
    boolean noTouch;
    /** Keys the running command looked up or created, and their databases: settled into the estimate when it ends. */
    private Dict.Entry[] touched = new Dict.Entry[16];
    private KvDb[] touchedIn = new KvDb[16];
    private int touchedCount;

    private final long[] opsSamples = new long[10];
    private int opsSample;
    /** The keys the running command's handler said it changed ({@link #modifiedKey}); null: all of its keys. */
    private List<byte[]> modifiedKeys;
    /** WATCHed keys (kv-multi: transactions). */
    final Watches watches = new Watches(this);
    /** Clients blocked on keys (kv-multi: BLPOP and the like). */
    final Blocking blocking = new Blocking(this);

    KvStore() {
        this(16);
    }

    KvStore(int databases) {
        dbs = new KvDb[databases];
        for (int i = 0; i < databases; i++) {
            dbs[i] = new KvDb(i);
        }
        db = dbs[0];
    }

    /** Runs one request for {@code c}: lookup, arity, then the handler under the lock. */
    void execute(Client c, byte[][] argv) {
        int mark = c.out.size();
        dispatch(c, argv);
        if (c.replyOff || c.replySkip > 0) { // CLIENT REPLY OFF or SKIP: the reply is dropped
            c.out.truncate(mark);
            if (c.replySkip > 0) {
                c.replySkip--;
            }
        }
    }

    /** {@link #execute} but for CLIENT REPLY. */
    private void dispatch(Client c, byte[][] argv) {
        int slot = table.slot(argv[0]);
        calls.count(slot);
        if (slot < 0) {
            refuse(c, unknownCommand(argv));
            return;
        }
        Command cmd = table.at(slot);
        if (!cmd.arityOk(argv.length)) {
            reject(c, cmd, KvError.wrongArgs(cmd.name()).getMessage());
            return;
        }
        String refused = PubSub.refusal(c, cmd);
        if (refused != null) {
            refuse(c, refused);
            return;
        }
        if (scriptBusy && answeredWhileBusy(c, cmd, argv)) {
            return;
        }
        if (c.multi != null && !TransactionCommands.runsInMulti(cmd)) {
            if (cmd.has(CommandFlag.NO_MULTI)) {
                refuse(c, "ERR Command not allowed inside a transaction");
                return;
            }
            if (params.maxmemory > 0 && cmd.has(CommandFlag.DENYOOM)) {
                lock.lock();
                try {
                    if (overMemory(c, cmd)) { // refused when queued, as Redis: EXEC then aborts
                        reject(c, cmd, OOM);
                        return;
                    }
                } finally {
                    lock.unlock();
                }
            }
            c.multi.add(new TransactionCommands.Queued(cmd, argv)); // EXEC runs it
            c.out.raw(Reply.QUEUED);
            return;
        }
        if (scripts != null && !awaitLock(c, cmd, argv)) {
            return;
        }
        run(c, cmd, argv);
    }

    /**
     * Waits for the lock, which a script may hold, and answers as {@link #answeredWhileBusy} if
     * the script goes past its time limit meanwhile (a command sent just before that would
     * otherwise wait until the script ends); false when answered so.
     */
    private boolean awaitLock(Client c, Command cmd, byte[][] argv) {
        try {
            while (!lock.tryLock(BUSY_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                if (scriptBusy && answeredWhileBusy(c, cmd, argv)) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
        lock.unlock(); // run() takes it again: it counts its holds
        return true;
    }

    /**
     * Whether {@code cmd} must be refused for memory (under the lock): a {@code denyoom} command
     * while the estimate is over maxmemory after evicting what the policy allows.
     */
    private boolean overMemory(Client c, Command cmd) {
        // as Redis's processCommand: evict before any command, refuse only those that may grow the
        // data, EXEC among them when it has such a command queued
        if (!overMaxmemory()) {
            return false;
        }
        return cmd.has(CommandFlag.DENYOOM) || (c.multi != null && cmd.name().equals("exec")
                && c.multi.stream().anyMatch(q -> q.cmd().has(CommandFlag.DENYOOM)));
    }

    /** Whether memory is over maxmemory after evicting what the policy allows (never while loading). */
    boolean overMaxmemory() {
        return params.maxmemory > 0 && !loading && !eviction.freeMemory();
    }
    /** A request refused before it runs; inside MULTI it also makes EXEC fail (EXECABORT), as Redis's rejectCommand. */
    private void refuse(Client c, String text) {
        if (c.multi != null) {
            c.multiError = true;
        }
        error(c, text);
    }

    /**
     * An error reply, counted ({@code netloom_errors_total}, INFO errorstats by its first word)
     * unless the AOF is being replayed.
     */
    void error(Client c, String text) {
        c.out.error(text);
        if (!loading) {
            errors.increment();
            int space = text.indexOf(' ');
            String code = space < 0 ? text : text.substring(0, space);
            if (errorCounts.size() < MAX_ERROR_CODES || errorCounts.containsKey(code)) {
                errorCounts.merge(code, 1L, Long::sum);
            }
        }
    }

    /** {@code cmd} refused before it ran (INFO commandstats' rejected_calls). */
    void reject(Client c, Command cmd, String text) {
        refuse(c, text);
        if (!loading) {
            table.stats(cmd).rejected++;
        }
    }

    void run(Client c, Command cmd, byte[][] argv) {
        lock.lock();
        KvDb outer = db; // a script's commands run inside EVAL's
        boolean outermost = lock.getHoldCount() == 1; // not a command of EXEC, a script, or a blocked client served
        int runMark = c.out.size();
        List<byte[]> outerModified = modifiedKeys;
        modifiedKeys = null;
        int settleFrom = touchedCount;
        try {
            db = dbs[c.db];
            if (outermost) {
                // one time for all of an EXEC (Redis's fixed_time_expire), and a script's commands see the script's
                now = System.currentTimeMillis();
            }
            // eviction, as Redis's processCommand: before the command (not a script's inner ones), never while loading
            if (outermost && overMemory(c, cmd)) {
                if (c.multi != null && cmd.name().equals("exec")) { // Redis's execCommandAbort
                    TransactionCommands.reset(c);
                    reject(c, cmd, "EXECABORT Transaction discarded because of: " + OOM);
                } else {
                    reject(c, cmd, OOM);
                }
                return;
            }
            long before = dirty;
            c.propagated = null;
            Aof log = aof;
            if (log != null && cmd.write() && log.failure() != null) {
                reject(c, cmd, "MISCONF Errors writing to the AOF file: " + log.failure().getMessage());
                return;
            }
            if (log != null && cmd.write()) {
                log.beforeWrite(cmd, argv, db);
            }
            CommandStats stat = table.stats(cmd);
            boolean rerun = c.blocked != null; // a blocked client served: its command was counted when it blocked
            long started = System.nanoTime();
            try {
                cmd.handler().run(c, argv);
            } catch (KvError e) {
                error(c, e.getMessage());
                stat.failed++;
            }
            if (!rerun) {
                stat.calls++;
            }
            stat.nanos += System.nanoTime() - started;
            if (notifyFlags != 0) {
                events.commandEnded(this, cmd, argv, dirty != before);
            }
            if (dirty != before && cmd.write() && (watches.active() || blocking.active())) {
                // the keys the handler named, or every key of a write that changed something, as most Redis commands signal
                for (byte[] key : modifiedKeys != null ? modifiedKeys : cmd.keys(argv)) {
                    keyModified(db, key);
                }
            }
            if (log != null) {
                if (dirty != before && cmd.write()) {
                    log.feed(argv, c.propagated, c.db);
                }
                // the reply waits for the file to hold everything this command saw, as on Redis,
                // where no reply leaves before the AOF buffer is written: nobody reads unlogged data
                c.aofOffset = log.end();
            }
            if (c.outbox != null) {
                if (outermost && (c.replyOff || c.replySkip > 0)) {
                    c.out.truncate(runMark); // CLIENT REPLY OFF/SKIP, before the reply joins the queue
                }
                // in its place among the messages published before and after it (see Subscriber)
                c.outbox.reply(c.out, c.aofOffset);
            }
            if (!loading) {
                commands.increment(); // the AOF's replay at start is no client's command (Redis does not count it either)
            }
            if (outermost && blocking.active()) {
                blocking.serve(); // Redis's handleClientsBlockedOnKeys, after the command (or the whole EXEC)
            }
        } finally {
            modifiedKeys = outerModified;
            settle(settleFrom);
            db = outer;
            lock.unlock();
        }
    }

    static String unknownCommand(byte[][] argv) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < argv.length && args.length() < 128; i++) {
            String a = Bytes.str(argv[i]);
            args.append('\'').append(a, 0, Math.min(a.length(), 128 - args.length())).append("' ");
        }
        String name = Bytes.str(argv[0]);
        return "ERR unknown command '" + name.substring(0, Math.min(128, name.length()))
                + "', with args beginning with: " + args;
    }

    // ---- lookups (all under the lock) ----

    /** The live entry of {@code key}, deleting it first if it has expired; counts hits and misses. */
    Dict.Entry lookup(byte[] key) {
        return lookup(db, key);
    }

    /** The live entry of {@code key} in database {@code in} (as {@link #lookup(byte[])}). */
    Dict.Entry lookup(KvDb in, byte[] key) {
        Dict.Entry e = in.keys.find(key);
        if (e != null && e.expireAt != 0 && e.expireAt <= now && !loading) {
            expire(in, e);
            e = null;
        }
        if (e == null) {
            misses++;
        } else {
            hits++;
            if (!noTouch) {
                KvMemory.touch(e, params, now);
            }
            touched(in, e);
        }
        return e;
    }

    /** The value of {@code key}, or null. */
    Object get(byte[] key) {
        Dict.Entry e = lookup(key);
        return e == null ? null : e.value;
    }

    /** The value of {@code key} if it is a {@code type} (null if missing; WRONGTYPE otherwise). */
    <T> T get(byte[] key, Class<T> type) {
        Object v = get(key);
        if (v == null) {
            return null;
        }
        if (!type.isInstance(v)) {
            throw KvError.WRONGTYPE;
        }
        return type.cast(v);
    }

    byte[] getString(byte[] key) {
        return get(key, byte[].class);
    }

    /** The {@code type} value of {@code key}, created empty (and stored) when missing. */
    <T> T getOrCreate(byte[] key, Class<T> type, Supplier<T> empty) {
        T v = get(key, type);
        if (v == null) {
            v = empty.get();
            Dict.Entry e = db.keys.put(key, v);
            e.lru = KvMemory.fresh(params, now);
            touched(db, e);
            created(db, key);
        }
        return v;
    }

    /** Sets {@code key} to {@code value}; its TTL is cleared unless {@code keepTtl}. */
    Dict.Entry set(byte[] key, Object value, boolean keepTtl) {
        Dict.Entry e = db.keys.addIfAbsent(key);
        if (e.value == null) {
            created(db, key);
        }
        if (e.value == null || !params.policy.lfu()) {
            e.lru = KvMemory.fresh(params, now); // an overwrite keeps its LFU counter, as Redis's dbSetValue
        } else {
            e.lru &= ~(KvMemory.RAW | KvMemory.CONVERTED);
        }
        db.keys.set(e, value);
        touched(db, e);
        if (!keepTtl && e.expireAt != 0) {
            e.expireAt = 0;
            db.volatileKeys--;
        }
        return e;
    }

    /** Sets a string changed in place (APPEND, SETRANGE), which Redis reports as raw whatever it holds. */
    Dict.Entry setRaw(byte[] key, byte[] value) {
        Dict.Entry e = set(key, value, true);
        e.lru |= KvMemory.RAW;
        return e;
    }

    /** Deletes {@code key} if present (expired or not); returns whether it was. */
    boolean delete(byte[] key) {
        return delete(db, key);
    }

    /** Deletes {@code key} from {@code in} if present (expired or not); returns whether it was. */
    static boolean delete(KvDb in, byte[] key) {
        Dict.Entry e = in.keys.remove(key);
        if (e == null) {
            return false;
        }
        if (e.expireAt != 0) {
            in.volatileKeys--;
        }
        if (e.bytes > 0) {
            in.bytes -= e.bytes;
        }
        e.bytes = -1;
        return true;
    }

    /** Deletes an aggregate left with no elements, as Redis does (a {@code del} event); call after removing from it. */
    void deleteIfEmpty(byte[] key, Value v) {
        if (v.size() == 0) {
            delete(key);
            notify(db, KeyspaceEvents.GENERIC, "del", key);
        }
    }

    /** Sets or (with 0) clears the absolute expiry of a live entry. */
    void expireAt(Dict.Entry e, long at) {
        expireAt(db, e, at);
    }

    /** Sets or (with 0) clears the absolute expiry of a live entry of {@code in}. */
    static void expireAt(KvDb in, Dict.Entry e, long at) {
        if (e.expireAt == 0 && at != 0) {
            in.volatileKeys++;
        } else if (e.expireAt != 0 && at == 0) {
            in.volatileKeys--;
        }
        e.expireAt = at;
        if (at != 0) {
            in.addExpiry(at, e.key);
        }
    }

    /**
     * Puts {@code e}'s value and expiry under {@code key} in database {@code to}, which must not
     * hold it (MOVE, COPY ... DB); a running AOF rewrite is told first.
     */
    Dict.Entry putInto(KvDb to, byte[] key, Object value, long expireAt) {
        if (aof != null) {
            aof.beforeWrite(to, key);
        }
        Dict.Entry ne = to.keys.addIfAbsent(key);
        if (ne.value == null) {
            created(to, key);
        }
        to.keys.set(ne, value);
        ne.lru = KvMemory.fresh(params, now);
        touched(to, ne);
        if (expireAt != 0) {
            expireAt(to, ne, expireAt);
        }
        keyModified(to, key);
        return ne;
    }

    /** Counts a change (Redis's dirty counter); a write that changes nothing is not logged. */
    void changed() {
        dirty++;
    }

    void changed(long n) {
        dirty += n;
    }

    private void expire(KvDb in, Dict.Entry e) {
        deleteLogged(in, e);
        if (notifyFlags != 0) {
            KeyspaceEvents.publish(this, in, KeyspaceEvents.EXPIRED, "expired", e.key);
        }
        expired++;
    }

    /**
     * Evicts a key (maxmemory): deletes it, logs a DEL to the AOF, counts it in evicted_keys. The
     * one place a key leaves by eviction, for what else must hear of it (WATCH, notifications).
     */
    void evicted(KvDb in, Dict.Entry e) {
        deleteLogged(in, e);
        evicted++;
        if (notifyFlags != 0) {
            KeyspaceEvents.publish(this, in, KeyspaceEvents.EVICTED, "evicted", e.key);
        }
    }

    /** Deletes a key the server removes on its own (expiry, eviction), logged to the AOF as a DEL. */
    private void deleteLogged(KvDb in, Dict.Entry e) {
        delete(in, e.key);
        dirty++;
        keyModified(in, e.key);
        if (aof != null) {
            aof.expired(e, in.index);
        }
    }

    // ---- the modified-key signal: WATCH and blocked clients (kv-multi) ----

    /**
     * From a handler whose command changed only some of its keys (SMOVE: the destination only when
     * it gained the member): the keys to signal after it, in place of all of the command's.
     */
    void modifiedKey(byte[] key) {
        if (modifiedKeys == null) {
            modifiedKeys = new ArrayList<>(2);
        }
        modifiedKeys.add(key);
    }

    /**
     * Says that {@code key} of database {@code in} has changed (Redis's {@code signalModifiedKey}):
     * every transaction WATCHing it is broken, and clients blocked on it look again after the
     * command. Called under the lock, after the change: by the dispatcher for every key of a
     * write command that changed the dataset (conservative: all of {@link Command#keys}, as most
     * Redis commands signal), by expiry (lazy and active), by {@link #putInto} (MOVE's and
     * COPY's destination), and by whatever deletes keys on its own, such as eviction, for each
     * key it deletes. Costs one {@code isEmpty()} each when nobody watches or waits.
     */
    void keyModified(KvDb in, byte[] key) {
        watches.touch(in, key);
        blocking.signal(in, key);
    }

    /**
     * Says that every key of {@code emptied} is about to be replaced by {@code replacedWith}'s
     * (SWAPDB, called for both databases before the swap) or to be deleted ({@code null}:
     * FLUSHDB, FLUSHALL): Redis's {@code touchAllWatchedKeysInDb}, and its waiting clients look
     * again after the command.
     */
    void dbModified(KvDb emptied, KvDb replacedWith) {
        watches.touchAll(emptied, replacedWith);
        blocking.signalAll(emptied);
    }

    /** Whether {@code key} of {@code in} is there but past its expiry (not yet deleted). */
    boolean isExpired(KvDb in, byte[] key) {
        Dict.Entry e = in.keys.find(key);
        return e != null && e.expireAt != 0 && e.expireAt <= now && !loading;
    }

    /** A connection has closed: it watches nothing and waits for nothing any more. */
    void clientClosed(Client c) {
        lock.lock();
        try {
            TransactionCommands.reset(c);
            Blocking.Blocked b = c.blocked;
            if (b != null) {
                blocking.end(b, null);
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- the memory estimate ----

    /** Remembers that the running command looked up or created {@code e} in {@code in}. */
    private void touched(KvDb in, Dict.Entry e) {
        if (touchedCount == touched.length) {
            touched = Arrays.copyOf(touched, touchedCount * 2);
            touchedIn = Arrays.copyOf(touchedIn, touchedCount * 2);
        }
        touched[touchedCount] = e;
        touchedIn[touchedCount++] = in;
    }

    /**
     * Brings the estimate up to date for the keys looked up since {@code from} (the running
     * command's): O(1) each, as every value keeps its own size; an aggregate past its compact
     * encoding's thresholds is marked converted (Redis converts one way).
     */
    void settle(int from) {
        for (int i = from; i < touchedCount; i++) {
            Dict.Entry e = touched[i];
            touched[i] = null;
            KvDb in = touchedIn[i];
            touchedIn[i] = null;
            if (e.bytes < 0 || e.value == null) {
                continue; // deleted since, or a lookup for a key being created
            }
            int b = KvMemory.estimate(e);
            in.bytes += b - e.bytes;
            e.bytes = b;
            if (e.value instanceof Value v && (e.lru & KvMemory.CONVERTED) == 0 && KvMemory.outgrew(v, params)) {
                e.lru |= KvMemory.CONVERTED;
            }
        }
        touchedCount = from;
    }

    /** The memory estimate of every database (INFO's used_memory; what maxmemory limits). */
    long used() {
        return dataset() + (long) dbs.length * KvMemory.EMPTY_DB;
    }

    /** The estimate of the keys and values alone (INFO's used_memory_dataset). */
    long dataset() {
        long n = 0;
        for (KvDb d : dbs) {
            n += d.bytes;
        }
        return n;
    }

    /**
     * Deletes keys whose time has come, at most {@code budget} of them; returns how many. Called
     * ten times a second by the service (Redis's active expire cycle, exact rather than sampled).
     */
    int activeExpire(int budget) {
        lock.lock();
        try {
            now = System.currentTimeMillis();
            int n = 0;
            for (KvDb in : dbs) {
                while (n < budget && !in.expiries.isEmpty() && in.expiries.peek().at() <= now) {
                    KvDb.Expiry x = in.expiries.poll();
                    Dict.Entry e = in.keys.find(x.key());
                    if (e != null && e.expireAt == x.at()) {
                        expire(in, e);
                        n++;
                    }
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    // ---- pub/sub and keyspace notifications ----

    /**
     * A keyspace notification from a handler (Redis's notifyKeyspaceEvent): {@code type} is a
     * class of {@link KeyspaceEvents} (GENERIC, STRING, ..., EVICTED), {@code event} Redis's name
     * for it ("del", "expire", "evicted"). Under the lock; published when the command ends, after
     * the dispatcher's own event for the command. Free when notify-keyspace-events is empty.
     */
    void notify(KvDb in, int type, String event, byte[] key) {
        if ((notifyFlags & type) != 0) {
            events.hold(in, type, event, key);
        }
    }

    /** A key was added to {@code in}: Redis's {@code new} keyspace event (class n), when asked for. */
    private void created(KvDb in, byte[] key) {
        if ((notifyFlags & KeyspaceEvents.NEW) != 0 && !loading) {
            notify(in, KeyspaceEvents.NEW, "new", key);
        }
    }

    /** Sets notify-keyspace-events from Redis's letters (K, E, g, $, l, s, h, z, x, e, t, m, d, n, A). */
    void notifyKeyspaceEvents(String classes) {
        int flags = KeyspaceEvents.parse(classes);
        if (flags < 0) {
            throw new KvError("ERR Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
        }
        notifyFlags = flags;
    }

    /** Gives {@code c} a {@link Subscriber} for its output (its first SUBSCRIBE); without a connection, none. */
    void pushing(Client c) {
        if (c.outbox == null && c.connection != null && host != null) {
            c.outbox = new Subscriber(c, c.connection, c.socket, host.writers());
        }
    }

    /** Queues a pushed message to {@code to}: to its subscriber queue, or its replies without one (tests). */
    void push(Client to, byte[] frame) {
        Subscriber s = to.outbox;
        if (s != null) {
            s.message(frame);
        } else {
            to.out.raw(frame);
        }
    }

    /** A connection ended: its subscriptions go. */
    void disconnected(Client c) {
        if (c.subscriptions() == 0) {
            return;
        }
        lock.lock();
        try {
            pubsub.removeAll(c);
        } finally {
            lock.unlock();
        }
    }

    /** Records the command count; called ten times a second (see {@link #opsPerSecond}). */
    void sampleOps() {
        opsSamples[opsSample++ % opsSamples.length] = commands.sum();
    }

    /** Commands per second over the last second of samples (INFO, status). */
    double opsPerSecond() {
        int n = opsSample;
        if (n < 2) {
            return 0;
        }
        int span = Math.min(n - 1, opsSamples.length - 1);
        long newest = opsSamples[(n - 1) % opsSamples.length];
        long oldest = opsSamples[(n - 1 - span) % opsSamples.length];
        return (newest - oldest) * 10.0 / span;
    }

    /** Keys in every database (status, the AOF's load message). */
    long keyCount() {
        long n = 0;
        for (KvDb d : dbs) {
            n += d.keys.size();
        }
        return n;
    }

    /** Keys with a TTL in every database. */
    long volatileKeys() {
        long n = 0;
        for (KvDb d : dbs) {
            n += d.volatileKeys;
        }
        return n;
    }

    /** The database numbered {@code index}, or an error in Redis's words. */
    KvDb db(long index) {
        if (index < 0 || index >= dbs.length) {
            throw new KvError("ERR DB index is out of range");
        }
        return dbs[(int) index];
    }

    /** Emits the commands that rebuild one key, with its expiry (the AOF rewrite). */
    static void rewrite(Dict.Entry e, Consumer<byte[][]> emit) {
        if (e.value instanceof byte[] s) {
            emit.accept(new byte[][] {Bytes.of("SET"), e.key, s});
        } else {
            ((Value) e.value).rewrite(e.key, emit);
        }
        if (e.expireAt != 0) {
            emit.accept(new byte[][] {Bytes.of("PEXPIREAT"), e.key, Bytes.of(e.expireAt)});
        }
    }

    /** Splits {@code items} into commands of at most {@code per} items after {@code head} (RPUSH k ..., SADD k ...). */
    static void chunked(byte[][] head, List<byte[]> items, int per, Consumer<byte[][]> emit) {
        for (int i = 0; i < items.size(); i += per) {
            int n = Math.min(per, items.size() - i);
            byte[][] argv = new byte[head.length + n][];
            System.arraycopy(head, 0, argv, 0, head.length);
            for (int k = 0; k < n; k++) {
                argv[head.length + k] = items.get(i + k);
            }
            emit.accept(argv);
        }
    }

    static List<byte[]> list() {
        return new ArrayList<>();
    }

    // ---- scripting (EVAL; see LuaScripts) ----

    /** The scripting engine, made on first use (under the lock). */
    LuaScripts scripts() {
        if (scripts == null) {
            scripts = new LuaScripts(this);
        }
        return scripts;
    }

    /**
     * While a script runs past its time limit (without the lock, which the script holds): SCRIPT
     * KILL is answered, anything else gets -BUSY, as Redis answers while a script is busy.
     * Returns false when the script ended meanwhile and the command runs as usual.
     */
    private boolean answeredWhileBusy(Client c, Command cmd, byte[][] argv) {
        LuaScripts s = scripts;
        if (s == null || !scriptBusy) {
            return false;
        }
        boolean function = cmd.name().equals("function") && argv.length == 2;
        if (function && Bytes.is(argv[1], "stats")) { // allowed while busy, as Redis's allow-busy
            try {
                ScriptCommands.stats(c, s);
            } catch (KvError e) {
                error(c, e.getMessage());
            }
            return true;
        }
        if ((function || cmd.name().equals("script") && argv.length == 2) && Bytes.is(argv[1], "kill")) {
            String refused = s.kill(function);
            if (refused == null) {
                c.out.ok();
            } else {
                error(c, refused);
            }
            return true;
        }
        // MULTI is allowed while busy (Redis's allow-busy flag); it is the client's own state
        if (cmd.name().equals("multi") && c.multi == null) {
            c.multi = new ArrayList<>();
            c.out.ok();
            return true;
        }
        if (cmd.name().equals("exec") && c.multi != null) {
            // refused, and the transaction with it (Redis's execCommandAbort); its WATCHes go with
            // the next EXEC, DISCARD, UNWATCH or RESET, which take the lock
            c.multi = null;
            c.multiError = false;
            error(c, "EXECABORT Transaction discarded because of: " + s.busy());
            return true;
        }
        refuse(c, s.busy()); // inside MULTI, EXEC then aborts
        return true;
    }

    /** The code of each function library, for an AOF rewrite (none when scripting was never used). */
    List<byte[]> functionCodes() {
        return scripts == null ? List.of() : scripts.functions().codes();
    }
}
