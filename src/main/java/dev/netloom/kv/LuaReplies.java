package dev.netloom.kv;

import dev.netloom.resp.RespValue;
import dev.netloom.resp.RespValueReader;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The conversions between RESP replies and Lua values, both ways, as Redis's
 * {@code script_lua.c} makes them (RESP2; RESP3's types join here when the server speaks it).
 *
 * <p>A command's reply as Lua sees it: integer → number; bulk string → string; null bulk or
 * null array → {@code false}; array → table (1..n); status → {@code {ok=text}}; error →
 * {@code {err=text}}.
 *
 * <p>A script's result as its caller sees it: string → bulk string; number → integer (the
 * fraction cut off); {@code true} → 1; {@code false} and nil → null bulk string; a table with a
 * string field {@code err} → error reply, with {@code ok} → status reply, any other → array of
 * its elements 1, 2, ... up to the first nil (read raw: no metamethod runs). Tables nested deeper
 * than {@link #MAX_DEPTH} (a table that holds itself) end in {@code -ERR reached lua stack limit},
 * as Redis's ends when the Lua stack does.
 */
final class LuaReplies {

    static final int MAX_DEPTH = 1000;
    static final LuaString OK = LuaString.valueOf("ok");
    static final LuaString ERR = LuaString.valueOf("err");

    private LuaReplies() {
    }

    /** The reply {@code resp} (the bytes a command wrote for the script's client) as a Lua value. */
    static LuaValue toLua(byte[] resp) {
        try {
            return toLua(RespValueReader.parse(resp));
        } catch (IOException e) {
            throw new UncheckedIOException("kv wrote a reply it cannot read back", e);
        }
    }

    static LuaValue toLua(RespValue v) {
        return switch (v) {
            case RespValue.Int i -> LuaValue.valueOf((double) i.value());
            case RespValue.Bulk b -> LuaString.valueOf(b.value());
            case RespValue.Nil n -> LuaValue.FALSE;
            case RespValue.Status s -> single(OK, s.text());
            case RespValue.Error e -> errorTable(e.message());
            case RespValue.Array a -> {
                List<RespValue> items = a.items();
                LuaTable t = new LuaTable(items.size(), 0);
                for (int i = 0; i < items.size(); i++) {
                    t.rawset(i + 1, toLua(items.get(i)));
                }
                yield t;
            }
        };
    }

    /** {@code {err=text}}: an error as redis.pcall returns it and redis.call raises it. */
    static LuaTable errorTable(String text) {
        return single(ERR, text.strip());
    }

    private static LuaTable single(LuaString field, String text) {
        LuaTable t = new LuaTable(0, 1);
        t.rawset(field, LuaString.valueOf(text.getBytes(StandardCharsets.UTF_8)));
        return t;
    }

    /** Writes a script's result {@code v} to {@code out} as the caller's reply. */
    static void write(Reply out, LuaValue v) {
        write(out, v, 0);
    }

    private static void write(Reply out, LuaValue v, int depth) {
        switch (v.type()) {
            case LuaValue.TSTRING -> out.bulk(bytes(v.checkstring()));
            case LuaValue.TBOOLEAN -> {
                if (v.toboolean()) {
                    out.integer(1);
                } else {
                    out.nullBulk();
                }
            }
            case LuaValue.TNUMBER -> out.integer((long) v.todouble());
            case LuaValue.TTABLE -> table(out, (LuaTable) v, depth);
            default -> out.nullBulk();
        }
    }

    private static void table(Reply out, LuaTable t, int depth) {
        if (depth >= MAX_DEPTH) {
            out.error("ERR reached lua stack limit");
            return;
        }
        LuaValue err = t.rawget(ERR);
        if (err.type() == LuaValue.TSTRING) {
            String text = err.tojstring();
            out.error(text.startsWith("-") ? text.substring(1) : text);
            return;
        }
        LuaValue ok = t.rawget(OK);
        if (ok.type() == LuaValue.TSTRING) {
            out.simple(ok.tojstring());
            return;
        }
        int n = 0;
        while (!t.rawget(n + 1).isnil()) {
            n++;
        }
        out.array(n);
        for (int i = 1; i <= n; i++) {
            write(out, t.rawget(i), depth + 1);
        }
    }

    static byte[] bytes(LuaString s) {
        byte[] b = new byte[s.m_length];
        System.arraycopy(s.m_bytes, s.m_offset, b, 0, s.m_length);
        return b;
    }
}
