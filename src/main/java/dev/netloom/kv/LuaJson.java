package dev.netloom.kv;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The {@code cjson} library of Redis's Lua (lua-cjson 2.1): {@code encode} and {@code decode}
 * with cjson's rules, and the settings the Redis suite calls ({@code encode_max_depth},
 * {@code decode_max_depth}, {@code encode_invalid_numbers}, {@code encode_keep_buffer}; the
 * others are accepted and change nothing). A table whose keys are all positive integers is an
 * array (holes are {@code null}; an excessively sparse one, whose largest index is over 10 and
 * over twice its count, is refused), any other an object whose keys must be strings or numbers;
 * an empty table is {@code {}}. Numbers are written with {@code %.14g}; {@code cjson.null}
 * stands for JSON's null both ways. Decoding uses Jackson's streaming parser.
 */
final class LuaJson {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Integer.MAX_VALUE).build()).build();

    /** JSON's null as a Lua value: {@code cjson.null}. */
    final LuaValue nullValue = new LuaUserdata(new Object());
    private int encodeMaxDepth = 1000;
    private int decodeMaxDepth = 1000;
    private boolean invalidNumbers;

    /** The library's functions, in a table the sandbox then locks. */
    LuaTable library() {
        LuaTable t = new LuaTable();
        t.rawset("null", nullValue);
        t.rawset("encode", LuaSandbox.fn("encode", a -> LuaString.valueOf(encode(a.arg1()))));
        t.rawset("decode", LuaSandbox.fn("decode", a -> decode(a.checkjstring(1))));
        t.rawset("encode_max_depth", LuaSandbox.fn("encode_max_depth", a -> LuaValue.valueOf(
                encodeMaxDepth = a.isnil(1) ? encodeMaxDepth : a.checkint(1))));
        t.rawset("decode_max_depth", LuaSandbox.fn("decode_max_depth", a -> LuaValue.valueOf(
                decodeMaxDepth = a.isnil(1) ? decodeMaxDepth : a.checkint(1))));
        t.rawset("encode_invalid_numbers", LuaSandbox.fn("encode_invalid_numbers", a -> LuaValue.valueOf(
                invalidNumbers = a.isnil(1) ? invalidNumbers : a.arg1().toboolean())));
        for (String ignored : new String[] {"encode_keep_buffer", "encode_number_precision", "encode_sparse_array",
                "decode_invalid_numbers"}) {
            t.rawset(ignored, LuaSandbox.fn(ignored, a -> LuaValue.TRUE));
        }
        return t;
    }

    byte[] encode(LuaValue v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        encode(v, out, 0);
        return out.toByteArray();
    }

    private void encode(LuaValue v, ByteArrayOutputStream out, int depth) {
        switch (v.type()) {
            case LuaValue.TNIL -> ascii(out, "null");
            case LuaValue.TBOOLEAN -> ascii(out, v.toboolean() ? "true" : "false");
            case LuaValue.TNUMBER -> {
                double d = v.todouble();
                if (!Double.isFinite(d) && !invalidNumbers) {
                    throw new LuaError("Cannot serialise number: must not be NaN or Inf");
                }
                ascii(out, LuaFormat.number(d));
            }
            case LuaValue.TSTRING -> string(v.checkstring(), out);
            case LuaValue.TTABLE -> table((LuaTable) v, out, depth + 1);
            case LuaValue.TUSERDATA, LuaValue.TLIGHTUSERDATA -> {
                if (v != nullValue) {
                    throw new LuaError("Cannot serialise userdata: type not supported");
                }
                ascii(out, "null");
            }
            default -> throw new LuaError("Cannot serialise " + v.typename() + ": type not supported");
        }
    }

    private void table(LuaTable t, ByteArrayOutputStream out, int depth) {
        if (depth > encodeMaxDepth) {
            throw new LuaError("Cannot serialise, excessive nesting (" + depth + ")");
        }
        int max = 0;
        int count = 0;
        boolean array = true;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            LuaValue k = e.arg1();
            double d = k.type() == LuaValue.TNUMBER ? k.todouble() : 0;
            if (d >= 1 && d == Math.floor(d) && d <= Integer.MAX_VALUE) {
                max = Math.max(max, (int) d);
                count++;
            } else {
                array = false;
            }
        }
        if (array && count == 0) {
            ascii(out, "{}");
            return;
        }
        if (array && max > 10 && max > count * 2) {
            throw new LuaError("Cannot serialise table: excessively sparse array");
        }
        if (array) {
            out.write('[');
            for (int i = 1; i <= max; i++) {
                if (i > 1) {
                    out.write(',');
                }
                encode(t.rawget(i), out, depth);
            }
            out.write(']');
            return;
        }
        out.write('{');
        boolean first = true;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            LuaValue k = e.arg1();
            if (k.type() != LuaValue.TSTRING && k.type() != LuaValue.TNUMBER) {
                throw new LuaError("Cannot serialise table: table key must be a number or string");
            }
            if (!first) {
                out.write(',');
            }
            first = false;
            string(k.type() == LuaValue.TNUMBER ? LuaString.valueOf(LuaFormat.number(k.todouble())) : k.checkstring(), out);
            out.write(':');
            encode(e.arg(2), out, depth);
        }
        out.write('}');
    }

    /** A JSON string of the bytes of {@code s}, escaped as cjson does ({@code /} too). */
    private static void string(LuaString s, ByteArrayOutputStream out) {
        out.write('"');
        for (int i = 0; i < s.m_length; i++) {
            int b = s.m_bytes[s.m_offset + i] & 0xff;
            switch (b) {
                case '"' -> ascii(out, "\\\"");
                case '\\' -> ascii(out, "\\\\");
                case '/' -> ascii(out, "\\/");
                case '\n' -> ascii(out, "\\n");
                case '\r' -> ascii(out, "\\r");
                case '\t' -> ascii(out, "\\t");
                case '\b' -> ascii(out, "\\b");
                case '\f' -> ascii(out, "\\f");
                default -> {
                    if (b < 0x20 || b == 0x7f) {
                        ascii(out, String.format("\\u%04x", b));
                    } else {
                        out.write(b);
                    }
                }
            }
        }
        out.write('"');
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        for (int i = 0; i < s.length(); i++) {
            out.write(s.charAt(i));
        }
    }

    LuaValue decode(String text) {
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new LuaError("Expected value but found T_END at character 1");
            }
            LuaValue v = value(p, t, 0);
            if (p.nextToken() != null) {
                throw new LuaError("Expected the end but found " + p.currentToken() + " at character "
                        + (p.currentLocation().getCharOffset() + 1));
            }
            return v;
        } catch (IOException e) {
            throw new LuaError(e.getMessage().lines().findFirst().orElse("invalid JSON"));
        }
    }

    private LuaValue value(JsonParser p, JsonToken t, int depth) throws IOException {
        return switch (t) {
            case START_OBJECT -> {
                LuaTable table = nested(p, depth);
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    LuaValue key = LuaValue.valueOf(p.currentName());
                    table.rawset(key, value(p, p.nextToken(), depth + 1));
                }
                yield table;
            }
            case START_ARRAY -> {
                LuaTable table = nested(p, depth);
                int i = 1;
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    table.rawset(i++, value(p, e, depth + 1));
                }
                yield table;
            }
            case VALUE_STRING -> LuaValue.valueOf(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> LuaValue.valueOf(p.getValueAsDouble());
            case VALUE_TRUE -> LuaValue.TRUE;
            case VALUE_FALSE -> LuaValue.FALSE;
            case VALUE_NULL -> nullValue;
            default -> throw new LuaError("Expected value but found " + t + " at character "
                    + (p.currentLocation().getCharOffset() + 1));
        };
    }

    private LuaTable nested(JsonParser p, int depth) {
        if (depth + 1 > decodeMaxDepth) {
            throw new LuaError("Found too many nested data structures (" + (depth + 1) + ") at character "
                    + p.currentLocation().getCharOffset());
        }
        return new LuaTable();
    }
}
