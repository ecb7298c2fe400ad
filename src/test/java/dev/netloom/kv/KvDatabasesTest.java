package dev.netloom.kv;

import dev.netloom.core.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.netloom.kv.KvTests.jedis;
import static dev.netloom.kv.KvTests.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Numbered databases over real sockets with Jedis: SELECT, MOVE, SWAPDB, FLUSHDB and FLUSHALL,
 * DBSIZE and INFO keyspace, with Redis 7.0.15's replies and error texts, and the append-only
 * file's SELECTs replayed after a restart and after a rewrite.
 */
class KvDatabasesTest {

    @TempDir
    Path dir;

    private static String error(Runnable r) {
        return assertThrows(JedisDataException.class, r::run).getMessage();
    }

    @Test
    void eachDatabaseHasItsOwnKeys() {
        try (Service kv = start(dir); Jedis a = jedis(kv); Jedis b = jedis(kv)) {
            a.set("k", "zero");
            assertEquals("OK", b.select(9));
            assertNull(b.get("k"));
            b.set("k", "nine");
            assertEquals("zero", a.get("k"));
            assertEquals(1, b.dbSize());
            assertEquals("ERR DB index is out of range", error(() -> b.select(16)));
            assertEquals("ERR DB index is out of range", error(() -> b.select(-1)));
            assertEquals("ERR value is not an integer or out of range",
                    error(() -> b.sendCommand(() -> "SELECT".getBytes(StandardCharsets.US_ASCII), "x")));
            assertEquals("nine", b.get("k"), "a refused SELECT leaves the database as it was");
            assertTrue(b.clientList().contains(" db=9 "), b.clientList());
            String keyspace = a.info("keyspace");
            assertTrue(keyspace.contains("db0:keys=1,expires=0,avg_ttl=0"), keyspace);
            assertTrue(keyspace.contains("db9:keys=1,expires=0,avg_ttl=0"), keyspace);
            assertEquals("16", a.configGet("databases").get("databases"));

            assertEquals("OK", b.flushDB());
            assertEquals(0, b.dbSize());
            assertEquals("zero", a.get("k"), "FLUSHDB empties its own database only");
            b.set("k", "again");
            assertEquals("OK", a.flushAll());
            assertNull(b.get("k"));
            assertNull(a.get("k"));
        }
    }

    @Test
    void moveAndSwapdb() {
        try (Service kv = start(dir); Jedis a = jedis(kv); Jedis b = jedis(kv)) {
            b.select(1);
            a.set("k", "v");
            a.pexpire("k", 100_000);
            assertEquals(1, a.move("k", 1));
            assertNull(a.get("k"));
            assertEquals("v", b.get("k"));
            assertTrue(b.pttl("k") > 90_000, "the TTL moves with the key");
            a.set("k", "other");
            assertEquals(0, a.move("k", 1), "not moved onto a key that exists there");
            assertEquals("other", a.get("k"));
            assertEquals(0, a.move("missing", 1));
            assertEquals("ERR source and destination objects are the same", error(() -> a.move("k", 0)));
            assertEquals("ERR DB index is out of range", error(() -> a.move("k", 16)));

            // SWAPDB: a client in database 0 now sees what was in 1
            assertEquals("OK", a.swapDB(0, 1));
            assertEquals("v", a.get("k"));
            assertEquals("other", b.get("k"));
            assertEquals("ERR invalid first DB index",
                    error(() -> a.sendCommand(() -> "SWAPDB".getBytes(StandardCharsets.US_ASCII), "x", "1")));
            assertEquals("ERR invalid second DB index",
                    error(() -> a.sendCommand(() -> "SWAPDB".getBytes(StandardCharsets.US_ASCII), "0", "y")));
            assertEquals("ERR DB index is out of range", error(() -> a.swapDB(0, 16)));
            assertEquals("OK", a.swapDB(3, 3));
        }
    }

    @Test
    void theFileRecordsDatabaseSwitchesAndReplaysThemBeforeAndAfterARewrite() throws Exception {
        try (Service kv = start(dir); Jedis j = jedis(kv)) {
            j.set("a", "in0");
            j.select(3);
            j.set("a", "in3");
            j.rpush("l", "x", "y");
            j.select(15);
            j.set("t", "ttl");
            j.expire("t", 1000);
            j.move("t", 4);
            j.swapDB(3, 7);
        }
        String file = Files.readString(dir.resolve(Aof.FILE), StandardCharsets.ISO_8859_1);
        assertTrue(file.contains("*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n"), file);
        for (int round = 0; round < 2; round++) {
            try (Service kv = start(dir); Jedis j = jedis(kv)) {
                assertEquals("in0", j.get("a"));
                j.select(7);
                assertEquals("in3", j.get("a"));
                assertEquals(List.of("x", "y"), j.lrange("l", 0, -1));
                j.select(3);
                assertEquals(0, j.dbSize());
                j.select(4);
                assertEquals("ttl", j.get("t"));
                assertTrue(j.ttl("t") > 900);
                j.select(15);
                assertEquals(0, j.dbSize());
                if (round == 0) {
                    j.bgrewriteaof();
                    ((KvService) kv).awaitRewrite();
                }
            }
        }
    }
}
