package dev.netloom.kv;

import java.math.BigDecimal;

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

    static void register(CommandTable t) {
        t.add("hset", -4, "write fast", 1, 1, 1, HashCommands::hset);
        t.add("hmset", -4, "write fast", 1, 1, 1, HashCommands::hmset);
        t.add("hsetnx", 4, "write fast", 1, 1, 1, HashCommands::hsetnx);
        t.add("hget", 3, "readonly fast", 1, 1, 1, HashCommands::hget);
        t.add("hmget", -3, "readonly fast", 1, 1, 1, HashCommands::hmget);
        t.add("hdel", -3, "write fast", 1, 1, 1, HashCommands::hdel);
        t.add("hlen", 2, "readonly fast", 1, 1, 1, HashCommands::hlen);
        t.add("hstrlen", 3, "readonly fast", 1, 1, 1, HashCommands::hstrlen);
        t.add("hexists", 3, "readonly fast", 1, 1, 1, HashCommands::hexists);
        t.add("hgetall", 2, "readonly", 1, 1, 1, (c, a) -> all(c, a, true, true));
        t.add("hkeys", 2, "readonly", 1, 1, 1, (c, a) -> all(c, a, true, false));
        t.add("hvals", 2, "readonly", 1, 1, 1, (c, a) -> all(c, a, false, true));
        t.add("hincrby", 4, "write fast", 1, 1, 1, HashCommands::hincrby);
        t.add("hincrbyfloat", 4, "write fast", 1, 1, 1, HashCommands::hincrbyfloat);
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
        if (h == null) {
            c.out.array(0);
            return;
        }
        c.out.array(h.size() * (keys && values ? 2 : 1));
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
        if (by == null || by.isInfinite()) {
            throw KvError.NOT_FLOAT;
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
