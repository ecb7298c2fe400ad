package dev.netloom.kv;

import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kv service over real sockets with Jedis, a Redis client library, and raw RESP. */
class KvServiceTest {

    @TempDir
    Path dir;
    Service kv;
    Jedis jedis;

    @BeforeEach
    void start() {
        kv = Net.start(KvService.type(), "dir=" + dir);
        jedis = new Jedis(kv.address().getHostString(), kv.address().getPort(), 10_000);
    }

    @AfterEach
    void stop() {
        jedis.close();
        kv.close();
    }

    private String error(Runnable r) {
        return assertThrows(JedisDataException.class, r::run).getMessage();
    }

    @Test
    void strings() {
        assertEquals("OK", jedis.set("k", "v"));
        assertEquals("v", jedis.get("k"));
        assertNull(jedis.get("missing"));
        assertEquals(1, jedis.setnx("n", "1"));
        assertEquals(0, jedis.setnx("n", "2"));
        assertEquals(11, jedis.incrBy("n", 10));
        assertEquals(12, jedis.incr("n"));
        assertEquals(10, jedis.decrBy("n", 2));
        assertEquals(9, jedis.decr("n"));
        assertEquals(10.5, jedis.incrByFloat("n", 1.5));
        assertEquals("10.5", jedis.get("n"));
        jedis.set("f", "0.1");
        assertEquals(0.3, jedis.incrByFloat("f", 0.2));
        assertEquals("0.3", jedis.get("f"), "decimal arithmetic, as Redis's long double shows it");
        assertEquals(5, jedis.append("k", "alue"));
        assertEquals("valu", jedis.getrange("k", 0, 3));
        assertEquals("lue", jedis.getrange("k", -3, -1));
        assertEquals(5, jedis.strlen("k"));
        assertEquals(8, jedis.setrange("k", 6, "!!"));
        assertEquals("value\0!!", jedis.get("k"), "SETRANGE pads with zero bytes");
        assertEquals("value\0!!", jedis.getSet("k", "new"));
        assertEquals("new", jedis.getDel("k"));
        assertFalse(jedis.exists("k"));
        assertEquals("OK", jedis.mset("a", "1", "b", "2"));
        assertEquals(Arrays.asList("1", "2", null), jedis.mget("a", "b", "c"));
        assertEquals(0, jedis.msetnx("a", "9", "z", "9"));
        assertEquals(1, jedis.msetnx("y", "9", "z", "9"));
        assertEquals("OK", jedis.setex("t", 100, "v"));
        assertTrue(jedis.ttl("t") > 98);
    }

    @Test
    void setOptions() {
        assertNull(jedis.set("s", "1", SetParams.setParams().xx()));
        assertEquals("OK", jedis.set("s", "1", SetParams.setParams().nx()));
        assertNull(jedis.set("s", "2", SetParams.setParams().nx()));
        assertEquals("1", jedis.setGet("s", "3"));
        assertEquals("OK", jedis.set("s", "4", SetParams.setParams().px(100_000)));
        long pttl = jedis.pttl("s");
        assertTrue(pttl > 99_000 && pttl <= 100_000, "pttl " + pttl);
        assertEquals("OK", jedis.set("s", "5", SetParams.setParams().keepTtl()));
        assertTrue(jedis.pttl("s") > 0);
        assertEquals("OK", jedis.set("s", "6"));
        assertEquals(-1, jedis.pttl("s"), "a plain SET clears the TTL");
        assertEquals("ERR syntax error", error(() -> jedis.sendCommand(() -> "SET".getBytes(), "s", "1", "NX", "XX")));
        assertEquals("ERR invalid expire time in 'set' command",
                error(() -> jedis.sendCommand(() -> "SET".getBytes(), "s", "1", "EX", "0")));
    }

    @Test
    void errorRepliesHaveRedisTexts() {
        jedis.set("str", "abc");
        jedis.sendCommand(() -> "SADD".getBytes(), "notastring", "x");
        assertEquals("ERR value is not an integer or out of range", error(() -> jedis.incr("str")));
        assertEquals("ERR wrong number of arguments for 'get' command", error(() -> jedis.sendCommand(() -> "GET".getBytes())));
        assertEquals("ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' ",
                error(() -> jedis.sendCommand(() -> "NOSUCH".getBytes(), "a", "b")));
        assertEquals("ERR value is not a valid float", error(() -> jedis.incrByFloat("str", 1)));
        jedis.set("max", Long.toString(Long.MAX_VALUE));
        assertEquals("ERR increment or decrement would overflow", error(() -> jedis.incr("max")));
        assertEquals("ERR no such key", error(() -> jedis.rename("none", "x")));
        assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value", error(() -> jedis.get("notastring")));
        assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value", error(() -> jedis.incr("notastring")));
        assertEquals("abc", jedis.get("str"), "nothing stored was lost to the errors");
    }

    @Test
    void keysAndExpiry() throws Exception {
        jedis.mset("a1", "1", "a2", "2", "b1", "3");
        assertEquals(Set.of("a1", "a2"), jedis.keys("a*"));
        assertEquals(Set.of("a1", "b1"), jedis.keys("?1"));
        assertEquals("string", jedis.type("a1"));
        assertEquals("none", jedis.type("zz"));
        assertEquals(2, jedis.exists("a1", "a2", "zz"));
        assertEquals("OK", jedis.rename("a1", "c1"));
        assertEquals(0, jedis.renamenx("c1", "a2"));
        assertEquals(2, jedis.del("c1", "a2", "zz"));
        assertEquals(1, jedis.unlink("b1"));
        assertEquals(0, jedis.dbSize());

        jedis.set("e", "v");
        assertEquals(-1, jedis.ttl("e"));
        assertEquals(-2, jedis.ttl("nope"));
        assertEquals(1, jedis.expire("e", 100));
        assertEquals(100, jedis.ttl("e"));
        assertEquals(1, jedis.persist("e"));
        assertEquals(-1, jedis.ttl("e"));
        assertEquals(1, jedis.pexpire("e", 150));
        assertTrue(jedis.pttl("e") <= 150);
        await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ofMillis(150))
                .until(() -> jedis.get("e") == null); // expired lazily: GET finds it past its time
        long at = System.currentTimeMillis() / 1000 + 1000;
        jedis.set("x", "v");
        assertEquals(1, jedis.expireAt("x", at));
        assertEquals(at, jedis.expireTime("x"));
        assertEquals(1, jedis.pexpireAt("x", System.currentTimeMillis() - 1), "a time in the past deletes");
        assertFalse(jedis.exists("x"));

        // active expiry: keys nobody asks for vanish on their own
        for (int i = 0; i < 100; i++) {
            jedis.psetex("active" + i, 50, "v");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> jedis.dbSize() == 0);
        assertTrue(jedis.info("stats").contains("expired_keys:10"), jedis.info("stats"));
    }

    @Test
    void scanVisitsEveryKeyOnce() {
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            all.add("key:" + i);
            jedis.set("key:" + i, "v");
        }
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int rounds = 0;
        do {
            ScanResult<String> r = jedis.scan(cursor, new ScanParams().count(50));
            seen.addAll(r.getResult());
            cursor = r.getCursor();
            rounds++;
        } while (!cursor.equals("0"));
        assertEquals(all, seen);
        assertTrue(rounds > 5, "COUNT bounds each call");
        ScanResult<String> matched = jedis.scan("0", new ScanParams().match("key:99*").count(10_000));
        assertEquals(Set.of("key:99", "key:990", "key:991", "key:992", "key:993", "key:994", "key:995", "key:996",
                "key:997", "key:998", "key:999"), new HashSet<>(matched.getResult()));
        assertEquals("ERR invalid cursor", error(() -> jedis.scan("abc")));
    }

    @Test
    void serverAndConnectionCommands() {
        assertEquals("PONG", jedis.ping());
        assertEquals("hi", jedis.ping("hi"));
        assertEquals("hello", jedis.echo("hello"));
        assertEquals("OK", jedis.select(0));
        assertEquals("ERR DB index is out of range", error(() -> jedis.select(16)));
        assertEquals("OK", jedis.clientSetname("me"));
        assertEquals("me", jedis.clientGetname());
        assertTrue(jedis.clientList().contains("name=me"));
        jedis.set("a", "1");
        assertEquals(1, jedis.dbSize());
        String info = jedis.info();
        for (String section : List.of("# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Keyspace")) {
            assertTrue(info.contains(section), section);
        }
        assertTrue(info.contains("aof_enabled:1"));
        assertTrue(info.contains("db0:keys=1,expires=0"));
        assertFalse(jedis.info("persistence").contains("# Server"));
        assertEquals(List.of("appendonly", "yes"), jedis.configGet("appendonly").entrySet().stream()
                .flatMap(e -> Stream.of(e.getKey(), e.getValue())).toList());
        assertEquals("", jedis.configGet("save").get("save"));
        List<String> time = jedis.time();
        assertEquals(2, time.size());
        assertTrue(Math.abs(Long.parseLong(time.get(0)) - System.currentTimeMillis() / 1000) < 5);
        assertTrue(jedis.commandCount() > 100);
        assertEquals("OK", jedis.flushAll());
        assertEquals(0, jedis.dbSize());
        assertEquals("OK", jedis.flushDB());
    }

    @Test
    void pipeliningThroughJedis() {
        Pipeline p = jedis.pipelined();
        for (int i = 0; i < 1000; i++) {
            p.set("p" + i, Integer.toString(i));
            p.incr("counter");
        }
        p.sync();
        assertEquals("1000", jedis.get("counter"));
        assertEquals("999", jedis.get("p999"));
    }

    /** Inline commands (as redis-benchmark's PING_INLINE and telnet users send) and a pipeline answered in order. */
    @Test
    void inlineCommandsAndRawPipelining() throws Exception {
        try (Socket s = Net.connect(kv)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(("PING\r\nSET greeting \"hello world\"\r\nGET greeting\r\n\r\n"
                    + "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$3\r\nb\0c\r\n*2\r\n$3\r\nGET\r\n$1\r\nb\r\n"
                    + "ECHO 'it''s'\r\nECHO \"tab\\there\"\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String expected = "+PONG\r\n+OK\r\n$11\r\nhello world\r\n+OK\r\n$3\r\nb\0c\r\n"
                    + "-ERR Protocol error: unbalanced quotes in request\r\n";
            byte[] got = Net.readExactly(in, expected.length());
            assertEquals(expected, new String(got, StandardCharsets.ISO_8859_1));
            assertEquals(-1, in.read(), "a protocol error closes the connection");
        }
    }

    @Test
    void protocolErrorsCloseTheConnection() throws Exception {
        for (String[] c : new String[][] {
                {"*x\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
                {"*1\r\n+PING\r\n", "-ERR Protocol error: expected '$', got '+'\r\n"},
                {"*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
                {"*1\r\n$" + (600L * 1024 * 1024) + "\r\n", "-ERR Protocol error: invalid bulk length\r\n"}}) {
            try (Socket s = Net.connect(kv)) {
                s.getOutputStream().write(c[0].getBytes(StandardCharsets.US_ASCII));
                assertEquals(c[1], new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII), c[0]);
            }
        }
        try (Socket s = Net.connect(kv)) {
            s.getOutputStream().write(new byte[70 * 1024]); // an inline line with no end
            assertEquals("-ERR Protocol error: too big inline request\r\n",
                    new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
        assertEquals("PONG", jedis.ping(), "the server is unharmed");
    }

    /**
     * CONFIG SET of a parameter fixed at start, and CONFIG REWRITE, name kv settings that exist;
     * every parameter is either taken or refused in Redis's words.
     */
    @Test
    void configSetNamesASettingThatExists() {
        Set<String> keys = new HashSet<>();
        KvConfig.keys().forEach(k -> keys.add(k.name()));
        Pattern named = Pattern.compile("kv\\.([a-z-]+)[ =]");
        Map<String, String> all = jedis.configGet("*");
        assertTrue(all.containsKey("maxmemory"), all.toString());
        try {
            for (String param : all.keySet()) {
                try {
                    jedis.configSet(param, "1");
                } catch (JedisDataException x) {
                    String e = x.getMessage();
                    assertTrue(e.startsWith("ERR CONFIG SET failed (possibly related to argument '" + param + "') - "), e);
                    Matcher m = named.matcher(e);
                    if (m.find()) {
                        assertTrue(keys.contains(m.group(1)), param + " -> " + e);
                    }
                }
            }
            String rewrite = error(() -> jedis.sendCommand(redis.clients.jedis.Protocol.Command.CONFIG, "REWRITE"));
            Matcher m = named.matcher(rewrite);
            int found = 0;
            while (m.find()) {
                assertTrue(keys.contains(m.group(1)), rewrite);
                found++;
            }
            assertTrue(found >= 2, rewrite); // maxmemory and maxmemory-samples took "1"
        } finally {
            all.forEach((k, v) -> jedis.configSet(k, v));
        }
        assertEquals("ERR CONFIG SET failed (possibly related to argument 'maxclients') - set at start by"
                + " kv.max-connections (netloom.properties, or `start kv max-connections=...`); restart kv to change it",
                error(() -> jedis.configSet("maxclients", "5")));
        assertEquals("ERR wrong number of arguments for 'config|set' command", error(() -> jedis.sendCommand(
                redis.clients.jedis.Protocol.Command.CONFIG, "SET", "maxmemory")));
    }

    @Test
    void anInlineLineOver64KiBIsRefusedAlsoWhenItEnds() throws Exception {
        try (Socket s = Net.connect(kv)) { // under the limit: answered
            String word = "w".repeat(60_000);
            s.getOutputStream().write(("ECHO " + word + "\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            assertEquals("$60000", Net.readLine(in).trim());
            assertEquals(word, Net.readLine(in).trim());
        }
        try (Socket s = Net.connect(kv)) { // over it, with its CRLF in the same write: refused and closed
            s.getOutputStream().write(("PING " + "x".repeat(70_000) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            assertEquals("-ERR Protocol error: too big inline request\r\n",
                    new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
        assertEquals("PONG", jedis.ping(), "the server is unharmed");
    }

    /**
     * SRANDMEMBER with a negative count: the client picks the reply's size (here 300,000,000
     * members, about 5 GB). The reply is streamed: its head comes at once, the server answers
     * others meanwhile, and a client that stops reading is dropped, with nothing built whole.
     */
    @Test
    void aHugeRandomSampleIsStreamedNotBuilt() throws Exception {
        jedis.sadd("few", "member-001", "member-002", "member-003");
        try (Socket s = Net.connect(kv)) {
            s.getOutputStream().write("*3\r\n$11\r\nSRANDMEMBER\r\n$3\r\nfew\r\n$10\r\n-300000000\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
            assertEquals("*300000000", Net.readLine(in).trim());
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 200_000; i++) {
                assertEquals("$10", Net.readLine(in).trim());
                seen.add(Net.readLine(in).trim());
            }
            assertEquals(Set.of("member-001", "member-002", "member-003"), seen);
            assertEquals("PONG", jedis.ping(), "others are served while the reply goes on");
            assertEquals(3, jedis.scard("few"));
        }
        // the reader went away in the middle: the server finds out on a write and drops it
        await().atMost(Duration.ofSeconds(10))
                .until(() -> kv.connections().size() == 1);
        assertEquals(5, jedis.srandmember("few", -5).size(), "a small count is answered as before");
        assertEquals("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807", error(() -> jedis.sendCommand(
                redis.clients.jedis.Protocol.Command.SRANDMEMBER, "few", Long.toString(Long.MIN_VALUE))));
    }

    /** SETRANGE and APPEND grow a string only up to proto-max-bulk-len, the configured one. */
    @Test
    void stringsGrowOnlyToProtoMaxBulkLen() throws Exception {
        try (Service small = Net.start(KvService.type(), "dir=" + dir.resolve("small"), "proto-max-bulk-len=64KiB");
             Jedis j = new Jedis(small.address().getHostString(), small.address().getPort(), 10_000)) {
            String tooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
            assertEquals(tooLong, error(() -> j.setrange("k", 64 * 1024, "x")), "30 bytes asking for 64 KiB + 1");
            assertEquals(tooLong, error(() -> j.setrange("k", 4_000_000_000L, "x")));
            assertEquals("ERR offset is out of range", error(() -> j.setrange("k", -1, "x")));
            assertFalse(j.exists("k"));
            assertEquals(64 * 1024, j.setrange("k", 64 * 1024 - 1, "x"), "up to the limit is fine");
            assertEquals(tooLong, error(() -> j.append("k", "y")));
            assertEquals(64 * 1024, j.strlen("k"));
            assertEquals(List.of("proto-max-bulk-len", "65536"), j.configGet("proto-max-bulk-len").entrySet().stream()
                    .flatMap(e -> Stream.of(e.getKey(), e.getValue())).toList());
        }
    }

    @Test
    void overTheConnectionLimitTheClientIsTold() throws Exception {
        try (Service small = Net.start(KvService.type(), "dir=" + dir.resolve("small"), "max-connections=1");
             Socket first = Net.connect(small);
             Socket second = Net.connect(small)) {
            first.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("+PONG", Net.readLine(first.getInputStream()).trim());
            assertEquals("-ERR max number of clients reached\r\n",
                    new String(second.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void quitAnswersThenCloses() throws Exception {
        try (Socket s = Net.connect(kv)) {
            s.getOutputStream().write("QUIT\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("+OK\r\n", new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
    }
}
