package dev.netloom.kv;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.BLOCKING;
import static dev.netloom.kv.CommandFlag.DENYOOM;
import static dev.netloom.kv.CommandFlag.FAST;
import static dev.netloom.kv.CommandFlag.READONLY;
import static dev.netloom.kv.CommandFlag.WRITE;

/**
 * Stream commands on {@link KvStream} without consumer groups (those are
 * {@link StreamGroupCommands}): XADD (NOMKSTREAM, MAXLEN/MINID trimming with {@code =} or
 * {@code ~} and LIMIT), XTRIM, XDEL, XLEN, XRANGE, XREVRANGE, XSETID and XINFO, with Redis
 * 7.0.15's replies and errors (src/t_stream.c). What the AOF logs is what redoes the change:
 * an id made up by XADD ({@code *}, {@code ms-*}) is logged as the id used, and an approximate
 * trim ({@code ~}, whose result depends on the node layout) as the exact trim it came to.
 * The id parsing and entry replies here are shared with {@link StreamGroupCommands}. XREAD
 * blocks with BLOCK (see {@link Blocking}).
 */
final class StreamCommands {

    static final KvError INVALID_ID = new KvError("ERR Invalid stream ID specified as stream command argument");
    private static final KvError ID_TOO_SMALL =
            new KvError("ERR The ID specified in XADD is equal or smaller than the target stream top item");
    private static final KvError ID_ZERO = new KvError("ERR The ID specified in XADD must be greater than 0-0");
    private static final KvError EXHAUSTED =
            new KvError("ERR The stream has exhausted the last possible ID, unable to add more items");
    private static final byte[] EQUALS = Bytes.of("=");

    private static final Map<String, Integer> XINFO = Map.of("consumers", 4, "groups", 3, "stream", -3, "help", 2);
    private StreamCommands() {
    }

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        return List.of(
                new Command("xadd", -5, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, StreamCommands::xadd),
                new Command("xtrim", -4, Set.of(WRITE), KeySpec.ONE, StreamCommands::xtrim),
                new Command("xdel", -3, Set.of(WRITE, FAST), KeySpec.ONE, StreamCommands::xdel),
                new Command("xsetid", -3, Set.of(WRITE), KeySpec.ONE, StreamCommands::xsetid),
                new Command("xlen", 2, Set.of(READONLY, FAST), KeySpec.ONE, StreamCommands::xlen),
                new Command("xrange", -4, Set.of(READONLY), KeySpec.ONE, (c, a) -> xrange(c, a, false)),
                new Command("xrevrange", -4, Set.of(READONLY), KeySpec.ONE, (c, a) -> xrange(c, a, true)),
                new Command("xinfo", -2, Set.of(READONLY), KeySpec.SUBCOMMAND_KEY, StreamCommands::xinfo),
                new Command("xread", -4, Set.of(READONLY, BLOCKING), KeySpec.NONE, StreamCommands::xread));
    }

    // ---- ids ----

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

    /** An id as XDEL, XACK, XCLAIM take it ({@code ms[-seq]}, a missing seq 0), or null when it is none. */
    static KvStream.Id strictIdOrNull(byte[] arg) {
        try {
            return strictId(arg);
        } catch (KvError e) {
            return null;
        }
    }

    /** Redis's streamParseStrictIDOrReply: {@code ms[-seq]}, a missing seq 0; {@code -} and {@code +} are not ids. */
    static KvStream.Id strictId(byte[] arg) {
        long[] p = parseId(arg, 0, false);
        return new KvStream.Id(p[0], p[1]);
    }

    /** Redis's streamParseIDOrReply: as {@link #strictId}, and {@code -}, {@code +} for the smallest and largest. */
    static KvStream.Id id(byte[] arg) {
        if (arg.length == 1 && (arg[0] == '-' || arg[0] == '+')) {
            return arg[0] == '-' ? KvStream.Id.MIN : KvStream.Id.MAX;
        }
        return strictId(arg);
    }

    /** A range end: - or +, or an id (a missing seq is {@code missingSeq}), exclusive after '('. */
    static KvStream.Id bound(byte[] arg, long missingSeq, boolean start) {
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

    // ---- replies ----

    /** One entry as XRANGE gives it: [id, [field, value, ...]]. */
    static void entry(Client c, KvStream.Id id, byte[][] fieldsAndValues) {
        c.out.array(2);
        c.out.bulk(id.bytes());
        c.out.array(fieldsAndValues.length);
        for (byte[] b : fieldsAndValues) {
            c.out.bulk(b);
        }
    }

    static KvError noGroup(byte[] key, byte[] group, String tail) {
        return new KvError("NOGROUP No such key '" + Bytes.str(key) + "' or consumer group '" + Bytes.str(group) + "'" + tail);
    }

    static KvError noGroupForKey(byte[] key, byte[] group) {
        return new KvError("NOGROUP No such consumer group '" + Bytes.str(group) + "' for key name '" + Bytes.str(key) + "'");
    }

    /** addReplySubcommandSyntaxError. */
    static KvError subcommandSyntax(byte[][] a) {
        return new KvError("ERR unknown subcommand or wrong number of arguments for '" + Bytes.str(a[1]) + "'. Try "
                + Bytes.str(a[0]).toUpperCase(Locale.ROOT) + " HELP.");
    }

    /**
     * Checks a container command's subcommand against its arity as Redis 7's command table does
     * ({@code xgroup|create}); returns the subcommand's lower-case name.
     */
    static String subcommand(byte[][] a, Map<String, Integer> arities) {
        String sub = Bytes.lowerName(a[1]);
        Integer arity = arities.get(sub);
        String cmd = Bytes.lowerName(a[0]);
        if (arity == null) {
            throw new KvError("ERR unknown subcommand '" + Bytes.str(a[1]) + "'. Try " + cmd.toUpperCase(Locale.ROOT)
                    + " HELP.");
        }
        if (arity >= 0 ? a.length != arity : a.length < -arity) {
            throw KvError.wrongArgs(cmd + "|" + sub);
        }
        return sub;
    }


    // ---- XADD and XTRIM ----

    /**
     * XADD's and XTRIM's options (streamParseAddOrTrimArgsOrReply): a MAXLEN ({@code maxLen >= 0})
     * or MINID ({@code minId}) trim or none, {@code ~}, the LIMIT in force (0: none), where the
     * threshold is, and for XADD NOMKSTREAM and where the id is.
     */
    private record TrimArgs(long maxLen, KvStream.Id minId, boolean approx, long limit, int thresholdAt,
                            boolean noMkStream, int idAt, long[] id) {
        boolean trims() {
            return maxLen >= 0 || minId != null;
        }
    }

    private static TrimArgs trimArgs(Client c, byte[][] a, boolean xadd) {
        long maxLen = -1, limit = 0;
        KvStream.Id minId = null;
        boolean approx = false, limitGiven = false, noMkStream = false;
        int thresholdAt = -1;
        long[] id = null;
        int i = 2;
        for (; i < a.length; i++) {
            int more = a.length - 1 - i;
            byte[] o = a[i];
            if (xadd && o.length == 1 && o[0] == '*') {
                break;
            } else if ((Bytes.is(o, "maxlen") || Bytes.is(o, "minid")) && more > 0) {
                if (thresholdAt >= 0) {
                    throw new KvError("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                }
                approx = false;
                if (more >= 2 && Bytes.is(a[i + 1], "~")) {
                    approx = true;
                    i++;
                } else if (more >= 2 && Bytes.is(a[i + 1], "=")) {
                    i++;
                }
                if (Bytes.is(o, "maxlen")) {
                    maxLen = Bytes.toLong(a[i + 1]);
                    if (maxLen < 0) {
                        throw new KvError("ERR The MAXLEN argument must be >= 0.");
                    }
                } else {
                    minId = strictId(a[i + 1]);
                }
                thresholdAt = ++i;
            } else if (Bytes.is(o, "limit") && more > 0) {
                limit = Bytes.toLong(a[i + 1]);
                if (limit < 0) {
                    throw new KvError("ERR The LIMIT argument must be >= 0.");
                }
                limitGiven = true;
                i++;
            } else if (xadd && Bytes.is(o, "nomkstream")) {
                noMkStream = true;
            } else if (xadd) {
                id = parseId(o, 0, true);
                break;
            } else {
                throw KvError.SYNTAX;
            }
        }
        if (limit != 0 && thresholdAt < 0) {
            throw new KvError("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
        }
        if (!xadd && thresholdAt < 0) {
            throw new KvError("ERR syntax error, XTRIM must be called with a trimming strategy");
        }
        if (c.store.loading) {
            limit = 0; // the file holds the exact trim it came to (as Redis's mustObeyClient)
        } else if (limitGiven) {
            if (!approx) {
                throw new KvError("ERR syntax error, LIMIT cannot be used without the special ~ option");
            }
        } else if (approx) {
            limit = 100L * c.store.streamNodeMaxEntries;
            limit = limit <= 0 ? 10000 : Math.min(limit, 1_000_000);
        } else {
            limit = 0;
        }
        return new TrimArgs(maxLen, minId, approx, limit, thresholdAt, noMkStream, i, id);
    }

    /** Trims by {@code t}; the entries removed. */
    private static long trim(KvStream s, TrimArgs t) {
        return t.trims() ? s.trim(t.maxLen(), t.minId(), t.approx(), t.limit()) : 0;
    }

    /**
     * An approximate trim's argv made exact for the AOF (streamRewriteApproxSpecifier and
     * streamRewriteTrimArgument): {@code =} and the length, or the first id, it came to.
     */
    private static void exactTrim(byte[][] logged, KvStream s, TrimArgs t) {
        logged[t.thresholdAt() - 1] = EQUALS;
        if (t.maxLen() >= 0) {
            logged[t.thresholdAt()] = Bytes.of((long) s.size());
        } else {
            logged[t.thresholdAt()] = s.entries.isEmpty() ? KvStream.Id.MAX.bytes() : s.entries.firstKey().bytes();
        }
    }

    /**
     * XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value
     * [field value ...]: the id of the new entry, or nil under NOMKSTREAM without the key.
     */
    static void xadd(Client c, byte[][] a) {
        TrimArgs t = trimArgs(c, a, true);
        int i = t.idAt();
        int fields = a.length - i - 1;
        if (fields < 2 || fields % 2 != 0) {
            throw KvError.wrongArgs("xadd");
        }
        long[] given = t.id();
        if (given != null && given[2] == 1 && given[0] == 0 && given[1] == 0) {
            throw ID_ZERO;
        }
        KvStream s = c.store.get(a[1], KvStream.class);
        if (s == null && t.noMkStream()) {
            c.out.nullBulk();
            return;
        }
        KvStream.Id id = newId(s == null ? KvStream.Id.MIN : s.lastId, given, c.store.now);
        if (s == null) {
            s = c.store.getOrCreate(a[1], KvStream.class, KvStream::new);
        }
        byte[][] fv = new byte[fields][];
        System.arraycopy(a, i + 1, fv, 0, fields);
        s.add(id, fv, c.store.streamNodeMaxEntries, c.store.streamNodeMaxBytes);
        c.store.changed();
        byte[] idBytes = id.bytes();
        c.out.bulk(idBytes);
        trim(s, t);
        boolean madeId = given == null || given[2] == 0;
        if (madeId || (t.trims() && t.approx())) {
            byte[][] logged = a.clone();
            if (madeId) {
                logged[i] = idBytes;
            }
            if (t.trims() && t.approx()) {
                exactTrim(logged, s, t);
            }
            c.propagate(logged);
        }
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

    /** XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]: the entries removed. */
    static void xtrim(Client c, byte[][] a) {
        TrimArgs t = trimArgs(c, a, false);
        KvStream s = c.store.get(a[1], KvStream.class);
        long deleted = s == null ? 0 : trim(s, t);
        if (deleted > 0) {
            if (t.approx()) {
                byte[][] logged = a.clone();
                exactTrim(logged, s, t);
                c.propagate(logged);
            }
            c.store.changed(deleted);
        }
        c.out.integer(deleted);
    }

    /** XDEL key id [id ...]: the entries deleted (every id is checked before any goes). */
    static void xdel(Client c, byte[][] a) {
        KvStream s = c.store.get(a[1], KvStream.class);
        if (s == null) {
            c.out.integer(0);
            return;
        }
        KvStream.Id[] ids = new KvStream.Id[a.length - 2];
        for (int j = 2; j < a.length; j++) {
            ids[j - 2] = strictId(a[j]);
        }
        long deleted = 0;
        for (KvStream.Id id : ids) {
            if (s.delete(id)) {
                deleted++;
            }
        }
        if (deleted > 0) {
            c.store.changed(deleted);
        }
        c.out.integer(deleted);
    }

    /** XSETID key last-id [ENTRIESADDED n] [MAXDELETEDID id]. */
    static void xsetid(Client c, byte[][] a) {
        KvStream.Id id = strictId(a[2]);
        long entriesAdded = -1;
        KvStream.Id maxDeleted = KvStream.Id.MIN;
        for (int i = 3; i < a.length; i += 2) {
            boolean more = i + 1 < a.length;
            if (Bytes.is(a[i], "entriesadded") && more) {
                entriesAdded = Bytes.toLong(a[i + 1]);
                if (entriesAdded < 0) {
                    throw new KvError("ERR entries_added must be positive");
                }
            } else if (Bytes.is(a[i], "maxdeletedid") && more) {
                maxDeleted = strictId(a[i + 1]);
                if (id.compareTo(maxDeleted) < 0) {
                    throw new KvError("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                }
            } else {
                throw KvError.SYNTAX;
            }
        }
        KvStream s = c.store.get(a[1], KvStream.class);
        if (s == null) {
            throw KvError.NO_SUCH_KEY;
        }
        if (!s.entries.isEmpty()) {
            if (id.compareTo(s.entries.lastKey()) < 0) {
                throw new KvError("ERR The ID specified in XSETID is smaller than the target stream top item");
            }
            if (entriesAdded != -1 && s.size() > entriesAdded) {
                throw new KvError("ERR The entries_added specified in XSETID is smaller than the target stream length");
            }
        }
        s.lastId = id;
        if (entriesAdded != -1) {
            s.entriesAdded = entriesAdded;
        }
        if (!maxDeleted.isZero()) {
            s.maxDeletedId = maxDeleted;
        }
        c.store.changed();
        c.out.ok();
    }

    static void xlen(Client c, byte[][] a) {
        KvStream s = c.store.get(a[1], KvStream.class);
        c.out.integer(s == null ? 0 : s.size());
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
        entries(c, range, count < 0 ? range.size() : count);
    }

    /** The first {@code count} entries of {@code range} as an array. */
    private static void entries(Client c, NavigableMap<KvStream.Id, byte[][]> range, long count) {
        int n = (int) Math.min(count, range.size());
        c.out.array(n);
        int k = 0;
        for (Map.Entry<KvStream.Id, byte[][]> e : range.entrySet()) {
            if (k++ == n) {
                break;
            }
            entry(c, e.getKey(), e.getValue());
        }
    }

    /**
     * XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]: for each stream
     * with entries after its id, [key, entries]; a null array when none has any (at once, or
     * after BLOCK's time). {@code $} is the stream's last id when the command is first run: a
     * client that blocks runs again with it replaced, so it sees only entries added since.
     */
    static void xread(Client c, byte[][] a) {
        long count = 0;
        long block = -1;
        int streams = -1;
        for (int i = 1; i < a.length && streams < 0; i++) {
            boolean more = i + 1 < a.length;
            if (Bytes.is(a[i], "count") && more) {
                count = Math.max(0, Bytes.toLong(a[++i]));
            } else if (Bytes.is(a[i], "block") && more) {
                block = Blocking.millis(a[++i]);
            } else if (Bytes.is(a[i], "streams") && more) {
                streams = i + 1;
            } else {
                throw KvError.SYNTAX;
            }
        }
        if (streams < 0) {
            throw KvError.SYNTAX;
        }
        int n = (a.length - streams) / 2;
        if ((a.length - streams) % 2 != 0) {
            throw new KvError("ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.");
        }
        byte[][] again = a;
        KvStream.Id[] after = new KvStream.Id[n];
        KvStream[] found = new KvStream[n];
        for (int k = 0; k < n; k++) {
            byte[] key = a[streams + k];
            byte[] id = a[streams + n + k];
            found[k] = c.store.get(key, KvStream.class);
            if (id.length == 1 && id[0] == '$') {
                after[k] = found[k] == null ? KvStream.Id.MIN : found[k].lastId;
                if (again == a) {
                    again = a.clone();
                }
                again[streams + n + k] = after[k].bytes();
            } else if (id.length == 1 && id[0] == '>') {
                throw new KvError("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
                        + "<consumer> option.");
            } else {
                long[] p = parseId(id, 0, false);
                after[k] = new KvStream.Id(p[0], p[1]);
            }
        }
        int ready = 0;
        for (int k = 0; k < n; k++) {
            if (found[k] != null && !found[k].entries.isEmpty() && found[k].entries.lastKey().compareTo(after[k]) > 0) {
                ready++;
            } else {
                found[k] = null;
            }
        }
        if (ready == 0) {
            if (block >= 0) {
                c.store.blocking.block(c, again, Arrays.asList(a).subList(streams, streams + n), KvStream.class, block,
                        Reply::nullArray);
            } else {
                c.out.nullArray();
            }
            return;
        }
        c.out.array(ready);
        for (int k = 0; k < n; k++) {
            if (found[k] != null) {
                NavigableMap<KvStream.Id, byte[][]> range = found[k].entries.tailMap(after[k], false);
                c.out.array(2);
                c.out.bulk(a[streams + k]);
                entries(c, range, count == 0 ? range.size() : count);
            }
        }
    }

    // ---- XINFO ----

    /** XINFO STREAM key [FULL [COUNT n]] | GROUPS key | CONSUMERS key group | HELP. */
    static void xinfo(Client c, byte[][] a) {
        String sub = subcommand(a, XINFO);
        if (sub.equals("help")) {
            c.out.help("XINFO", "CONSUMERS <key> <groupname>", "    Show consumers of <groupname>.", "GROUPS <key>",
                    "    Show the stream consumer groups.", "STREAM <key> [FULL [COUNT <count>]",
                    "    Show information about the stream.");
            return;
        }
        KvStream s = c.store.get(a[2], KvStream.class);
        if (s == null) {
            throw KvError.NO_SUCH_KEY;
        }
        switch (sub) {
            case "consumers" -> {
                KvStream.Group g = s.groups.get(a[3]);
                if (g == null) {
                    throw noGroupForKey(a[2], a[3]);
                }
                c.out.array(g.consumers.size());
                for (KvStream.GroupConsumer k : g.consumers.values()) {
                    c.out.array(6);
                    c.out.bulk("name");
                    c.out.bulk(k.name);
                    c.out.bulk("pending");
                    c.out.integer(k.pel.size());
                    c.out.bulk("idle");
                    c.out.integer(Math.max(0, c.store.now - k.seenTime));
                }
            }
            case "groups" -> {
                c.out.array(s.groups.size());
                for (Map.Entry<byte[], KvStream.Group> e : s.groups.entrySet()) {
                    KvStream.Group g = e.getValue();
                    c.out.array(12);
                    c.out.bulk("name");
                    c.out.bulk(e.getKey());
                    c.out.bulk("consumers");
                    c.out.integer(g.consumers.size());
                    c.out.bulk("pending");
                    c.out.integer(g.pel.size());
                    c.out.bulk("last-delivered-id");
                    c.out.bulk(g.lastId.bytes());
                    readAndLag(c, s, g);
                }
            }
            default -> stream(c, a, s);
        }
    }

    /** A group's entries-read and lag fields (null when not known). */
    private static void readAndLag(Client c, KvStream s, KvStream.Group g) {
        c.out.bulk("entries-read");
        if (g.entriesRead != -1) {
            c.out.integer(g.entriesRead);
        } else {
            c.out.nullBulk();
        }
        c.out.bulk("lag");
        Long lag = s.lag(g);
        if (lag != null) {
            c.out.integer(lag);
        } else {
            c.out.nullBulk();
        }
    }

    /**
     * XINFO STREAM: radix-tree-nodes is an estimate (kv has no radix tree: one inner node per
     * listpack node and a root), the other fields are Redis's.
     */
    private static void stream(Client c, byte[][] a, KvStream s) {
        boolean full = a.length > 3;
        long count = 10;
        if (full) {
            if ((a.length != 4 && a.length != 6) || !Bytes.is(a[3], "full")) {
                throw subcommandSyntax(a);
            }
            if (a.length == 6) {
                if (!Bytes.is(a[4], "count")) {
                    throw subcommandSyntax(a);
                }
                count = Bytes.toLong(a[5]);
                count = count < 0 ? 10 : count;
            }
        }
        c.out.array(full ? 18 : 20);
        c.out.bulk("length");
        c.out.integer(s.size());
        c.out.bulk("radix-tree-keys");
        c.out.integer(s.nodeCount());
        c.out.bulk("radix-tree-nodes");
        c.out.integer(s.nodeCount() + 1L);
        c.out.bulk("last-generated-id");
        c.out.bulk(s.lastId.bytes());
        c.out.bulk("max-deleted-entry-id");
        c.out.bulk(s.maxDeletedId.bytes());
        c.out.bulk("entries-added");
        c.out.integer(s.entriesAdded);
        c.out.bulk("recorded-first-entry-id");
        c.out.bulk(s.firstId.bytes());
        if (!full) {
            c.out.bulk("groups");
            c.out.integer(s.groups.size());
            c.out.bulk("first-entry");
            edge(c, s.entries.firstEntry());
            c.out.bulk("last-entry");
            edge(c, s.entries.lastEntry());
            return;
        }
        long limit = count == 0 ? Long.MAX_VALUE : count;
        c.out.bulk("entries");
        entries(c, s.entries, limit);
        c.out.bulk("groups");
        c.out.array(s.groups.size());
        for (Map.Entry<byte[], KvStream.Group> e : s.groups.entrySet()) {
            KvStream.Group g = e.getValue();
            c.out.array(14);
            c.out.bulk("name");
            c.out.bulk(e.getKey());
            c.out.bulk("last-delivered-id");
            c.out.bulk(g.lastId.bytes());
            readAndLag(c, s, g);
            pel(c, g.pel, limit, true);
            c.out.bulk("consumers");
            c.out.array(g.consumers.size());
            for (KvStream.GroupConsumer m : g.consumers.values()) {
                c.out.array(8);
                c.out.bulk("name");
                c.out.bulk(m.name);
                c.out.bulk("seen-time");
                c.out.integer(m.seenTime);
                pel(c, m.pel, limit, false);
            }
        }
    }

    /** XINFO STREAM FULL's pel-count and pending: [id, (consumer,) delivery time, deliveries] each. */
    private static void pel(Client c, Map<KvStream.Id, KvStream.Nack> pel, long limit, boolean owner) {
        c.out.bulk("pel-count");
        c.out.integer(pel.size());
        c.out.bulk("pending");
        c.out.array(Math.min(limit, pel.size()));
        long k = 0;
        for (Map.Entry<KvStream.Id, KvStream.Nack> p : pel.entrySet()) {
            if (k++ == limit) {
                break;
            }
            c.out.array(owner ? 4 : 3);
            c.out.bulk(p.getKey().bytes());
            if (owner) {
                c.out.bulk(p.getValue().consumer.name);
            }
            c.out.integer(p.getValue().deliveryTime);
            c.out.integer(p.getValue().deliveryCount);
        }
    }

    private static void edge(Client c, Map.Entry<KvStream.Id, byte[][]> e) {
        if (e == null) {
            c.out.nullBulk();
        } else {
            entry(c, e.getKey(), e.getValue());
        }
    }
}
