package dev.netloom.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keyspace notifications ({@code notify-keyspace-events}, Redis's notify.c): a change to a key
 * is published on {@code __keyspace@<db>__:<key>} (message: the event) and on
 * {@code __keyevent@<db>__:<event>} (message: the key), for the classes the flags turn on.
 *
 * <p>Where the events come from: for the commands of {@link #GENERIC} the dispatcher emits the
 * event on the command's key(s) after a run that changed something (Redis's dirty counter);
 * handlers add what differs through {@link KvStore#notify} (SET ... EX's {@code expire}, DEL's
 * {@code del} per key deleted, a key deleted when emptied, EXPIRE with a time past, RENAME's
 * pair); the store emits {@code expired}; eviction calls {@link KvStore#notify} with
 * {@link #EVICTED}. A handler's events are held until the command ends and published after the
 * dispatcher's, which is Redis's order (LPOP's {@code lpop} before the emptied list's {@code del}).
 */
final class KeyspaceEvents {

    static final int KEYSPACE = 1;
    static final int KEYEVENT = 1 << 1;
    static final int GENERIC = 1 << 2;
    static final int STRING = 1 << 3;
    static final int LIST = 1 << 4;
    static final int SET = 1 << 5;
    static final int HASH = 1 << 6;
    static final int ZSET = 1 << 7;
    static final int EXPIRED = 1 << 8;
    static final int EVICTED = 1 << 9;
    static final int STREAM = 1 << 10;
    static final int KEY_MISS = 1 << 11;
    static final int MODULE = 1 << 13;
    static final int NEW = 1 << 14;
    /** The {@code A} flag: every class but key-miss and new. */
    static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

    /** How the dispatcher finds the keys of a generic event. */
    enum Keys { FIRST, EVERY_OTHER, SOURCE_DEST }

    /** A command's event: its class, its name (and the destination's, for SOURCE_DEST), where the keys are. */
    record Event(int type, String name, String destName, Keys keys) {
    }

    /** Commands whose events the dispatcher emits, by name (Redis 7.0's notifyKeyspaceEvent calls). */
    private static final Map<String, Event> GENERIC_EVENTS = Map.ofEntries(
            first("set", STRING, "set"), first("setnx", STRING, "set"), first("setex", STRING, "set"),
            first("psetex", STRING, "set"), first("getset", STRING, "set"), first("append", STRING, "append"),
            first("setrange", STRING, "setrange"), first("incr", STRING, "incrby"), first("decr", STRING, "decrby"),
            first("incrby", STRING, "incrby"), first("decrby", STRING, "decrby"),
            first("incrbyfloat", STRING, "incrbyfloat"),
            Map.entry("mset", new Event(STRING, "set", null, Keys.EVERY_OTHER)),
            Map.entry("msetnx", new Event(STRING, "set", null, Keys.EVERY_OTHER)),
            first("lpush", LIST, "lpush"), first("rpush", LIST, "rpush"), first("lpushx", LIST, "lpush"),
            first("rpushx", LIST, "rpush"), first("lpop", LIST, "lpop"), first("rpop", LIST, "rpop"),
            first("linsert", LIST, "linsert"), first("lset", LIST, "lset"), first("ltrim", LIST, "ltrim"),
            first("lrem", LIST, "lrem"),
            Map.entry("rpoplpush", new Event(LIST, "rpop", "lpush", Keys.SOURCE_DEST)),
            first("hset", HASH, "hset"), first("hmset", HASH, "hset"), first("hsetnx", HASH, "hset"),
            first("hdel", HASH, "hdel"), first("hincrby", HASH, "hincrby"), first("hincrbyfloat", HASH, "hincrbyfloat"),
            first("sadd", SET, "sadd"), first("srem", SET, "srem"), first("spop", SET, "spop"),
            Map.entry("smove", new Event(SET, "srem", "sadd", Keys.SOURCE_DEST)),
            first("sinterstore", SET, "sinterstore"), first("sunionstore", SET, "sunionstore"),
            first("sdiffstore", SET, "sdiffstore"),
            first("zadd", ZSET, "zadd"), first("zincrby", ZSET, "zincr"), first("zrem", ZSET, "zrem"),
            first("zremrangebyscore", ZSET, "zremrangebyscore"), first("zremrangebyrank", ZSET, "zremrangebyrank"),
            first("zremrangebylex", ZSET, "zremrangebylex"), first("zpopmin", ZSET, "zpopmin"),
            first("zpopmax", ZSET, "zpopmax"), first("zunionstore", ZSET, "zunionstore"),
            first("zinterstore", ZSET, "zinterstore"), first("zdiffstore", ZSET, "zdiffstore"),
            first("zrangestore", ZSET, "zrangestore"),
            first("persist", GENERIC, "persist"),
            first("xadd", STREAM, "xadd"), first("xdel", STREAM, "xdel"), first("xtrim", STREAM, "xtrim"),
            first("xsetid", STREAM, "xsetid"));

    /** Events a handler raised during the command, published when it ends (see the class comment). */
    private final List<Object[]> held = new ArrayList<>();

    private static Map.Entry<String, Event> first(String command, int type, String name) {
        return Map.entry(command, new Event(type, name, null, Keys.FIRST));
    }

    /** The flags of a {@code notify-keyspace-events} value, or -1 for a character that is no class. */
    static int parse(String classes) {
        int flags = 0;
        for (char ch : classes.toCharArray()) {
            flags |= switch (ch) {
                case 'A' -> ALL;
                case 'g' -> GENERIC;
                case '$' -> STRING;
                case 'l' -> LIST;
                case 's' -> SET;
                case 'h' -> HASH;
                case 'z' -> ZSET;
                case 'x' -> EXPIRED;
                case 'e' -> EVICTED;
                case 'K' -> KEYSPACE;
                case 'E' -> KEYEVENT;
                case 't' -> STREAM;
                case 'm' -> KEY_MISS;
                case 'd' -> MODULE;
                case 'n' -> NEW;
                default -> Integer.MIN_VALUE;
            };
        }
        return flags < 0 ? -1 : flags;
    }

    /** The flags as CONFIG GET shows them (Redis's keyspaceEventsFlagsToString). */
    static String format(int flags) {
        StringBuilder sb = new StringBuilder();
        if ((flags & ALL) == ALL) {
            sb.append('A');
        } else {
            String letters = "g$lshzxetdn";
            int[] bits = {GENERIC, STRING, LIST, SET, HASH, ZSET, EXPIRED, EVICTED, STREAM, MODULE, NEW};
            for (int i = 0; i < bits.length; i++) {
                if ((flags & bits[i]) != 0) {
                    sb.append(letters.charAt(i));
                }
            }
        }
        if ((flags & KEYSPACE) != 0) {
            sb.append('K');
        }
        if ((flags & KEYEVENT) != 0) {
            sb.append('E');
        }
        if ((flags & KEY_MISS) != 0) {
            sb.append('m');
        }
        return sb.toString();
    }

    /** Holds an event a handler raised, for {@link #flush}. */
    void hold(KvDb db, int type, String event, byte[] key) {
        held.add(new Object[] {db, type, event, key});
    }

    /** After a command that changed something: its generic event, then the handler's held ones. */
    void commandEnded(KvStore store, Command cmd, byte[][] argv, boolean changed) {
        Event e = changed ? GENERIC_EVENTS.get(cmd.name()) : null;
        if (e != null && argv.length > 1) {
            int type = e.type();
            switch (e.keys()) {
                case FIRST -> publish(store, store.db, type, zaddIncr(cmd, argv) ? "zincr" : e.name(), argv[1]);
                case EVERY_OTHER -> {
                    for (int i = 1; i < argv.length; i += 2) {
                        publish(store, store.db, type, e.name(), argv[i]);
                    }
                }
                case SOURCE_DEST -> {
                    publish(store, store.db, type, e.name(), argv[1]);
                    publish(store, store.db, type, e.destName(), argv[2]);
                }
            }
            if (setsExpiry(cmd, argv)) {
                publish(store, store.db, GENERIC, "expire", argv[1]);
            }
        }
        flush(store);
    }

    /** ZADD ... INCR is a zincr (Redis's zaddGenericCommand); a plain one a zadd. */
    private static boolean zaddIncr(Command cmd, byte[][] argv) {
        if (!cmd.name().equals("zadd")) {
            return false;
        }
        for (int i = 2; i < argv.length; i++) {
            if (Bytes.is(argv[i], "incr")) {
                return true;
            }
        }
        return false;
    }

    /** SETEX, PSETEX, SET ... EX/PX/EXAT/PXAT: the set is followed by an expire (Redis's setGenericCommand). */
    private static boolean setsExpiry(Command cmd, byte[][] argv) {
        return switch (cmd.name()) {
            case "setex", "psetex" -> true;
            case "set" -> {
                for (int i = 3; i < argv.length; i++) {
                    if (Bytes.is(argv[i], "ex") || Bytes.is(argv[i], "px") || Bytes.is(argv[i], "exat")
                            || Bytes.is(argv[i], "pxat")) {
                        yield true;
                    }
                }
                yield false;
            }
            default -> false;
        };
    }

    /** Publishes the held events (also after a command that failed half way). */
    void flush(KvStore store) {
        if (held.isEmpty()) {
            return;
        }
        List<Object[]> now = new ArrayList<>(held);
        held.clear();
        for (Object[] h : now) {
            publish(store, (KvDb) h[0], (Integer) h[1], (String) h[2], (byte[]) h[3]);
        }
    }

    /** Redis's notifyKeyspaceEvent: publishes now, if the flags take {@code type}. */
    static void publish(KvStore store, KvDb db, int type, String event, byte[] key) {
        int flags = store.notifyFlags;
        if ((flags & type) == 0) {
            return;
        }
        byte[] ev = Bytes.of(event);
        if ((flags & KEYSPACE) != 0) {
            store.pubsub.publish(concat("__keyspace@" + db.index + "__:", key), ev);
        }
        if ((flags & KEYEVENT) != 0) {
            store.pubsub.publish(Bytes.of("__keyevent@" + db.index + "__:" + event), key);
        }
    }

    private static byte[] concat(String head, byte[] key) {
        byte[] h = Bytes.of(head);
        byte[] r = new byte[h.length + key.length];
        System.arraycopy(h, 0, r, 0, h.length);
        System.arraycopy(key, 0, r, h.length, key.length);
        return r;
    }
}
