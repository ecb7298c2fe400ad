package dev.netloom.kv;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The {@code bit} library of Redis's Lua (LuaBitOp 1.0): 32-bit operations whose results are
 * signed ({@code bit.bnot(0) == -1}), unlike Lua 5.2's {@code bit32}, which LuaJ has and the
 * sandbox leaves out. A number is taken modulo 2^32 after rounding, as LuaBitOp does.
 */
final class LuaBit {

    private LuaBit() {
    }

    /** The library's functions, in a table the sandbox then locks. */
    static LuaTable library() {
        LuaTable t = new LuaTable();
        for (String name : new String[] {"tobit", "tohex", "bnot", "band", "bor", "bxor", "lshift", "rshift",
                "arshift", "rol", "ror", "bswap"}) {
            t.rawset(name, new Op(name));
        }
        return t;
    }

    static int bit(LuaValue v) {
        double d = v.checkdouble();
        return (int) (long) Math.rint(d % 4294967296.0);
    }

    private static final class Op extends VarArgFunction {
        private final String op;

        Op(String op) {
            this.op = op;
            this.name = op;
        }

        @Override
        public Varargs invoke(Varargs a) {
            int x = bit(a.arg1());
            return op.equals("tohex") ? tohex(x, a) : LuaValue.valueOf(value(x, a));
        }

        private int value(int x, Varargs a) {
            return switch (op) {
                case "tobit" -> x;
                case "bnot" -> ~x;
                case "band", "bor", "bxor" -> fold(x, a);
                case "lshift" -> x << (bit(a.arg(2)) & 31);
                case "rshift" -> x >>> (bit(a.arg(2)) & 31);
                case "arshift" -> x >> (bit(a.arg(2)) & 31);
                case "rol" -> Integer.rotateLeft(x, bit(a.arg(2)) & 31);
                case "ror" -> Integer.rotateRight(x, bit(a.arg(2)) & 31);
                case "bswap" -> Integer.reverseBytes(x);
                default -> throw new LuaError("bit." + op + ": unknown");
            };
        }

        private static LuaValue tohex(int x, Varargs a) {
            int n = a.narg() < 2 ? 8 : bit(a.arg(2));
            String digits = n < 0 ? "0123456789ABCDEF" : "0123456789abcdef";
            n = Math.min(Math.abs(n), 8);
            char[] out = new char[n];
            int v = x;
            for (int i = n - 1; i >= 0; i--, v >>>= 4) {
                out[i] = digits.charAt(v & 15);
            }
            return LuaValue.valueOf(new String(out));
        }

        private int fold(int x, Varargs a) {
            int r = x;
            for (int i = 2; i <= a.narg(); i++) {
                int y = bit(a.arg(i));
                r = op.equals("band") ? r & y : op.equals("bor") ? r | y : r ^ y;
            }
            return r;
        }
    }
}
