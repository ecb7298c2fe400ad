package dev.netloom.kv;

import dev.netloom.core.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.netloom.kv.KvClients.await;
import static dev.netloom.kv.KvClients.cmd;
import static dev.netloom.kv.KvClients.jedis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blocking commands over real sockets, against Redis 7.0.15's behaviour (tests/unit/type/list.tcl's
 * blocking tests, BZPOP, XREAD BLOCK): first come first served, woken by a push inside EXEC,
 * fractional timeouts and their errors, a BLMOVE feeding a client blocked on its destination,
 * a client that disconnects while blocked, CLIENT UNBLOCK, the AOF logging the pop that was done,
 * and a thousand blocked clients parked on no carrier thread.
 */
class KvBlockingTest {

    @TempDir
    Path dir;

    /** Runs a command on its own connection in the background (the client that blocks). */
    private static CompletableFuture<Object> async(Service kv, String... args) {
        Jedis j = jedis(kv); // closed with the service's end of it
        return KvClients.background(j, args);
    }

    private static long blocked(Jedis j) {
        String info = (String) cmd(j, "INFO", "clients");
        for (String line : info.split("\r\n")) {
            if (line.startsWith("blocked_clients:")) {
                return Long.parseLong(line.substring("blocked_clients:".length()));
            }
        }
        throw new AssertionError("no blocked_clients in " + info);
    }

    private static void awaitBlocked(Jedis j, long n) throws InterruptedException {
        await(() -> blocked(j) == n, n + " blocked clients");
    }

    private static Object get(CompletableFuture<Object> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void firstComeFirstServedAndWokenByExec() throws Exception {
        try (Service kv = KvClients.start(dir); Jedis j = jedis(kv)) {
            List<CompletableFuture<Object>> waiting = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiting.add(async(kv, i == 2 ? "BRPOP" : "BLPOP", "other", "q", "0"));
                awaitBlocked(j, i + 1);
            }
            assertEquals(3L, cmd(j, "RPUSH", "q", "a", "b", "c"));
            assertEquals(List.of("q", "a"), get(waiting.get(0)));
            assertEquals(List.of("q", "b"), get(waiting.get(1)));
            assertEquals(List.of("q", "c"), get(waiting.get(2)), "BRPOP takes from the right of what is left");
            assertEquals(0L, cmd(j, "EXISTS", "q"), "served before the pusher's next command");
            assertEquals(0L, blocked(j));

            // a push inside MULTI wakes the client after EXEC, which sees the transaction's end state
            CompletableFuture<Object> f = async(kv, "BLPOP", "q", "0");
            awaitBlocked(j, 1);
            cmd(j, "MULTI");
            cmd(j, "LPUSH", "q", "a");
            cmd(j, "LPUSH", "q", "b");
            cmd(j, "LPUSH", "q", "c");
            cmd(j, "EXEC");
            assertEquals(List.of("q", "c"), get(f));
            assertEquals(List.of("b", "a"), cmd(j, "LRANGE", "q", "0", "-1"));
            // pushed and deleted in the same EXEC: nothing to serve, the client stays blocked
            cmd(j, "DEL", "q");
            f = async(kv, "BLPOP", "q", "0");
            awaitBlocked(j, 1);
            cmd(j, "MULTI");
            cmd(j, "LPUSH", "q", "x");
            cmd(j, "DEL", "q");
            cmd(j, "EXEC");
            Thread.sleep(50);
            assertFalse(f.isDone());
            cmd(j, "RPUSH", "q", "y");
            assertEquals(List.of("q", "y"), get(f));

            // sorted sets and streams
            f = async(kv, "BZPOPMIN", "z1", "z2", "0");
            awaitBlocked(j, 1);
            cmd(j, "ZADD", "z2", "2", "two", "1", "one");
            assertEquals(List.of("z2", "one", "1"), get(f));
            f = async(kv, "BZPOPMAX", "z2", "0");
            assertEquals(List.of("z2", "two", "2"), get(f), "served at once when there is something");
            cmd(j, "XADD", "s", "1-1", "f", "old");
            f = async(kv, "XREAD", "COUNT", "10", "BLOCK", "0", "STREAMS", "s", "$");
            awaitBlocked(j, 1);
            cmd(j, "XADD", "s", "2-1", "f", "new");
            assertEquals(List.of(List.of("s", List.of(List.of("2-1", List.of("f", "new"))))), get(f),
                    "$ is the last id when the client blocked");
            assertEquals(List.of(List.of("s", List.of(List.of("1-1", List.of("f", "old"))))),
                    cmd(j, "XREAD", "COUNT", "1", "STREAMS", "s", "0"));
            assertNull(cmd(j, "XREAD", "STREAMS", "s", "2-1"));
            assertThrows(JedisDataException.class, () -> cmd(j, "XREAD", "STREAMS", "s"));
        }
    }

    /**
     * A key that becomes another type wakes nobody (Redis's "LPUSH + DEL + SET should not awake
     * blocked client"): each blocked client waits for the type it pops, and gets the next push.
     */
    @Test
    void aKeyOfAnotherTypeWakesNobody() throws Exception {
        try (Service kv = KvClients.start(dir); Jedis j = jedis(kv)) {
            CompletableFuture<Object> list = async(kv, "BLPOP", "k", "0");
            awaitBlocked(j, 1);
            CompletableFuture<Object> zset = async(kv, "BZPOPMIN", "k", "0");
            awaitBlocked(j, 2);
            cmd(j, "MULTI");
            cmd(j, "LPUSH", "k", "a");
            cmd(j, "DEL", "k");
            cmd(j, "SET", "k", "string");
            cmd(j, "EXEC");
            cmd(j, "SADD", "k2", "x");
            assertEquals(2L, blocked(j), "a string under k wakes neither");
            cmd(j, "DEL", "k");
            cmd(j, "ZADD", "k", "1", "m");
            assertEquals(List.of("k", "m", "1"), get(zset), "the sorted set serves the BZPOPMIN");
            assertEquals(1L, blocked(j), "and not the BLPOP");
            cmd(j, "DEL", "k");
            cmd(j, "LPUSH", "k", "b");
            assertEquals(List.of("k", "b"), get(list));
        }
    }

    @Test
    void timeoutsAndTheirErrors() throws Exception {
        try (Service kv = KvClients.start(dir); Jedis j = jedis(kv)) {
            long t0 = System.nanoTime();
            assertNull(cmd(j, "BLPOP", "nothing", "0.2"));
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(took >= 190 && took < 3000, took + " ms for a 0.2 s timeout");
            assertNull(cmd(j, "BLMOVE", "a", "b", "LEFT", "RIGHT", "0.05"));
            assertNull(cmd(j, "BZPOPMAX", "z", "0.001"));
            assertNull(cmd(j, "XREAD", "BLOCK", "30", "STREAMS", "s", "$"));
            assertEquals(0L, blocked(j));
            for (String cmd : List.of("BLPOP", "BRPOP", "BZPOPMIN", "BZPOPMAX")) {
                assertEquals("ERR timeout is negative", assertThrows(JedisDataException.class,
                        () -> cmd(j, cmd, "k", "-1")).getMessage());
                assertEquals("ERR timeout is not a float or out of range", assertThrows(JedisDataException.class,
                        () -> cmd(j, cmd, "k", "abc")).getMessage());
            }
            assertEquals("ERR timeout is not an integer or out of range", assertThrows(JedisDataException.class,
                    () -> cmd(j, "XREAD", "BLOCK", "0.5", "STREAMS", "s", "$")).getMessage());
            cmd(j, "SET", "str", "x");
            assertTrue(assertThrows(JedisDataException.class, () -> cmd(j, "BLPOP", "empty", "str", "1"))
                    .getMessage().startsWith("WRONGTYPE"));
        }
    }

    @Test
    void blmoveFeedsTheClientBlockedOnItsDestination() throws Exception {
        try (Service kv = KvClients.start(dir, "appendonly=true"); Jedis j = jedis(kv)) {
            CompletableFuture<Object> mover = async(kv, "BLMOVE", "src", "mid", "LEFT", "RIGHT", "0");
            awaitBlocked(j, 1);
            CompletableFuture<Object> taker = async(kv, "BRPOPLPUSH", "mid", "dst", "0");
            awaitBlocked(j, 2);
            CompletableFuture<Object> last = async(kv, "BLPOP", "dst", "0");
            awaitBlocked(j, 3);
            cmd(j, "LPUSH", "src", "job");
            assertEquals("job", get(mover));
            assertEquals("job", get(taker));
            assertEquals(List.of("dst", "job"), get(last));
            assertEquals(0L, cmd(j, "EXISTS", "src", "mid", "dst"));
        }
        String aof = Files.readString(dir.resolve(Aof.FILE), StandardCharsets.UTF_8).replace("\r\n", " ");
        assertTrue(aof.contains("LMOVE $3 src $3 mid $4 LEFT $5 RIGHT *3 $9 RPOPLPUSH $3 mid $3 dst *2 $4 LPOP $3 dst"),
                "logged as the pops done: " + aof);
        assertFalse(aof.contains("BLMOVE") || aof.contains("BLPOP"), aof);
        try (Service kv = KvClients.start(dir, "appendonly=true"); Jedis j = jedis(kv)) {
            assertEquals(0L, cmd(j, "DBSIZE"), "the replay ends where the server did");
        }
    }

    @Test
    void disconnectWhileBlockedAndClientUnblock() throws Exception {
        try (Service kv = KvClients.start(dir); Jedis j = jedis(kv)) {
            try (Socket s = new Socket(kv.address().getHostString(), kv.address().getPort())) {
                s.getOutputStream().write("BLPOP gone 0\r\n".getBytes(StandardCharsets.US_ASCII));
                awaitBlocked(j, 1);
            }
            awaitBlocked(j, 0);
            cmd(j, "LPUSH", "gone", "v");
            assertEquals(1L, cmd(j, "LLEN", "gone"), "nobody took it for the client that left");

            try (Jedis b = jedis(kv)) {
                long id = (Long) cmd(b, "CLIENT", "ID");
                CompletableFuture<Object> f = KvClients.background(b, "BLPOP", "l", "0");
                awaitBlocked(j, 1);
                assertEquals(1L, cmd(j, "CLIENT", "UNBLOCK", Long.toString(id)));
                assertNull(get(f));
                assertEquals(0L, cmd(j, "CLIENT", "UNBLOCK", Long.toString(id)), "not blocked any more");
                CompletableFuture<Object> g = KvClients.background(b, "BLPOP", "l", "0");
                awaitBlocked(j, 1);
                assertEquals(1L, cmd(j, "CLIENT", "UNBLOCK", Long.toString(id), "ERROR"));
                assertEquals("UNBLOCKED client unblocked via CLIENT UNBLOCK", ((JedisDataException) get(g)).getMessage());
                assertEquals("ERR value is not an integer or out of range",
                        assertThrows(JedisDataException.class, () -> cmd(j, "CLIENT", "UNBLOCK", "asd")).getMessage());
                assertEquals("PONG", cmd(b, "PING"), "the client goes on");
            }
        }
    }

    @Test
    void aThousandBlockedClientsHoldNoCarrierThread() throws Exception {
        int n = 1000;
        try (Service kv = KvClients.start(dir); Jedis j = jedis(kv)) {
            int before = ManagementFactory.getThreadMXBean().getThreadCount();
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    Socket s = new Socket(kv.address().getHostString(), kv.address().getPort());
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write("BLPOP jobs 0\r\n".getBytes(StandardCharsets.US_ASCII));
                    sockets.add(s);
                }
                awaitBlocked(j, n);
                int during = ManagementFactory.getThreadMXBean().getThreadCount();
                assertTrue(during - before < 16, "platform threads " + before + " -> " + during
                        + " with " + n + " clients blocked: parked virtual threads hold no carrier");
                String[] push = new String[n + 2];
                push[0] = "RPUSH";
                push[1] = "jobs";
                for (int i = 0; i < n; i++) {
                    push[i + 2] = "j" + i;
                }
                cmd(j, push);
                Set<String> got = new HashSet<>();
                for (int i = 0; i < n; i++) {
                    RespReader r = new RespReader(sockets.get(i).getInputStream(), 1024);
                    byte[][] reply = r.next(); // *2 [jobs, jN]: arrays read as a request is
                    assertEquals("jobs", new String(reply[0], StandardCharsets.US_ASCII));
                    got.add(new String(reply[1], StandardCharsets.US_ASCII));
                }
                assertEquals(n, got.size(), "each blocked client got one job of its own");
                assertEquals(0L, blocked(j));
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }
}
