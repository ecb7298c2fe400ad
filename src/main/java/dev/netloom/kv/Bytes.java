package dev.netloom.kv;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Conversions between Redis's binary-safe strings and numbers, with Redis's strictness. */
final class Bytes {

    /** 17 significant digits, as C's %.17g. */
    private static final MathContext G17 = new MathContext(17, RoundingMode.HALF_EVEN);

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte[][] SMALL = new byte[10_000][];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private Bytes() {
    }

    static long longAt(byte[] b, int i) {
        return (long) LONGS.get(b, i);
    }

    static byte[] of(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The decimal form of {@code n}; small non-negative numbers share one array each (never change it). */
    static byte[] of(long n) {
        if (n >= 0 && n < SMALL.length) {
            return SMALL[(int) n];
        }
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    /** Redis's string2ll: an optional '-', digits, no leading zeros or spaces or '+', within 64 bits. */
    static boolean isLong(byte[] b) {
        return parseLong(b, Long.MIN_VALUE) != Long.MIN_VALUE || isMinLong(b);
    }

    private static boolean isMinLong(byte[] b) {
        return b.length == 20 && "-9223372036854775808".equals(new String(b, StandardCharsets.US_ASCII));
    }

    /** The value of {@code b} as Redis parses an integer, or {@code invalid} when it is not one. */
    static long parseLong(byte[] b, long invalid) {
        int n = b.length;
        if (n == 0 || n > 20) {
            return invalid;
        }
        int i = 0;
        boolean neg = false;
        if (b[0] == '-') {
            neg = true;
            i = 1;
            if (n == 1) {
                return invalid;
            }
        }
        if (b[i] == '0') {
            return n == i + 1 && !neg ? 0 : invalid;
        }
        long v = 0;
        for (; i < n; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return invalid;
            }
            if (v < (Long.MIN_VALUE + d) / 10) {
                return invalid; // accumulates negatively so that Long.MIN_VALUE fits
            }
            v = v * 10 - d;
        }
        if (!neg) {
            if (v == Long.MIN_VALUE) {
                return invalid;
            }
            return -v;
        }
        return v;
    }

    /** An integer argument, or the error Redis gives. */
    static long toLong(byte[] b) {
        long v = parseLong(b, Long.MIN_VALUE);
        if (v == Long.MIN_VALUE && !isMinLong(b)) {
            throw KvError.NOT_INTEGER;
        }
        return v;
    }

    /** A float argument as Redis's strtold accepts it (inf allowed, no spaces, no NaN), or null. */
    static Double parseDouble(byte[] b) {
        if (b.length == 0 || b.length > 5 * 1024) { // Redis's MAX_LONG_DOUBLE_CHARS: DBL_MAX in full is 309 digits
            return null;
        }
        String s = new String(b, StandardCharsets.US_ASCII);
        switch (s.toLowerCase()) {
            case "inf", "+inf", "infinity", "+infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        char first = s.charAt(0), last = s.charAt(s.length() - 1);
        if (Character.isWhitespace(first) || Character.isWhitespace(last) || last == 'd' || last == 'D'
                || last == 'f' || last == 'F' || s.contains("x") || s.contains("X")) {
            return null;
        }
        try {
            double d = Double.parseDouble(s);
            return Double.isNaN(d) ? null : d;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static double toDouble(byte[] b) {
        Double d = parseDouble(b);
        if (d == null) {
            throw KvError.NOT_FLOAT;
        }
        return d;
    }

    /** A score or float reply as Redis 7.0 writes it: C's %.17g (1.1 is 1.1000000000000001; 7.2 writes the shortest form). */
    static byte[] of(double d) {
        if (Double.isInfinite(d)) {
            return of(d > 0 ? "inf" : "-inf");
        }
        if (d == 0) {
            return of(1 / d < 0 ? "-0" : "0");
        }
        // C's %.17g: 17 significant digits (round half to even on the exact binary value), no
        // trailing zeros, scientific below 1e-4 or from 1e17 with a signed two-digit exponent
        BigDecimal bd = new BigDecimal(d).round(G17);
        int exp = bd.precision() - bd.scale() - 1;
        if (exp < -4 || exp >= 17) {
            String mant = bd.movePointLeft(exp).stripTrailingZeros().toPlainString();
            return of(mant + (exp < 0 ? "e-" : "e+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp));
        }
        return of(bd.stripTrailingZeros().toPlainString());
    }

    /** Lower-case ASCII name of a command (argv[0]). */
    static String lowerName(byte[] b) {
        char[] c = new char[b.length];
        for (int i = 0; i < b.length; i++) {
            int x = b[i] & 0xff;
            c[i] = (char) (x >= 'A' && x <= 'Z' ? x + 32 : x);
        }
        return new String(c);
    }

    static boolean is(byte[] arg, String lowerWord) {
        if (arg.length != lowerWord.length()) {
            return false;
        }
        for (int i = 0; i < arg.length; i++) {
            int x = arg[i] & 0xff;
            if ((x >= 'A' && x <= 'Z' ? x + 32 : x) != lowerWord.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Redis's glob-style pattern match (stringmatchlen): * ? [abc] [^a-z] and \\ escapes. */
    static boolean glob(byte[] p, byte[] s) {
        return glob(p, 0, s, 0, new boolean[1], 0);
    }

    /**
     * {@code giveUp} is Redis's skipLongerMatches: when the rest of a pattern after a star fails
     * against every suffix of the string, no earlier star can help by taking more, so every
     * enclosing star stops too. Without it, a pattern like {@code *a*a*a*a*b} takes exponential
     * time, and KEYS holds the store while it runs.
     */
    private static boolean glob(byte[] p, int pi, byte[] s, int si, boolean[] giveUp, int depth) {
        if (depth > 1000) {
            return false; // Redis limits nesting too: a pattern of many stars cannot blow the stack
        }
        while (pi < p.length) {
            byte c = p[pi];
            switch (c) {
                case '*' -> {
                    return star(p, pi, s, si, giveUp, depth);
                }
                case '?' -> {
                    if (si >= s.length) {
                        return false;
                    }
                    si++;
                }
                case '[' -> {
                    if (si >= s.length) {
                        return false;
                    }
                    pi = inClass(p, pi + 1, s[si]);
                    if (pi < 0) {
                        return false;
                    }
                    si++;
                    if (pi >= p.length) {
                        return si == s.length; // unterminated class: treat the end as its close
                    }
                }
                case '\\' -> {
                    if (pi + 1 < p.length) {
                        pi++;
                    }
                    if (si >= s.length || p[pi] != s[si]) {
                        return false;
                    }
                    si++;
                }
                default -> {
                    if (si >= s.length || c != s[si]) {
                        return false;
                    }
                    si++;
                }
            }
            pi++;
        }
        return si == s.length;
    }

    /** The star at {@code pi}: the rest of the pattern against every suffix of {@code s} from {@code si}. */
    private static boolean star(byte[] p, int pi, byte[] s, int si, boolean[] giveUp, int depth) {
        while (pi + 1 < p.length && p[pi + 1] == '*') {
            pi++;
        }
        if (pi + 1 == p.length) {
            return true;
        }
        for (int k = si; k <= s.length; k++) {
            if (glob(p, pi + 1, s, k, giveUp, depth + 1)) {
                return true;
            }
            if (giveUp[0]) {
                return false;
            }
        }
        giveUp[0] = true;
        return false;
    }

    /**
     * Whether {@code x} is in the class {@code [...]} whose body starts at {@code pi} (after the
     * '['): the index of its ']' ({@code p.length} when unterminated) when it is, -1 when not.
     */
    private static int inClass(byte[] p, int pi, byte x) {
        boolean not = pi < p.length && p[pi] == '^';
        if (not) {
            pi++;
        }
        boolean match = false;
        while (pi < p.length && p[pi] != ']') {
            if (p[pi] == '\\' && pi + 1 < p.length) {
                pi++;
                if (p[pi] == x) {
                    match = true;
                }
            } else if (pi + 2 < p.length && p[pi + 1] == '-') {
                int lo = p[pi] & 0xff, hi = p[pi + 2] & 0xff, v = x & 0xff;
                if (lo > hi) {
                    int t = lo;
                    lo = hi;
                    hi = t;
                }
                if (v >= lo && v <= hi) {
                    match = true;
                }
                pi += 2;
            } else if (p[pi] == x) {
                match = true;
            }
            pi++;
        }
        return match != not ? pi : -1;
    }
}
