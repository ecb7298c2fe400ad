package dev.netloom.kv;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.DENYOOM;
import static dev.netloom.kv.CommandFlag.FAST;
import static dev.netloom.kv.CommandFlag.READONLY;
import static dev.netloom.kv.CommandFlag.WRITE;

/**
 * Hash commands on {@link KvHash}: setting and reading fields, whole-hash reads, and the integer
 * and float increments of a field, with Redis's replies and error texts.
 */
final class HashCommands {

    private static final byte[] HSET = Bytes.of("HSET");
    private static final KvError NOT_INTEGER_FIELD = new KvError("ERR hash value is not an integer");
    private static final KvError NOT_FLOAT_FIELD = new KvError("ERR hash value is not a float");

    private HashCommands() {
    }

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        return List.of(
                new Command("hset", -4, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, HashCommands::hset),
                new Command("hmset", -4, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, HashCommands::hmset),
                new Command("hsetnx", 4, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, HashCommands::hsetnx),
                new Command("hget", 3, Set.of(READONLY, FAST), KeySpec.ONE, HashCommands::hget),
                new Command("hmget", -3, Set.of(READONLY, FAST), KeySpec.ONE, HashCommands::hmget),
                new Command("hdel", -3, Set.of(WRITE, FAST), KeySpec.ONE, HashCommands::hdel),
                new Command("hlen", 2, Set.of(READONLY, FAST), KeySpec.ONE, HashCommands::hlen),
                new Command("hstrlen", 3, Set.of(READONLY, FAST), KeySpec.ONE, HashCommands::hstrlen),
                new Command("hexists", 3, Set.of(READONLY, FAST), KeySpec.ONE, HashCommands::hexists),
                new Command("hgetall", 2, Set.of(READONLY), KeySpec.ONE, (c, a) -> all(c, a, true, true)),
                new Command("hkeys", 2, Set.of(READONLY), KeySpec.ONE, (c, a) -> all(c, a, true, false)),
                new Command("hvals", 2, Set.of(READONLY), KeySpec.ONE, (c, a) -> all(c, a, false, true)),
                new Command("hincrby", 4, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, HashCommands::hincrby),
                new Command("hincrbyfloat", 4, Set.of(WRITE, DENYOOM, FAST), KeySpec.ONE, HashCommands::hincrbyfloat),
                new Command("hrandfield", -2, Set.of(READONLY), KeySpec.ONE, (c, a) -> RandomPicks.command(c, a, "withvalues", () -> {
                    KvHash h = c.store.get(a[1], KvHash.class);
                    return h == null ? null : h.fields;
                })),
                new Command("hscan", -3, Set.of(READONLY), KeySpec.ONE, (c, a) -> {
                    KeyCommands.parseCursor(a[2]);
                    KvHash h = c.store.get(a[1], KvHash.class);
                    KeyCommands.scan(c, a, 2, h == null ? null : h.fields, false);
                }));
    }

    /** HSET key field value [field value ...]: how many fields were added. */
    static void hset(Client c, byte[][] a) {
        c.out.integer(setPairs(c, a, "hset"));
    }

    /** HMSET key field value [field value ...]: the deprecated form of HSET, replying OK. */
    static void hmset(Client c, byte[][] a) {
        setPairs(c, a, "hmset");
        c.out.ok();
    }

    private static int setPairs(Client c, byte[][] a, String name) {
        if (a.length % 2 != 0) {
            throw KvError.wrongArgs(name);
        }
        KvHash h = c.store.getOrCreate(a[1], KvHash.class, KvHash::new);
        int added = 0;
        for (int i = 2; i < a.length; i += 2) {
            if (h.put(a[i], a[i + 1])) {
                added++;
            }
        }
        c.store.changed((a.length - 2) / 2);
        return added;
    }

    static void hsetnx(Client c, byte[][] a) {
        KvHash h = c.store.get(a[1], KvHash.class);
        if (h != null && h.get(a[2]) != null) {
            c.out.integer(0);
            return;
        }
        if (h == null) {
            h = c.store.getOrCreate(a[1], KvHash.class, KvHash::new);
        }
        h.put(a[2], a[3]);
        c.store.changed();
        c.out.integer(1);
    }

    static void hget(Client c, byte[][] a) {
        KvHash h = c.store.get(a[1], KvHash.class);
        c.out.bulk(h == null ? null : h.get(a[2]));
    }

    static void hmget(Client c, byte[][] a) {
        KvHash h = c.store.get(a[1], KvHash.class);
        c.out.array(a.length - 2);
        for (int i = 2; i < a.length; i++) {
            c.out.bulk(h == null ? null : h.get(a[i]));
        }
    }

    static void hdel(Client c, byte[][] a) {
        KvHash h = c.store.get(a[1], KvHash.class);
        int removed = 0;
        if (h != null) {
            for (int i = 2; i < a.length && h.size() > 0; i++) {
                if (h.fields.remove(a[i]) != null) {
                    removed++;
                }
            }
            if (removed > 0) {
                c.store.changed(removed);
                c.store.deleteIfEmpty(a[1], h);
            }
        }
        c.out.integer(removed);
    }

    static void hlen(Client c, byte[][] a) {
        KvHash h = c.store.get(a[1], KvHash.class);
        c.out.integer(h == null ? 0 : h.size());
    }

    static void hstrlen(Client c, byte[][] a) {
        KvHash h = c.store.get(a[1], KvHash.class);
        byte[] v = h == null ? null : h.get(a[2]);
        c.out.integer(v == null ? 0 : v.length);
    }

    static void hexists(Client c, byte[][] a) {
        KvHash h = c.store.get(a[1], KvHash.class);
        c.out.integer(h != null && h.fields.contains(a[2]) ? 1 : 0);
    }

    /** HGETALL (field, value pairs), HKEYS, HVALS. */
    static void all(Client c, byte[][] a, boolean keys, boolean values) {
        KvHash h = c.store.get(a[1], KvHash.class);
        boolean map = keys && values; // HGETALL: a map in RESP3
        if (h == null) {
            if (map) {
                c.out.map(0);
            } else {
                c.out.array(0);
            }
            return;
        }
        if (map) {
            c.out.map(h.size());
        } else {
            c.out.array(h.size());
        }
        h.fields.forEach(e -> {
            if (keys) {
                c.out.bulk(e.key);
            }
            if (values) {
                c.out.bulk((byte[]) e.value);
            }
        });
    }

    static void hincrby(Client c, byte[][] a) {
        long by = Bytes.toLong(a[3]);
        KvHash h = c.store.get(a[1], KvHash.class);
        byte[] old = h == null ? null : h.get(a[2]);
        long v = 0;
        if (old != null) {
            if (!Bytes.isLong(old)) {
                throw NOT_INTEGER_FIELD;
            }
            v = Bytes.toLong(old);
        }
        long r;
        try {
            r = Math.addExact(v, by);
        } catch (ArithmeticException x) {
            throw KvError.OVERFLOW;
        }
        if (h == null) {
            h = c.store.getOrCreate(a[1], KvHash.class, KvHash::new);
        }
        h.put(a[2], Bytes.of(r));
        c.store.changed();
        c.out.integer(r);
    }

    /**
     * HINCRBYFLOAT key field increment: decimal arithmetic (0.1 + 0.2 gives 0.3, as Redis's long
     * double output shows it); logged as the HSET of the result so a replay cannot drift.
     */
    static void hincrbyfloat(Client c, byte[][] a) {
        Double by = Bytes.parseDouble(a[3]);
        if (by == null) {
            throw KvError.NOT_FLOAT;
        }
        if (by.isInfinite()) {
            throw new KvError("ERR value is NaN or Infinity");
        }
        KvHash h = c.store.get(a[1], KvHash.class);
        byte[] old = h == null ? null : h.get(a[2]);
        BigDecimal v = BigDecimal.ZERO;
        if (old != null) {
            Double d = Bytes.parseDouble(old);
            if (d == null || d.isInfinite()) {
                throw NOT_FLOAT_FIELD;
            }
            v = decimal(old, d);
        }
        BigDecimal r = v.add(decimal(a[3], by));
        double d = r.doubleValue();
        if (Double.isInfinite(d) || Double.isNaN(d)) {
            throw new KvError("ERR increment would produce NaN or Infinity");
        }
        String text = r.stripTrailingZeros().toPlainString();
        byte[] out = text.length() > 60 ? Bytes.of(d) : Bytes.of(text);
        if (h == null) {
            h = c.store.getOrCreate(a[1], KvHash.class, KvHash::new);
        }
        h.put(a[2], out);
        c.store.changed();
        c.propagate(HSET, a[1], a[2], out);
        c.out.bulk(out);
    }

    private static BigDecimal decimal(byte[] s, double parsed) {
        try {
            return new BigDecimal(Bytes.str(s));
        } catch (NumberFormatException e) {
            return new BigDecimal(parsed);
        }
    }
}
