package dev.netloom.kv;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Numbers as C's printf writes them, for the Lua sandbox: LuaJ turns a non-integral number into
 * text through Java's {@code Float.toString} ({@code 3.0E-4}, and {@code Infinity} for 1e100),
 * where Lua 5.1 uses {@code %.14g} ({@code 0.0003}, {@code 1e+100}) and Redis formats a number
 * passed to {@code redis.call} with {@code %.17g}. The sandbox's {@code tostring},
 * {@code table.concat} and {@code string.format} use this class; the {@code ..} operator stays
 * LuaJ's (see docs/kv.md).
 */
final class LuaFormat {

    private LuaFormat() {
    }

    /** {@code %.14g}: how Lua 5.1 writes a number as text. */
    static String number(double v) {
        long l = (long) v;
        if (l == v && Math.abs(v) < 1e15) {
            return Long.toString(l); // the common case, and what %.14g writes for it
        }
        return g(v, 14, false);
    }

    /** {@code %.17g}: how Redis writes a number passed to redis.call (no digit of the double lost). */
    static String argument(double v) {
        long l = (long) v;
        if (l == v && Math.abs(v) < 1e17) {
            return Long.toString(l);
        }
        return g(v, 17, false);
    }

    /** C's {@code %.<precision>g} (with {@code alt}, the {@code #} flag: trailing zeros kept). */
    static String g(double v, int precision, boolean alt) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v < 0 ? "-inf" : "inf";
        }
        int p = precision == 0 ? 1 : precision;
        if (v == 0) {
            String zero = alt ? "0." + "0".repeat(p - 1) : "0";
            return (1 / v < 0 ? "-" : "") + zero;
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(p, RoundingMode.HALF_EVEN));
        int x = d.precision() - d.scale() - 1; // the decimal exponent after rounding
        String s;
        if (x < p && x >= -4) {
            s = d.setScale(p - 1 - x, RoundingMode.HALF_EVEN).toPlainString();
            return alt ? s : stripZeros(s);
        }
        BigDecimal mantissa = d.movePointLeft(x).setScale(p - 1, RoundingMode.HALF_EVEN);
        s = alt ? mantissa.toPlainString() : stripZeros(mantissa.toPlainString());
        return s + (x < 0 ? "e-" : "e+") + (Math.abs(x) < 10 ? "0" : "") + Math.abs(x);
    }

    private static String stripZeros(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }

    /** A value as {@code tostring} and {@code table.concat} write it: numbers with {@link #number}. */
    static LuaValue text(LuaValue v) {
        return v.type() == LuaValue.TNUMBER ? LuaValue.valueOf(number(v.todouble())) : v;
    }

    /** Lua's {@code string.format(fmt, ...)}: C's conversions d i u c x X o e E f g G q s and %. */
    static LuaValue format(Varargs args) {
        String fmt = args.checkjstring(1);
        StringBuilder out = new StringBuilder(fmt.length() + 16);
        int arg = 1;
        for (int i = 0; i < fmt.length(); i++) {
            char ch = fmt.charAt(i);
            if (ch != '%') {
                out.append(ch);
                continue;
            }
            if (++i >= fmt.length()) {
                throw new LuaError("invalid option '%' to 'format'");
            }
            if (fmt.charAt(i) == '%') {
                out.append('%');
                continue;
            }
            int start = i;
            while (i < fmt.length() && "-+ #0".indexOf(fmt.charAt(i)) >= 0) {
                i++;
            }
            String flags = fmt.substring(start, i);
            int widthStart = i;
            while (i < fmt.length() && Character.isDigit(fmt.charAt(i))) {
                i++;
            }
            int width = i > widthStart ? Integer.parseInt(fmt.substring(widthStart, i)) : 0;
            int precision = -1;
            if (i < fmt.length() && fmt.charAt(i) == '.') {
                int ps = ++i;
                while (i < fmt.length() && Character.isDigit(fmt.charAt(i))) {
                    i++;
                }
                precision = i > ps ? Integer.parseInt(fmt.substring(ps, i)) : 0;
            }
            if (i >= fmt.length() || width > 99 || precision > 99) {
                throw new LuaError("invalid format (repeated flags or width/precision too long)");
            }
            char conv = fmt.charAt(i);
            arg++;
            out.append(convert(conv, flags, width, precision, args, arg));
        }
        return LuaValue.valueOf(out.toString());
    }

    private static String convert(char conv, String flags, int width, int precision, Varargs args, int arg) {
        String javaFlags = flags.replace("#", "");
        String w = width > 0 ? Integer.toString(width) : "";
        return switch (conv) {
            case 'd', 'i', 'u' -> String.format(Locale.ROOT, "%" + javaFlags + w + "d", (long) args.checkdouble(arg));
            case 'x', 'X', 'o' -> String.format(Locale.ROOT, "%" + flags.replace(" ", "").replace("+", "") + w + conv,
                    (long) args.checkdouble(arg));
            case 'c' -> pad(String.valueOf((char) (args.checkint(arg) & 0xff)), flags, width);
            case 'e', 'E', 'f' -> {
                double v = args.checkdouble(arg);
                if (!Double.isFinite(v)) {
                    yield pad(g(v, 1, false), flags.replace("0", ""), width);
                }
                yield String.format(Locale.ROOT, "%" + javaFlags + w + "." + (precision < 0 ? 6 : precision) + conv, v);
            }
            case 'g', 'G' -> {
                double v = args.checkdouble(arg);
                String s = g(v, precision < 0 ? 6 : precision, flags.contains("#"));
                if (v >= 0 && flags.contains("+")) {
                    s = "+" + s;
                } else if (v >= 0 && flags.contains(" ")) {
                    s = " " + s;
                }
                yield pad(conv == 'G' ? s.toUpperCase(Locale.ROOT) : s, flags, width);
            }
            case 'q' -> quote(args.checkstring(arg).tojstring());
            case 's' -> {
                LuaValue v = args.arg(arg);
                if (arg > args.narg()) {
                    throw new LuaError("bad argument #" + arg + " to 'format' (string expected, got no value)");
                }
                String s = LuaFormat.text(v).tojstring();
                yield pad(precision >= 0 && precision < s.length() ? s.substring(0, precision) : s, flags, width);
            }
            default -> throw new LuaError("invalid option '%" + conv + "' to 'format'");
        };
    }

    private static String pad(String s, String flags, int width) {
        if (s.length() >= width) {
            return s;
        }
        String fill = (flags.contains("0") && !flags.contains("-") ? "0" : " ").repeat(width - s.length());
        if (flags.contains("-")) {
            return s + fill;
        }
        if (fill.charAt(0) == '0' && !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            return s.charAt(0) + fill + s.substring(1);
        }
        return fill + s;
    }

    /** {@code %q}: a string Lua reads back as the same string. */
    private static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"', '\\' -> b.append('\\').append(c);
                case '\n' -> b.append("\\\n");
                case '\r' -> b.append("\\r");
                case '\0' -> b.append("\\000");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
