package dev.netloom.kv;

import dev.netloom.core.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.netloom.kv.KvClients.jedis;
import static dev.netloom.kv.KvClients.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CONFIG GET/SET/REWRITE, OBJECT and MEMORY over real sockets with Jedis, with Redis 7.0.15's
 * replies: round trips with units and aliases, its error texts, an atomic multi-parameter set,
 * appendfsync changed on the running AOF, and OBJECT ENCODING at the thresholds (one way).
 */
class KvConfigTest {

    @TempDir
    Path dir;

    /** Any command; bulk and status replies as strings, arrays as lists. */
    static Object cmd(Jedis j, String... argv) {
        String[] args = new String[argv.length - 1];
        System.arraycopy(argv, 1, args, 0, args.length);
        return text(j.sendCommand(() -> argv[0].getBytes(StandardCharsets.UTF_8), args));
    }

    private static Object text(Object o) {
        if (o instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(text(x)));
            return out;
        }
        return o;
    }

    static String error(Jedis j, String... argv) {
        return assertThrows(JedisDataException.class, () -> cmd(j, argv)).getMessage();
    }

    private static String get(Jedis j, String name) {
        Map<String, String> m = j.configGet(name);
        assertEquals(1, m.size(), m.toString());
        return m.values().iterator().next();
    }

    @Test
    void getAndSetRoundTrip() {
        try (Service kv = start(dir); Jedis j = jedis(kv)) {
            assertEquals("0", get(j, "maxmemory"));
            assertEquals("noeviction", get(j, "maxmemory-policy"));
            assertEquals("OK", cmd(j, "CONFIG", "SET", "maxmemory", "100mb"));
            assertEquals("104857600", get(j, "maxmemory"));
            assertEquals("OK", cmd(j, "CONFIG", "SET", "maxmemory", "1GB"));
            assertEquals("1073741824", get(j, "maxmemory"));
            assertEquals("OK", cmd(j, "CONFIG", "SET", "maxmemory", "2k"));
            assertEquals("2000", get(j, "maxmemory"));
            assertEquals("OK", cmd(j, "CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LRU", "maxmemory-samples", "10"));
            assertEquals("allkeys-lru", get(j, "maxmemory-policy"));
            assertEquals("10", get(j, "maxmemory-samples"));
            assertTrue(j.info("memory").contains("maxmemory:2000\r\nmaxmemory_human:1.95K\r\nmaxmemory_policy:allkeys-lru"),
                    j.info("memory"));
            // the 6.x names are aliases of the 7.0 ones; an exact name answers as asked
            assertEquals("OK", cmd(j, "CONFIG", "SET", "hash-max-ziplist-entries", "64"));
            assertEquals("64", get(j, "hash-max-listpack-entries"));
            assertEquals("64", get(j, "hash-max-ziplist-entries"));
            assertEquals("OK", cmd(j, "CONFIG", "SET", "lua-time-limit", "100"));
            assertEquals("100", get(j, "busy-reply-threshold"));
            assertEquals("OK", cmd(j, "CONFIG", "SET", "notify-keyspace-events", "KEA"));
            assertEquals("AKE", get(j, "notify-keyspace-events")); // normalised, as Redis 7.0 answers
            assertEquals("OK", cmd(j, "CONFIG", "SET", "save", ""));
            assertEquals("", get(j, "save"));
            assertEquals(Set.of("maxmemory", "maxmemory-policy", "maxmemory-samples", "maxmemory-clients",
                    "maxmemory-eviction-tenacity"), j.configGet("maxmemory*").keySet());
            // every parameter takes the value it reports (Redis's "CONFIG sanity")
            Map<String, String> all = j.configGet("*");
            assertTrue(all.size() > 30, all.toString());
            all.forEach((k, v) -> assertEquals("OK", cmd(j, "CONFIG", "SET", k, v), k));
            assertEquals(all, j.configGet("*"));
        }
    }

    @Test
    void errorsAndAtomicity() {
        try (Service kv = start(dir); Jedis j = jedis(kv)) {
            assertEquals("ERR Unknown option or number of arguments for CONFIG SET - 'no-such-thing'",
                    error(j, "CONFIG", "SET", "no-such-thing", "1"));
            assertEquals("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value",
                    error(j, "CONFIG", "SET", "maxmemory", "lots"));
            assertEquals("ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be"
                    + " one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru,"
                    + " allkeys-lfu, allkeys-random, noeviction", error(j, "CONFIG", "SET", "maxmemory-policy", "lru"));
            assertEquals("ERR CONFIG SET failed (possibly related to argument 'maxmemory-samples') - argument must be"
                    + " between 1 and 2147483647 inclusive", error(j, "CONFIG", "SET", "maxmemory-samples", "0"));
            assertEquals("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter",
                    error(j, "CONFIG", "SET", "maxmemory", "1", "maxmemory", "2"));
            // all or nothing: a bad value anywhere leaves every parameter as it was
            assertTrue(error(j, "CONFIG", "SET", "maxmemory", "5000", "lfu-log-factor", "x")
                    .startsWith("ERR CONFIG SET failed (possibly related to argument 'lfu-log-factor')"));
            assertEquals("0", get(j, "maxmemory"));
            assertEquals("ERR wrong number of arguments for 'config|set' command", error(j, "CONFIG", "SET", "maxmemory"));
            // a parameter fixed at start takes its own value and names the setting otherwise
            assertEquals("OK", cmd(j, "CONFIG", "SET", "databases", "16"));
            assertEquals("ERR CONFIG SET failed (possibly related to argument 'databases') - set at start by kv.databases"
                    + " (netloom.properties, or `start kv databases=...`); restart kv to change it",
                    error(j, "CONFIG", "SET", "databases", "4"));
            assertEquals("OK", cmd(j, "CONFIG", "SET", "maxmemory", "10mb", "maxmemory-policy", "allkeys-lfu", "lfu-log-factor", "5"));
            String rewrite = error(j, "CONFIG", "REWRITE");
            assertTrue(rewrite.startsWith("ERR CONFIG REWRITE is not supported by netloom"), rewrite);
            assertTrue(rewrite.contains("kv.maxmemory=10485760, kv.maxmemory-policy=allkeys-lfu"), rewrite);
            assertTrue(rewrite.contains("lfu-log-factor last only until kv stops"), rewrite);
        }
    }

    @Test
    void appendfsyncChangesTheRunningLog() {
        try (Service kv = start(dir); Jedis j = jedis(kv)) {
            assertTrue(j.info("persistence").contains("aof_fsync:everysec"));
            assertEquals("OK", cmd(j, "CONFIG", "SET", "appendfsync", "always"));
            assertEquals("always", get(j, "appendfsync"));
            assertTrue(j.info("persistence").contains("aof_fsync:always"), j.info("persistence"));
            assertEquals("OK", j.set("k", "v"), "a write is acknowledged once forced");
            assertTrue(error(j, "CONFIG", "SET", "appendfsync", "sometimes").contains("always, everysec, no"));
        }
    }

    private static String encoding(Jedis j, String key) {
        return (String) cmd(j, "OBJECT", "ENCODING", key);
    }

    @Test
    void objectEncodingAtTheThresholds() {
        try (Service kv = start(dir); Jedis j = jedis(kv)) {
            j.set("n", "12345");
            j.set("neg", "-7");
            j.set("lead", "0123");
            j.set("s44", "x".repeat(44));
            j.set("s45", "x".repeat(45));
            assertEquals("int", encoding(j, "n"));
            assertEquals("int", encoding(j, "neg"));
            assertEquals("embstr", encoding(j, "lead"));
            assertEquals("embstr", encoding(j, "s44"));
            assertEquals("raw", encoding(j, "s45"));
            j.append("n", "6");
            assertEquals("raw", encoding(j, "n"), "changed in place: raw, as Redis's APPEND");
            j.incr("n");
            assertEquals("int", encoding(j, "n"));
            j.setrange("s44", 0, "y");
            assertEquals("raw", encoding(j, "s44"));
            assertNull(cmd(j, "OBJECT", "ENCODING", "missing"));

            cmd(j, "CONFIG", "SET", "hash-max-listpack-entries", "4", "hash-max-ziplist-value", "10");
            j.hset("h", Map.of("a", "1", "b", "2", "c", "3", "d", "4"));
            assertEquals("listpack", encoding(j, "h"));
            j.hset("h", "e", "5");
            assertEquals("hashtable", encoding(j, "h"));
            j.hdel("h", "a", "b", "c");
            assertEquals("hashtable", encoding(j, "h"), "the conversion is one way");
            j.hset("h2", "f", "0123456789");
            assertEquals("listpack", encoding(j, "h2"));
            j.hset("h3", "f", "0123456789x");
            assertEquals("hashtable", encoding(j, "h3"));

            cmd(j, "CONFIG", "SET", "set-max-intset-entries", "3");
            j.sadd("s", "1", "2", "3");
            assertEquals("intset", encoding(j, "s"));
            j.sadd("s", "4");
            assertEquals("hashtable", encoding(j, "s"));
            j.sadd("t", "1", "a");
            j.srem("t", "a");
            assertEquals("hashtable", encoding(j, "t"));
            j.sadd("u", "1", "18446744073709551616");
            assertEquals("hashtable", encoding(j, "u"), "beyond 64 bits is no integer");

            cmd(j, "CONFIG", "SET", "zset-max-ziplist-entries", "2", "zset-max-listpack-value", "3");
            j.zadd("z", 1, "a");
            j.zadd("z", 2, "b");
            assertEquals("listpack", encoding(j, "z"));
            j.zadd("z", 3, "c");
            assertEquals("skiplist", encoding(j, "z"));
            j.zadd("z2", 1, "abcd");
            assertEquals("skiplist", encoding(j, "z2"));

            j.rpush("l", "a");
            assertEquals("quicklist", encoding(j, "l"), "Redis 7.0 lists are always quicklists");
            cmd(j, "XADD", "x", "*", "f", "v");
            assertEquals("stream", encoding(j, "x"));
            assertTrue(error(j, "OBJECT", "NOPE", "x").startsWith("ERR unknown subcommand or wrong number of arguments for 'NOPE'. Try OBJECT HELP."));
            assertEquals("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    ((List<?>) cmd(j, "OBJECT", "HELP")).get(0));
        }
    }

    @Test
    void idletimeFreqRefcountAndMemoryUsage() throws Exception {
        try (Service kv = start(dir); Jedis j = jedis(kv)) {
            j.set("a", "1");
            j.set("b", "12345");
            j.set("c", "text");
            assertEquals(2147483647L, cmd(j, "OBJECT", "REFCOUNT", "a"), "a shared integer");
            assertEquals(1L, cmd(j, "OBJECT", "REFCOUNT", "b"));
            assertEquals(1L, cmd(j, "OBJECT", "REFCOUNT", "c"));
            assertEquals(0L, cmd(j, "OBJECT", "IDLETIME", "c"));
            assertTrue(error(j, "OBJECT", "FREQ", "c").startsWith("ERR An LFU maxmemory policy is not selected"));
            cmd(j, "CONFIG", "SET", "maxmemory", "1gb", "maxmemory-policy", "allkeys-lru");
            assertEquals(1L, cmd(j, "OBJECT", "REFCOUNT", "a"), "under an LRU policy integers are not shared");
            cmd(j, "CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
            assertTrue(error(j, "OBJECT", "IDLETIME", "c").startsWith("ERR An LFU maxmemory policy is selected"));
            j.set("hot", "v");
            j.set("cold", "v");
            assertEquals((long) KvMemory.LFU_INIT, cmd(j, "OBJECT", "FREQ", "cold"), "OBJECT itself is no access");
            for (int i = 0; i < 2000; i++) {
                j.get("hot");
            }
            long hot = (Long) cmd(j, "OBJECT", "FREQ", "hot");
            assertTrue(hot > 10 && hot < 255, "logarithmic counter: " + hot);
            cmd(j, "CONFIG", "SET", "lfu-log-factor", "0");
            j.get("cold");
            assertEquals(KvMemory.LFU_INIT + 1L, cmd(j, "OBJECT", "FREQ", "cold"), "factor 0: every access counts");

            long small = (Long) cmd(j, "MEMORY", "USAGE", "c");
            j.set("big", "x".repeat(10_000));
            long big = (Long) cmd(j, "MEMORY", "USAGE", "big", "SAMPLES", "0");
            assertEquals(KvMemory.KEY + 1 + 4, small);
            assertEquals(KvMemory.KEY + 3 + 10_000, big);
            assertNull(cmd(j, "MEMORY", "USAGE", "nope"));
            j.hset("h", "field", "value");
            assertEquals(KvMemory.KEY + 1 + KvMemory.HASH_FIELD + 10L, cmd(j, "MEMORY", "USAGE", "h"));
            String info = j.info("memory");
            long used = Long.parseLong(info.split("used_memory:")[1].split("\r\n")[0]);
            long base = 16L * KvMemory.EMPTY_DB; // the databases themselves
            assertTrue(used > 10_000 + base && used < 11_000 + base, info);
            j.flushAll();
            assertTrue(j.info("memory").contains("used_memory:" + base + "\r\n"), j.info("memory"));
            assertTrue(j.info("memory").contains("used_memory_dataset:0\r\n"), j.info("memory"));
        }
    }
}
