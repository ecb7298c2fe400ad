package dev.netloom.kv;

import dev.netloom.resp.RespArgs;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.TwoArgFunction;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Redis 7.0's functions ({@code functions.c}, {@code function_lua.c}): libraries loaded with
 * {@code FUNCTION LOAD "#!lua name=lib\n..."}, whose code registers functions with
 * {@code redis.register_function} while it loads, called with FCALL / FCALL_RO. Libraries run in
 * a Lua environment of their own; their globals are a locked view that reads the library API
 * (only {@code redis.register_function}, {@code redis.log} and the version) while the library
 * loads, and the usual globals when a function is called. A function runs through
 * {@link LuaScripts#run} as an EVAL script does (conversion, time limit, kill, AOF effects).
 * Libraries live in memory; FUNCTION LOAD / DELETE / FLUSH are logged to the AOF, and an AOF
 * rewrite starts with a FUNCTION LOAD per library ({@link #codes()}).
 */
final class LuaFunctions {

    /** How long a library's code may run while it loads, as Redis's LOAD_TIMEOUT_MS. */
    private static final long LOAD_TIMEOUT_NANOS = 500_000_000L;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");
    /** Redis's function flags, in the order FUNCTION LIST gives them. */
    private static final List<String> FLAGS = List.of("no-writes", "allow-oom", "allow-stale", "no-cluster",
            "allow-cross-slot-keys");

    /** A registered function. */
    record Function(String name, LuaValue callback, String description, List<String> flags) {
        /** The function as {@link LuaScripts#run} runs it. */
        LuaScripts.Script script() {
            return new LuaScripts.Script(name, callback, true, Set.copyOf(flags));
        }
    }

    /** A library: its name, its code as loaded (shebang included), its functions by name. */
    record Library(String name, byte[] code, Map<String, Function> functions) {
    }

    private final LuaScripts scripts;
    private final LuaSandbox.LockedTable globals;
    private final LuaSandbox.LockedTable env;
    private final LuaSandbox.LockedTable loadApi;
    private final Map<String, Library> libraries = new LinkedHashMap<>();
    private final Map<String, Function> functions = new LinkedHashMap<>();
    /** The library being loaded, which redis.register_function adds to; null when none is. */
    private Library loading;

    LuaFunctions(LuaScripts scripts, LuaSandbox.LockedTable globals) {
        this.scripts = scripts;
        this.globals = globals;
        LuaTable redis = new LuaTable();
        redis.rawset("register_function", LuaSandbox.fn("register_function", this::register));
        redis.rawset("log", LuaSandbox.fn("log", LuaScripts::log));
        LuaValue full = globals.rawget("redis");
        for (String k : List.of("LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING", "REDIS_VERSION",
                "REDIS_VERSION_NUM")) {
            redis.rawset(k, full.rawget(k));
        }
        LuaTable api = new LuaTable();
        api.rawset("redis", LuaSandbox.strict(redis));
        this.loadApi = LuaSandbox.strict(api);
        this.env = LuaSandbox.view(globals, new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue table, LuaValue key) {
                return (loading != null ? loadApi : LuaFunctions.this.globals).get(key);
            }
        });
    }

    // ---- FUNCTION LOAD / DELETE / FLUSH ----

    /** FUNCTION LOAD [REPLACE] code: compiles and runs the library's code; its name. */
    String load(byte[] code, boolean replace) {
        if (code.length < 2 || code[0] != '#' || code[1] != '!') {
            throw new KvError("ERR Missing library metadata");
        }
        int end = 0;
        while (end < code.length && code[end] != '\n') {
            end++;
        }
        if (end == code.length) {
            throw new KvError("ERR Invalid library metadata");
        }
        byte[][] parts = RespArgs.split(code, 0, end);
        if (parts == null || parts.length == 0) {
            throw new KvError("ERR Invalid library metadata");
        }
        String engine = Bytes.str(parts[0]).substring(2);
        String name = null;
        for (int i = 1; i < parts.length; i++) {
            String part = Bytes.str(parts[i]);
            if (!part.regionMatches(true, 0, "name=", 0, 5)) {
                throw new KvError("ERR Invalid metadata value given: " + part);
            }
            if (name != null) {
                throw new KvError("ERR Invalid metadata value, name argument was given multiple times");
            }
            name = part.substring(5);
        }
        if (name == null) {
            throw new KvError("ERR Library name was not given");
        }
        if (!NAME.matcher(name).matches()) {
            throw new KvError("ERR Library names can only contain letters, numbers, or underscores(_) and must be at"
                    + " least one character long");
        }
        if (!engine.toLowerCase(Locale.ROOT).equals("lua")) {
            throw new KvError("ERR Engine '" + engine + "' not found");
        }
        Library old = libraries.get(name);
        if (old != null && !replace) {
            throw new KvError("ERR Library '" + name + "' already exists");
        }
        Library lib = new Library(name, code, new LinkedHashMap<>());
        LuaValue chunk;
        try {
            chunk = globals.load(new ByteArrayInputStream(code, end, code.length - end), "@user_function", "t", env);
        } catch (LuaError e) {
            throw new KvError("ERR Error compiling function: " + LuaScripts.luaMessage(e.getMessage()));
        }
        loading = lib;
        scripts.loadDeadline(System.nanoTime() + LOAD_TIMEOUT_NANOS);
        try {
            chunk.call();
        } catch (LuaError e) {
            LuaValue o = e.getMessageObject();
            String msg = o != null && o.istable() && o.rawget(LuaReplies.ERR).isstring()
                    ? o.rawget(LuaReplies.ERR).tojstring().replaceFirst("^-", "")
                    : "ERR " + LuaScripts.luaMessage(String.valueOf(e.getMessage()));
            throw new KvError("ERR Error registering functions: " + msg);
        } catch (StackOverflowError e) {
            throw new KvError("ERR Error registering functions: stack overflow");
        } finally {
            loading = null;
            scripts.loadDeadline(0);
        }
        if (lib.functions().isEmpty()) {
            throw new KvError("ERR No functions registered");
        }
        for (String f : lib.functions().keySet()) {
            Function other = functions.get(f);
            if (other != null && (old == null || !old.functions().containsKey(f))) {
                throw new KvError("ERR Function " + f + " already exists");
            }
        }
        if (old != null) {
            unlink(old);
        }
        libraries.put(name, lib);
        functions.putAll(lib.functions());
        return name;
    }

    /** FUNCTION DELETE: false when there is no such library. */
    boolean delete(String name) {
        Library lib = libraries.get(name);
        if (lib == null) {
            return false;
        }
        unlink(lib);
        return true;
    }

    private void unlink(Library lib) {
        libraries.remove(lib.name());
        functions.keySet().removeAll(lib.functions().keySet());
    }

    /** FUNCTION FLUSH. */
    void flush() {
        libraries.clear();
        functions.clear();
    }

    /** The code of every library, in the order they were loaded (the AOF rewrite's FUNCTION LOADs). */
    List<byte[]> codes() {
        List<byte[]> codes = new ArrayList<>();
        for (Library lib : libraries.values()) {
            codes.add(lib.code());
        }
        return codes;
    }

    Iterable<Library> libraries() {
        return libraries.values();
    }

    int functionCount() {
        return functions.size();
    }

    int libraryCount() {
        return libraries.size();
    }

    // ---- redis.register_function ----

    private Varargs register(Varargs a) {
        Library lib = loading;
        if (lib == null) {
            throw LuaScripts.raise("redis.register_function can only be called on FUNCTION LOAD command");
        }
        String name;
        LuaValue callback;
        String description = null;
        List<String> flags = new ArrayList<>();
        if (a.narg() < 1 || a.narg() > 2) {
            throw LuaScripts.raise("wrong number of arguments to redis.register_function");
        }
        if (a.narg() == 1) {
            if (!a.arg1().istable()) {
                throw LuaScripts.raise("calling redis.register_function with a single argument is only applicable to"
                        + " Lua table (representing named arguments).");
            }
            LuaValue t = a.arg1();
            name = null;
            callback = null;
            for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
                LuaValue k = e.arg1();
                LuaValue v = e.arg(2);
                if (k.type() != LuaValue.TSTRING) {
                    throw LuaScripts.raise("named argument key given to redis.register_function is not a string");
                }
                switch (k.tojstring().toLowerCase(Locale.ROOT)) {
                    case "function_name" -> {
                        if (v.type() != LuaValue.TSTRING) {
                            throw LuaScripts.raise("function_name argument given to redis.register_function must be a"
                                    + " string");
                        }
                        name = v.tojstring();
                    }
                    case "description" -> {
                        if (v.type() != LuaValue.TSTRING) {
                            throw LuaScripts.raise("description argument given to redis.register_function must be a"
                                    + " string");
                        }
                        description = v.tojstring();
                    }
                    case "callback" -> {
                        if (!v.isfunction()) {
                            throw LuaScripts.raise("callback argument given to redis.register_function must be a"
                                    + " function");
                        }
                        callback = v;
                    }
                    case "flags" -> flags = flags(v);
                    default -> throw LuaScripts.raise("unknown argument given to redis.register_function");
                }
            }
            if (name == null) {
                throw LuaScripts.raise("redis.register_function must get a function name argument");
            }
            if (callback == null) {
                throw LuaScripts.raise("redis.register_function must get a callback argument");
            }
        } else {
            if (a.arg1().type() != LuaValue.TSTRING) {
                throw LuaScripts.raise("first argument to redis.register_function must be a string");
            }
            if (!a.arg(2).isfunction()) {
                throw LuaScripts.raise("second argument to redis.register_function must be a function");
            }
            name = a.arg1().tojstring();
            callback = a.arg(2);
        }
        if (!NAME.matcher(name).matches()) {
            throw LuaScripts.raise("Library names can only contain letters, numbers, or underscores(_) and must be at"
                    + " least one character long");
        }
        if (lib.functions().containsKey(name)) {
            throw LuaScripts.raise("Function already exists in the library");
        }
        lib.functions().put(name, new Function(name, callback, description, flags));
        return LuaValue.NONE;
    }

    /** The {@code flags} table of redis.register_function, in Redis's order. */
    private static List<String> flags(LuaValue v) {
        if (!v.istable()) {
            throw LuaScripts.raise("flags argument to redis.register_function must be a table representing function"
                    + " flags");
        }
        List<String> given = new ArrayList<>();
        for (Varargs e = v.next(LuaValue.NIL); !e.arg1().isnil(); e = v.next(e.arg1())) {
            String flag = e.arg(2).type() == LuaValue.TSTRING ? e.arg(2).tojstring() : "";
            if (!FLAGS.contains(flag)) {
                throw LuaScripts.raise("unknown flag given");
            }
            given.add(flag);
        }
        List<String> flags = new ArrayList<>();
        for (String f : FLAGS) {
            if (given.contains(f)) {
                flags.add(f);
            }
        }
        return flags;
    }

    // ---- FCALL ----

    /** FCALL / FCALL_RO ({@code ro}): runs function {@code argv[1]} for {@code c}. */
    void fcall(Client c, byte[][] argv, boolean ro) {
        Function f = functions.get(Bytes.str(argv[1]));
        if (f == null) {
            throw new KvError("ERR Function not found");
        }
        if (!Bytes.isLong(argv[2])) {
            throw new KvError("ERR Bad number of keys provided");
        }
        int numkeys = LuaScripts.numkeys(argv);
        LuaScripts.Script s = f.script();
        if (ro && !s.noWrites()) {
            throw new KvError("ERR Can not execute a script with write flag using *_ro command.");
        }
        scripts.run(c, s, true, argv, numkeys, ro);
    }
}
