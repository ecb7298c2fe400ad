package dev.netloom.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.FAST;
import static dev.netloom.kv.CommandFlag.READONLY;
import static dev.netloom.kv.CommandFlag.WRITE;

/**
 * Bitmap commands on strings: SETBIT, GETBIT, BITCOUNT and BITPOS (BYTE|BIT ranges), BITOP
 * AND|OR|XOR|NOT, BITFIELD (GET/SET/INCRBY of i1..i64 and u1..u63 fields, {@code #n} offsets,
 * OVERFLOW WRAP|SAT|FAIL) and BITFIELD_RO. Bit 0 is the most significant bit of byte 0, and a
 * string reads as zeros past its end, as in Redis. A string grows to what a write reaches,
 * within proto-max-bulk-len (an offset past it is "out of range").
 */
final class BitCommands {

    private static final KvError BAD_OFFSET = new KvError("ERR bit offset is not an integer or out of range");
    private static final KvError BAD_TYPE = new KvError(
            "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.");

    private BitCommands() {
    }

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        return List.of(
                new Command("setbit", 4, Set.of(WRITE), KeySpec.ONE, BitCommands::setbit),
                new Command("getbit", 3, Set.of(READONLY, FAST), KeySpec.ONE, BitCommands::getbit),
                new Command("bitcount", -2, Set.of(READONLY), KeySpec.ONE, BitCommands::bitcount),
                new Command("bitpos", -3, Set.of(READONLY), KeySpec.ONE, BitCommands::bitpos),
                new Command("bitop", -4, Set.of(WRITE), new KeySpec(2, -1, 1), BitCommands::bitop),
                new Command("bitfield", -2, Set.of(WRITE), KeySpec.ONE, (c, a) -> bitfield(c, a, false)),
                new Command("bitfield_ro", -2, Set.of(READONLY, FAST), KeySpec.ONE, (c, a) -> bitfield(c, a, true)));
    }

    /** A bit offset: 0 or more, within proto-max-bulk-len bytes; {@code #n} is n × {@code bits} (BITFIELD). */
    private static long offset(Client c, byte[] arg, int bits) {
        boolean hash = bits > 0 && arg.length > 0 && arg[0] == '#';
        long n = Bytes.parseLong(hash ? Arrays.copyOfRange(arg, 1, arg.length) : arg, -1);
        if (n < 0 && !(n == -1 && Bytes.isLong(arg))) {
            throw BAD_OFFSET;
        }
        if (hash) {
            n *= bits;
        }
        if (n < 0 || ((n >> 3) >= c.store.maxString && !c.store.loading)) {
            throw BAD_OFFSET;
        }
        return n;
    }

    private static int bit(byte[] s, long offset) {
        long i = offset >> 3;
        return i < s.length ? (s[(int) i] >> (7 - (int) (offset & 7))) & 1 : 0;
    }

    /** The string of {@code key} made at least {@code bytes} long (created when missing), stored back. */
    private static byte[] grown(Client c, byte[] key, long bytes) {
        Dict.Entry e = c.store.lookup(key);
        byte[] s = new byte[0];
        if (e != null) {
            if (!(e.value instanceof byte[] v)) {
                throw KvError.WRONGTYPE;
            }
            s = v;
        }
        if (bytes > s.length) {
            StringCommands.checkLength(c, bytes);
            s = StringCommands.grow(s, (int) bytes);
            c.store.set(key, s, true);
        } else if (e == null) {
            c.store.set(key, s, true);
        }
        return s;
    }

    /** SETBIT key offset 0|1: the bit's old value. */
    static void setbit(Client c, byte[][] a) {
        long offset = offset(c, a[2], 0);
        if (a[3].length != 1 || (a[3][0] != '0' && a[3][0] != '1')) {
            throw new KvError("ERR bit is not an integer or out of range");
        }
        byte[] s = grown(c, a[1], (offset >> 3) + 1);
        int old = bit(s, offset);
        int i = (int) (offset >> 3);
        int mask = 1 << (7 - (int) (offset & 7));
        s[i] = (byte) (a[3][0] == '1' ? s[i] | mask : s[i] & ~mask);
        c.store.changed();
        c.out.integer(old);
    }

    static void getbit(Client c, byte[][] a) {
        long offset = offset(c, a[2], 0);
        byte[] s = c.store.getString(a[1]);
        c.out.integer(s == null ? 0 : bit(s, offset));
    }

    /**
     * A [start end [BYTE|BIT]] range over {@code s} as bit offsets {first, last} (first > last:
     * empty), Redis's negative indexes and clamping; {@code at} is where start is.
     */
    private static long[] bitRange(byte[][] a, int at, byte[] s, boolean endGiven) {
        long start = Bytes.toLong(a[at]);
        long end = endGiven ? Bytes.toLong(a[at + 1]) : 0;
        boolean isBit = false;
        if (a.length > at + 2) {
            if (Bytes.is(a[at + 2], "bit")) {
                isBit = true;
            } else if (!Bytes.is(a[at + 2], "byte")) {
                throw KvError.SYNTAX;
            }
        }
        long total = isBit ? (long) s.length << 3 : s.length;
        if (!endGiven) {
            end = total - 1;
        }
        if (start < 0 && end < 0 && start > end) {
            return new long[] {1, 0};
        }
        if (start < 0) {
            start = Math.max(0, total + start);
        }
        if (end < 0) {
            end = Math.max(0, total + end);
        }
        end = Math.min(end, total - 1);
        return isBit ? new long[] {start, end} : new long[] {start << 3, (end << 3) + 7};
    }

    /** BITCOUNT key [start end [BYTE|BIT]]: the set bits of the string, or of the range. */
    static void bitcount(Client c, byte[][] a) {
        byte[] s = c.store.getString(a[1]);
        if (s == null) {
            c.out.integer(0);
            return;
        }
        long[] r;
        if (a.length == 4 || a.length == 5) {
            r = bitRange(a, 2, s, true);
        } else if (a.length == 2) {
            r = new long[] {0, ((long) s.length << 3) - 1};
        } else {
            throw KvError.SYNTAX;
        }
        long n = 0;
        for (long i = r[0]; i <= r[1]; ) {
            if ((i & 7) == 0 && i + 7 <= r[1]) {
                n += Integer.bitCount(s[(int) (i >> 3)] & 0xff);
                i += 8;
            } else {
                n += bit(s, i++);
            }
        }
        c.out.integer(n);
    }

    /**
     * BITPOS key bit [start [end [BYTE|BIT]]]: the first bit of that value in the range, -1 if
     * none; looking for a 0 without an end, the string counts as followed by zeros.
     */
    static void bitpos(Client c, byte[][] a) {
        long want = Bytes.toLong(a[2]);
        if (want != 0 && want != 1) {
            throw new KvError("ERR The bit argument must be 1 or 0.");
        }
        byte[] s = c.store.getString(a[1]);
        if (s == null) {
            c.out.integer(want == 1 ? -1 : 0);
            return;
        }
        boolean endGiven = a.length >= 5;
        long[] r;
        if (a.length >= 4 && a.length <= 6) {
            r = bitRange(a, 3, s, endGiven);
        } else if (a.length == 3) {
            r = new long[] {0, ((long) s.length << 3) - 1};
        } else {
            throw KvError.SYNTAX;
        }
        if (r[0] > r[1]) {
            c.out.integer(-1);
            return;
        }
        for (long i = r[0]; i <= r[1]; i++) {
            if (bit(s, i) == want) {
                c.out.integer(i);
                return;
            }
        }
        c.out.integer(want == 0 && !endGiven ? r[1] + 1 : -1);
    }

    /** BITOP AND|OR|XOR|NOT destkey key [key ...]: the length of the result (a missing key is zeros). */
    static void bitop(Client c, byte[][] a) {
        String op = Bytes.lowerName(a[1]);
        if (!List.of("and", "or", "xor", "not").contains(op)) {
            throw KvError.SYNTAX;
        }
        if (op.equals("not") && a.length != 4) {
            throw new KvError("ERR BITOP NOT must be called with a single source key.");
        }
        List<byte[]> src = new ArrayList<>();
        int max = 0;
        for (int i = 3; i < a.length; i++) {
            byte[] s = c.store.getString(a[i]);
            src.add(s == null ? new byte[0] : s);
            max = Math.max(max, s == null ? 0 : s.length);
        }
        byte[] out = new byte[max];
        for (int j = 0; j < max; j++) {
            int v = at(src.get(0), j);
            if (op.equals("not")) {
                v = ~v;
            }
            for (int k = 1; k < src.size(); k++) {
                int w = at(src.get(k), j);
                v = switch (op) {
                    case "and" -> v & w;
                    case "or" -> v | w;
                    default -> v ^ w;
                };
            }
            out[j] = (byte) v;
        }
        if (max > 0) {
            c.store.set(a[2], out, false);
            c.store.changed();
        } else if (c.store.delete(a[2])) {
            c.store.changed();
        }
        c.out.integer(max);
    }

    private static int at(byte[] s, int i) {
        return i < s.length ? s[i] & 0xff : 0;
    }

    /** One BITFIELD operation: GET (value unused), SET or INCRBY, with the OVERFLOW in force. */
    private record FieldOp(char op, boolean signed, int bits, long offset, long value, char overflow) {
    }

    /** BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset incr] [OVERFLOW WRAP|SAT|FAIL] ... */
    static void bitfield(Client c, byte[][] a, boolean readOnly) {
        List<FieldOp> ops = new ArrayList<>();
        char overflow = 'w';
        long highest = -1;
        for (int j = 2; j < a.length; j++) {
            int left = a.length - j - 1;
            char op;
            if (Bytes.is(a[j], "get") && left >= 2) {
                op = 'g';
            } else if (Bytes.is(a[j], "set") && left >= 3) {
                op = 's';
            } else if (Bytes.is(a[j], "incrby") && left >= 3) {
                op = 'i';
            } else if (Bytes.is(a[j], "overflow") && left >= 1) {
                byte[] t = a[++j];
                overflow = Bytes.is(t, "wrap") ? 'w' : Bytes.is(t, "sat") ? 's' : Bytes.is(t, "fail") ? 'f' : 0;
                if (overflow == 0) {
                    throw new KvError("ERR Invalid OVERFLOW type specified");
                }
                continue;
            } else {
                throw KvError.SYNTAX;
            }
            byte[] type = a[j + 1];
            boolean signed = type.length > 0 && (type[0] == 'i' || type[0] == 'I');
            if (type.length == 0 || !(signed || type[0] == 'u' || type[0] == 'U')) {
                throw BAD_TYPE;
            }
            long bits = Bytes.parseLong(Arrays.copyOfRange(type, 1, type.length), -1);
            if (bits < 1 || bits > (signed ? 64 : 63)) {
                throw BAD_TYPE;
            }
            long offset = offset(c, a[j + 2], (int) bits);
            long value = 0;
            if (op != 'g') {
                value = Bytes.toLong(a[j + 3]);
                highest = Math.max(highest, offset + bits - 1);
            }
            ops.add(new FieldOp(op, signed, (int) bits, offset, value, overflow));
            j += op == 'g' ? 2 : 3;
        }
        byte[] s;
        if (highest < 0) {
            s = c.store.getString(a[1]);
            s = s == null ? new byte[0] : s;
        } else {
            if (readOnly) {
                throw new KvError("ERR BITFIELD_RO only supports the GET subcommand");
            }
            s = grown(c, a[1], (highest >> 3) + 1);
        }
        c.out.array(ops.size());
        int changes = 0;
        for (FieldOp o : ops) {
            long old = get(s, o.offset, o.bits, o.signed);
            if (o.op == 'g') {
                c.out.integer(old);
                continue;
            }
            long[] result = o.op == 'i' ? add(old, o.value, o) : add(o.value, 0, o);
            long written = result[0];
            if (result[1] != 0 && o.overflow == 'f') {
                c.out.nullBulk();
            } else {
                c.out.integer(o.op == 'i' ? written : old);
                put(s, o.offset, o.bits, written);
            }
            changes++;
        }
        if (changes > 0) {
            c.store.changed(changes);
        }
    }

    private static long get(byte[] s, long offset, int bits, boolean signed) {
        long v = 0;
        for (int i = 0; i < bits; i++) {
            v = (v << 1) | bit(s, offset + i);
        }
        if (signed && bits < 64 && (v & (1L << (bits - 1))) != 0) {
            v |= -1L << bits;
        }
        return v;
    }

    private static void put(byte[] s, long offset, int bits, long v) {
        for (int i = 0; i < bits; i++) {
            long o = offset + i;
            int idx = (int) (o >> 3);
            int mask = 1 << (7 - (int) (o & 7));
            boolean on = ((v >>> (bits - 1 - i)) & 1) != 0;
            s[idx] = (byte) (on ? s[idx] | mask : s[idx] & ~mask);
        }
    }

    /**
     * {@code value + incr} in the field's type: {result, overflow (0, 1 up, -1 down)}, the result
     * wrapped or saturated as OVERFLOW says (Redis's checkSigned/UnsignedBitfieldOverflow).
     */
    private static long[] add(long value, long incr, FieldOp o) {
        int bits = o.bits;
        long sum = value + incr;
        if (!o.signed) {
            long max = (1L << bits) - 1;
            long maxIncr = max - value;
            long minIncr = -value;
            int over = 0;
            if (Long.compareUnsigned(value, max) > 0 || (incr > 0 && incr > maxIncr)) {
                over = 1;
            } else if (incr < 0 && incr < minIncr) {
                over = -1;
            }
            if (over == 0) {
                return new long[] {sum, 0};
            }
            long r = o.overflow == 's' ? (over > 0 ? max : 0) : sum & max;
            return new long[] {r, over};
        }
        long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        long maxIncr = max - value;
        long minIncr = min - value;
        int over = 0;
        if (value > max || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr)) {
            over = 1;
        } else if (value < min || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr)) {
            over = -1;
        }
        if (over == 0) {
            return new long[] {sum, 0};
        }
        if (o.overflow == 's') {
            return new long[] {over > 0 ? max : min, over};
        }
        long r = sum;
        if (bits < 64) {
            long mask = -1L << bits;
            r = (r & (1L << (bits - 1))) != 0 ? r | mask : r & ~mask;
        }
        return new long[] {r, over};
    }
}
