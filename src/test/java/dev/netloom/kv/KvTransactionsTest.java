package dev.netloom.kv;

import dev.netloom.core.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static dev.netloom.kv.KvClients.cmd;
import static dev.netloom.kv.KvClients.jedis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH over real sockets with Jedis, against Redis 7.0.15's
 * replies (tests/unit/multi.tcl): the error texts, EXECABORT, a runtime error failing only its
 * command, WATCH broken by each kind of change, EXEC atomic beside a concurrent writer, and the
 * append-only file's MULTI ... EXEC unit, replayed whole or (cut by a crash) not at all.
 */
class KvTransactionsTest {

    @TempDir
    Path dir;

    private static String error(Jedis j, String... args) {
        return assertThrows(JedisDataException.class, () -> cmd(j, args)).getMessage();
    }

    @Test
    void queuesAndExecutesWithRedisErrors() {
        try (Service kv = KvClients.start(dir); Jedis j = jedis(kv)) {
            cmd(j, "RPUSH", "l", "a", "b", "c");
            assertEquals("OK", cmd(j, "MULTI"));
            assertEquals("QUEUED", cmd(j, "LRANGE", "l", "0", "-1"));
            assertEquals("QUEUED", cmd(j, "PING"));
            assertEquals(List.of(List.of("a", "b", "c"), "PONG"), cmd(j, "EXEC"));

            cmd(j, "MULTI");
            assertEquals("QUEUED", cmd(j, "DEL", "l"));
            assertEquals("OK", cmd(j, "DISCARD"));
            assertEquals(3L, cmd(j, "LLEN", "l"), "DISCARD runs nothing");

            assertEquals("ERR EXEC without MULTI", error(j, "EXEC"));
            assertEquals("ERR DISCARD without MULTI", error(j, "DISCARD"));
            cmd(j, "MULTI");
            assertEquals("ERR MULTI calls can not be nested", error(j, "MULTI"));
            assertEquals("ERR WATCH inside MULTI is not allowed", error(j, "WATCH", "x"));
            assertEquals(List.of(), cmd(j, "EXEC"), "neither error aborts the transaction");

            // a command refused while queueing aborts: unknown, or the wrong number of arguments
            cmd(j, "MULTI");
            cmd(j, "SET", "foo1", "bar1");
            assertTrue(error(j, "NOSUCHCOMMAND").startsWith("ERR unknown command 'NOSUCHCOMMAND'"));
            cmd(j, "SET", "foo2", "bar2");
            assertEquals("EXECABORT Transaction discarded because of previous errors.", error(j, "EXEC"));
            assertEquals(0L, cmd(j, "EXISTS", "foo1", "foo2"));
            assertEquals("PONG", cmd(j, "PING"), "the MULTI state is cleared");
            cmd(j, "MULTI");
            assertEquals("ERR wrong number of arguments for 'get' command", error(j, "GET"));
            assertEquals("EXECABORT Transaction discarded because of previous errors.", error(j, "EXEC"));

            // a runtime error fails its own command only
            cmd(j, "MULTI");
            cmd(j, "SET", "s", "1");
            cmd(j, "LPUSH", "s", "x");
            cmd(j, "INCR", "s");
            List<?> r = (List<?>) cmd(j, "EXEC");
            assertEquals("OK", r.get(0));
            assertInstanceOf(JedisDataException.class, r.get(1));
            assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value",
                    ((JedisDataException) r.get(1)).getMessage());
            assertEquals(2L, r.get(2));

            // commands that alter their argv (SPOP is logged as SREM) and blocking ones inside MULTI
            cmd(j, "SADD", "myset", "a");
            cmd(j, "MULTI");
            cmd(j, "SPOP", "myset");
            assertEquals(List.of("a"), cmd(j, "EXEC"));
            cmd(j, "MULTI");
            cmd(j, "BLPOP", "empty", "0");
            cmd(j, "BRPOPLPUSH", "empty1", "empty2", "0");
            cmd(j, "BLMOVE", "empty1", "empty2", "LEFT", "LEFT", "0");
            cmd(j, "BZPOPMIN", "emptyz", "0");
            cmd(j, "XREAD", "BLOCK", "0", "STREAMS", "s2", "$");
            List<Object> nils = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                nils.add(null);
            }
            assertEquals(nils, cmd(j, "EXEC"), "blocking commands answer at once inside EXEC");
            assertEquals("OK", cmd(j, "UNWATCH"));
        }
    }

    @Test
    void watchIsBrokenByEveryKindOfChange() throws Exception {
        try (Service kv = KvClients.start(dir); Jedis j = jedis(kv); Jedis other = jedis(kv)) {
            // untouched: EXEC runs; modified by another client, or by the same one before MULTI: null
            cmd(j, "WATCH", "x", "y", "z");
            assertEquals(List.of("PONG"), exec(j));
            cmd(j, "SET", "x", "30");
            cmd(j, "WATCH", "a", "b", "x");
            cmd(other, "SET", "x", "40");
            assertNull(exec(j));
            cmd(j, "WATCH", "x");
            cmd(j, "SET", "x", "41");
            assertNull(exec(j));
            assertEquals(List.of("PONG"), exec(j), "after EXEC nothing is watched");
            // a write that changes nothing does not break it; UNWATCH and DISCARD forget
            cmd(j, "WATCH", "x");
            cmd(other, "SETNX", "x", "nope");
            assertEquals(List.of("PONG"), exec(j));
            cmd(j, "WATCH", "x");
            cmd(other, "SET", "x", "1");
            cmd(j, "UNWATCH");
            assertEquals(List.of("PONG"), exec(j));
            cmd(j, "WATCH", "x");
            cmd(j, "SET", "x", "10");
            cmd(j, "MULTI");
            cmd(j, "DISCARD");
            cmd(j, "MULTI");
            cmd(j, "INCR", "x");
            assertEquals(List.of(11L), cmd(j, "EXEC"), "DISCARD clears the broken flag");

            // EXPIRE on the key; the key expiring (actively deleted); expired by EXEC's time
            cmd(j, "WATCH", "x");
            cmd(other, "EXPIRE", "x", "10");
            assertNull(exec(j));
            cmd(j, "SET", "t", "v", "PX", "60");
            cmd(j, "WATCH", "t");
            KvClients.await(() -> (Long) cmd(other, "DBSIZE") == 1, "t deleted by the active expiry");
            assertNull(exec(j));
            cmd(j, "SET", "t", "v", "PX", "30");
            cmd(j, "WATCH", "t");
            Thread.sleep(40);
            assertNull(exec(j), "a watched key that expired by EXEC's time breaks it, deleted or not");
            // a key already expired when watched: its deletion is no change (WATCH stale keys)
            cmd(j, "SET", "st", "v", "PX", "1");
            Thread.sleep(5);
            cmd(j, "WATCH", "st");
            assertEquals(0L, cmd(other, "EXISTS", "st"));
            assertEquals(List.of("PONG"), exec(j));

            // FLUSHDB, FLUSHALL (a missing watched key is not touched)
            cmd(j, "SET", "x", "1");
            cmd(j, "WATCH", "x");
            cmd(other, "FLUSHDB");
            assertNull(exec(j));
            cmd(j, "WATCH", "x");
            cmd(other, "FLUSHALL");
            assertEquals(List.of("PONG"), exec(j), "flushing a database without the key touches nothing");
            cmd(j, "SET", "x", "1");
            cmd(j, "WATCH", "x");
            cmd(other, "FLUSHALL");
            assertNull(exec(j));

            // SWAPDB: the key exists in the watched database, or in the one swapped in
            cmd(j, "SET", "x", "30");
            cmd(j, "WATCH", "x");
            cmd(other, "SWAPDB", "0", "1");
            assertNull(exec(j));
            cmd(other, "FLUSHALL");
            cmd(other, "SELECT", "1");
            cmd(other, "SET", "x", "30");
            cmd(j, "WATCH", "x");
            cmd(other, "SWAPDB", "0", "1");
            assertNull(exec(j));
            cmd(other, "FLUSHALL");
            cmd(j, "WATCH", "nothing");
            cmd(other, "SET", "nothing", "in db 1");
            cmd(other, "SWAPDB", "0", "2");
            assertEquals(List.of("PONG"), exec(j), "neither database swapped holds the key (database 1 does)");

            // MOVE into the watched database, and WATCH remembers the database of a key
            cmd(other, "FLUSHALL");
            cmd(other, "SELECT", "1");
            cmd(other, "SET", "m", "v");
            cmd(j, "WATCH", "m");
            cmd(other, "MOVE", "m", "0");
            assertNull(exec(j));
            cmd(j, "WATCH", "m");
            cmd(other, "SET", "m", "in db 1");
            assertEquals(List.of("PONG"), exec(j), "the same name in another database is another key");

            // eviction's entry point: the hook alone breaks it
            cmd(j, "WATCH", "m");
            KvStore store = ((KvService) kv).store();
            store.lock.lock();
            try {
                store.keyModified(store.dbs[0], "m".getBytes(StandardCharsets.UTF_8));
            } finally {
                store.lock.unlock();
            }
            assertNull(exec(j));
        }
    }

    /** MULTI, PING, EXEC. */
    private static Object exec(Jedis j) {
        cmd(j, "MULTI");
        cmd(j, "PING");
        return cmd(j, "EXEC");
    }

    @Test
    void execIsAtomicBesideAConcurrentWriter() throws Exception {
        try (Service kv = KvClients.start(dir); Jedis j = jedis(kv); Jedis w = jedis(kv)) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    cmd(w, "INCR", "c");
                }
            });
            try {
                int seen = 0;
                for (int i = 0; i < 500; i++) {
                    cmd(j, "MULTI");
                    cmd(j, "GET", "c");
                    cmd(j, "INCRBY", "c", "1000000");
                    cmd(j, "GET", "c");
                    List<?> r = (List<?>) cmd(j, "EXEC");
                    long before = r.get(0) == null ? 0 : Long.parseLong((String) r.get(0));
                    assertEquals(before + 1_000_000, r.get(1));
                    assertEquals(Long.toString(before + 1_000_000), r.get(2), "no other write between");
                    seen += before > 0 ? 1 : 0;
                }
                assertTrue(seen > 0, "the writer ran meanwhile");
            } finally {
                stop.set(true);
                writer.join(5000);
            }
        }
    }

    @Test
    void aofHoldsATransactionAsOneUnit() throws Exception {
        Path aof = dir.resolve(Aof.FILE);
        try (Service kv = KvClients.start(dir, "appendonly=true"); Jedis j = jedis(kv)) {
            cmd(j, "MULTI");
            cmd(j, "SET", "foo", "bar");
            cmd(j, "GET", "foo");
            cmd(j, "SELECT", "1");
            cmd(j, "SET", "foo2", "bar2");
            cmd(j, "EXEC");
            cmd(j, "MULTI");
            cmd(j, "SET", "single", "1");
            cmd(j, "EXEC");
            cmd(j, "MULTI");
            cmd(j, "GET", "single");
            cmd(j, "DEL", "nosuchkey");
            cmd(j, "EXEC");
            cmd(j, "SET", "after", "1");
        }
        String file = Files.readString(aof, StandardCharsets.UTF_8).replace("\r\n", " ");
        assertEquals("*2 $6 SELECT $1 0 *1 $5 MULTI *3 $3 SET $3 foo $3 bar *2 $6 SELECT $1 1 "
                + "*3 $3 SET $4 foo2 $4 bar2 *1 $4 EXEC *3 $3 SET $6 single $1 1 *3 $3 SET $5 after $1 1 ", file,
                "MULTI/EXEC around more than one write; one write alone; nothing for reads and writes without effect");

        // a crash while the transaction was written: the tail from MULTI on is cut, none of it replayed
        String torn = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n";
        String tx = "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r\n3\r\n";
        Files.writeString(aof, torn + tx, StandardCharsets.UTF_8);
        StringWriter report = new StringWriter();
        assertEquals(1, AofCheck.run(aof, false, new PrintWriter(report, true)));
        assertTrue(report.toString().contains("truncated at offset " + torn.length()), report.toString());
        assertTrue(report.toString().contains("without the EXEC"), report.toString());
        try (Service kv = KvClients.start(dir, "appendonly=true"); Jedis j = jedis(kv)) {
            assertEquals("1", cmd(j, "GET", "a"));
            assertEquals(0L, cmd(j, "EXISTS", "b", "c"), "none of the unterminated transaction");
        }
        assertTrue(Files.readString(aof, StandardCharsets.UTF_8).startsWith(torn));
        try (Stream<Path> cut = Files.list(dir)) {
            assertTrue(cut.anyMatch(p -> p.getFileName().toString().startsWith(Aof.FILE + ".cut-")), "the cut kept");
        }
        // the same, cut inside a command of the transaction; and a whole one replays
        Files.writeString(aof, torn + tx + "*1\r\n$4\r\nEXEC\r\n" + tx.substring(0, tx.length() - 5),
                StandardCharsets.UTF_8);
        try (Service kv = KvClients.start(dir, "appendonly=true"); Jedis j = jedis(kv)) {
            assertEquals(List.of("1", "2", "3"), cmd(j, "MGET", "a", "b", "c"));
        }
        assertEquals(torn.length() + tx.length() + 14, Files.size(aof));
        assertFalse(Files.readString(aof, StandardCharsets.UTF_8).endsWith("MULTI\r\n"));
    }
}
