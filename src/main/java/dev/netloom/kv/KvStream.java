package dev.netloom.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A stream value as Redis 7.0 keeps it: entries ordered by their id {@code ms-seq} (two unsigned
 * 64-bit numbers), each with its field/value pairs; the stream's metadata (the last id ever
 * added, which stays when the entry goes, the entries ever added, the largest id deleted, the
 * recorded first id); and its consumer groups, each with a last delivered id, a read counter,
 * a pending entries list (PEL) and consumers that own parts of it.
 *
 * <p>Redis stores entries in listpack "nodes" of at most {@code stream-node-max-entries}
 * entries and {@code stream-node-max-bytes} bytes, and approximate trimming ({@code ~}) removes
 * whole nodes only, so how many entries {@code XTRIM MAXLEN ~ n} leaves depends on them. The
 * entries live in one sorted map here, and {@link Node} records where Redis's node boundaries
 * would be (its first id, its last id, live and deleted counts, an estimate of its listpack's
 * bytes), which gives the same trimming results and XINFO's {@code radix-tree-keys}.
 */
final class KvStream implements Value {

    private static final byte[] XADD = Bytes.of("XADD");
    private static final byte[] XSETID = Bytes.of("XSETID");
    private static final byte[] XGROUP = Bytes.of("XGROUP");
    private static final byte[] XCLAIM = Bytes.of("XCLAIM");

    /** A stream entry id; ordered as unsigned numbers, milliseconds first. */
    record Id(long ms, long seq) implements Comparable<Id> {
        static final Id MIN = new Id(0, 0);
        static final Id MAX = new Id(-1, -1);

        @Override
        public int compareTo(Id o) {
            int c = Long.compareUnsigned(ms, o.ms);
            return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
        }

        /** The id after this one, or null after the largest. */
        Id next() {
            if (seq != -1) {
                return new Id(ms, seq + 1);
            }
            return ms == -1 ? null : new Id(ms + 1, 0);
        }

        /** The id before this one, or null before 0-0. */
        Id previous() {
            if (seq != 0) {
                return new Id(ms, seq - 1);
            }
            return ms == 0 ? null : new Id(ms - 1, -1);
        }

        boolean isZero() {
            return ms == 0 && seq == 0;
        }

        byte[] bytes() {
            return Bytes.of(Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq));
        }
    }

    /** Where Redis would have a listpack node: entries from {@code first} to {@code last}. */
    static final class Node {
        final Id first;
        final byte[][] masterFields;
        Id last;
        int live;
        int deleted;
        long bytes;

        Node(Id first, byte[][] masterFields) {
            this.first = first;
            this.masterFields = masterFields;
        }
    }

    /** A pending entry: delivered to {@code consumer}, not acknowledged yet. */
    static final class Nack {
        GroupConsumer consumer;
        long deliveryTime;
        long deliveryCount;

        Nack(GroupConsumer consumer, long deliveryTime, long deliveryCount) {
            this.consumer = consumer;
            this.deliveryTime = deliveryTime;
            this.deliveryCount = deliveryCount;
        }
    }

    /** A consumer of a group. */
    static final class GroupConsumer {
        final byte[] name;
        long seenTime;
        final TreeMap<Id, Nack> pel = new TreeMap<>();

        GroupConsumer(byte[] name, long seenTime) {
            this.name = name;
            this.seenTime = seenTime;
        }
    }

    /** A consumer group. {@code entriesRead} is -1 when it is not known (Redis's SCG_INVALID_ENTRIES_READ). */
    static final class Group {
        Id lastId;
        long entriesRead;
        final TreeMap<Id, Nack> pel = new TreeMap<>();
        final TreeMap<byte[], GroupConsumer> consumers = new TreeMap<>(Arrays::compareUnsigned);

        Group(Id lastId, long entriesRead) {
            this.lastId = lastId;
            this.entriesRead = entriesRead;
        }

        /** The consumer, made if missing; its seen time refreshed. */
        GroupConsumer consumer(byte[] name, long now) {
            GroupConsumer c = consumers.get(name);
            if (c == null) {
                c = new GroupConsumer(name, now);
                consumers.put(name, c);
            }
            c.seenTime = now;
            return c;
        }

        /** Removes the pending entry {@code id} from the group and its consumer. */
        void ack(Id id) {
            Nack n = pel.remove(id);
            if (n != null) {
                n.consumer.pel.remove(id);
            }
        }
    }

    final TreeMap<Id, byte[][]> entries = new TreeMap<>();
    final TreeMap<Id, Node> nodes = new TreeMap<>();
    /** The bytes of every node (the memory estimate, {@link #bytes}), kept as nodes grow and go. */
    private long nodeBytes;
    final TreeMap<byte[], Group> groups = new TreeMap<>(Arrays::compareUnsigned);
    Id lastId = Id.MIN;
    Id maxDeletedId = Id.MIN;
    Id firstId = Id.MIN;
    long entriesAdded;

    @Override
    public String type() {
        return "stream";
    }

    @Override
    public int size() {
        return entries.size();
    }

    // ---- entries and nodes ----

    /**
     * Appends an entry (its id above {@link #lastId}): into the last node if it has room under
     * {@code maxEntries} (live and deleted) and {@code maxBytes}, as streamAppendItem decides.
     */
    void add(Id id, byte[][] fieldsAndValues, int maxEntries, long maxBytes) {
        long elements = 0;
        for (byte[] b : fieldsAndValues) {
            elements += b.length;
        }
        Map.Entry<Id, Node> tail = nodes.lastEntry();
        Node node = tail == null ? null : tail.getValue();
        long limit = maxBytes <= 0 || maxBytes > (1L << 30) ? 1L << 30 : maxBytes;
        if (node != null && (node.bytes + elements >= limit || (maxEntries > 0 && node.live + node.deleted >= maxEntries))) {
            node = null;
        }
        if (node == null) {
            byte[][] fields = new byte[fieldsAndValues.length / 2][];
            for (int i = 0; i < fields.length; i++) {
                fields[i] = fieldsAndValues[2 * i];
            }
            node = new Node(id, fields);
            node.bytes = 7 + 3 * 2 + 2;
            for (byte[] f : fields) {
                node.bytes += element(f.length);
            }
            nodes.put(id, node);
        }
        long before = node.bytes;
        node.bytes += entryBytes(node, id, fieldsAndValues);
        nodeBytes += node.bytes - (node.live + node.deleted == 0 ? 0 : before);
        node.last = id;
        node.live++;
        entries.put(id, fieldsAndValues);
        entriesAdded++;
        lastId = id;
        if (entries.size() == 1) {
            firstId = id;
        }
    }

    /** The listpack bytes of an entry in {@code node}: flags, id deltas, [fields], values, lp-count. */
    private static long entryBytes(Node node, Id id, byte[][] fv) {
        boolean same = fv.length / 2 == node.masterFields.length;
        for (int i = 0; same && i < node.masterFields.length; i++) {
            same = Arrays.equals(node.masterFields[i], fv[2 * i]);
        }
        long b = 2 + integer(id.ms() - node.first.ms()) + integer(id.seq() - node.first.seq()) + 2;
        for (int i = 0; i < fv.length; i += 2) {
            b += (same ? 0 : element(fv[i].length)) + element(fv[i + 1].length);
        }
        return same ? b : b + 2;
    }

    /** A listpack integer's bytes, its back-length included. */
    private static long integer(long v) {
        if (v >= 0 && v <= 127) {
            return 2;
        }
        if (v >= -4096 && v < 4096) {
            return 3;
        }
        return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? 6 : 10;
    }

    /** A listpack string's bytes (its header and back-length included). */
    private static long element(int len) {
        int header = len < 64 ? 1 : len < 4096 ? 2 : 5;
        int back = header + len < 128 ? 1 : header + len < 16384 ? 2 : 3;
        return header + len + back;
    }

    /** Deletes one entry (XDEL): its node frees when it holds no live entry. */
    boolean delete(Id id) {
        if (entries.remove(id) == null) {
            return false;
        }
        Map.Entry<Id, Node> e = nodes.floorEntry(id);
        Node node = e.getValue();
        node.live--;
        node.deleted++;
        if (node.live == 0) {
            nodes.remove(e.getKey());
            nodeBytes -= node.bytes;
        }
        if (id.compareTo(maxDeletedId) > 0) {
            maxDeletedId = id;
        }
        if (entries.isEmpty()) {
            firstId = Id.MIN;
        } else if (id.compareTo(firstId) == 0) {
            firstId = entries.firstKey();
        }
        return true;
    }

    /**
     * Redis's streamTrim: removes whole nodes from the head while the stream stays at or above
     * {@code maxLen} (or while a node's last id is below {@code minId}), at most {@code limit}
     * entries (0: no limit); then, unless {@code approx}, the entries of the next node that are
     * still over. Exactly one of {@code maxLen >= 0} and {@code minId != null}. Returns how many.
     */
    long trim(long maxLen, Id minId, boolean approx, long limit) {
        long deleted = 0;
        while (!nodes.isEmpty()) {
            if (minId == null && entries.size() <= maxLen) {
                break;
            }
            Map.Entry<Id, Node> first = nodes.firstEntry();
            Node node = first.getValue();
            if (limit != 0 && deleted + node.live > limit) {
                break;
            }
            boolean whole = minId == null ? entries.size() - node.live >= maxLen : node.last.compareTo(minId) < 0;
            if (whole) {
                entries.subMap(node.first, true, node.last, true).clear();
                nodes.remove(first.getKey());
                nodeBytes -= node.bytes;
                deleted += node.live;
                continue;
            }
            if (approx) {
                break;
            }
            var inNode = entries.subMap(node.first, true, node.last, true).entrySet().iterator();
            while (inNode.hasNext()) {
                Id id = inNode.next().getKey();
                if (minId == null ? entries.size() <= maxLen : id.compareTo(minId) >= 0) {
                    break;
                }
                inNode.remove();
                node.live--;
                node.deleted++;
                deleted++;
            }
            break;
        }
        if (entries.isEmpty()) {
            firstId = Id.MIN;
        } else if (deleted > 0) {
            firstId = entries.firstKey();
        }
        return deleted;
    }

    /** How many listpack nodes Redis would have (XINFO's radix-tree-keys). */
    int nodeCount() {
        return nodes.size();
    }

    // ---- consumer groups: the read counter and lag of Redis 7.0 ----

    /** Whether {@code start..end} (null: to the end) may hold a deleted entry (streamRangeHasTombstones). */
    boolean rangeHasTombstones(Id start, Id end) {
        if (entries.isEmpty() || maxDeletedId.isZero() || firstId.compareTo(maxDeletedId) > 0) {
            return false;
        }
        Id s = start == null ? Id.MIN : start;
        Id e = end == null ? Id.MAX : end;
        return s.compareTo(maxDeletedId) <= 0 && maxDeletedId.compareTo(e) <= 0;
    }

    /** The logical read counter of {@code id}, or -1 when it cannot be known (streamEstimateDistanceFromFirstEverEntry). */
    long distanceFromFirstEver(Id id) {
        if (entriesAdded == 0) {
            return 0;
        }
        if (entries.isEmpty() && id.compareTo(lastId) < 1) {
            return entriesAdded;
        }
        int cmpLast = id.compareTo(lastId);
        if (cmpLast == 0) {
            return entriesAdded;
        } else if (cmpLast > 0) {
            return -1;
        }
        int cmpFirst = id.compareTo(firstId);
        if (maxDeletedId.isZero() || maxDeletedId.compareTo(firstId) < 0) {
            if (cmpFirst < 0) {
                return entriesAdded - entries.size();
            } else if (cmpFirst == 0) {
                return entriesAdded - entries.size() + 1;
            }
        }
        return -1;
    }

    /** A group's lag, or null when it cannot be known (streamReplyWithCGLag). */
    Long lag(Group g) {
        if (entriesAdded == 0) {
            return 0L;
        }
        if (g.entriesRead != -1 && !rangeHasTombstones(g.lastId, null)) {
            return entriesAdded - g.entriesRead;
        }
        long read = distanceFromFirstEver(g.lastId);
        return read == -1 ? null : entriesAdded - read;
    }

    /** A group delivered {@code id} (above its last id): advances its last id and read counter. */
    void delivered(Group g, Id id) {
        if (g.entriesRead != -1 && !rangeHasTombstones(id, null)) {
            g.entriesRead++;
        } else if (entriesAdded != 0) {
            g.entriesRead = distanceFromFirstEver(id);
        }
        g.lastId = id;
    }

    // ---- Value ----

    @Override
    public long bytes() {
        return nodeBytes + (long) entries.size() * KvMemory.STREAM_ENTRY;
    }

    @Override
    public KvStream copy() {
        KvStream s = new KvStream();
        s.entries.putAll(entries);
        for (Map.Entry<Id, Node> e : nodes.entrySet()) {
            Node n = e.getValue(), m = new Node(n.first, n.masterFields);
            m.last = n.last;
            m.live = n.live;
            m.deleted = n.deleted;
            m.bytes = n.bytes;
            s.nodes.put(e.getKey(), m);
        }
        s.nodeBytes = nodeBytes;
        s.lastId = lastId;
        s.maxDeletedId = maxDeletedId;
        s.firstId = firstId;
        s.entriesAdded = entriesAdded;
        for (Map.Entry<byte[], Group> e : groups.entrySet()) {
            Group g = e.getValue(), h = new Group(g.lastId, g.entriesRead);
            for (GroupConsumer c : g.consumers.values()) {
                GroupConsumer d = new GroupConsumer(c.name, c.seenTime);
                h.consumers.put(c.name, d);
                for (Map.Entry<Id, Nack> p : c.pel.entrySet()) {
                    Nack n = new Nack(d, p.getValue().deliveryTime, p.getValue().deliveryCount);
                    d.pel.put(p.getKey(), n);
                    h.pel.put(p.getKey(), n);
                }
            }
            s.groups.put(e.getKey(), h);
        }
        return s;
    }

    /**
     * As Redis's AOF rewrite (rewriteStreamObject): one XADD per entry with its explicit id (an
     * empty stream as {@code XADD key MAXLEN 0 0-1 x y}), then XSETID with the last id,
     * ENTRIESADDED and MAXDELETEDID, then per group XGROUP CREATE ... ENTRIESREAD, and per
     * consumer an XCLAIM ... FORCE JUSTID for each of its pending entries, or XGROUP
     * CREATECONSUMER when it has none.
     */
    @Override
    public void rewrite(byte[] key, Consumer<byte[][]> emit) {
        if (entries.isEmpty()) {
            emit.accept(Client.argv(XADD, key, "MAXLEN", "0", "0-1", "x", "y"));
        }
        for (Map.Entry<Id, byte[][]> e : entries.entrySet()) {
            byte[][] fv = e.getValue();
            byte[][] argv = new byte[3 + fv.length][];
            argv[0] = XADD;
            argv[1] = key;
            argv[2] = e.getKey().bytes();
            System.arraycopy(fv, 0, argv, 3, fv.length);
            emit.accept(argv);
        }
        emit.accept(Client.argv(XSETID, key, lastId.bytes(), "ENTRIESADDED", entriesAdded,
                "MAXDELETEDID", maxDeletedId.bytes()));
        for (Map.Entry<byte[], Group> e : groups.entrySet()) {
            Group g = e.getValue();
            emit.accept(Client.argv(XGROUP, "CREATE", key, e.getKey(), g.lastId.bytes(), "ENTRIESREAD", g.entriesRead));
            for (GroupConsumer c : g.consumers.values()) {
                if (c.pel.isEmpty()) {
                    emit.accept(Client.argv(XGROUP, "CREATECONSUMER", key, e.getKey(), c.name));
                }
                for (Map.Entry<Id, Nack> p : c.pel.entrySet()) {
                    emit.accept(claim(key, e.getKey(), c.name, p.getKey(), p.getValue(), null));
                }
            }
        }
    }

    /**
     * The XCLAIM that recreates a pending entry as it is (Redis's streamPropagateXCLAIM, and
     * its AOF rewrite without LASTID): {@code XCLAIM key group consumer 0 id TIME t RETRYCOUNT n
     * FORCE JUSTID [LASTID id]}. For an entry no longer in the stream it removes the PEL entry.
     */
    static byte[][] claim(byte[] key, byte[] group, byte[] consumer, Id id, Nack n, Id groupLastId) {
        List<Object> a = new ArrayList<>(List.of(XCLAIM, key, group, consumer, "0", id.bytes(), "TIME", n.deliveryTime,
                "RETRYCOUNT", n.deliveryCount, "FORCE", "JUSTID"));
        if (groupLastId != null) {
            a.add("LASTID");
            a.add(groupLastId.bytes());
        }
        return Client.argv(a.toArray());
    }
}
