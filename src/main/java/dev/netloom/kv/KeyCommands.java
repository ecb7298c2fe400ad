package dev.netloom.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.FAST;
import static dev.netloom.kv.CommandFlag.NOSCRIPT;
import static dev.netloom.kv.CommandFlag.READONLY;
import static dev.netloom.kv.CommandFlag.WRITE;

/** Commands on keys whatever their type: delete, test, rename, list, scan, and expiry. */
final class KeyCommands {

    private static final byte[] PEXPIREAT = Bytes.of("PEXPIREAT");
    private static final byte[] DEL = Bytes.of("DEL");

    private KeyCommands() {
    }

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        return List.of(
                new Command("del", -2, Set.of(WRITE), KeySpec.ALL, KeyCommands::del),
                new Command("unlink", -2, Set.of(WRITE, FAST), KeySpec.ALL, KeyCommands::del),
                new Command("exists", -2, Set.of(READONLY, FAST), KeySpec.ALL, KeyCommands::exists),
                new Command("type", 2, Set.of(READONLY, FAST), KeySpec.ONE, KeyCommands::type),
                new Command("move", 3, Set.of(WRITE, FAST), KeySpec.ONE, KeyCommands::move),
                new Command("rename", 3, Set.of(WRITE), KeySpec.TWO, (c, a) -> rename(c, a, false)),
                new Command("renamenx", 3, Set.of(WRITE, FAST), KeySpec.TWO, (c, a) -> rename(c, a, true)),
                new Command("keys", 2, Set.of(READONLY), KeySpec.NONE, KeyCommands::keys),
                new Command("scan", -2, Set.of(READONLY), KeySpec.NONE, KeyCommands::scan),
                new Command("randomkey", 1, Set.of(READONLY), KeySpec.NONE, KeyCommands::randomkey),
                new Command("expire", -3, Set.of(WRITE, FAST), KeySpec.ONE, (c, a) -> expire(c, a, "expire", 1000, false)),
                new Command("pexpire", -3, Set.of(WRITE, FAST), KeySpec.ONE, (c, a) -> expire(c, a, "pexpire", 1, false)),
                new Command("expireat", -3, Set.of(WRITE, FAST), KeySpec.ONE, (c, a) -> expire(c, a, "expireat", 1000, true)),
                new Command("pexpireat", -3, Set.of(WRITE, FAST), KeySpec.ONE, (c, a) -> expire(c, a, "pexpireat", 1, true)),
                new Command("ttl", 2, Set.of(READONLY, FAST), KeySpec.ONE, (c, a) -> ttl(c, a, 1000, false)),
                new Command("pttl", 2, Set.of(READONLY, FAST), KeySpec.ONE, (c, a) -> ttl(c, a, 1, false)),
                new Command("expiretime", 2, Set.of(READONLY, FAST), KeySpec.ONE, (c, a) -> ttl(c, a, 1000, true)),
                new Command("pexpiretime", 2, Set.of(READONLY, FAST), KeySpec.ONE, (c, a) -> ttl(c, a, 1, true)),
                new Command("persist", 2, Set.of(WRITE, FAST), KeySpec.ONE, KeyCommands::persist),
                new Command("touch", -2, Set.of(READONLY, FAST), KeySpec.ALL, KeyCommands::exists),
                new Command("copy", -3, Set.of(WRITE), KeySpec.TWO, KeyCommands::copy),
                new Command("wait", 3, Set.of(NOSCRIPT), KeySpec.NONE, KeyCommands::waitReplicas));
    }

    private static void del(Client c, byte[][] a) {
        int n = 0;
        for (int i = 1; i < a.length; i++) {
            if (c.store.lookup(a[i]) != null && c.store.delete(a[i])) {
                c.store.notify(c.store.db, KeyspaceEvents.GENERIC, "del", a[i]);
                n++;
            }
        }
        c.store.changed(n);
        c.out.integer(n);
    }

    private static void exists(Client c, byte[][] a) {
        int n = 0;
        for (int i = 1; i < a.length; i++) {
            if (c.store.lookup(a[i]) != null) {
                n++;
            }
        }
        c.out.integer(n);
    }

    static String typeOf(Object v) {
        return v == null ? "none" : v instanceof byte[] ? "string" : ((Value) v).type();
    }

    private static void type(Client c, byte[][] a) {
        c.out.simple(typeOf(c.store.get(a[1])));
    }

    private static void rename(Client c, byte[][] a, boolean nx) {
        Dict.Entry src = c.store.lookup(a[1]);
        if (src == null) {
            throw KvError.NO_SUCH_KEY;
        }
        if (nx && c.store.lookup(a[2]) != null) {
            c.out.integer(0);
            return;
        }
        Object value = src.value;
        long at = src.expireAt;
        c.store.delete(a[1]);
        c.store.delete(a[2]);
        Dict.Entry dst = c.store.set(a[2], value, false);
        if (at != 0) {
            c.store.expireAt(dst, at);
        }
        c.store.notify(c.store.db, KeyspaceEvents.GENERIC, "rename_from", a[1]);
        c.store.notify(c.store.db, KeyspaceEvents.GENERIC, "rename_to", a[2]);
        c.store.changed();
        if (nx) {
            c.out.integer(1);
        } else {
            c.out.ok();
        }
    }

    /** MOVE key db: into another database, with its TTL, unless it is there already. */
    private static void move(Client c, byte[][] a) {
        long index = Bytes.parseLong(a[2], Long.MIN_VALUE);
        if (index == Long.MIN_VALUE) {
            throw KvError.NOT_INTEGER;
        }
        KvStore s = c.store;
        KvDb to = s.db(index);
        if (to == s.db) {
            throw new KvError("ERR source and destination objects are the same");
        }
        Dict.Entry e = s.lookup(a[1]);
        if (e == null || s.lookup(to, a[1]) != null) {
            c.out.integer(0);
            return;
        }
        s.delete(a[1]);
        s.putInto(to, e.key, e.value, e.expireAt);
        s.changed();
        c.out.integer(1);
    }

    private static void keys(Client c, byte[][] a) {
        byte[] pattern = a[1];
        boolean all = pattern.length == 1 && pattern[0] == '*';
        long now = c.store.now;
        List<byte[]> found = new ArrayList<>();
        c.store.db.keys.forEach(e -> {
            if ((e.expireAt == 0 || e.expireAt > now) && (all || Bytes.glob(pattern, e.key))) {
                found.add(e.key);
            }
        });
        c.out.array(found.size());
        found.forEach(c.out::bulk);
    }

    /** SCAN cursor [MATCH pattern] [COUNT n] [TYPE t]: Redis's cursor over the keyspace's dict. */
    private static void scan(Client c, byte[][] a) {
        scan(c, a, 1, c.store.db.keys, true);
    }

    /**
     * SCAN, and HSCAN/SSCAN/ZSCAN key cursor [MATCH pattern] [COUNT n] over the dict of one value
     * ({@code dict} null: no such key, an empty scan). The cursor is checked first, the options
     * only for a key that exists, as Redis does. A hash replies field, value pairs; a sorted set
     * member, score pairs; a set and the keyspace the keys alone. TYPE is the keyspace's only.
     */
    static void scan(Client c, byte[][] a, int cursorAt, Dict dict, boolean keyspace) {
        long cursor = parseCursor(a[cursorAt]);
        if (dict == null) {
            c.out.array(2);
            c.out.bulk(Bytes.of(0));
            c.out.array(0);
            return;
        }
        byte[] match = null;
        long count = 10;
        String type = null;
        for (int i = cursorAt + 1; i < a.length; i += 2) {
            if (i + 1 >= a.length) {
                throw KvError.SYNTAX;
            }
            if (Bytes.is(a[i], "match")) {
                match = a[i + 1];
            } else if (Bytes.is(a[i], "count")) {
                count = Bytes.toLong(a[i + 1]);
                if (count < 1) {
                    throw KvError.SYNTAX;
                }
            } else if (keyspace && Bytes.is(a[i], "type")) {
                type = Bytes.lowerName(a[i + 1]);
            } else {
                throw KvError.SYNTAX;
            }
        }
        List<Dict.Entry> seen = new ArrayList<>();
        long next = cursor;
        // as Redis: visit buckets until COUNT elements were seen (10×COUNT buckets at most)
        long maxBuckets = count * 10;
        do {
            next = dict.scan(next, seen::add);
        } while (next != 0 && seen.size() < count && --maxBuckets > 0);
        List<byte[]> out = new ArrayList<>();
        long now = c.store.now;
        for (Dict.Entry e : seen) {
            if (keyspace && e.expireAt != 0 && e.expireAt <= now) {
                continue;
            }
            if (match != null && !Bytes.glob(match, e.key)) {
                continue;
            }
            if (type != null && !typeOf(e.value).equals(type)) {
                continue;
            }
            out.add(e.key);
            if (!keyspace && e.value instanceof byte[] v) {
                out.add(v);
            } else if (!keyspace && e.value instanceof Double score) {
                out.add(Bytes.of(score));
            }
        }
        c.out.array(2);
        c.out.bulk(Bytes.of(Long.toUnsignedString(next)));
        c.out.array(out.size());
        out.forEach(c.out::bulk);
    }

    static long parseCursor(byte[] b) {
        try {
            return Long.parseUnsignedLong(Bytes.str(b));
        } catch (NumberFormatException e) {
            throw new KvError("ERR invalid cursor");
        }
    }

    /**
     * COPY source destination [DB n] [REPLACE]: 1 when copied (value and expiry), 0 when the
     * source is missing or the destination exists without REPLACE. Only the current database
     * is there: any other {@code DB} is out of range.
     */
    private static void copy(Client c, byte[][] a) {
        boolean replace = false;
        KvStore s = c.store;
        KvDb to = s.db;
        for (int i = 3; i < a.length; i++) {
            if (Bytes.is(a[i], "replace")) {
                replace = true;
            } else if (Bytes.is(a[i], "db") && i + 1 < a.length) {
                to = s.db(Bytes.toLong(a[++i]));
            } else {
                throw KvError.SYNTAX;
            }
        }
        if (to == s.db && Arrays.equals(a[1], a[2])) {
            throw new KvError("ERR source and destination objects are the same");
        }
        Dict.Entry src = s.lookup(a[1]);
        if (src == null || (s.lookup(to, a[2]) != null && !replace)) {
            c.out.integer(0);
            return;
        }
        Object value = src.value instanceof Value v ? v.copy() : src.value;
        long at = src.expireAt;
        if (s.aof != null) {
            s.aof.beforeWrite(to, a[2]); // a running rewrite writes the key it replaces first
        }
        KvStore.delete(to, a[2]);
        s.putInto(to, a[2], value, at);
        s.changed();
        c.out.integer(1);
    }

    /**
     * WAIT numreplicas timeout: the replicas that acknowledged this client's writes. kv has none,
     * so the answer is 0 at once (Redis, with none, would wait out the timeout first).
     */
    private static void waitReplicas(Client c, byte[][] a) {
        long timeout = Bytes.parseLong(a[2], Long.MIN_VALUE);
        if (timeout == Long.MIN_VALUE) {
            throw new KvError("ERR timeout is not an integer or out of range");
        }
        if (timeout < 0) {
            throw new KvError("ERR timeout is negative");
        }
        Bytes.toLong(a[1]);
        c.out.integer(0);
    }

    private static void randomkey(Client c, byte[][] a) {
        for (int tries = 0; tries < 100; tries++) {
            Dict.Entry e = c.store.db.keys.random();
            if (e == null) {
                break;
            }
            if (c.store.lookup(e.key) != null) {
                c.out.bulk(e.key);
                return;
            }
        }
        c.out.nullBulk();
    }

    /** EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT key time [NX|XX|GT|LT]; logged as PEXPIREAT (or DEL). */
    private static void expire(Client c, byte[][] a, String name, long unit, boolean absolute) {
        long t = Bytes.toLong(a[2]);
        boolean nx = false, xx = false, gt = false, lt = false;
        for (int i = 3; i < a.length; i++) {
            if (Bytes.is(a[i], "nx")) {
                nx = true;
            } else if (Bytes.is(a[i], "xx")) {
                xx = true;
            } else if (Bytes.is(a[i], "gt")) {
                gt = true;
            } else if (Bytes.is(a[i], "lt")) {
                lt = true;
            } else {
                throw new KvError("ERR Unsupported option " + Bytes.str(a[i]));
            }
        }
        if (nx && (xx || gt || lt)) {
            throw new KvError("ERR NX and XX, GT or LT options at the same time are not compatible");
        }
        if (gt && lt) {
            throw new KvError("ERR GT and LT options at the same time are not compatible");
        }
        long at;
        try {
            at = Math.multiplyExact(t, unit);
            if (!absolute) {
                at = Math.addExact(at, c.store.now);
            }
        } catch (ArithmeticException e) {
            throw new KvError("ERR invalid expire time in '" + name + "' command");
        }
        Dict.Entry e = c.store.lookup(a[1]);
        if (e == null) {
            c.out.integer(0);
            return;
        }
        long current = e.expireAt; // 0 = persistent, which counts as an infinite TTL for GT/LT
        if ((nx && current != 0) || (xx && current == 0)
                || (gt && (current == 0 || at <= current)) || (lt && current != 0 && at >= current)) {
            c.out.integer(0);
            return;
        }
        if (at <= c.store.now && !c.store.loading) {
            c.store.delete(a[1]);
            c.propagate(DEL, a[1]);
            c.store.notify(c.store.db, KeyspaceEvents.GENERIC, "del", a[1]);
        } else {
            c.store.expireAt(e, at);
            c.propagate(PEXPIREAT, a[1], Bytes.of(at));
            c.store.notify(c.store.db, KeyspaceEvents.GENERIC, "expire", a[1]);
        }
        c.store.changed();
        c.out.integer(1);
    }

    private static void ttl(Client c, byte[][] a, long unit, boolean absolute) {
        Dict.Entry e = c.store.lookup(a[1]);
        if (e == null) {
            c.out.integer(-2);
        } else if (e.expireAt == 0) {
            c.out.integer(-1);
        } else if (absolute) {
            c.out.integer(e.expireAt / unit);
        } else {
            long left = Math.max(0, e.expireAt - c.store.now);
            c.out.integer(unit == 1 ? left : (left + 500) / 1000);
        }
    }

    private static void persist(Client c, byte[][] a) {
        Dict.Entry e = c.store.lookup(a[1]);
        if (e == null || e.expireAt == 0) {
            c.out.integer(0);
            return;
        }
        c.store.expireAt(e, 0);
        c.store.changed();
        c.out.integer(1);
    }
}
