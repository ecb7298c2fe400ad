package dev.netloom.kv;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.DENYOOM;
import static dev.netloom.kv.CommandFlag.FAST;
import static dev.netloom.kv.CommandFlag.READONLY;
import static dev.netloom.kv.CommandFlag.WRITE;

/**
 * Stream commands, the minimal set on {@link KvStream}: XADD (with NOMKSTREAM and MAXLEN/MINID
 * trimming, trimmed exactly even under {@code ~}), XLEN, XRANGE and XREVRANGE. An id made up by
 * XADD ({@code *} or {@code ms-*}) depends on the clock, so the AOF logs the XADD with the id
 * that was used.
 */
final class StreamCommands {

    private static final KvError INVALID_ID = new KvError("ERR Invalid stream ID specified as stream command argument");
    private static final KvError ID_TOO_SMALL =
            new KvError("ERR The ID specified in XADD is equal or smaller than the target stream top item");
    private static final KvError ID_ZERO = new KvError("ERR The ID specified in XADD must be greater than 0-0");
    private static final KvError EXHAUSTED =
            new KvError("ERR The stream has exhausted the last possible ID, unable to add more items");

    private StreamCommands() {
    }

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        return List.of(
                new Command("xadd", -5, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, StreamCommands::xadd),
                new Command("xlen", 2, Set.of(READONLY, FAST), KeySpec.ONE, StreamCommands::xlen),
                new Command("xrange", -4, Set.of(READONLY), KeySpec.ONE, (c, a) -> xrange(c, a, false)),
                new Command("xrevrange", -4, Set.of(READONLY), KeySpec.ONE, (c, a) -> xrange(c, a, true)));
    }

    /** An unsigned 64-bit decimal, or null. */
    private static Long unsigned(String s) {
        if (s.isEmpty() || s.length() > 20) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return null;
            }
        }
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Parses {@code ms[-seq]} into {ms, seq, 1}; a missing seq is {@code missingSeq}. With
     * {@code seqStar} the seq may be {@code *}, returned as {ms, 0, 0} (the caller picks the seq).
     */
    private static long[] parseId(byte[] arg, long missingSeq, boolean seqStar) {
        String s = Bytes.str(arg);
        int dash = s.indexOf('-');
        Long ms = unsigned(dash < 0 ? s : s.substring(0, dash));
        if (ms == null) {
            throw INVALID_ID;
        }
        if (dash < 0) {
            return new long[] {ms, missingSeq, 1};
        }
        String rest = s.substring(dash + 1);
        if (seqStar && rest.equals("*")) {
            return new long[] {ms, 0, 0};
        }
        Long seq = unsigned(rest);
        if (seq == null) {
            throw INVALID_ID;
        }
        return new long[] {ms, seq, 1};
    }

    /** XADD's options, and where the id is (the field-value pairs follow it). */
    private record XaddOptions(boolean noMkStream, long maxLen, KvStream.Id minId, int idAt) {
    }

    /**
     * XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value
     * [field value ...]: the id of the new entry, or nil under NOMKSTREAM without the key.
     */
    static void xadd(Client c, byte[][] a) {
        XaddOptions o = xaddOptions(a);
        int i = o.idAt();
        int fields = a.length - i - 1;
        if (fields < 2 || fields % 2 != 0) {
            throw KvError.wrongArgs("xadd");
        }
        boolean auto = a[i].length == 1 && a[i][0] == '*';
        long[] given = auto ? null : parseId(a[i], 0, true);
        if (given != null && given[2] == 1 && given[0] == 0 && given[1] == 0) {
            throw ID_ZERO;
        }
        KvStream s = c.store.get(a[1], KvStream.class);
        if (s == null && o.noMkStream()) {
            c.out.nullBulk();
            return;
        }
        KvStream.Id id = newId(s == null ? KvStream.Id.MIN : s.lastId, given, c.store.now);
        if (s == null) {
            s = c.store.getOrCreate(a[1], KvStream.class, KvStream::new);
        }
        byte[][] fv = new byte[fields][];
        System.arraycopy(a, i + 1, fv, 0, fields);
        s.add(id, fv);
        if (o.maxLen() >= 0) {
            s.trimToLength(o.maxLen());
        } else if (o.minId() != null) {
            s.trimBelow(o.minId());
        }
        c.store.changed();
        byte[] idBytes = id.bytes();
        if (auto || given[2] == 0) {
            byte[][] logged = a.clone();
            logged[i] = idBytes;
            c.propagate(logged);
        }
        c.out.bulk(idBytes);
    }

    private static XaddOptions xaddOptions(byte[][] a) {
        boolean noMkStream = false, approx = false, limit = false;
        long maxLen = -1;
        KvStream.Id minId = null;
        int i = 2;
        for (; i < a.length; i++) {
            byte[] o = a[i];
            int left = a.length - i - 1;
            if (Bytes.is(o, "nomkstream")) {
                noMkStream = true;
            } else if ((Bytes.is(o, "maxlen") || Bytes.is(o, "minid")) && left >= 1) {
                int j = i + 1;
                if (left >= 2 && (Bytes.is(a[j], "~") || Bytes.is(a[j], "="))) {
                    approx = a[j][0] == '~';
                    j++;
                }
                if (Bytes.is(o, "maxlen")) {
                    maxLen = maxLen(a[j]);
                } else {
                    long[] id = parseId(a[j], 0, false);
                    minId = new KvStream.Id(id[0], id[1]);
                }
                if (maxLen >= 0 && minId != null) {
                    throw new KvError("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                }
                i = j;
            } else if (Bytes.is(o, "limit") && left >= 1) {
                if (Bytes.toLong(a[i + 1]) < 0) {
                    throw new KvError("ERR The LIMIT argument must be >= 0.");
                }
                limit = true;
                i++;
            } else {
                break;
            }
        }
        if (limit && !approx) {
            throw new KvError("ERR syntax error, LIMIT cannot be used without the special ~ option");
        }
        return new XaddOptions(noMkStream, maxLen, minId, i);
    }

    private static long maxLen(byte[] arg) {
        long n = Bytes.toLong(arg);
        if (n < 0) {
            throw new KvError("ERR The MAXLEN argument must be >= 0.");
        }
        return n;
    }

    /** The id of a new entry after {@code last}: from the clock ({@code given} null, for *), ms-* or ms-seq. */
    private static KvStream.Id newId(KvStream.Id last, long[] given, long now) {
        if (last.equals(KvStream.Id.MAX)) {
            throw EXHAUSTED;
        }
        if (given == null) {
            return Long.compareUnsigned(now, last.ms()) > 0 ? new KvStream.Id(now, 0) : last.next();
        }
        if (given[2] == 0) {
            int cmp = Long.compareUnsigned(given[0], last.ms());
            if (cmp < 0 || (cmp == 0 && last.seq() == -1)) {
                throw ID_TOO_SMALL;
            }
            return cmp == 0 ? new KvStream.Id(given[0], last.seq() + 1) : new KvStream.Id(given[0], 0);
        }
        KvStream.Id id = new KvStream.Id(given[0], given[1]);
        if (id.compareTo(last) <= 0) {
            throw ID_TOO_SMALL;
        }
        return id;
    }

    static void xlen(Client c, byte[][] a) {
        KvStream s = c.store.get(a[1], KvStream.class);
        c.out.integer(s == null ? 0 : s.size());
    }

    /** A range end: - or +, or an id (a missing seq is {@code missingSeq}), exclusive after '('. */
    private static KvStream.Id bound(byte[] arg, long missingSeq, boolean start) {
        boolean exclusive = arg.length > 1 && arg[0] == '(';
        if (!exclusive && arg.length == 1 && (arg[0] == '-' || arg[0] == '+')) {
            return arg[0] == '-' ? KvStream.Id.MIN : KvStream.Id.MAX;
        }
        byte[] text = exclusive ? Arrays.copyOfRange(arg, 1, arg.length) : arg;
        long[] p = parseId(text, missingSeq, false);
        KvStream.Id id = new KvStream.Id(p[0], p[1]);
        if (exclusive) {
            id = start ? id.next() : id.previous();
            if (id == null) {
                throw new KvError("ERR invalid " + (start ? "start" : "end") + " ID for the interval");
            }
        }
        return id;
    }

    /** XRANGE key start end [COUNT n] and XREVRANGE key end start [COUNT n]. */
    static void xrange(Client c, byte[][] a, boolean rev) {
        KvStream.Id start = bound(a[rev ? 3 : 2], 0, true);
        KvStream.Id end = bound(a[rev ? 2 : 3], -1, false);
        long count = -1;
        for (int i = 4; i < a.length; i++) {
            if (Bytes.is(a[i], "count") && i + 1 < a.length) {
                count = Math.max(0, Bytes.toLong(a[++i]));
            } else {
                throw KvError.SYNTAX;
            }
        }
        KvStream s = c.store.get(a[1], KvStream.class);
        if (s == null) {
            c.out.array(0);
            return;
        }
        if (count == 0) {
            c.out.nullArray();
            return;
        }
        NavigableMap<KvStream.Id, byte[][]> range = start.compareTo(end) > 0
                ? Collections.emptyNavigableMap()
                : s.entries.subMap(start, true, end, true);
        if (rev) {
            range = range.descendingMap();
        }
        int n = (int) (count < 0 ? range.size() : Math.min(count, range.size()));
        c.out.array(n);
        int k = 0;
        for (Map.Entry<KvStream.Id, byte[][]> e : range.entrySet()) {
            if (k++ == n) {
                break;
            }
            c.out.array(2);
            c.out.bulk(e.getKey().bytes());
            c.out.array(e.getValue().length);
            for (byte[] b : e.getValue()) {
                c.out.bulk(b);
            }
        }
    }
}
