package dev.netloom.kv;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseMathLib;

import java.io.ByteArrayOutputStream;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The environment scripts run in, built as Redis's {@code scriptingInit} builds its Lua state:
 * the base functions, {@code string}, {@code table}, {@code math}, {@code bit}, {@code cjson}
 * and {@code redis}, nothing else (no {@code os}, {@code io}, {@code package}/{@code require},
 * {@code loadfile}, {@code dofile}, {@code print}, {@code debug}); every table reachable from
 * the globals is then made read-only ({@code Attempt to modify a readonly table}), and reading a
 * global that does not exist raises {@code Script attempted to access nonexistent global variable}.
 *
 * <p>LuaJ is Lua 5.2 where Redis runs 5.1: the sandbox adds 5.1's {@code unpack} and
 * {@code loadstring}, answers {@code _VERSION} as {@code Lua 5.1}, refuses binary chunks, and
 * replaces {@code tostring}, {@code table.concat} and {@code string.format} so that numbers read
 * as 5.1 writes them ({@link LuaFormat}). Left out of Redis's list: {@code coroutine} (LuaJ runs
 * each coroutine on a thread of its own), {@code getfenv}/{@code setfenv}, {@code newproxy},
 * {@code gcinfo}, {@code cmsgpack}, {@code struct}.
 */
final class LuaSandbox {

    /** Globals the libraries add that Redis's sandbox does not have. */
    private static final Set<String> REMOVED = Set.of("package", "require", "loadfile", "dofile", "print", "debug",
            "rawlen", "module", "bit32", "io", "os", "luajava", "coroutine");

    private LuaSandbox() {
    }

    /**
     * A table that can be made read-only, as Redis 7's Lua tables: the script's globals and every
     * library table. It is a {@link Globals} because LuaJ runs its instruction hook (the time
     * limit) only for functions whose environment is one; as a library table the extra fields
     * go unused.
     */
    static final class LockedTable extends Globals {
        private boolean locked;

        private void check() {
            if (locked) {
                throw new LuaError("Attempt to modify a readonly table");
            }
        }

        @Override
        public void rawset(int key, LuaValue value) {
            check();
            super.rawset(key, value);
        }

        @Override
        public void rawset(LuaValue key, LuaValue value) {
            check();
            super.rawset(key, value);
        }

        @Override
        public LuaValue setmetatable(LuaValue metatable) {
            check();
            return super.setmetatable(metatable);
        }

        @Override
        public void insert(int pos, LuaValue value) {
            check();
            super.insert(pos, value);
        }

        @Override
        public LuaValue remove(int pos) {
            check();
            return super.remove(pos);
        }

        @Override
        public void sort(LuaValue comparator) {
            check();
            super.sort(comparator);
        }

        /** Sets a global while locked (KEYS and ARGV before each run). */
        void setGlobal(String name, LuaValue value) {
            locked = false;
            try {
                rawset(name, value);
            } finally {
                locked = true;
            }
        }
    }

    /**
     * Builds the environment: {@code redis} is the API table, {@code hook} the instruction hook
     * (the time limit; installed as LuaJ's debug library, whose {@code debug} table is removed).
     */
    static LockedTable create(LuaTable redis, DebugLib hook, LuaJson json) {
        LockedTable g = new LockedTable();
        g.load(new JseBaseLib());
        g.load(new PackageLib());
        g.load(new TableLib());
        g.load(new StringLib());
        g.load(new JseMathLib());
        LoadState.install(g);
        LuaC.install(g);
        g.load(hook);
        g.undumper = null; // binary chunks (string.dump's output) do not load, as in Redis

        LuaValue luajTostring = g.get("tostring");
        LuaValue load = g.get("load");
        LuaValue pcall = g.get("pcall");
        for (String name : REMOVED) {
            g.rawset(name, LuaValue.NIL);
        }
        g.rawset("_VERSION", LuaValue.valueOf("Lua 5.1"));
        g.rawset("unpack", g.get("table").get("unpack"));
        // text only: a binary chunk gets nil and an error, as Redis's loadstring gives it
        VarArgFunction text = fn("load", a -> load.invoke(LuaValue.varargsOf(new LuaValue[] {
            a.arg1(), a.isnoneornil(2) ? a.arg1() : a.arg(2), LuaValue.valueOf("t")})));
        g.rawset("load", text);
        g.rawset("loadstring", text);
        g.rawset("tostring", fn("tostring", a -> {
            LuaValue v = a.checkvalue(1);
            return v.type() == LuaValue.TNUMBER ? LuaFormat.text(v) : luajTostring.call(v);
        }));
        g.rawset("pcall", fn("pcall", a -> redisPcall(pcall.invoke(a))));
        g.get("table").rawset("concat", fn("concat", LuaSandbox::concat));
        g.get("string").rawset("format", fn("format", LuaFormat::format));
        g.rawset("bit", LuaBit.library());
        g.rawset("cjson", json.library());
        g.rawset("redis", redis);

        LockedTable locked = strict(g);
        LuaValue strings = locked.rawget("string");
        LockedTable stringMeta = new LockedTable();
        stringMeta.rawset(LuaValue.INDEX, strings);
        stringMeta.locked = true;
        LuaString.s_metatable = stringMeta; // ("x"):upper() finds the locked string table
        return locked;
    }

    /**
     * {@code t} locked (as {@link #lock}), reading a field it does not have raising {@code Script
     * attempted to access nonexistent global variable} (the globals, and what Redis sets up so).
     */
    static LockedTable strict(LuaTable t) {
        LuaTable meta = new LuaTable();
        meta.rawset(LuaValue.INDEX, new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue table, LuaValue key) {
                throw new LuaError("Script attempted to access nonexistent global variable '" + key.tojstring() + "'");
            }
        });
        t.setmetatable(meta);
        return (LockedTable) lock(t, new IdentityHashMap<>());
    }

    /**
     * An empty locked environment whose globals are read through {@code index} (a function of
     * the table and the key), with the instruction hook of {@code base}: the globals of Redis's
     * function libraries, which see the library API while loading and the globals when called.
     */
    static LockedTable view(LockedTable base, LuaValue index) {
        LockedTable g = new LockedTable();
        g.debuglib = base.debuglib; // LuaJ runs the hook for closures whose environment has it
        LuaTable meta = new LuaTable();
        meta.rawset(LuaValue.INDEX, index);
        g.setmetatable(lock(meta, new IdentityHashMap<>()));
        g.locked = true;
        return g;
    }

    /**
     * A locked copy of {@code t}, and of every table reachable from it (metatables too); the
     * globals themselves are locked in place.
     */
    private static LuaValue lock(LuaValue v, Map<LuaValue, LuaValue> done) {
        if (!v.istable() || v instanceof LockedTable l && l.locked) {
            return v; // locked already: as it is
        }
        LuaValue seen = done.get(v);
        if (seen != null) {
            return seen;
        }
        LockedTable copy = v instanceof LockedTable l ? l : new LockedTable();
        done.put(v, copy);
        for (Varargs e = v.next(LuaValue.NIL); !e.arg1().isnil(); e = v.next(e.arg1())) {
            copy.rawset(e.arg1(), lock(e.arg(2), done));
        }
        LuaValue meta = v.getmetatable();
        if (meta != null) {
            copy.setmetatable(lock(meta, done));
        }
        copy.locked = true;
        return copy;
    }

    /** A library function named {@code name} (as errors about its arguments name it). */
    static VarArgFunction fn(String name, Function<Varargs, Varargs> body) {
        return new VarArgFunction() {
            {
                this.name = name;
            }

            @Override
            public Varargs invoke(Varargs args) {
                return body.apply(args);
            }
        };
    }

    /**
     * Redis's {@code pcall}: an error raised as a table with an {@code err} field (redis.call's)
     * comes back as its text, as before Redis 7; a Lua error's position reads as 5.1 writes it.
     */
    private static Varargs redisPcall(Varargs r) {
        if (r.arg1().toboolean()) {
            return r;
        }
        LuaValue e = r.arg(2);
        if (e.istable() && e.rawget(LuaReplies.ERR).isstring()) {
            return LuaValue.varargsOf(LuaValue.FALSE, e.rawget(LuaReplies.ERR));
        }
        if (e.type() == LuaValue.TSTRING) {
            return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf(LuaScripts.luaMessage(e.tojstring())));
        }
        return r;
    }

    /** {@code table.concat(t [, sep [, i [, j]]])}, numbers written as Lua 5.1 writes them. */
    private static Varargs concat(Varargs a) {
        LuaTable t = a.checktable(1);
        LuaString sep = a.optstring(2, LuaString.valueOf(""));
        int i = a.optint(3, 1);
        int j = a.isnoneornil(4) ? t.length() : a.checkint(4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int k = i; k <= j; k++) {
            LuaValue v = t.get(k);
            if (!v.isstring()) {
                throw new LuaError("invalid value (at index " + k + ") in table for 'concat'");
            }
            byte[] b = LuaReplies.bytes(LuaFormat.text(v).checkstring());
            out.write(b, 0, b.length);
            if (k < j) {
                out.write(sep.m_bytes, sep.m_offset, sep.m_length);
            }
        }
        return LuaString.valueOf(out.toByteArray());
    }
}
