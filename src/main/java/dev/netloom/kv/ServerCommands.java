package dev.netloom.kv;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static dev.netloom.kv.CommandFlag.ADMIN;
import static dev.netloom.kv.CommandFlag.FAST;
import static dev.netloom.kv.CommandFlag.NOSCRIPT;
import static dev.netloom.kv.CommandFlag.READONLY;
import static dev.netloom.kv.CommandFlag.STALE;
import static dev.netloom.kv.CommandFlag.WRITE;

/** Server commands: INFO, DBSIZE, FLUSHDB/FLUSHALL, CONFIG, TIME, BGREWRITEAOF, COMMAND. */
final class ServerCommands {

    /** The Redis version netloom answers as (clients pick features by it): RESP2 commands of Redis 7.0. */
    static final String REDIS_VERSION = "7.0.0";
    private ServerCommands() {
    }

    /** The rows of this family (see {@link CommandTable}). */
    static List<Command> commands() {
        return List.of(
                new Command("info", -1, Set.of(STALE), KeySpec.NONE, ServerCommands::info),
                new Command("dbsize", 1, Set.of(READONLY, FAST), KeySpec.NONE, (c, a) -> c.out.integer(c.store.db.keys.size())),
                new Command("flushdb", -1, Set.of(WRITE), KeySpec.NONE, ServerCommands::flush),
                new Command("flushall", -1, Set.of(WRITE), KeySpec.NONE, ServerCommands::flush),
                new Command("swapdb", 3, Set.of(WRITE, FAST), KeySpec.NONE, ServerCommands::swapdb),
                new Command("config", -2, Set.of(NOSCRIPT, ADMIN, STALE), KeySpec.NONE, ServerCommands::config),
                new Command("time", 1, Set.of(FAST, STALE), KeySpec.NONE, (c, a) -> {
                    Instant now = Instant.now();
                    c.out.array(2);
                    c.out.bulk(now.getEpochSecond());
                    c.out.bulk(now.getNano() / 1000);
                }),
                new Command("bgrewriteaof", 1, Set.of(NOSCRIPT, ADMIN), KeySpec.NONE, (c, a) -> {
                    if (c.store.host == null) {
                        throw new KvError("ERR Background append only file rewriting needs a running server");
                    }
                    c.out.simple(c.store.host.rewriteAof());
                }),
                new Command("command", -1, Set.of(STALE), KeySpec.NONE, ServerCommands::command),
                new Command("lastsave", 1, Set.of(FAST, STALE), KeySpec.NONE, (c, a) -> c.out.integer(System.currentTimeMillis() / 1000)));
    }

    private static void flush(Client c, byte[][] a) {
        if (a.length > 2 || (a.length == 2 && !Bytes.is(a[1], "sync") && !Bytes.is(a[1], "async"))) {
            throw KvError.SYNTAX;
        }
        if (Bytes.is(a[0], "flushall")) {
            for (KvDb d : c.store.dbs) {
                c.store.dbModified(d, null);
                d.clear();
            }
        } else {
            c.store.dbModified(c.store.db, null);
            c.store.db.clear();
        }
        c.store.changed(); // logged even on an empty store, as Redis does
        c.out.ok();
    }

    /** SWAPDB a b: clients of a see b's keys and the other way round. */
    private static void swapdb(Client c, byte[][] a) {
        long x = Bytes.parseLong(a[1], Long.MIN_VALUE);
        if (x == Long.MIN_VALUE) {
            throw new KvError("ERR invalid first DB index");
        }
        long y = Bytes.parseLong(a[2], Long.MIN_VALUE);
        if (y == Long.MIN_VALUE) {
            throw new KvError("ERR invalid second DB index");
        }
        KvDb first = c.store.db(x);
        KvDb second = c.store.db(y);
        if (first != second) {
            c.store.dbModified(first, second);
            c.store.dbModified(second, first);
            first.swap(second);
        }
        c.store.changed();
        c.out.ok();
    }

    /** CONFIG GET|SET|RESETSTAT|REWRITE|HELP, over {@link KvParams}. */
    private static void config(Client c, byte[][] a) {
        String sub = Bytes.lowerName(a[1]);
        KvParams params = c.store.params;
        switch (sub) {
            case "get" -> {
                if (a.length < 3) {
                    throw KvError.wrongArgs("config|get");
                }
                List<String> patterns = new ArrayList<>();
                for (int i = 2; i < a.length; i++) {
                    patterns.add(Bytes.str(a[i]));
                }
                Map<String, String> found = params.get(patterns);
                c.out.map(found.size());
                found.forEach((k, v) -> {
                    c.out.bulk(k);
                    c.out.bulk(v);
                });
            }
            case "set" -> {
                if (a.length < 4 || a.length % 2 != 0) {
                    throw KvError.wrongArgs("config|set");
                }
                List<String> pairs = new ArrayList<>();
                for (int i = 2; i < a.length; i++) {
                    pairs.add(Bytes.str(a[i]));
                }
                params.set(pairs);
                c.out.ok();
            }
            case "resetstat" -> {
                c.store.hits = 0;
                c.store.misses = 0;
                c.store.expired = 0;
                c.store.errorCounts.clear();
                c.store.table.all().forEach(cmd -> c.store.table.stats(cmd).reset());
                c.store.evicted = 0;
                c.out.ok();
            }
            case "rewrite" -> throw new KvError(params.rewriteAdvice());
            case "help" -> c.out.help("CONFIG", "GET <pattern>",
                    "    Return parameters matching the glob-like <pattern> and their values.",
                    "SET <directive> <value>",
                    "    Set the configuration <directive> to <value>.",
                    "RESETSTAT",
                    "    Reset statistics reported by the INFO command.",
                    "REWRITE",
                    "    Refused: netloom's configuration is netloom.properties (the reply names the settings).");
            default -> throw new KvError("ERR unknown subcommand '" + Bytes.str(a[1]) + "'. Try CONFIG HELP.");
        }
    }

    /** INFO [section ...]: server, clients, memory, persistence, stats, replication, keyspace. */
    private static void info(Client c, byte[][] a) {
        List<String> wanted = new ArrayList<>();
        for (int i = 1; i < a.length; i++) {
            wanted.add(Bytes.lowerName(a[i]));
        }
        boolean everything = wanted.contains("all") || wanted.contains("everything");
        boolean all = wanted.isEmpty() || everything || wanted.contains("default");
        KvStore s = c.store;
        KvHost h = s.host;
        Map<String, Map<String, Object>> sections = new LinkedHashMap<>();
        sections.put("Server", serverInfo(h));
        Map<String, Object> clients = new LinkedHashMap<>();
        clients.put("connected_clients", h == null ? 1 : h.connectedClients());
        clients.put("blocked_clients", c.store.blocking.blockedClients());
        clients.put("maxclients", h == null ? "" : h.config("maxclients"));
        sections.put("Clients", clients);
        sections.put("Memory", memoryInfo(s));
        sections.put("Persistence", persistenceInfo(s));
        sections.put("Stats", statsInfo(s, h));
        Map<String, Object> replication = new LinkedHashMap<>();
        replication.put("role", "master");
        replication.put("connected_slaves", 0);
        sections.put("Replication", replication);
        if (everything || wanted.contains("commandstats")) { // not a default section, as on Redis
            Map<String, Object> commandstats = new LinkedHashMap<>();
            for (Command cmd : s.table.all()) {
                CommandStats st = s.table.stats(cmd);
                if (st.used()) {
                    commandstats.put("cmdstat_" + cmd.name(), st.line());
                }
            }
            sections.put("Commandstats", commandstats);
        }
        Map<String, Object> errorstats = new LinkedHashMap<>();
        s.errorCounts.forEach((code, n) -> errorstats.put("errorstat_" + code, "count=" + n));
        sections.put("Errorstats", errorstats);
        Map<String, Object> keyspace = new LinkedHashMap<>();
        for (KvDb d : s.dbs) {
            if (d.keys.size() > 0) {
                keyspace.put("db" + d.index, "keys=" + d.keys.size() + ",expires=" + d.volatileKeys + ",avg_ttl=0");
            }
        }
        sections.put("Keyspace", keyspace);
        StringBuilder sb = new StringBuilder();
        sections.forEach((name, fields) -> {
            if (all || wanted.contains(name.toLowerCase(Locale.ROOT))) {
                if (!sb.isEmpty()) {
                    sb.append("\r\n");
                }
                sb.append("# ").append(name).append("\r\n");
                fields.forEach((k, v) -> sb.append(k).append(':').append(v).append("\r\n"));
            }
        });
        c.out.verbatim(sb.toString());
    }

    private static Map<String, Object> serverInfo(KvHost h) {
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("redis_version", REDIS_VERSION);
        server.put("netloom_kv", "1");
        server.put("redis_mode", "standalone");
        server.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        server.put("arch_bits", 64);
        server.put("multiplexing_api", "virtual-threads");
        server.put("process_id", ProcessHandle.current().pid());
        server.put("tcp_port", h == null ? 0 : h.port());
        long up = h == null ? 0 : h.uptimeMillis() / 1000;
        server.put("uptime_in_seconds", up);
        server.put("uptime_in_days", up / 86400);
        server.put("java_version", System.getProperty("java.version"));
        return server;
    }

    /** The memory section: used_memory is the data's estimate (KvMemory), not the JVM heap, which is beside it. */
    private static Map<String, Object> memoryInfo(KvStore s) {
        Runtime rt = Runtime.getRuntime();
        long heap = rt.totalMemory() - rt.freeMemory();
        long used = s.used();
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("used_memory", used);
        memory.put("used_memory_human", human(used));
        memory.put("used_memory_dataset", s.dataset());
        memory.put("used_memory_jvm_heap", heap);
        memory.put("used_memory_jvm_heap_human", human(heap));
        memory.put("maxmemory", s.params.maxmemory);
        memory.put("maxmemory_human", human(s.params.maxmemory));
        memory.put("maxmemory_policy", s.params.policy.word());
        return memory;
    }

    private static Map<String, Object> persistenceInfo(KvStore s) {
        Map<String, Object> persistence = new LinkedHashMap<>();
        persistence.put("loading", s.loading ? 1 : 0);
        persistence.put("rdb_changes_since_last_save", s.dirty);
        persistence.put("rdb_bgsave_in_progress", 0);
        persistence.put("aof_enabled", s.aof != null ? 1 : 0);
        if (s.aof != null) {
            s.aof.info(persistence);
        }
        return persistence;
    }

    private static Map<String, Object> statsInfo(KvStore s, KvHost h) {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("total_connections_received", h == null ? 0 : h.totalConnections());
        stats.put("total_commands_processed", s.commands.sum());
        stats.put("instantaneous_ops_per_sec", Math.round(s.opsPerSecond()));
        stats.put("total_net_input_bytes", h == null ? 0 : h.bytesIn());
        stats.put("total_net_output_bytes", h == null ? 0 : h.bytesOut());
        stats.put("rejected_connections", h == null ? 0 : h.rejectedConnections());
        stats.put("expired_keys", s.expired);
        stats.put("evicted_keys", s.evicted);
        stats.put("keyspace_hits", s.hits);
        stats.put("keyspace_misses", s.misses);
        return stats;
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        String units = "KMGT";
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length() - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f%c", v, units.charAt(u));
    }

    /** COMMAND, COMMAND COUNT, COMMAND INFO name..., COMMAND DOCS (empty): enough for clients that ask. */
    private static void command(Client c, byte[][] a) {
        CommandTable t = c.store.table;
        if (a.length == 1) {
            c.out.array(t.size());
            t.all().forEach(cmd -> describe(c, cmd));
            return;
        }
        String sub = Bytes.lowerName(a[1]);
        switch (sub) {
            case "count" -> c.out.integer(t.size());
            case "docs" -> c.out.array(0);
            case "info" -> {
                c.out.array(a.length - 2);
                for (int i = 2; i < a.length; i++) {
                    Command cmd = t.lookup(a[i]);
                    if (cmd == null) {
                        c.out.nullArray();
                    } else {
                        describe(c, cmd);
                    }
                }
            }
            default -> throw new KvError("ERR unknown subcommand '" + Bytes.str(a[1]) + "'. Try COMMAND HELP.");
        }
    }

    private static void describe(Client c, Command cmd) {
        c.out.array(6);
        c.out.bulk(cmd.name());
        c.out.integer(cmd.arity());
        c.out.array(cmd.flags().size());
        cmd.flags().forEach(f -> c.out.simple(f.word()));
        c.out.integer(cmd.keySpec().first());
        c.out.integer(cmd.keySpec().last());
        c.out.integer(cmd.keySpec().step());
    }
}
