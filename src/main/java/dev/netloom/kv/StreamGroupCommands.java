package dev.netloom.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.BLOCKING;
import static dev.netloom.kv.CommandFlag.FAST;
import static dev.netloom.kv.CommandFlag.READONLY;
import static dev.netloom.kv.CommandFlag.WRITE;

/**
 * Stream consumer groups, as Redis 7.0.15 (src/t_stream.c): XGROUP (CREATE with MKSTREAM and
 * ENTRIESREAD, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP), XREADGROUP, XACK, XPENDING,
 * XCLAIM and XAUTOCLAIM, with the group's read counter and lag of 7.0.
 *
 * <p>The AOF gets what Redis propagates: XREADGROUP, XCLAIM and XAUTOCLAIM are never logged
 * themselves; each pending entry they create, move or drop is logged as {@code XCLAIM key
 * group consumer 0 id TIME t RETRYCOUNT n FORCE JUSTID LASTID last}, a NOACK read's new last
 * id as {@code XGROUP SETID ... ENTRIESREAD n}, a consumer a NOACK read made as {@code XGROUP
 * CREATECONSUMER}. The XGROUP commands are logged as they are. One addition: a read without
 * NOACK logs the XGROUP SETID too, so that a replay restores the group's entries-read (and lag),
 * which Redis 7.0.15's replay loses (it comes back nil).
 *
 * <p>Blocking: XREADGROUP parses BLOCK but serves only what is there now ({@link #serve}
 * reports "nothing yet" and the command answers nil, as Redis does for a client that may not
 * block); the blocking commands' code hooks in at {@link #xreadgroup}, calling {@link #serve}
 * again when a key it waits on changes.
 */
final class StreamGroupCommands {

    private static final KvError DOLLAR = new KvError("ERR The $ ID is meaningless in the context of XREADGROUP: you want"
            + " to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages."
            + " The $ ID would just return an empty result set.");
    private static final byte[] XGROUP = Bytes.of("XGROUP");

    private static final Map<String, Integer> XGROUP_ARITY =
            Map.of("create", -5, "setid", -5, "destroy", 4, "createconsumer", 5, "delconsumer", 5, "help", 2);
    private StreamGroupCommands() {
    }

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        return List.of(
                new Command("xgroup", -2, Set.of(WRITE), KeySpec.SUBCOMMAND_KEY, StreamGroupCommands::xgroup),
                new Command("xreadgroup", -7, Set.of(WRITE, BLOCKING), new KeySpec(0, 0, 0, StreamGroupCommands::readKeys),
                        StreamGroupCommands::xreadgroup),
                new Command("xack", -4, Set.of(WRITE, FAST), KeySpec.ONE, StreamGroupCommands::xack),
                new Command("xpending", -3, Set.of(READONLY), KeySpec.ONE, StreamGroupCommands::xpending),
                new Command("xclaim", -6, Set.of(WRITE, FAST), KeySpec.ONE, StreamGroupCommands::xclaim),
                new Command("xautoclaim", -6, Set.of(WRITE, FAST), KeySpec.ONE, StreamGroupCommands::xautoclaim));
    }

    /** The keys of XREAD/XREADGROUP: the first half of what follows STREAMS. */
    static List<byte[]> readKeys(byte[][] a) {
        for (int i = 1; i < a.length; i++) {
            if (Bytes.is(a[i], "streams")) {
                int n = (a.length - i - 1) / 2;
                return List.of(a).subList(i + 1, i + 1 + n);
            }
        }
        return List.of();
    }

    private static KvStream.Group group(Client c, byte[] key, byte[] name, String tail) {
        KvStream s = c.store.get(key, KvStream.class);
        KvStream.Group g = s == null ? null : s.groups.get(name);
        if (g == null) {
            throw StreamCommands.noGroup(key, name, tail);
        }
        return g;
    }

    // ---- XGROUP ----

    /** XGROUP CREATE|SETID|DESTROY|CREATECONSUMER|DELCONSUMER|HELP (xgroupCommand). */
    static void xgroup(Client c, byte[][] a) {
        String sub = StreamCommands.subcommand(a, XGROUP_ARITY);
        if (sub.equals("help")) {
            c.out.help("XGROUP", "CREATE <key> <groupname> <id|$> [option]",
                    "    Create a new consumer group. Options are:", "    * MKSTREAM",
                    "      Create the empty stream if it does not exist.", "    * ENTRIESREAD entries_read",
                    "      Set the group's entries_read counter (internal use).",
                    "CREATECONSUMER <key> <groupname> <consumer>", "    Create a new consumer in the specified group.",
                    "DELCONSUMER <key> <groupname> <consumer>", "    Remove the specified consumer.",
                    "DESTROY <key> <groupname>", "    Remove the specified group.",
                    "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                    "    Set the current group ID and entries_read counter.");
            return;
        }
        boolean mkStream = false;
        long entriesRead = -1;
        for (int i = 5; i < a.length; ) {
            if (sub.equals("create") && Bytes.is(a[i], "mkstream")) {
                mkStream = true;
                i++;
            } else if ((sub.equals("create") || sub.equals("setid")) && Bytes.is(a[i], "entriesread") && i + 1 < a.length) {
                entriesRead = Bytes.toLong(a[i + 1]);
                if (entriesRead < 0 && entriesRead != -1) {
                    throw new KvError("ERR value for ENTRIESREAD must be positive or -1");
                }
                i += 2;
            } else {
                throw StreamCommands.subcommandSyntax(a);
            }
        }
        byte[] key = a[2], name = a[3];
        KvStream s = c.store.get(key, KvStream.class);
        KvStream.Group g = s == null ? null : s.groups.get(name);
        if (!mkStream) {
            if (s == null) {
                throw new KvError("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want"
                        + " to use the MKSTREAM option to create an empty stream automatically.");
            }
            if (g == null && !sub.equals("create") && !sub.equals("destroy")) {
                throw StreamCommands.noGroupForKey(key, name);
            }
        }
        switch (sub) {
            case "create" -> {
                if (a.length > 8) {
                    throw StreamCommands.subcommandSyntax(a);
                }
                KvStream.Id id = Bytes.is(a[4], "$") ? (s == null ? KvStream.Id.MIN : s.lastId) : StreamCommands.strictId(a[4]);
                if (s == null) {
                    s = c.store.getOrCreate(key, KvStream.class, KvStream::new);
                    c.store.changed();
                }
                if (s.groups.containsKey(name)) {
                    throw new KvError("BUSYGROUP Consumer Group name already exists");
                }
                s.groups.put(name, new KvStream.Group(id, entriesRead));
                c.store.changed();
                event(c, "xgroup-create", key);
                c.out.ok();
            }
            case "setid" -> {
                if (a.length != 5 && a.length != 7) {
                    throw StreamCommands.subcommandSyntax(a);
                }
                g.lastId = Bytes.is(a[4], "$") ? s.lastId : StreamCommands.id(a[4]);
                g.entriesRead = entriesRead;
                c.store.changed();
                event(c, "xgroup-setid", key);
                c.out.ok();
            }
            case "destroy" -> {
                if (g == null) {
                    c.out.integer(0);
                } else {
                    s.groups.remove(name);
                    c.store.changed();
                    event(c, "xgroup-destroy", key);
                    c.out.integer(1);
                }
            }
            case "createconsumer" -> {
                boolean created = !g.consumers.containsKey(a[4]);
                if (created) {
                    g.consumer(a[4], c.store.now);
                    c.store.changed();
                    event(c, "xgroup-createconsumer", key);
                }
                c.out.integer(created ? 1 : 0);
            }
            default -> { // delconsumer
                KvStream.GroupConsumer k = g.consumers.remove(a[4]);
                long pending = 0;
                if (k != null) {
                    pending = k.pel.size();
                    k.pel.keySet().forEach(g.pel::remove);
                    c.store.changed();
                    event(c, "xgroup-delconsumer", key);
                }
                c.out.integer(pending);
            }
        }
    }

    // ---- XREADGROUP ----

    /**
     * XREADGROUP's arguments: BLOCK's milliseconds (-1 without BLOCK), COUNT (0: no limit),
     * NOACK, the group and consumer, the keys and their ids as given ({@code >} or an id).
     */
    record GroupRead(long blockMillis, long count, boolean noAck, byte[] group, byte[] consumer, byte[][] keys, byte[][] ids) {
    }

    /** Parses XREADGROUP GROUP g c [COUNT n] [BLOCK ms] [NOACK] STREAMS key ... id ... (xreadCommand's parsing). */
    static GroupRead parse(byte[][] a) {
        long block = -1, count = 0;
        boolean noAck = false;
        byte[] group = null, consumer = null;
        int streams = 0;
        for (int i = 1; i < a.length; i++) {
            int more = a.length - i - 1;
            if (Bytes.is(a[i], "block") && more > 0) {
                block = Bytes.parseLong(a[++i], Long.MIN_VALUE);
                if (block == Long.MIN_VALUE) {
                    throw new KvError("ERR timeout is not an integer or out of range");
                }
                if (block < 0) {
                    throw new KvError("ERR timeout is negative");
                }
            } else if (Bytes.is(a[i], "count") && more > 0) {
                count = Math.max(0, Bytes.toLong(a[++i]));
            } else if (Bytes.is(a[i], "streams") && more > 0) {
                streams = i + 1;
                if ((a.length - streams) % 2 != 0) {
                    throw new KvError("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
                }
                break;
            } else if (Bytes.is(a[i], "group") && more >= 2) {
                group = a[i + 1];
                consumer = a[i + 2];
                i += 2;
            } else if (Bytes.is(a[i], "noack")) {
                noAck = true;
            } else {
                throw KvError.SYNTAX;
            }
        }
        if (streams == 0) {
            throw KvError.SYNTAX;
        }
        if (group == null) {
            throw new KvError("ERR Missing GROUP option for XREADGROUP");
        }
        int n = (a.length - streams) / 2;
        byte[][] keys = new byte[n][], ids = new byte[n][];
        System.arraycopy(a, streams, keys, 0, n);
        System.arraycopy(a, streams + n, ids, 0, n);
        return new GroupRead(block, count, noAck, group, consumer, keys, ids);
    }

    /**
     * XREADGROUP: serves what is there now; with nothing to serve answers nil, with or without
     * BLOCK. The blocking commands' hook: where this answers nil under BLOCK, block on
     * {@code r.keys()} instead and call {@link #serve} again when one changes.
     */
    static void xreadgroup(Client c, byte[][] a) {
        GroupRead r = parse(a);
        c.propagateOnlyEffects();
        if (!serve(c, r)) {
            if (r.blockMillis() >= 0) { // run again when a key is ready (or the group goes: NOGROUP)
                c.store.blocking.block(c, a, Arrays.asList(r.keys()), KvStream.class, r.blockMillis(),
                        Reply::nullArray);
            } else {
                c.out.nullArray();
            }
        }
    }

    /**
     * Serves an XREADGROUP from what the streams hold now (the synchronous part of Redis's
     * xreadCommand): a stream read with {@code >} is served when it has entries after the
     * group's last delivered id, one read with an id always (from the consumer's own pending
     * entries). Returns false, having written nothing, when no stream was served. Throws (a
     * WRONGTYPE, NOGROUP or bad id) before it changes anything.
     */
    static boolean serve(Client c, GroupRead r) {
        int n = r.keys().length;
        KvStream[] streams = new KvStream[n];
        KvStream.Group[] groups = new KvStream.Group[n];
        KvStream.Id[] after = new KvStream.Id[n]; // null for ">"
        for (int i = 0; i < n; i++) {
            streams[i] = c.store.get(r.keys()[i], KvStream.class);
            groups[i] = group(c, r.keys()[i], r.group(), " in XREADGROUP with GROUP option");
            byte[] id = r.ids()[i];
            if (Bytes.is(id, "$")) {
                throw DOLLAR;
            }
            after[i] = Bytes.is(id, ">") ? null : StreamCommands.strictId(id);
        }
        List<Integer> served = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            KvStream s = streams[i];
            if (after[i] != null || (!s.entries.isEmpty() && s.entries.lastKey().compareTo(groups[i].lastId) > 0)) {
                served.add(i);
            }
        }
        if (served.isEmpty()) {
            return false;
        }
        c.out.array(served.size());
        for (int i : served) {
            c.out.array(2);
            c.out.bulk(r.keys()[i]);
            KvStream s = streams[i];
            KvStream.Group g = groups[i];
            KvStream.GroupConsumer k = g.consumers.get(r.consumer());
            if (k == null) {
                k = consumer(c, g, r.keys()[i], r.consumer(), c.store.now);
                if (r.noAck()) {
                    c.propagate(Client.argv(XGROUP, "CREATECONSUMER", r.keys()[i], r.group(), r.consumer()));
                }
            }
            k.seenTime = c.store.now;
            if (after[i] != null) {
                history(c, s, k, after[i], r.count());
            } else {
                fresh(c, r, r.keys()[i], s, g, k);
            }
            c.store.changed();
        }
        return true;
    }

    /** Entries after the group's last id, delivered to {@code k} (streamReplyWithRange with a group). */
    private static void fresh(Client c, GroupRead r, byte[] key, KvStream s, KvStream.Group g, KvStream.GroupConsumer k) {
        var range = s.entries.tailMap(g.lastId, false);
        int n = (int) (r.count() == 0 ? range.size() : Math.min(r.count(), range.size()));
        c.out.array(n);
        Iterator<Map.Entry<KvStream.Id, byte[][]>> it = range.entrySet().iterator();
        boolean advanced = false;
        for (int j = 0; j < n; j++) {
            Map.Entry<KvStream.Id, byte[][]> e = it.next();
            KvStream.Id id = e.getKey();
            s.delivered(g, id);
            advanced = true;
            StreamCommands.entry(c, id, e.getValue());
            if (!r.noAck()) {
                KvStream.Nack nack = g.pel.get(id);
                if (nack == null) {
                    nack = new KvStream.Nack(k, c.store.now, 1);
                    g.pel.put(id, nack);
                } else {
                    nack.consumer.pel.remove(id);
                    nack.consumer = k;
                    nack.deliveryTime = c.store.now;
                    nack.deliveryCount = 1;
                }
                k.pel.put(id, nack);
                c.propagate(KvStream.claim(key, r.group(), k.name, id, nack, g.lastId));
            }
        }
        if (advanced) { // Redis logs this after a NOACK read only, and its replay loses entries-read otherwise
            c.propagate(setId(key, r.group(), g));
        }
    }

    private static byte[][] setId(byte[] key, byte[] group, KvStream.Group g) {
        return Client.argv(XGROUP, "SETID", key, group, g.lastId.bytes(), "ENTRIESREAD", g.entriesRead);
    }

    /**
     * A consumer's own pending entries after {@code after} (streamReplyWithRangeFromConsumerPEL):
     * each counted as delivered again; one no longer in the stream comes as [id, nil].
     */
    private static void history(Client c, KvStream s, KvStream.GroupConsumer k, KvStream.Id after, long count) {
        KvStream.Id start = after.next();
        var pel = start == null ? Collections.<KvStream.Id, KvStream.Nack>emptyNavigableMap()
                : k.pel.tailMap(start, true);
        int n = (int) (count == 0 ? pel.size() : Math.min(count, pel.size()));
        c.out.array(n);
        Iterator<Map.Entry<KvStream.Id, KvStream.Nack>> it = pel.entrySet().iterator();
        for (int j = 0; j < n; j++) {
            Map.Entry<KvStream.Id, KvStream.Nack> e = it.next();
            byte[][] fv = s.entries.get(e.getKey());
            if (fv == null) {
                c.out.array(2);
                c.out.bulk(e.getKey().bytes());
                c.out.nullArray();
            } else {
                StreamCommands.entry(c, e.getKey(), fv);
                e.getValue().deliveryTime = c.store.now;
                e.getValue().deliveryCount++;
            }
        }
    }

    // ---- XACK, XPENDING ----

    /** XACK key group id [id ...]: how many were pending (every id is checked first). */
    static void xack(Client c, byte[][] a) {
        KvStream s = c.store.get(a[1], KvStream.class);
        KvStream.Group g = s == null ? null : s.groups.get(a[2]);
        if (g == null) {
            c.out.integer(0);
            return;
        }
        KvStream.Id[] ids = new KvStream.Id[a.length - 3];
        for (int j = 3; j < a.length; j++) {
            ids[j - 3] = StreamCommands.strictId(a[j]);
        }
        long acked = 0;
        for (KvStream.Id id : ids) {
            if (g.pel.containsKey(id)) {
                g.ack(id);
                acked++;
            }
        }
        if (acked > 0) {
            c.store.changed(acked);
        }
        c.out.integer(acked);
    }

    /** XPENDING key group [[IDLE ms] start end count [consumer]]. */
    static void xpending(Client c, byte[][] a) {
        if (a.length != 3 && (a.length < 6 || a.length > 9)) {
            throw KvError.SYNTAX;
        }
        KvStream.Id start = null, end = null;
        long count = 0, minIdle = 0;
        byte[] consumer = null;
        if (a.length >= 6) {
            int at = 3;
            if (Bytes.is(a[3], "idle")) {
                minIdle = Bytes.toLong(a[4]);
                if (a.length < 8) {
                    throw KvError.SYNTAX;
                }
                at += 2;
            }
            count = Math.max(0, Bytes.toLong(a[at + 2]));
            start = StreamCommands.bound(a[at], 0, true);
            end = StreamCommands.bound(a[at + 1], -1, false);
            if (at + 3 < a.length) {
                consumer = a[at + 3];
            }
        }
        KvStream.Group g = group(c, a[1], a[2], "");
        if (a.length == 3) {
            c.out.array(4);
            c.out.integer(g.pel.size());
            if (g.pel.isEmpty()) {
                c.out.nullBulk();
                c.out.nullBulk();
                c.out.nullArray();
                return;
            }
            c.out.bulk(g.pel.firstKey().bytes());
            c.out.bulk(g.pel.lastKey().bytes());
            List<KvStream.GroupConsumer> owners = new ArrayList<>();
            for (KvStream.GroupConsumer k : g.consumers.values()) {
                if (!k.pel.isEmpty()) {
                    owners.add(k);
                }
            }
            c.out.array(owners.size());
            for (KvStream.GroupConsumer k : owners) {
                c.out.array(2);
                c.out.bulk(k.name);
                c.out.bulk((long) k.pel.size());
            }
            return;
        }
        KvStream.GroupConsumer k = consumer == null ? null : g.consumers.get(consumer);
        if (consumer != null && k == null) {
            c.out.array(0);
            return;
        }
        var pel = (k == null ? g.pel : k.pel);
        var range = start.compareTo(end) > 0 ? Collections.<KvStream.Id, KvStream.Nack>emptyNavigableMap()
                : pel.subMap(start, true, end, true);
        List<Map.Entry<KvStream.Id, KvStream.Nack>> out = new ArrayList<>();
        for (Map.Entry<KvStream.Id, KvStream.Nack> e : range.entrySet()) {
            if (out.size() == count) {
                break;
            }
            if (minIdle == 0 || c.store.now - e.getValue().deliveryTime >= minIdle) {
                out.add(e);
            }
        }
        c.out.array(out.size());
        for (Map.Entry<KvStream.Id, KvStream.Nack> e : out) {
            c.out.array(4);
            c.out.bulk(e.getKey().bytes());
            c.out.bulk(e.getValue().consumer.name);
            c.out.integer(Math.max(0, c.store.now - e.getValue().deliveryTime));
            c.out.integer(e.getValue().deliveryCount);
        }
    }

    // ---- XCLAIM, XAUTOCLAIM ----

    /** Gives {@code nack} (of {@code id}) to {@code k}. */
    private static void move(KvStream.Id id, KvStream.Nack nack, KvStream.GroupConsumer k) {
        if (nack.consumer != k) {
            if (nack.consumer != null) {
                nack.consumer.pel.remove(id);
            }
            k.pel.put(id, nack);
            nack.consumer = k;
        }
    }

    /** XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id]. */
    static void xclaim(Client c, byte[][] a) {
        KvStream s = c.store.get(a[1], KvStream.class);
        KvStream.Group g = group(c, a[1], a[2], "");
        long minIdle = Bytes.parseLong(a[4], Long.MIN_VALUE);
        if (minIdle == Long.MIN_VALUE) {
            throw new KvError("ERR Invalid min-idle-time argument for XCLAIM");
        }
        minIdle = Math.max(0, minIdle);
        List<KvStream.Id> ids = new ArrayList<>();
        int j = 5;
        for (; j < a.length; j++) {
            KvStream.Id id = StreamCommands.strictIdOrNull(a[j]);
            if (id == null) {
                break;
            }
            ids.add(id);
        }
        long now = c.store.now, deliveryTime = -1, retryCount = -1;
        boolean force = false, justId = false;
        KvStream.Id lastId = KvStream.Id.MIN;
        for (; j < a.length; j++) {
            boolean more = j + 1 < a.length;
            if (Bytes.is(a[j], "force")) {
                force = true;
            } else if (Bytes.is(a[j], "justid")) {
                justId = true;
            } else if (Bytes.is(a[j], "idle") && more) {
                deliveryTime = now - option(a[++j], "IDLE");
            } else if (Bytes.is(a[j], "time") && more) {
                deliveryTime = option(a[++j], "TIME");
            } else if (Bytes.is(a[j], "retrycount") && more) {
                retryCount = option(a[++j], "RETRYCOUNT");
            } else if (Bytes.is(a[j], "lastid") && more) {
                lastId = StreamCommands.strictId(a[++j]);
            } else {
                throw new KvError("ERR Unrecognized XCLAIM option '" + Bytes.str(a[j]) + "'");
            }
        }
        c.propagateOnlyEffects();
        boolean propagateLastId = false;
        if (lastId.compareTo(g.lastId) > 0) {
            g.lastId = lastId;
            propagateLastId = true;
        }
        deliveryTime = deliveryTime == -1 || deliveryTime < 0 || deliveryTime > now ? now : deliveryTime;
        KvStream.GroupConsumer k = null;
        List<Object> reply = new ArrayList<>();
        for (KvStream.Id id : ids) {
            KvStream.Nack nack = g.pel.get(id);
            byte[][] fv = s.entries.get(id);
            if (fv == null) {
                if (nack != null) {
                    c.propagate(KvStream.claim(a[1], a[2], nack.consumer.name, id, nack, g.lastId));
                    propagateLastId = false;
                    c.store.changed();
                    g.ack(id);
                }
                continue;
            }
            if (force && nack == null) {
                nack = new KvStream.Nack(null, now, 0);
                g.pel.put(id, nack);
            }
            if (nack == null || (nack.consumer != null && minIdle > 0 && now - nack.deliveryTime < minIdle)) {
                continue;
            }
            if (k == null) {
                k = consumer(c, g, a[1], a[3], now);
            }
            move(id, nack, k);
            nack.deliveryTime = deliveryTime;
            if (retryCount >= 0) {
                nack.deliveryCount = retryCount;
            } else if (!justId) {
                nack.deliveryCount++;
            }
            reply.add(justId ? id : Map.entry(id, fv));
            c.propagate(KvStream.claim(a[1], a[2], k.name, id, nack, g.lastId));
            propagateLastId = false;
            c.store.changed();
        }
        if (propagateLastId) {
            c.propagate(setId(a[1], a[2], g));
            c.store.changed();
        }
        writeClaimed(c, reply);
    }

    private static long option(byte[] arg, String name) {
        long v = Bytes.parseLong(arg, Long.MIN_VALUE);
        if (v == Long.MIN_VALUE) {
            throw new KvError("ERR Invalid " + name + " option argument for XCLAIM");
        }
        return v;
    }

    /** Claimed entries: an id alone (JUSTID) or [id, fields]. */
    @SuppressWarnings("unchecked")
    private static void writeClaimed(Client c, List<Object> claimed) {
        c.out.array(claimed.size());
        for (Object o : claimed) {
            if (o instanceof KvStream.Id id) {
                c.out.bulk(id.bytes());
            } else {
                Map.Entry<KvStream.Id, byte[][]> e = (Map.Entry<KvStream.Id, byte[][]>) o;
                StreamCommands.entry(c, e.getKey(), e.getValue());
            }
        }
    }

    /** XAUTOCLAIM key group consumer min-idle-time start [COUNT n] [JUSTID]: [next cursor, claimed, deleted ids]. */
    static void xautoclaim(Client c, byte[][] a) {
        long minIdle = Bytes.parseLong(a[4], Long.MIN_VALUE);
        if (minIdle == Long.MIN_VALUE) {
            throw new KvError("ERR Invalid min-idle-time argument for XAUTOCLAIM");
        }
        minIdle = Math.max(0, minIdle);
        KvStream.Id start = StreamCommands.bound(a[5], 0, true);
        long count = 100;
        boolean justId = false;
        for (int j = 6; j < a.length; j++) {
            if (Bytes.is(a[j], "count") && j + 1 < a.length) {
                count = Bytes.parseLong(a[++j], 0);
                if (count < 1 || count > Long.MAX_VALUE / 16) {
                    throw new KvError("ERR COUNT must be > 0");
                }
            } else if (Bytes.is(a[j], "justid")) {
                justId = true;
            } else {
                throw KvError.SYNTAX;
            }
        }
        KvStream s = c.store.get(a[1], KvStream.class);
        KvStream.Group g = group(c, a[1], a[2], "");
        c.propagateOnlyEffects();
        long now = c.store.now, attempts = count * 10;
        KvStream.GroupConsumer k = null;
        List<Object> reply = new ArrayList<>();
        List<KvStream.Id> deleted = new ArrayList<>();
        KvStream.Id next = null;
        KvStream.Id cursor = start;
        while (true) {
            Map.Entry<KvStream.Id, KvStream.Nack> e = cursor == null ? null : g.pel.ceilingEntry(cursor);
            if (e == null) {
                break;
            }
            if (attempts-- == 0 || count == 0) {
                next = e.getKey();
                break;
            }
            KvStream.Id id = e.getKey();
            KvStream.Nack nack = e.getValue();
            cursor = id.next();
            byte[][] fv = s.entries.get(id);
            if (fv == null) {
                c.propagate(KvStream.claim(a[1], a[2], nack.consumer.name, id, nack, g.lastId));
                c.store.changed();
                g.ack(id);
                deleted.add(id);
                count--;
                continue;
            }
            if (minIdle > 0 && now - nack.deliveryTime < minIdle) {
                continue;
            }
            if (k == null) {
                k = consumer(c, g, a[1], a[3], now);
            }
            move(id, nack, k);
            nack.deliveryTime = now;
            if (!justId) {
                nack.deliveryCount++;
            }
            reply.add(justId ? id : Map.entry(id, fv));
            count--;
            c.propagate(KvStream.claim(a[1], a[2], k.name, id, nack, g.lastId));
            c.store.changed();
        }
        c.out.array(3);
        c.out.bulk((next == null ? KvStream.Id.MIN : next).bytes());
        writeClaimed(c, reply);
        c.out.array(deleted.size());
        for (KvStream.Id id : deleted) {
            c.out.bulk(id.bytes());
        }
    }

    /** The group's consumer {@code name}, created (and announced, as Redis's streamCreateConsumer) when missing. */
    private static KvStream.GroupConsumer consumer(Client c, KvStream.Group g, byte[] key, byte[] name, long now) {
        KvStream.GroupConsumer k = g.consumers.get(name);
        if (k == null) {
            k = g.consumer(name, now);
            event(c, "xgroup-createconsumer", key);
        }
        return k;
    }

    /** A keyspace notification of the stream class (consumer groups' events, as Redis 7.0 names them). */
    private static void event(Client c, String event, byte[] key) {
        c.store.notify(c.store.db, KeyspaceEvents.STREAM, event, key);
    }
}
