package dev.netloom.kv;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.DENYOOM;
import static dev.netloom.kv.CommandFlag.FAST;
import static dev.netloom.kv.CommandFlag.READONLY;
import static dev.netloom.kv.CommandFlag.WRITE;

/** String commands: GET/SET and friends, counters, ranges. Values are plain byte arrays. */
final class StringCommands {

    private static final byte[] SET = Bytes.of("SET");
    private static final byte[] PXAT = Bytes.of("PXAT");
    private static final byte[] KEEPTTL = Bytes.of("KEEPTTL");
    private static final byte[] DEL = Bytes.of("DEL");
    private static final byte[] PEXPIREAT = Bytes.of("PEXPIREAT");
    private static final byte[] PERSIST = Bytes.of("PERSIST");

    private static final KvError NOT_FLOAT_VALUE = new KvError("ERR value is not a valid float");

    private StringCommands() {
    }

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        return List.of(
                new Command("get", 2, Set.of(READONLY, FAST), KeySpec.ONE, StringCommands::get),
                new Command("set", -3, Set.of(WRITE, DENYOOM), KeySpec.ONE, StringCommands::set),
                new Command("setnx", 3, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, (c, a) -> c.out.integer(setnx(c, a[1], a[2]) ? 1 : 0)),
                new Command("setex", 4, Set.of(WRITE, DENYOOM), KeySpec.ONE, (c, a) -> setWithTtl(c, a, 1000, "setex")),
                new Command("psetex", 4, Set.of(WRITE, DENYOOM), KeySpec.ONE, (c, a) -> setWithTtl(c, a, 1, "psetex")),
                new Command("getset", 3, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, StringCommands::getset),
                new Command("getdel", 2, Set.of(WRITE, FAST), KeySpec.ONE, StringCommands::getdel),
                new Command("getex", -2, Set.of(WRITE, FAST), KeySpec.ONE, StringCommands::getex),
                new Command("mget", -2, Set.of(READONLY, FAST), KeySpec.ALL, StringCommands::mget),
                new Command("mset", -3, Set.of(WRITE, DENYOOM), KeySpec.PAIRS, StringCommands::mset),
                new Command("msetnx", -3, Set.of(WRITE, DENYOOM), KeySpec.PAIRS, StringCommands::msetnx),
                new Command("incr", 2, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, (c, a) -> incrBy(c, a[1], 1)),
                new Command("decr", 2, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, (c, a) -> incrBy(c, a[1], -1)),
                new Command("incrby", 3, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, (c, a) -> incrBy(c, a[1], Bytes.toLong(a[2]))),
                new Command("decrby", 3, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, StringCommands::decrby),
                new Command("incrbyfloat", 3, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, StringCommands::incrbyfloat),
                new Command("append", 3, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, StringCommands::append),
                new Command("strlen", 2, Set.of(READONLY, FAST), KeySpec.ONE, (c, a) -> {
                    byte[] v = c.store.getString(a[1]);
                    c.out.integer(v == null ? 0 : v.length);
                }),
                new Command("getrange", 4, Set.of(READONLY), KeySpec.ONE, StringCommands::getrange),
                new Command("substr", 4, Set.of(READONLY), KeySpec.ONE, StringCommands::getrange),
                new Command("setrange", 4, Set.of(WRITE, DENYOOM), KeySpec.ONE, StringCommands::setrange),
                new Command("lcs", -3, Set.of(READONLY), KeySpec.TWO, StringCommands::lcs));
    }

    static void get(Client c, byte[][] a) {
        c.out.bulk(c.store.getString(a[1]));
    }

    /** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL]. */
    static void set(Client c, byte[][] a) {
        boolean nx = false, xx = false, get = false, keepTtl = false;
        long expireAt = 0;
        String unit = null;
        for (int i = 3; i < a.length; i++) {
            byte[] o = a[i];
            boolean hasNext = i + 1 < a.length;
            if (Bytes.is(o, "nx") && !xx) {
                nx = true;
            } else if (Bytes.is(o, "xx") && !nx) {
                xx = true;
            } else if (Bytes.is(o, "get")) {
                get = true;
            } else if (Bytes.is(o, "keepttl") && unit == null) {
                keepTtl = true;
            } else if (hasNext && unit == null && !keepTtl
                    && (Bytes.is(o, "ex") || Bytes.is(o, "px") || Bytes.is(o, "exat") || Bytes.is(o, "pxat"))) {
                unit = Bytes.lowerName(o);
                expireAt = absolute(c, Bytes.toLong(a[++i]), unit, "set");
            } else {
                throw KvError.SYNTAX;
            }
        }
        Dict.Entry old = c.store.lookup(a[1]);
        if (get) {
            if (old != null && !(old.value instanceof byte[])) {
                throw KvError.WRONGTYPE;
            }
        }
        byte[] previous = old == null ? null : (byte[]) (old.value instanceof byte[] b ? b : null);
        if ((nx && old != null) || (xx && old == null)) {
            if (get) {
                c.out.bulk(previous);
            } else {
                c.out.nullBulk();
            }
            return;
        }
        Dict.Entry e = c.store.set(a[1], a[2], keepTtl);
        if (unit != null) {
            c.store.expireAt(e, expireAt);
            c.propagate(SET, a[1], a[2], PXAT, Bytes.of(expireAt));
        } else {
            c.propagate(keepTtl ? new byte[][] {SET, a[1], a[2], KEEPTTL} : new byte[][] {SET, a[1], a[2]});
        }
        c.store.changed();
        if (get) {
            c.out.bulk(previous);
        } else {
            c.out.ok();
        }
    }

    /** An absolute expiry in Unix ms from an EX/PX/EXAT/PXAT value; Redis's errors for bad ones. */
    static long absolute(Client c, long value, String unit, String command) {
        KvError invalid = new KvError("ERR invalid expire time in '" + command + "' command");
        if (value <= 0) {
            throw invalid;
        }
        long ms;
        try {
            ms = switch (unit) {
                case "ex" -> Math.addExact(c.store.now, Math.multiplyExact(value, 1000));
                case "px" -> Math.addExact(c.store.now, value);
                case "exat" -> Math.multiplyExact(value, 1000);
                default -> value;
            };
        } catch (ArithmeticException e) {
            throw invalid;
        }
        return ms;
    }

    private static boolean setnx(Client c, byte[] key, byte[] value) {
        if (c.store.lookup(key) != null) {
            return false;
        }
        c.store.set(key, value, false);
        c.store.changed();
        return true;
    }

    private static void setWithTtl(Client c, byte[][] a, long unitMs, String name) {
        long at = absolute(c, Bytes.toLong(a[2]), unitMs == 1000 ? "ex" : "px", name);
        Dict.Entry e = c.store.set(a[1], a[3], false);
        c.store.expireAt(e, at);
        c.store.changed();
        c.propagate(SET, a[1], a[3], PXAT, Bytes.of(at));
        c.out.ok();
    }

    private static void getset(Client c, byte[][] a) {
        byte[] old = c.store.getString(a[1]);
        c.store.set(a[1], a[2], false);
        c.store.changed();
        c.out.bulk(old);
    }

    private static void getdel(Client c, byte[][] a) {
        byte[] old = c.store.getString(a[1]);
        if (old != null) {
            c.store.delete(a[1]);
            c.store.changed();
            c.propagate(DEL, a[1]);
        }
        c.out.bulk(old);
    }

    /**
     * GETEX key [EX s|PX ms|EXAT s|PXAT ms|PERSIST]: the value, and its expiry set or removed;
     * logged as PEXPIREAT (or DEL, for a time already past) and PERSIST, as Redis propagates it.
     */
    private static void getex(Client c, byte[][] a) {
        String unit = null;
        boolean persist = false;
        long at = 0;
        for (int i = 2; i < a.length; i++) {
            byte[] o = a[i];
            if (Bytes.is(o, "persist") && unit == null && !persist) {
                persist = true;
            } else if (i + 1 < a.length && unit == null && !persist
                    && (Bytes.is(o, "ex") || Bytes.is(o, "px") || Bytes.is(o, "exat") || Bytes.is(o, "pxat"))) {
                unit = Bytes.lowerName(o);
                at = absolute(c, Bytes.toLong(a[++i]), unit, "getex");
            } else {
                throw KvError.SYNTAX;
            }
        }
        Dict.Entry e = c.store.lookup(a[1]);
        if (e == null) {
            c.out.nullBulk();
            return;
        }
        if (!(e.value instanceof byte[] v)) {
            throw KvError.WRONGTYPE;
        }
        c.out.bulk(v);
        if (unit != null && at <= c.store.now && !c.store.loading) {
            c.store.delete(a[1]);
            c.store.changed();
            c.propagate(DEL, a[1]);
        } else if (unit != null) {
            c.store.expireAt(e, at);
            c.store.changed();
            c.propagate(PEXPIREAT, a[1], Bytes.of(at));
        } else if (persist && e.expireAt != 0) {
            c.store.expireAt(e, 0);
            c.store.changed();
            c.propagate(PERSIST, a[1]);
        }
    }

    private static void mget(Client c, byte[][] a) {
        c.out.array(a.length - 1);
        for (int i = 1; i < a.length; i++) {
            Object v = c.store.get(a[i]);
            c.out.bulk(v instanceof byte[] b ? b : null); // MGET answers nil for other types
        }
    }

    private static void mset(Client c, byte[][] a) {
        if (a.length % 2 == 0) {
            throw KvError.wrongArgs("mset");
        }
        for (int i = 1; i < a.length; i += 2) {
            c.store.set(a[i], a[i + 1], false);
        }
        c.store.changed(a.length / 2);
        c.out.ok();
    }

    private static void msetnx(Client c, byte[][] a) {
        if (a.length % 2 == 0) {
            throw KvError.wrongArgs("msetnx");
        }
        for (int i = 1; i < a.length; i += 2) {
            if (c.store.lookup(a[i]) != null) {
                c.out.integer(0);
                return;
            }
        }
        for (int i = 1; i < a.length; i += 2) {
            c.store.set(a[i], a[i + 1], false);
        }
        c.store.changed(a.length / 2);
        c.out.integer(1);
    }

    private static void decrby(Client c, byte[][] a) {
        long by = Bytes.toLong(a[2]);
        if (by == Long.MIN_VALUE) {
            throw new KvError("ERR decrement would overflow");
        }
        incrBy(c, a[1], -by);
    }

    static void incrBy(Client c, byte[] key, long by) {
        Dict.Entry e = c.store.lookup(key);
        long v = 0;
        if (e != null) {
            if (!(e.value instanceof byte[] s)) {
                throw KvError.WRONGTYPE;
            }
            v = Bytes.toLong(s);
        }
        long r;
        try {
            r = Math.addExact(v, by);
        } catch (ArithmeticException x) {
            throw KvError.OVERFLOW;
        }
        c.store.set(key, Bytes.of(r), true);
        c.store.changed();
        c.out.integer(r);
    }

    private static void incrbyfloat(Client c, byte[][] a) {
        Dict.Entry e = c.store.lookup(a[1]);
        BigDecimal v = BigDecimal.ZERO;
        if (e != null) {
            if (!(e.value instanceof byte[] s)) {
                throw KvError.WRONGTYPE;
            }
            v = decimal(s);
        }
        BigDecimal r = v.add(decimal(a[2]));
        double d = r.doubleValue();
        if (Double.isInfinite(d) || Double.isNaN(d)) {
            throw new KvError("ERR increment would produce NaN or Infinity");
        }
        // exact decimal arithmetic: 0.1 + 0.2 is 0.3, as Redis's long double output shows it
        String text = r.stripTrailingZeros().toPlainString();
        byte[] out = Bytes.of(text.length() > 60 ? Bytes.str(Bytes.of(d)) : text);
        c.store.set(a[1], out, true);
        c.store.changed();
        c.propagate(SET, a[1], out, KEEPTTL);
        c.out.bulk(out);
    }

    private static BigDecimal decimal(byte[] s) {
        Double d = Bytes.parseDouble(s);
        if (d == null) {
            throw NOT_FLOAT_VALUE;
        }
        if (d.isInfinite()) { // Redis parses it, adds, and refuses the sum
            throw new KvError("ERR increment would produce NaN or Infinity");
        }
        try {
            return new BigDecimal(Bytes.str(s));
        } catch (NumberFormatException e) {
            return new BigDecimal(d);
        }
    }

    /**
     * No string grows past proto-max-bulk-len (SETRANGE, APPEND), as in Redis: one SETRANGE with
     * a large offset would otherwise make a string as long as the client likes. The file being
     * replayed is obeyed, as Redis obeys its AOF client, so lowering the limit never stops a start.
     */
    static void checkLength(Client c, long length) {
        if (length > c.store.maxString && !c.store.loading) {
            throw new KvError("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
        }
    }

    /**
     * {@code s} copied into an array of {@code length} bytes, or Redis's OOM error when the heap
     * cannot hold it: nothing is changed yet when this allocation fails, so the command is
     * refused and the connection goes on (a SETRANGE near proto-max-bulk-len on a small heap).
     */
    static byte[] grow(byte[] s, int length) {
        try {
            return Arrays.copyOf(s, length);
        } catch (OutOfMemoryError e) {
            throw new KvError("OOM command not allowed: no memory for a string of " + length + " bytes");
        }
    }

    private static void append(Client c, byte[][] a) {
        Dict.Entry e = c.store.lookup(a[1]);
        byte[] r;
        if (e == null) {
            r = a[2];
        } else {
            if (!(e.value instanceof byte[] s)) {
                throw KvError.WRONGTYPE;
            }
            checkLength(c, (long) s.length + a[2].length);
            r = grow(s, s.length + a[2].length);
            System.arraycopy(a[2], 0, r, s.length, a[2].length);
        }
        if (e == null) {
            c.store.set(a[1], r, true); // a new string is encoded as SET's (Redis adds the argument as it is)
        } else {
            c.store.setRaw(a[1], r);
        }
        c.store.changed();
        c.out.integer(r.length);
    }

    private static void getrange(Client c, byte[][] a) {
        long start = Bytes.toLong(a[2]), end = Bytes.toLong(a[3]);
        byte[] s = c.store.getString(a[1]);
        if (s == null || s.length == 0 || (start < 0 && end < 0 && start > end)) {
            c.out.bulk(new byte[0]);
            return;
        }
        long n = s.length;
        if (start < 0) {
            start = Math.max(0, n + start);
        }
        if (end < 0) {
            end = Math.max(0, n + end);
        }
        end = Math.min(end, n - 1);
        if (start > end) {
            c.out.bulk(new byte[0]);
            return;
        }
        c.out.bulk(Arrays.copyOfRange(s, (int) start, (int) end + 1));
    }

    private static void setrange(Client c, byte[][] a) {
        long offset = Bytes.toLong(a[2]);
        if (offset < 0) {
            throw new KvError("ERR offset is out of range");
        }
        Dict.Entry e = c.store.lookup(a[1]);
        byte[] s = new byte[0];
        if (e != null) {
            if (!(e.value instanceof byte[] v)) {
                throw KvError.WRONGTYPE;
            }
            s = v;
        }
        if (a[3].length == 0) {
            c.out.integer(s.length);
            return;
        }
        checkLength(c, Math.min(offset, Integer.MAX_VALUE) + a[3].length); // no overflow past 2^63
        int len = (int) Math.max(s.length, offset + a[3].length);
        byte[] r = grow(s, len);
        System.arraycopy(a[3], 0, r, (int) offset, a[3].length);
        c.store.setRaw(a[1], r);
        c.store.changed();
        c.out.integer(r.length);
    }

    /**
     * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: the longest common subsequence
     * of two strings (a missing key is empty), its length, or its matching ranges, as Redis's
     * dynamic programming table finds them (from the end backwards). The table is refused past
     * proto-max-bulk-len bytes, as in Redis.
     */
    private static void lcs(Client c, byte[][] a) {
        Object x = c.store.get(a[1]);
        Object y = c.store.get(a[2]);
        if ((x != null && !(x instanceof byte[])) || (y != null && !(y instanceof byte[]))) {
            throw new KvError("ERR The specified keys must contain string values");
        }
        boolean idx = false, len = false, withLen = false;
        long minLen = 0;
        for (int j = 3; j < a.length; j++) {
            if (Bytes.is(a[j], "idx")) {
                idx = true;
            } else if (Bytes.is(a[j], "len")) {
                len = true;
            } else if (Bytes.is(a[j], "withmatchlen")) {
                withLen = true;
            } else if (Bytes.is(a[j], "minmatchlen") && j + 1 < a.length) {
                minLen = Math.max(0, Bytes.toLong(a[++j]));
            } else {
                throw KvError.SYNTAX;
            }
        }
        if (idx && len) {
            throw new KvError("ERR If you want both the length and indexes, please just use IDX.");
        }
        byte[] s = x == null ? new byte[0] : (byte[]) x;
        byte[] t = y == null ? new byte[0] : (byte[]) y;
        int cols = t.length + 1;
        long cells = (long) (s.length + 1) * cols;
        if (cells * 4 > c.store.maxString || cells > Integer.MAX_VALUE - 8) {
            throw new KvError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        }
        int[] table;
        try {
            table = new int[(int) cells];
        } catch (OutOfMemoryError e) {
            throw new KvError("ERR Insufficient memory, failed allocating transient memory for LCS");
        }
        for (int i = 1; i <= s.length; i++) {
            for (int j = 1; j <= t.length; j++) {
                table[i * cols + j] = s[i - 1] == t[j - 1] ? table[(i - 1) * cols + j - 1] + 1
                        : Math.max(table[(i - 1) * cols + j], table[i * cols + j - 1]);
            }
        }
        int total = table[s.length * cols + t.length];
        if (len) {
            c.out.integer(total);
            return;
        }
        byte[] result = new byte[total];
        List<long[]> matches = new ArrayList<>();
        int k = total, i = s.length, j = t.length;
        int aStart = s.length, aEnd = 0, bStart = 0, bEnd = 0;
        while (i > 0 && j > 0) {
            boolean emit = false;
            if (s[i - 1] == t[j - 1]) {
                result[k - 1] = s[i - 1];
                if (aStart == s.length) {
                    aStart = i - 1;
                    aEnd = i - 1;
                    bStart = j - 1;
                    bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0) {
                    emit = true;
                }
                k--;
                i--;
                j--;
            } else {
                if (table[(i - 1) * cols + j] > table[i * cols + j - 1]) {
                    i--;
                } else {
                    j--;
                }
                if (aStart != s.length) {
                    emit = true;
                }
            }
            if (emit) {
                long matchLen = aEnd - aStart + 1;
                if (minLen == 0 || matchLen >= minLen) {
                    matches.add(new long[] {aStart, aEnd, bStart, bEnd, matchLen});
                }
                aStart = s.length;
            }
        }
        if (!idx) {
            c.out.bulk(result);
            return;
        }
        c.out.array(4);
        c.out.bulk("matches");
        c.out.array(matches.size());
        for (long[] m : matches) {
            c.out.array(withLen ? 3 : 2);
            c.out.array(2);
            c.out.integer(m[0]);
            c.out.integer(m[1]);
            c.out.array(2);
            c.out.integer(m[2]);
            c.out.integer(m[3]);
            if (withLen) {
                c.out.integer(m[4]);
            }
        }
        c.out.bulk("len");
        c.out.integer(total);
    }
}
