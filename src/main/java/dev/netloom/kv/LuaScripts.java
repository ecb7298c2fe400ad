package dev.netloom.kv;

import dev.netloom.resp.RespArgs;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

import java.io.ByteArrayInputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lua scripting (EVAL, EVALSHA, SCRIPT), as Redis 7.0's {@code eval.c} and {@code script.c}:
 * one Lua environment ({@link LuaSandbox}) for every script, a cache of compiled scripts by the
 * SHA1 of their body, and the run of one script at a time under the store's lock, so a script
 * is atomic as every command is. The commands a script calls go through the command table with
 * the checks Redis makes for a script (arity, {@code noscript}, writes from a read-only script)
 * and run for the script's own {@link Client}, whose RESP reply is read back into Lua
 * ({@link LuaReplies}). Their effects, not the script, go to the AOF: each write as itself, all
 * of one script wrapped in MULTI ... EXEC when there is more than one ({@link Aof#beginUnit}).
 *
 * <p>Time limit: LuaJ's instruction hook checks the clock every {@value #CHECK_EVERY}
 * instructions; past {@link KvStore#scriptTimeLimitMillis} (Redis's busy-reply-threshold) it
 * raises {@link KvStore#scriptBusy}, and other clients get {@code -BUSY} without waiting for the
 * lock. SCRIPT KILL, answered without the lock, then stops a script that has not written.
 */
final class LuaScripts {

    private static final System.Logger LOG = System.getLogger(LuaScripts.class.getName());
    static final String BUSY = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    private static final String BUSY_FUNCTION =
            "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
    private static final String NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";
    private static final int CHECK_EVERY = 1000;
    private static final Pattern POSITION = Pattern.compile("^@(user_script|user_function):(\\d+) ");
    private static final Pattern LUAJ_CALL = Pattern.compile("attempt to call (nil|boolean|number|string|table)$");
    private static final Set<String> SCRIPT_FLAGS = Set.of("no-writes", "allow-oom", "allow-stale", "no-cluster",
            "allow-cross-slot-keys");

    /**
     * A compiled script (its SHA, or a function's name, and its code), whether it had a shebang
     * (functions do: Redis's eval compatibility mode is for EVAL without one) and its flags.
     */
    record Script(String sha, LuaValue function, boolean shebang, Set<String> flags) {
        boolean noWrites() {
            return flags.contains("no-writes");
        }
    }

    /** The script running now (read by SCRIPT KILL and the hook from other threads). */
    private static final class Run {
        final String name;
        final boolean readOnly;
        final boolean function;
        /** Memory was over maxmemory when the script started, and it has no allow-oom flag. */
        final boolean denyOom;
        final byte[][] argv;
        final long start = System.nanoTime();
        volatile boolean killed;
        volatile boolean wrote;

        /** The run of script {@code name} (a SHA, or a function's name when {@code function}) for command {@code argv}. */
        Run(String name, boolean readOnly, boolean function, byte[][] argv, boolean denyOom) {
            this.name = name;
            this.denyOom = denyOom;
            this.readOnly = readOnly;
            this.function = function;
            this.argv = argv;
        }
    }

    /** Thrown by the hook into a killed script: an Error, so no pcall in the script catches it. */
    private static final class Killed extends Error {
        Killed(boolean function) {
            super("Script killed by user with " + (function ? "FUNCTION" : "SCRIPT") + " KILL...", null, false, false);
        }
    }

    private final KvStore store;
    private final Client client;
    private final Map<String, Script> cache = new HashMap<>();
    private final LuaFunctions functions;
    private LuaSandbox.LockedTable env;
    private volatile Run running;
    private int countdown = CHECK_EVERY;
    /** While FUNCTION LOAD runs a library's code: when it must stop (System.nanoTime), else 0. */
    private long loadDeadline;

    LuaScripts(KvStore store) {
        this.store = store;
        this.client = new Client(0, store, "lua");
        client.noBlock = true; // BLPOP and the like answer at once in a script, as on Redis
        reset();
        // a Lua environment of its own, as Redis's functions engine; SCRIPT FLUSH leaves it alone
        functions = new LuaFunctions(this, LuaSandbox.create(api(), new Hook(), new LuaJson()));
    }

    /** The function libraries (FUNCTION, FCALL). */
    LuaFunctions functions() {
        return functions;
    }

    /** A fresh Lua environment and an empty cache (SCRIPT FLUSH). */
    void reset() {
        cache.clear();
        env = LuaSandbox.create(api(), new Hook(), new LuaJson());
    }

    int cached() {
        return cache.size();
    }

    // ---- EVAL, EVALSHA, *_RO, SCRIPT (under the store's lock) ----

    /** EVAL / EVALSHA ({@code bySha}) and their _RO forms ({@code ro}): runs the script for {@code c}. */
    void eval(Client c, byte[][] argv, boolean bySha, boolean ro) {
        if (bySha && argv[1].length != 40) {
            throw new KvError(NOSCRIPT);
        }
        int numkeys = numkeys(argv);
        Script s = bySha ? cache.get(Bytes.str(argv[1]).toLowerCase(Locale.ROOT)) : load(argv[1]);
        if (s == null) {
            throw new KvError(NOSCRIPT);
        }
        if (ro && s.shebang() && !s.noWrites()) {
            throw new KvError("ERR Can not execute a script with write flag using *_ro command.");
        }
        run(c, s, false, argv, numkeys, ro);
    }

    /** The number of keys of EVAL's or FCALL's {@code argv[2]}, checked as Redis checks it. */
    static int numkeys(byte[][] argv) {
        long numkeys = Bytes.toLong(argv[2]);
        if (numkeys > argv.length - 3) {
            throw new KvError("ERR Number of keys can't be greater than number of args");
        }
        if (numkeys < 0) {
            throw new KvError("ERR Number of keys can't be negative");
        }
        return (int) numkeys;
    }

    /** The script of {@code body}, compiled and cached if new (EVAL, SCRIPT LOAD). */
    Script load(byte[] body) {
        String sha = sha1hex(body);
        Script s = cache.get(sha);
        if (s != null) {
            return s;
        }
        int shebang = 0;
        Set<String> flags = Set.of();
        if (body.length >= 2 && body[0] == '#' && body[1] == '!') {
            shebang = indexOf(body, (byte) '\n');
            if (shebang < 0) {
                throw new KvError("ERR Invalid script shebang");
            }
            flags = shebangFlags(RespArgs.split(body, 0, shebang));
        }
        LuaValue f;
        try {
            f = env.load(new ByteArrayInputStream(body, shebang, body.length - shebang), "@user_script", "t", env);
        } catch (LuaError e) {
            throw new KvError("ERR Error compiling script (new function): " + luaMessage(e.getMessage()));
        }
        s = new Script(sha, f, shebang > 0, flags);
        cache.put(sha, s);
        return s;
    }

    /** Reads {@code #!lua flags=a,b}: the flags; throws Redis's errors for the rest. */
    private static Set<String> shebangFlags(byte[][] parts) {
        if (parts == null || parts.length == 0) {
            throw new KvError("ERR Invalid engine in script shebang");
        }
        if (!Bytes.str(parts[0]).equals("#!lua")) {
            throw new KvError("ERR Unexpected engine in script shebang: " + Bytes.str(parts[0]));
        }
        Set<String> flags = new HashSet<>();
        for (int i = 1; i < parts.length; i++) {
            String part = Bytes.str(parts[i]);
            if (!part.startsWith("flags=")) {
                throw new KvError("ERR Unknown lua shebang option: " + part);
            }
            for (String flag : part.substring(6).split(",")) {
                if (flag.isEmpty()) {
                    continue;
                }
                if (!SCRIPT_FLAGS.contains(flag)) {
                    throw new KvError("ERR Unexpected flag in script shebang: " + flag);
                }
                flags.add(flag);
            }
        }
        return flags;
    }

    boolean exists(byte[] sha) {
        return cache.containsKey(Bytes.str(sha).toLowerCase(Locale.ROOT));
    }

    /**
     * SCRIPT KILL ({@code function} false) and FUNCTION KILL: stops the running script (or
     * function) unless it has written; null when done, else the error. Called without the store's
     * lock while a script is busy (see {@link KvStore#execute}), or under it when none runs.
     */
    String kill(boolean function) {
        Run r = running;
        if (r == null) {
            return "NOTBUSY No scripts in execution right now.";
        }
        if (r.wrote) {
            return "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either"
                    + " wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
        }
        if (r.function != function) {
            return busy(); // SCRIPT KILL does not stop a function, nor FUNCTION KILL a script, as in Redis
        }
        r.killed = true;
        return null;
    }

    /** Sets (or clears, with 0) the time by which the library FUNCTION LOAD runs must be done. */
    void loadDeadline(long nanos) {
        loadDeadline = nanos;
        countdown = CHECK_EVERY;
    }

    /** The -BUSY error while a script or a function runs past its time limit. */
    String busy() {
        Run r = running;
        return r != null && r.function ? BUSY_FUNCTION : BUSY;
    }

    /**
     * The function running now, for FUNCTION STATS: its name, the command that called it and
     * milliseconds since it started; null when none is (or an EVAL script is: {@link #busy()}).
     */
    Object[] runningFunction() {
        Run r = running;
        return r == null || !r.function ? null
                : new Object[] {r.name, r.argv, (System.nanoTime() - r.start) / 1_000_000};
    }

    boolean evalRunning() {
        Run r = running;
        return r != null && !r.function;
    }

    // ---- running a script ----

    /**
     * Runs {@code s} for {@code c}: an EVAL script (KEYS and ARGV as globals) or, when
     * {@code function}, a function's callback (called with KEYS and ARGV); read-only when
     * {@code ro} (*_RO) or flagged no-writes. Over maxmemory, a script with flags but neither
     * allow-oom nor no-writes is refused, and the others may not run a {@code denyoom} command
     * before their first write, as Redis's scriptPrepareForRun and scriptVerifyOOM.
     */
    void run(Client c, Script s, boolean function, byte[][] argv, int numkeys, boolean ro) {
        String name = s.sha();
        LuaValue chunk = s.function();
        boolean oom = store.overMaxmemory();
        boolean allowOom = s.flags().contains("allow-oom");
        if (oom && s.shebang() && !allowOom && !s.noWrites()) {
            throw new KvError("OOM allow-oom flag is not set on the script, can not run it when used memory >"
                    + " 'maxmemory'");
        }
        LuaTable keys = array(argv, 3, numkeys);
        LuaTable args = array(argv, 3 + numkeys, argv.length - 3 - numkeys);
        if (!function) {
            env.setGlobal("KEYS", keys);
            env.setGlobal("ARGV", args);
        }
        Run r = new Run(name, ro || s.noWrites(), function, argv, oom && !allowOom);
        client.db = c.db; // the caller's database; a SELECT in the script changes the script's alone
        countdown = CHECK_EVERY;
        running = r;
        Aof log = store.aof;
        if (log != null) {
            log.beginUnit();
        }
        String error;
        try {
            LuaReplies.write(c.out, function ? chunk.call(keys, args) : chunk.call());
            return;
        } catch (LuaError e) {
            error = errorReply(e, name);
        } catch (Killed e) {
            LOG.log(Level.WARNING, "kv: Lua script killed by user with {0} KILL.", function ? "FUNCTION" : "SCRIPT");
            error = "ERR " + e.getMessage() + " script: " + name;
        } catch (StackOverflowError e) {
            error = "ERR Error running script " + name + ": stack overflow";
        } finally {
            running = null;
            store.scriptBusy = false;
            if (log != null) {
                log.endUnit();
            }
        }
        throw new KvError(error);
    }

    private static LuaTable array(byte[][] argv, int from, int n) {
        LuaTable t = new LuaTable(n, 0);
        for (int i = 0; i < n; i++) {
            t.rawset(i + 1, LuaString.valueOf(argv[from + i]));
        }
        return t;
    }

    /** A script's error as its caller gets it: the message, then where in the script, as Redis 7.0 words it. */
    private static String errorReply(LuaError e, String name) {
        LuaValue o = e.getMessageObject();
        String msg;
        if (o != null && o.istable() && o.rawget(LuaReplies.ERR).isstring()) {
            msg = o.rawget(LuaReplies.ERR).tojstring();
            msg = msg.startsWith("-") ? msg.substring(1) : msg;
        } else {
            msg = "ERR " + luaMessage(o == null || o.isnil() ? String.valueOf(e.getMessage()) : o.tojstring());
        }
        Matcher m = POSITION.matcher(String.valueOf(e.getMessage()));
        return m.find() ? msg + " script: " + name + ", on @" + m.group(1) + ":" + m.group(2) + "." : msg;
    }

    /** A LuaJ error message with its position as Lua 5.1 writes it: {@code user_script:1: text}. */
    static String luaMessage(String text) {
        Matcher m = POSITION.matcher(text);
        String s = m.find() ? m.group(1) + ":" + m.group(2) + ": " + text.substring(m.end()) : text;
        s = s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        return LUAJ_CALL.matcher(s).replaceFirst("attempt to call a $1 value"); // as Lua 5.1 words it
    }

    /** The hook on every instruction: the time limit and SCRIPT KILL. */
    private final class Hook extends DebugLib {
        @Override
        public void onInstruction(int pc, Varargs v, int top) {
            if (--countdown > 0) {
                return;
            }
            countdown = CHECK_EVERY;
            Run r = running;
            if (r == null) {
                if (loadDeadline != 0 && System.nanoTime() - loadDeadline > 0) {
                    throw new LuaError("FUNCTION LOAD timeout");
                }
                return;
            }
            if (r.killed) {
                throw new Killed(r.function);
            }
            long limit = store.scriptTimeLimitMillis;
            if (!store.scriptBusy && limit > 0 && System.nanoTime() - r.start > limit * 1_000_000) {
                LOG.log(Level.WARNING, "kv: slow script detected: still in execution after {0} ms. You can try"
                        + " killing the script using the SCRIPT KILL command. Script name is: {1}.", limit, r.name);
                store.scriptBusy = true;
            }
        }

        // no call stack kept: the sandbox has no debug library to read it
        @Override
        public void onCall(LuaFunction f) {
        }

        @Override
        public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
        }

        @Override
        public void onReturn() {
        }

        /** LuaJ adds "\n" and this to an error's message: nothing (luaMessage drops the "\n"), as Redis has no traceback. */
        @Override
        public String traceback(int level) {
            return "";
        }
    }

    // ---- the redis table ----

    private LuaTable api() {
        LuaTable t = new LuaTable();
        t.rawset("call", LuaSandbox.fn("call", a -> call(a, true)));
        t.rawset("pcall", LuaSandbox.fn("pcall", a -> call(a, false)));
        t.rawset("sha1hex", LuaSandbox.fn("sha1hex", a -> {
            if (a.narg() != 1) {
                throw raise("wrong number of arguments");
            }
            return LuaValue.valueOf(sha1hex(LuaReplies.bytes(a.checkstring(1))));
        }));
        t.rawset("error_reply", LuaSandbox.fn("error_reply", a -> {
            if (a.narg() != 1 || a.arg1().type() != LuaValue.TSTRING) {
                return LuaReplies.errorTable("ERR wrong number or type of arguments");
            }
            String text = a.arg1().tojstring();
            text = text.startsWith("-") ? text.substring(1) : text;
            return LuaReplies.errorTable(text.indexOf(' ') >= 0 ? text : ("ERR " + text).strip());
        }));
        t.rawset("status_reply", LuaSandbox.fn("status_reply", a -> {
            if (a.narg() != 1 || a.arg1().type() != LuaValue.TSTRING) {
                return LuaReplies.errorTable("ERR wrong number or type of arguments");
            }
            LuaTable ok = new LuaTable();
            ok.rawset(LuaReplies.OK, a.arg1());
            return ok;
        }));
        t.rawset("log", LuaSandbox.fn("log", LuaScripts::log));
        String[] levels = {"LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING"};
        for (int i = 0; i < levels.length; i++) {
            t.rawset(levels[i], LuaValue.valueOf(i));
        }
        t.rawset("setresp", LuaSandbox.fn("setresp", a -> {
            if (a.narg() != 1) {
                throw raise("redis.setresp() requires one argument.");
            }
            int resp = a.checkint(1);
            if (resp != 2 && resp != 3) {
                throw raise("RESP version must be 2 or 3.");
            }
            if (resp == 3) {
                throw raise("RESP3 is not supported by netloom kv yet");
            }
            return LuaValue.NONE;
        }));
        t.rawset("set_repl", LuaSandbox.fn("set_repl", a -> {
            if (a.narg() != 1) {
                throw raise("redis.set_repl() requires two arguments.");
            }
            if ((a.checkint(1) & ~3) != 0) {
                throw raise("Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
            }
            return LuaValue.NONE; // effects always go to the AOF (there are no replicas)
        }));
        t.rawset("REPL_NONE", LuaValue.valueOf(0));
        t.rawset("REPL_AOF", LuaValue.valueOf(1));
        t.rawset("REPL_SLAVE", LuaValue.valueOf(2));
        t.rawset("REPL_REPLICA", LuaValue.valueOf(2));
        t.rawset("REPL_ALL", LuaValue.valueOf(3));
        t.rawset("replicate_commands", LuaSandbox.fn("replicate_commands", a -> LuaValue.TRUE));
        t.rawset("breakpoint", LuaSandbox.fn("breakpoint", a -> LuaValue.FALSE));
        t.rawset("debug", LuaSandbox.fn("debug", a -> LuaValue.NONE));
        t.rawset("REDIS_VERSION", LuaValue.valueOf(ServerCommands.REDIS_VERSION));
        String[] v = ServerCommands.REDIS_VERSION.split("\\.");
        t.rawset("REDIS_VERSION_NUM", LuaValue.valueOf(
                (Integer.parseInt(v[0]) << 16) | (Integer.parseInt(v[1]) << 8) | Integer.parseInt(v[2])));
        return t;
    }

    /** An error raised as redis.call raises it: a table {@code {err="ERR text"}}. */
    static LuaError raise(String text) {
        return new LuaError(LuaReplies.errorTable("ERR " + text));
    }

    static Varargs log(Varargs a) {
        if (a.narg() < 2) {
            throw raise("redis.log() requires two arguments or more.");
        }
        if (a.arg1().type() != LuaValue.TNUMBER) {
            throw raise("First argument must be a number (log level).");
        }
        int level = a.arg1().toint();
        if (level < 0 || level > 3) {
            throw raise("Invalid debug level.");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 2; i <= a.narg(); i++) {
            if (a.arg(i).isstring()) {
                text.append(i > 2 ? " " : "").append(LuaFormat.text(a.arg(i)).tojstring());
            }
        }
        LOG.log(List.of(Level.DEBUG, Level.DEBUG, Level.INFO, Level.WARNING).get(level), "kv script: {0}", text);
        return LuaValue.NONE;
    }

    /** redis.call ({@code raise}) and redis.pcall: runs a command for the script, its reply as Lua sees it. */
    private Varargs call(Varargs a, boolean raise) {
        Run r = running;
        if (r == null) {
            throw raise("redis.call/pcall can only be called inside a script invocation");
        }
        int n = a.narg();
        if (n == 0) {
            return fail("Please specify at least one argument for this redis lib call", raise);
        }
        byte[][] argv = new byte[n][];
        for (int i = 0; i < n; i++) {
            LuaValue v = a.arg(i + 1);
            if (v.type() == LuaValue.TNUMBER) {
                argv[i] = LuaFormat.argument(v.todouble()).getBytes(StandardCharsets.US_ASCII);
            } else if (v.type() == LuaValue.TSTRING) {
                argv[i] = LuaReplies.bytes(v.checkstring());
            } else {
                return fail("Lua redis lib command arguments must be strings or integers", raise);
            }
        }
        Command cmd = store.table.lookup(argv[0]);
        if (cmd == null) {
            return fail("Unknown Redis command called from script", raise);
        }
        if (!cmd.arityOk(n)) {
            return fail("Wrong number of args calling Redis command from script", raise);
        }
        if (cmd.has(CommandFlag.NOSCRIPT)) {
            return fail("This Redis command is not allowed from script", raise);
        }
        if (r.denyOom && !r.wrote && cmd.has(CommandFlag.DENYOOM)) {
            return failWith(KvStore.OOM, raise);
        }
        if (cmd.write()) {
            if (r.readOnly) {
                return fail("Write commands are not allowed from read-only scripts.", raise);
            }
            r.wrote = true; // from now on SCRIPT KILL refuses, as Redis's SCRIPT_WRITE_DIRTY
        }
        store.run(client, cmd, argv);
        LuaValue reply = LuaReplies.toLua(client.out.take());
        if (raise && reply.istable() && reply.rawget(LuaReplies.ERR).isstring()) {
            throw new LuaError(reply);
        }
        return reply;
    }

    private static LuaValue fail(String text, boolean raise) {
        return failWith("ERR " + text, raise);
    }

    private static LuaValue failWith(String error, boolean raise) {
        LuaTable err = LuaReplies.errorTable(error);
        if (raise) {
            throw new LuaError(err);
        }
        return err;
    }

    static String sha1hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }
}
