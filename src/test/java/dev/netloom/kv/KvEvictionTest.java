package dev.netloom.kv;

import dev.netloom.core.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.netloom.kv.KvClients.jedis;
import static dev.netloom.kv.KvClients.start;
import static dev.netloom.kv.KvConfigTest.cmd;
import static dev.netloom.kv.KvConfigTest.error;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Eviction past maxmemory over real sockets with Jedis: each policy evicts the right class of keys
 * (volatile-* only keys with a TTL, volatile-ttl the nearest expiry first, allkeys-lru the least
 * recently used, allkeys-lfu the least frequently used; sampled, so asserted with margins),
 * noeviction refuses denyoom commands with Redis's OOM and changes nothing, and evicted keys are
 * DEL'd in the AOF so a restart has the same keys.
 */
class KvEvictionTest {

    @TempDir
    Path dir;

    private static long info(Jedis j, String field) {
        String info = j.info(field.equals("used_memory") ? "memory" : "stats");
        return Long.parseLong(info.split("\r\n" + field + ":")[1].split("\r\n")[0]);
    }

    /** Sets maxmemory to a fraction of the estimate now and runs a command, which evicts first. */
    private static long squeeze(Jedis j, double fraction) {
        long limit = (long) (info(j, "used_memory") * fraction);
        cmd(j, "CONFIG", "SET", "maxmemory", Long.toString(limit));
        j.ping();
        return limit;
    }

    @Test
    void noevictionRefusesWritesAndChangesNothing() {
        try (Service kv = start(dir, "maxmemory=4kb"); Jedis j = jedis(kv)) {
            assertEquals("4096", j.configGet("maxmemory").get("maxmemory"));
            int n = 0;
            String err = null;
            while (err == null && n < 1000) {
                try {
                    j.set("k" + n, "value");
                    n++;
                } catch (RuntimeException e) {
                    err = e.getMessage();
                }
            }
            assertEquals("OOM command not allowed when used memory > 'maxmemory'.", err);
            assertTrue(n > 30 && n < 100, "keys of ~60 bytes in 4 KiB: " + n);
            long keys = j.dbSize();
            assertEquals("OOM command not allowed when used memory > 'maxmemory'.", error(j, "RPUSH", "l", "a"));
            assertEquals("OOM command not allowed when used memory > 'maxmemory'.", error(j, "INCR", "k0"));
            assertEquals(keys, j.dbSize(), "nothing was stored or evicted");
            assertEquals("value", j.get("k1"), "reads go on");
            assertEquals(1, j.del("k1"), "DEL is no denyoom command");
            assertEquals("OK", j.set("again", "v"), "under the limit again, writes go on");
            assertEquals(0, info(j, "evicted_keys"));
        }
    }

    @Test
    void volatilePoliciesEvictOnlyKeysWithATtl() {
        try (Service kv = start(dir); Jedis j = jedis(kv)) {
            for (String policy : List.of("volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl")) {
                j.flushAll();
                cmd(j, "CONFIG", "SET", "maxmemory", "20000", "maxmemory-policy", policy);
                int n = 0;
                while (info(j, "used_memory") + 500 < 20000) {
                    if (n % 2 == 0) {
                        j.set("key:" + n, "x");
                    } else {
                        j.setex("key:" + n, 10_000, "x");
                    }
                    n++;
                }
                for (int i = 0; i < n; i++) {
                    j.setex("foo:" + i, 10_000, "x");
                }
                assertTrue(info(j, "used_memory") <= 20000, policy);
                for (int i = 0; i < n; i += 2) {
                    assertTrue(j.exists("key:" + i), policy + " kept key:" + i);
                }
                // only persistent keys left in the way: writes are refused, nothing else goes
                j.flushAll();
                for (int i = 0; i < 400; i++) {
                    try {
                        j.set("p" + i, "x");
                    } catch (RuntimeException e) {
                        assertEquals("OOM command not allowed when used memory > 'maxmemory'.", e.getMessage());
                    }
                }
                long left = j.dbSize();
                assertTrue(left > 100 && left < 400, policy + ": " + left);
            }
        }
    }

    @Test
    void volatileTtlEvictsTheNearestExpiryFirst() {
        try (Service kv = start(dir); Jedis j = jedis(kv)) {
            cmd(j, "CONFIG", "SET", "maxmemory-policy", "volatile-ttl");
            for (int i = 0; i < 400; i++) {
                j.setex("t" + i, 1000 + i * 10L, "x");
            }
            squeeze(j, 0.5);
            assertTrue(j.dbSize() <= 200 && j.dbSize() > 150, "dbsize " + j.dbSize());
            int nearKept = 0;
            int farKept = 0;
            for (int i = 0; i < 100; i++) {
                nearKept += j.exists("t" + i) ? 1 : 0;
                farKept += j.exists("t" + (300 + i)) ? 1 : 0;
            }
            assertTrue(nearKept < 15, "nearest quarter kept: " + nearKept);
            assertTrue(farKept > 85, "farthest quarter kept: " + farKept);
        }
    }

    @Test
    void allkeysLruKeepsRecentlyUsedKeys() {
        try (Service kv = start(dir); Jedis j = jedis(kv)) {
            cmd(j, "CONFIG", "SET", "maxmemory-policy", "allkeys-lru", "maxmemory-samples", "10");
            for (int i = 0; i < 400; i++) {
                j.set("k" + i, "x");
            }
            // the LRU clock counts seconds, as Redis's: let a second pass, then use half the keys
            await().pollDelay(Duration.ofMillis(1100)).atMost(Duration.ofSeconds(3)).until(() -> true);
            for (int i = 0; i < 400; i += 2) {
                j.get("k" + i);
            }
            long used = (Long) cmd(j, "OBJECT", "IDLETIME", "k0");
            assertTrue((Long) cmd(j, "OBJECT", "IDLETIME", "k1") >= used + 1, "a second boundary lies between");
            long limit = squeeze(j, 0.6);
            assertTrue(info(j, "used_memory") <= limit);
            int recentKept = kept(j, 0);
            int oldKept = kept(j, 1);
            assertTrue(recentKept > 180, "recently used kept: " + recentKept + ", others " + oldKept);
            assertTrue(oldKept < 70, "others kept: " + oldKept);
            assertEquals(400 - j.dbSize(), info(j, "evicted_keys"));
        }
    }

    @Test
    void allkeysLfuKeepsFrequentlyUsedKeys() {
        try (Service kv = start(dir, "maxmemory-policy=allkeys-lfu"); Jedis j = jedis(kv)) {
            cmd(j, "CONFIG", "SET", "lfu-log-factor", "1");
            for (int i = 0; i < 400; i++) {
                j.set("k" + i, "x");
            }
            for (int round = 0; round < 10; round++) {
                for (int i = 0; i < 400; i += 2) {
                    j.get("k" + i);
                }
            }
            squeeze(j, 0.6);
            int frequentKept = kept(j, 0);
            int rareKept = kept(j, 1);
            assertTrue(frequentKept > 180, "frequently used kept: " + frequentKept + ", others " + rareKept);
            assertTrue(rareKept < 70, "others kept: " + rareKept);
        }
    }

    @Test
    void evictedKeysAreDeletedInTheAofAndARestartAgrees() throws Exception {
        Set<String> before;
        try (Service kv = start(dir); Jedis j = jedis(kv)) {
            cmd(j, "CONFIG", "SET", "maxmemory-policy", "allkeys-random");
            for (int i = 0; i < 300; i++) {
                j.rpush("list" + i, "a", "b", "c");
                j.set("s" + i, "v");
                j.select(1);
                j.sadd("set" + i, "m");
                j.select(0);
            }
            squeeze(j, 0.5);
            long evicted = info(j, "evicted_keys");
            assertTrue(evicted > 200, "evicted " + evicted);
            before = keys(j);
            assertTrue(before.size() < 900 && before.size() > 300, before.size() + " keys");
            assertTrue(before.stream().anyMatch(k -> k.startsWith("0:list")) && before.stream().anyMatch(k -> k.startsWith("1:set")),
                    "random across databases and types");
            cmd(j, "CONFIG", "SET", "maxmemory", "0");
        }
        String aof = Files.readString(dir.resolve(Aof.FILE), StandardCharsets.ISO_8859_1);
        assertTrue(aof.contains("$3\r\nDEL\r\n"), "evictions are logged as DEL");
        try (Service kv = start(dir); Jedis j = jedis(kv)) {
            assertEquals(before, keys(j));
            assertEquals(0, info(j, "evicted_keys"));
        }
    }

    /** How many of k{first}, k{first+2}, ... k398/k399 are left. */
    private static int kept(Jedis j, int first) {
        int n = 0;
        for (int i = first; i < 400; i += 2) {
            n += j.exists("k" + i) ? 1 : 0;
        }
        return n;
    }

    private static Set<String> keys(Jedis j) {
        Set<String> all = new HashSet<>();
        for (int db = 0; db < 2; db++) {
            j.select(db);
            for (String k : j.keys("*")) {
                all.add(db + ":" + k);
            }
        }
        j.select(0);
        return all;
    }
}
