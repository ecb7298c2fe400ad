package dev.netloom.kv;

import dev.netloom.core.TcpConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The server parameters CONFIG GET reports and CONFIG SET changes at runtime, in one table: each
 * row has Redis's name (and its 6.x alias), how its value is read and checked, and the
 * {@code kv.<key>} setting that holds it across restarts, if there is one. Three kinds of rows:
 * <ul>
 *   <li>live: the store uses the value (maxmemory and its policy, LFU tuning, appendfsync, the
 *       encoding thresholds OBJECT ENCODING reports by);</li>
 *   <li>stored: accepted and reported, nothing else here reads them yet (notify-keyspace-events,
 *       client-output-buffer-limit, busy-reply-threshold, save, ...: Redis's tests set them);</li>
 *   <li>fixed: set at start from netloom's settings (port, dir, databases, appendonly, maxclients,
 *       timeout); CONFIG SET takes only their current value and otherwise names the setting.</li>
 * </ul>
 * CONFIG SET of several parameters is atomic, as in Redis 7: every value is checked before any is
 * applied. Runs under the store's lock, as every command.
 */
final class KvParams {

    /** Redis's maxmemory-policy values, in Redis's order. */
    enum Policy {
        VOLATILE_LRU, VOLATILE_LFU, VOLATILE_RANDOM, VOLATILE_TTL, ALLKEYS_LRU, ALLKEYS_LFU, ALLKEYS_RANDOM, NOEVICTION;

        String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        boolean lru() {
            return this == VOLATILE_LRU || this == ALLKEYS_LRU;
        }

        boolean lfu() {
            return this == VOLATILE_LFU || this == ALLKEYS_LFU;
        }

        boolean random() {
            return this == VOLATILE_RANDOM || this == ALLKEYS_RANDOM;
        }

        /** Whether only keys with a TTL may be evicted. */
        boolean volatileOnly() {
            return name().startsWith("VOLATILE");
        }

        static Policy of(String s) {
            for (Policy p : values()) {
                if (p.word().equalsIgnoreCase(s)) {
                    return p;
                }
            }
            return null;
        }
    }

    /** One parameter; {@code set} checks a value and returns what applies it, or throws with Redis's reason. */
    record Param(String name, String alias, String setting, Supplier<String> get, Setter set) {
        boolean named(String n) {
            return name.equals(n) || n.equals(alias);
        }
    }

    /** Checks a value (throwing IllegalArgumentException with the reason) and returns what applies it. */
    @FunctionalInterface
    interface Setter {
        Runnable check(String value);
    }

    // ---- the live values (defaults as Redis 7.0) ----
    long maxmemory;
    Policy policy = Policy.NOEVICTION;
    int samples = 5;
    int lfuLogFactor = 10;
    int lfuDecayTime = 1;
    long hashMaxEntries = 512;
    long hashMaxValue = 64;
    long setMaxIntsetEntries = 512;
    long zsetMaxEntries = 128;
    long zsetMaxValue = 64;

    private final KvStore store;
    private final List<Param> table = new ArrayList<>();
    /** Values of the stored rows. */
    private final Map<String, String> stored = new HashMap<>();
    /** Parameters changed by CONFIG SET since start (CONFIG REWRITE's advice). */
    private final Set<String> changed = new LinkedHashSet<>();

    KvParams(KvStore store) {
        this.store = store;
        num("maxmemory", null, KvConfig.MAXMEMORY.name(), 0, Long.MAX_VALUE, true, () -> maxmemory, v -> {
            maxmemory = v;
            if (v > 0) {
                store.eviction.freeMemory(); // at once, as Redis's CONFIG SET maxmemory does (not at the next command)
            }
        });
        table.add(new Param("maxmemory-policy", null, KvConfig.MAXMEMORY_POLICY.name(), () -> policy.word(), v -> {
            Policy p = Policy.of(v);
            if (p == null) {
                List<String> words = new ArrayList<>();
                for (Policy x : Policy.values()) {
                    words.add(x.word());
                }
                throw new IllegalArgumentException("argument(s) must be one of the following: " + String.join(", ", words));
            }
            return () -> policy = p;
        }));
        num("maxmemory-samples", null, KvConfig.MAXMEMORY_SAMPLES.name(), 1, Integer.MAX_VALUE, false,
                () -> samples, v -> samples = (int) v);
        num("lfu-log-factor", null, null, 0, Integer.MAX_VALUE, false, () -> lfuLogFactor, v -> lfuLogFactor = (int) v);
        num("lfu-decay-time", null, null, 0, Integer.MAX_VALUE, false, () -> lfuDecayTime, v -> lfuDecayTime = (int) v);
        table.add(new Param("appendfsync", null, KvConfig.APPENDFSYNC.name(), this::fsync, v -> {
            Aof.Fsync f = switch (v.toLowerCase(Locale.ROOT)) {
                case "always" -> Aof.Fsync.ALWAYS;
                case "everysec" -> Aof.Fsync.EVERYSEC;
                case "no" -> Aof.Fsync.NO;
                default -> throw new IllegalArgumentException("argument(s) must be one of the following: always, everysec, no");
            };
            return () -> {
                if (store.aof != null) {
                    store.aof.fsync(f);
                } else {
                    stored.put("appendfsync", f.name().toLowerCase(Locale.ROOT));
                }
            };
        }));
        // encoding thresholds: OBJECT ENCODING reports by them; the representation stays netloom's
        num("hash-max-listpack-entries", "hash-max-ziplist-entries", null, 0, Long.MAX_VALUE, false,
                () -> hashMaxEntries, v -> hashMaxEntries = v);
        num("hash-max-listpack-value", "hash-max-ziplist-value", null, 0, Long.MAX_VALUE, true,
                () -> hashMaxValue, v -> hashMaxValue = v);
        num("set-max-intset-entries", null, null, 0, Long.MAX_VALUE, false,
                () -> setMaxIntsetEntries, v -> setMaxIntsetEntries = v);
        num("zset-max-listpack-entries", "zset-max-ziplist-entries", null, 0, Long.MAX_VALUE, false,
                () -> zsetMaxEntries, v -> zsetMaxEntries = v);
        num("zset-max-listpack-value", "zset-max-ziplist-value", null, 0, Long.MAX_VALUE, true,
                () -> zsetMaxValue, v -> zsetMaxValue = v);
        storedNum("list-max-listpack-size", "list-max-ziplist-size", Integer.MIN_VALUE, Integer.MAX_VALUE, false, -2);
        storedNum("list-compress-depth", null, 0, Integer.MAX_VALUE, false, 0);
        num("stream-node-max-bytes", null, null, 0, Long.MAX_VALUE, true,
                () -> store.streamNodeMaxBytes, v -> store.streamNodeMaxBytes = v);
        num("stream-node-max-entries", null, null, 0, Integer.MAX_VALUE, false,
                () -> store.streamNodeMaxEntries, v -> store.streamNodeMaxEntries = (int) v);
        num("busy-reply-threshold", "lua-time-limit", KvConfig.BUSY_THRESHOLD.name(), 0, Long.MAX_VALUE, false,
                () -> store.scriptTimeLimitMillis, v -> store.scriptTimeLimitMillis = v);
        storedNum("maxmemory-clients", null, 0, Long.MAX_VALUE, true, 0);
        storedNum("maxmemory-eviction-tenacity", null, 0, 100, false, 10);
        storedNum("min-replicas-to-write", null, 0, Integer.MAX_VALUE, false, 0);
        storedNum("slowlog-log-slower-than", null, Long.MIN_VALUE, Long.MAX_VALUE, false, 10000);
        storedNum("repl-backlog-size", null, 1, Long.MAX_VALUE, true, 1024 * 1024);
        storedNum("repl-timeout", null, 1, Integer.MAX_VALUE, false, 60);
        storedNum("client-query-buffer-limit", null, 1024 * 1024, Long.MAX_VALUE, true, 1024L * 1024 * 1024);
        storedNum("rdb-key-save-delay", null, Integer.MIN_VALUE, Integer.MAX_VALUE, false, 0);
        storedBool("latency-tracking", true);
        storedBool("replica-serve-stale-data", true);
        storedBool("replica-read-only", true);
        storedBool("lazyfree-lazy-user-del", false);
        table.add(new Param("notify-keyspace-events", null, KvConfig.NOTIFY_KEYSPACE_EVENTS.name(),
                () -> KeyspaceEvents.format(store.notifyFlags), v -> {
                    if (KeyspaceEvents.parse(v) < 0) {
                        throw new IllegalArgumentException("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
                    }
                    return () -> store.notifyKeyspaceEvents(v);
                }));
        table.add(new Param("client-output-buffer-limit", null, KvConfig.PUBSUB_LIMIT.name(),
                () -> "normal 0 0 0 slave 268435456 67108864 60 pubsub " + store.pubsubLimit, this::outputLimit));
        stored("save", "", v -> v);
        stored("loglevel", "notice", v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "debug", "verbose", "notice", "warning", "nothing" -> v.toLowerCase(Locale.ROOT);
            default -> throw new IllegalArgumentException(
                    "argument(s) must be one of the following: debug, verbose, notice, warning, nothing");
        });
        stored("dbfilename", "dump.rdb", v -> v);
        // fixed at start: netloom's settings hold them
        fixed("appendonly", KvConfig.APPENDONLY.name(), () -> store.aof != null ? "yes" : "no");
        fixed("appendfilename", null, () -> Aof.FILE);
        fixed("dir", KvConfig.DIR.name(), () -> host("dir", ""));
        fixed("databases", KvConfig.DATABASES.name(), () -> Integer.toString(store.dbs.length));
        fixed("maxclients", TcpConfig.MAX_CONNECTIONS.name(), () -> host("maxclients", "10000"));
        fixed("timeout", TcpConfig.IDLE_TIMEOUT.name(), () -> host("timeout", "0"));
        fixed("port", TcpConfig.PORT.name(), () -> host("port", "0"));
        fixed("bind", TcpConfig.HOST.name(), () -> host("bind", ""));
        fixed("auto-aof-rewrite-percentage", KvConfig.AUTO_PERCENT.name(), () -> host("auto-aof-rewrite-percentage", "100"));
        fixed("auto-aof-rewrite-min-size", KvConfig.AUTO_MIN_SIZE.name(), () -> host("auto-aof-rewrite-min-size", "67108864"));
        fixed("proto-max-bulk-len", KvConfig.MAX_BULK.name(), () -> Long.toString(store.maxString));
        fixed("protected-mode", null, () -> "no");
        fixed("daemonize", null, () -> "no");
    }

    private String host(String name, String otherwise) {
        String v = store.host == null ? null : store.host.config(name);
        return v == null ? otherwise : v;
    }

    private String fsync() {
        String v = stored.get("appendfsync");
        if (store.aof != null) {
            return store.aof.fsync().name().toLowerCase(Locale.ROOT);
        }
        return v != null ? v : host("appendfsync", "everysec");
    }

    private void num(String name, String alias, String setting, long min, long max, boolean memory, LongSupplier get,
            LongConsumer set) {
        table.add(new Param(name, alias, setting, () -> Long.toString(get.getAsLong()), v -> {
            long n = parse(v, min, max, memory);
            return () -> set.accept(n);
        }));
    }

    private void storedNum(String name, String alias, long min, long max, boolean memory, long defaultValue) {
        stored.put(name, Long.toString(defaultValue));
        table.add(new Param(name, alias, null, () -> stored.get(name), v -> {
            long n = parse(v, min, max, memory);
            return () -> stored.put(name, Long.toString(n));
        }));
    }

    private void storedBool(String name, boolean defaultValue) {
        stored(name, defaultValue ? "yes" : "no", v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "yes" -> "yes";
            case "no" -> "no";
            default -> throw new IllegalArgumentException("argument must be 'yes' or 'no'");
        });
    }

    private void stored(String name, String defaultValue, UnaryOperator<String> check) {
        stored.put(name, defaultValue);
        table.add(new Param(name, null, null, () -> stored.get(name), v -> {
            String checked = check.apply(v);
            return () -> stored.put(name, checked);
        }));
    }

    private void fixed(String name, String setting, Supplier<String> get) {
        table.add(new Param(name, null, setting, get, v -> {
            if (v.equalsIgnoreCase(get.get())) {
                return () -> { };
            }
            throw new IllegalArgumentException(setting == null ? "netloom's kv does not change it"
                    : "set at start by kv." + setting + " (netloom.properties, or `start kv " + setting
                    + "=...`); restart kv to change it");
        }));
    }

    /**
     * A number as Redis's config takes it: an integer, or with {@code memory} a byte count with a
     * unit (k = 1000, kb = 1024, m, mb, g, gb; any case), between {@code min} and {@code max}.
     */
    static long parse(String v, long min, long max, boolean memory) {
        Long n = memory ? memory(v) : integer(v);
        if (n == null) {
            throw new IllegalArgumentException(memory ? "argument must be a memory value"
                    : "argument couldn't be parsed into an integer");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("argument must be between " + min + " and " + max + " inclusive");
        }
        return n;
    }

    private static Long integer(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Redis's memtoull: digits and an optional unit; null when it is not one. */
    static Long memory(String v) {
        String s = v.toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        long mul = switch (s.substring(i)) {
            case "", "b" -> 1;
            case "k" -> 1000;
            case "kb" -> 1024;
            case "m" -> 1000 * 1000;
            case "mb" -> 1024 * 1024;
            case "g" -> 1000L * 1000 * 1000;
            case "gb" -> 1024L * 1024 * 1024;
            default -> 0;
        };
        if (mul == 0 || i == 0) {
            return null;
        }
        try {
            return Math.multiplyExact(Long.parseLong(s.substring(0, i)), mul);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /**
     * client-output-buffer-limit: {@code <class> <hard> <soft> <seconds>} groups; the pubsub
     * class's is kv's subscriber limit, the others (normal, replica) are accepted and not kept:
     * kv bounds a normal client's replies by the pipeline it sent, and has no replicas.
     */
    private Runnable outputLimit(String v) {
        String[] p = v.trim().split("\\s+");
        if (p.length % 4 != 0) {
            throw new IllegalArgumentException("Wrong number of arguments in buffer limit configuration.");
        }
        Subscriber.Limit pubsub = null;
        for (int i = 0; i < p.length; i += 4) {
            String cls = p[i].toLowerCase(Locale.ROOT);
            if (!List.of("normal", "slave", "replica", "pubsub").contains(cls)) {
                throw new IllegalArgumentException("Invalid client class specified in buffer limit configuration.");
            }
            Subscriber.Limit l = Subscriber.Limit.parse(p[i + 1] + " " + p[i + 2] + " " + p[i + 3]);
            if (cls.equals("pubsub")) {
                pubsub = l;
            }
        }
        Subscriber.Limit set = pubsub;
        return () -> {
            if (set != null) {
                store.pubsubLimit = set;
            }
        };
    }

    // ---- CONFIG GET / SET / REWRITE ----

    Param find(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (Param p : table) {
            if (p.named(n)) {
                return p;
            }
        }
        return null;
    }

    /** CONFIG GET: name/value pairs for each pattern (an exact name answers as asked, a glob by the name it matched). */
    Map<String, String> get(List<String> patterns) {
        Map<String, String> found = new LinkedHashMap<>();
        Set<Param> seen = new LinkedHashSet<>();
        for (String pattern : patterns) {
            String p = pattern.toLowerCase(Locale.ROOT);
            byte[] glob = Bytes.of(p);
            for (Param row : table) {
                String as = Bytes.glob(glob, Bytes.of(row.name)) ? row.name
                        : row.alias != null && Bytes.glob(glob, Bytes.of(row.alias)) ? row.alias : null;
                if (as != null && seen.add(row)) {
                    found.put(as, row.get.get());
                }
            }
        }
        return found;
    }

    /**
     * CONFIG SET name value [name value ...]: all or nothing. Throws a KvError in Redis's words:
     * an unknown name, a name given twice, or the first value that does not check.
     */
    void set(List<String> namesAndValues) {
        List<Param> rows = new ArrayList<>();
        for (int i = 0; i < namesAndValues.size(); i += 2) {
            Param p = find(namesAndValues.get(i));
            if (p == null) {
                throw new KvError("ERR Unknown option or number of arguments for CONFIG SET - '" + namesAndValues.get(i) + "'");
            }
            if (rows.contains(p)) {
                throw failed(namesAndValues.get(i), "duplicate parameter");
            }
            rows.add(p);
        }
        List<Runnable> apply = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            try {
                apply.add(rows.get(i).set.check(namesAndValues.get(2 * i + 1)));
            } catch (IllegalArgumentException e) {
                throw failed(rows.get(i).name, e.getMessage());
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            apply.get(i).run();
            changed.add(rows.get(i).name);
        }
    }

    private static KvError failed(String name, String why) {
        return new KvError("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + why);
    }

    /**
     * CONFIG REWRITE's refusal: netloom's configuration is netloom.properties, shared by every
     * service, which kv does not rewrite; the reply names the settings to put there.
     */
    String rewriteAdvice() {
        List<String> lines = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (String name : changed) {
            Param p = find(name);
            if (p.setting != null) {
                lines.add("kv." + p.setting + "=" + p.get.get());
            } else {
                other.add(name);
            }
        }
        String advice = "ERR CONFIG REWRITE is not supported by netloom: it does not rewrite netloom.properties";
        if (!lines.isEmpty()) {
            advice += "; to keep this configuration, set " + String.join(", ", lines) + " there";
        }
        if (!other.isEmpty()) {
            advice += "; " + String.join(", ", other) + " last only until kv stops";
        }
        return advice;
    }
}
