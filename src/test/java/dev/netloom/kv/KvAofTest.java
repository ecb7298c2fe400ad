package dev.netloom.kv;

import dev.netloom.core.Service;
import dev.netloom.core.ServiceException;
import dev.netloom.core.ServiceState;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The append-only file: replay at start, a cut last record, corruption, and rewrites under load. */
class KvAofTest {

    @TempDir
    Path dir;

    private Service start(String... more) {
        List<String> o = new ArrayList<>(List.of("dir=" + dir));
        o.addAll(List.of(more));
        return Net.start(KvService.type(), o.toArray(String[]::new));
    }

    private static Jedis jedis(Service s) {
        return new Jedis(s.address().getHostString(), s.address().getPort(), 10_000);
    }

    /** Every key with its type, value (sets and hashes sorted) and expiry, read over the protocol. */
    static Map<String, String> dump(Jedis j) {
        Map<String, String> m = new TreeMap<>();
        for (String k : j.keys("*")) {
            String type = j.type(k);
            Object v = switch (type) {
                case "string" -> j.get(k);
                case "list" -> j.lrange(k, 0, -1);
                case "set" -> new TreeSet<>(j.smembers(k));
                case "hash" -> new TreeMap<>(j.hgetAll(k));
                case "zset" -> j.zrangeWithScores(k, 0, -1).toString();
                default -> type;
            };
            m.put(k, type + " " + v + " @" + j.pexpireTime(k));
        }
        return m;
    }

    /** {@link #dump} of databases 0 to 7, each key as {@code DB:key}; leaves the connection in database 0. */
    private static Map<String, String> dumpDatabases(Jedis j) {
        Map<String, String> m = new TreeMap<>();
        for (int db = 0; db < 8; db++) {
            j.select(db);
            int in = db;
            dump(j).forEach((k, v) -> m.put(in + ":" + k, v));
        }
        j.select(0);
        return m;
    }

    @Test
    void theReplayAtStartIsNoRequest() throws Exception {
        try (Service s = start(); Jedis j = jedis(s)) {
            for (int i = 0; i < 50; i++) {
                j.set("k" + i, "v" + i);
            }
        }
        try (Service s = start(); Socket raw = Net.connect(s)) {
            raw.getOutputStream().write("*2\r\n$3\r\nGET\r\n$2\r\nk7\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("$2", Net.readLine(raw.getInputStream()).strip());
            assertEquals("v7", Net.readLine(raw.getInputStream()).strip());
            assertEquals(1, s.stats().requests(), "the 50 SETs replayed from the file are not requests");
            raw.getOutputStream().write("*2\r\n$4\r\nINFO\r\n$5\r\nstats\r\n".getBytes(StandardCharsets.US_ASCII));
            String info = new String(Net.readExactly(raw.getInputStream(),
                    Integer.parseInt(Net.readLine(raw.getInputStream()).strip().substring(1)) + 2), StandardCharsets.UTF_8);
            assertTrue(info.contains("total_commands_processed:1\r\n"), info); // INFO counts once it has run, as Redis's
        }
    }

    /** A numeric field of INFO. */
    static long field(Jedis j, String name) {
        for (String line : j.info().split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1));
            }
        }
        throw new AssertionError("INFO has no " + name);
    }

    @Test
    void aRestartReplaysTheFileWithAbsoluteExpiries() {
        long at;
        Map<String, String> before;
        try (Service kv = start(); Jedis j = jedis(kv)) {
            j.set("a", "1");
            j.incrBy("a", 41);
            j.set("gone", "x");
            j.del("gone");
            j.setex("ttl", 1000, "v");
            j.set("short", "v");
            j.pexpire("short", 100);
            j.mset("m1", "x", "m2", "y");
            j.rename("m2", "m3");
            j.incrByFloat("f", 1.25);
            at = j.pexpireTime("ttl");
            before = dump(j);
        }
        try (Service kv = start(); Jedis j = jedis(kv)) {
            assertEquals("42", j.get("a"));
            assertEquals(at, j.pexpireTime("ttl"), "the expiry is the same instant, not a fresh TTL");
            await().atMost(Duration.ofSeconds(5)).until(() -> j.get("short") == null);
            before.remove("short");
            assertEquals(before, dump(j));
        }
    }

    @Test
    void aCutLastRecordIsDroppedAndTheRestLoads() throws Exception {
        Files.createDirectories(dir);
        String complete = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n";
        Files.writeString(dir.resolve("appendonly.aof"), complete + "*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$5\r\nhal",
                StandardCharsets.US_ASCII);
        try (Service kv = start(); Jedis j = jedis(kv)) {
            assertEquals("1", j.get("a"));
            assertEquals("2", j.get("b"));
            assertEquals(2, j.dbSize());
            j.set("c", "3");
        }
        try (Service kv = start(); Jedis j = jedis(kv)) {
            assertEquals(3, j.dbSize(), "writes after the cut land after the complete records");
        }
    }

    @Test
    void corruptionElsewhereRefusesToStartNamingTheOffset() throws Exception {
        Files.createDirectories(dir);
        String good = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n";
        Files.writeString(dir.resolve("appendonly.aof"), good + "garbage\r\n" + good, StandardCharsets.US_ASCII);
        ServiceException e = assertThrows(ServiceException.class, this::start);
        assertTrue(e.getMessage().contains("corrupt at offset " + good.length()), e.getMessage());
        assertTrue(e.getMessage().contains("kv-check-aof --fix"), e.getMessage());

        Files.writeString(dir.resolve("appendonly.aof"), good + "*2\r\n$3\r\nGET\r\n$1\r\na\r\n", StandardCharsets.US_ASCII);
        e = assertThrows(ServiceException.class, this::start);
        assertTrue(e.getMessage().contains("'get' is not a write command"), e.getMessage());
    }

    /** 41 keys written under appendfsync always, the 21st with a 20,000-byte value; the offset of its record. */
    private long fortyOneKeys() {
        try (Service kv = start("appendfsync=always"); Jedis j = jedis(kv)) {
            for (int i = 0; i < 20; i++) {
                j.set("before:" + i, "v" + i);
            }
            long at = field(j, "aof_current_size");
            j.set("big", "x".repeat(20_000));
            for (int i = 0; i < 20; i++) {
                j.set("after:" + i, "v" + i);
            }
            return at;
        }
    }

    @Test
    void aTailCutByACrashLoadsAndTheBytesCutAreKept() throws Exception {
        long at = fortyOneKeys();
        Path aof = dir.resolve("appendonly.aof");
        byte[] whole = Files.readAllBytes(aof);
        // a crash in the middle of writing the big value: the file ends inside that record
        byte[] cut = Arrays.copyOf(whole, (int) at + 10_000);
        Files.write(aof, cut);
        try (Service kv = start(); Jedis j = jedis(kv)) {
            assertEquals(20, j.dbSize(), "the keys before the cut record are there");
            assertEquals("v19", j.get("before:19"));
        }
        assertEquals(at, Files.size(aof), "cut at the start of the incomplete record");
        List<Path> copies;
        try (var found = Files.list(dir)) {
            copies = found.filter(p -> p.getFileName().toString().matches("appendonly\\.aof\\.cut-\\d{8}T\\d{6}Z")).toList();
        }
        assertEquals(1, copies.size(), copies.toString());
        assertArrayEquals(Arrays.copyOfRange(cut, (int) at, cut.length), Files.readAllBytes(copies.get(0)),
                "the copy holds exactly the bytes cut");
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(copies.get(0))));
    }

    @Test
    void aCutValueThatHoldsRespTextIsStillACutTail() throws Exception {
        Files.createDirectories(dir);
        String good = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n";
        String value = "*2\r\n$3\r\nDEL\r\n$1\r\na\r\n" + "*".repeat(50) + "x".repeat(200);
        String record = "*3\r\n$3\r\nSET\r\n$1\r\nv\r\n$" + value.length() + "\r\n" + value + "\r\n";
        Files.writeString(dir.resolve("appendonly.aof"), good + record.substring(0, record.length() - 100),
                StandardCharsets.ISO_8859_1);
        try (Service kv = start(); Jedis j = jedis(kv)) {
            assertEquals("1", j.get("a"), "a whole DEL inside the value, then more of it: not records that follow");
            assertEquals(1, j.dbSize());
        }
        assertEquals(good.length(), Files.size(dir.resolve("appendonly.aof")));
    }

    @Test
    void aCorruptLengthInTheMiddleIsNotTakenForACutTail() throws Exception {
        long at = fortyOneKeys();
        Path aof = dir.resolve("appendonly.aof");
        String text = Files.readString(aof, StandardCharsets.ISO_8859_1);
        int digit = text.indexOf("$20000\r\n") + 1;
        assertTrue(digit > at, "the big value's length is in the file");
        // one byte changed: the length now runs past the end of the file, over the 20 records after it
        byte[] corrupt = Files.readAllBytes(aof);
        corrupt[digit] = '9';
        Files.write(aof, corrupt);

        Service kv = KvService.type().create(KvService.type().settings(Map.of(),
                Map.of("port", "0", "dir", dir.toString())));
        ServiceException e = assertThrows(ServiceException.class, kv::start);
        assertEquals(ServiceState.FAILED, kv.state());
        assertTrue(e.getMessage().contains("corrupt at offset " + at + ":"), e.getMessage());
        assertTrue(e.getMessage().contains("kv-check-aof --fix"), e.getMessage());
        assertArrayEquals(corrupt, Files.readAllBytes(aof), "the file is untouched");
        try (var found = Files.list(dir)) {
            assertEquals(List.of(aof), found.toList(), "nothing cut, nothing copied");
        }
        StringWriter report = new StringWriter();
        assertEquals(1, AofCheck.run(aof, false, new PrintWriter(report, true)));
        assertTrue(report.toString().contains("is corrupt at offset " + String.format("%,d", at)), report.toString());

        // the same, and the last record cut by a crash as well: still the corrupt length that counts
        byte[] alsoCut = Arrays.copyOf(corrupt, corrupt.length - 5);
        Files.write(aof, alsoCut);
        e = assertThrows(ServiceException.class, this::start);
        assertTrue(e.getMessage().contains("corrupt at offset " + at + ":"), e.getMessage());
        assertArrayEquals(alsoCut, Files.readAllBytes(aof), "the file is untouched");
    }

    @Test
    void aLoweredProtoMaxBulkLenDoesNotStopTheReplay() {
        try (Service kv = start(); Jedis j = jedis(kv)) {
            j.setrange("long", 100_000, "x");
            j.append("long", "y");
        }
        try (Service kv = start("proto-max-bulk-len=64KiB"); Jedis j = jedis(kv)) {
            assertEquals(100_002, j.strlen("long"), "the file is obeyed, as Redis obeys its AOF client");
        }
    }

    @Test
    void aRewriteUnderConcurrentWritesLosesNothing() throws Exception {
        try (Service kv = start(); Jedis admin = jedis(kv)) {
            for (int i = 0; i < 20_000; i++) {
                admin.set("pre:" + i, "v" + i); // something for the rewrite to copy while writes go on
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong written = new AtomicLong(); // by all writers, so each rewrite starts with writes going on
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<Long>> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int id = w;
                writers.add(pool.submit(() -> {
                    long incrs = 0;
                    try (Jedis j = jedis(kv)) {
                        j.select(id / 2 * 2); // two writers in database 0, two in 2: SELECTs go in the file
                        ThreadLocalRandom r = ThreadLocalRandom.current();
                        while (!stop.get()) {
                            int k = r.nextInt(20_000);
                            switch (r.nextInt(13)) {
                                case 0 -> j.set("pre:" + k, "w" + id);
                                case 1 -> j.del("pre:" + k);
                                case 2 -> {
                                    try {
                                        j.rename("pre:" + k, "pre:" + r.nextInt(20_000)); // two keys, maybe one copied
                                    } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                                        assertEquals("ERR no such key", e.getMessage());
                                    }
                                }
                                case 3 -> j.mset("pre:" + k, "m", "new:" + id + ":" + incrs, "n");
                                case 4 -> j.append("pre:" + k, "+");
                                case 5 -> j.lpush("list:" + (k % 50), "e" + incrs);
                                case 6 -> j.sadd("set:" + (k % 50), "m" + (k % 7));
                                case 7 -> j.hincrBy("hash:" + (k % 50), "f" + (k % 5), 1);
                                case 8 -> j.zincrby("zset:" + (k % 50), 1.5, "m" + (k % 9));
                                case 9 -> j.spop("set:" + (k % 50));
                                case 10 -> j.move("pre:" + k, 5 + r.nextInt(2)); // into another database
                                case 11 -> j.swapDB(5, 6); // whole databases change places mid-copy
                                default -> j.rpop("list:" + (k % 50));
                            }
                            j.incr("counter:" + id);
                            incrs++;
                            written.incrementAndGet();
                        }
                    }
                    return incrs;
                }));
            }
            for (int round = 0; round < 3; round++) {
                long before = written.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> written.get() >= before + 500);
                assertEquals("Background append only file rewriting started", admin.bgrewriteaof());
                ((KvService) kv).awaitRewrite();
            }
            stop.set(true);
            pool.shutdown();
            long[] counts = new long[4];
            for (int w = 0; w < 4; w++) {
                counts[w] = writers.get(w).get();
            }
            assertTrue(field(admin, "aof_rewrites") >= 3, admin.info("persistence"));
            assertEquals(0, field(admin, "aof_rewrite_in_progress"));
            Map<String, String> live = dumpDatabases(admin);
            assertTrue(live.keySet().stream().anyMatch(k -> k.startsWith("5:")), "keys were moved into database 5");
            kv.close();
            try (Service again = start(); Jedis j = jedis(again)) {
                assertEquals(live, dumpDatabases(j), "the rewritten file replays to exactly the state clients saw");
                for (int w = 0; w < 4; w++) {
                    assertTrue(counts[w] > 100, "writer " + w + " kept writing through the rewrites");
                    j.select(w / 2 * 2);
                    assertEquals(Long.toString(counts[w]), j.get("counter:" + w));
                }
            }
        }
    }

    @Test
    void theFileIsRewrittenWhenItHasGrown() throws Exception {
        try (Service kv = start("auto-aof-rewrite-min-size=64KiB", "auto-aof-rewrite-percentage=100"); Jedis j = jedis(kv)) {
            for (int i = 0; i < 5000; i++) {
                j.set("same", "value-" + i); // the file grows, the data does not
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> field(j, "aof_rewrites") >= 1);
            ((KvService) kv).awaitRewrite();
            // the writes made while the rewrite ran are in the new file as commands (on a slow
            // machine most of them), so the file is smaller than the log of all 5000, not tiny
            long logged = 0;
            for (int i = 0; i < 5000; i++) {
                String v = "value-" + i;
                logged += ("*3\r\n$3\r\nSET\r\n$4\r\nsame\r\n$" + v.length() + "\r\n" + v + "\r\n").length();
            }
            assertTrue(Files.size(dir.resolve("appendonly.aof")) < logged, "rewritten smaller");
            j.set("after", "1");
        }
        try (Service kv = start(); Jedis j = jedis(kv)) {
            assertEquals("value-4999", j.get("same"));
            assertEquals("1", j.get("after"));
        }
    }

    @Test
    void aRewriteCutShortByACrashLeavesNothingBehind() throws Exception {
        Files.createDirectories(dir);
        Path stale = dir.resolve("temp-rewriteaof-12345.aof");
        Files.writeString(stale, "*1\r\n$8\r\nFLUSHALL\r\n", StandardCharsets.US_ASCII);
        try (Service kv = start(); Jedis j = jedis(kv)) {
            j.set("a", "1");
            assertTrue(!Files.exists(stale), "deleted at start");
        }
    }

    @Test
    void withAppendonlyOffNothingIsWritten() throws Exception {
        try (Service kv = start("appendonly=false"); Jedis j = jedis(kv)) {
            j.set("a", "1");
            assertTrue(j.info("persistence").contains("aof_enabled:0"));
        }
        assertTrue(!Files.exists(dir.resolve("appendonly.aof")));
    }
}
