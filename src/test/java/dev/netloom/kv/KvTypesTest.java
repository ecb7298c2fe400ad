package dev.netloom.kv;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The aggregate types (lists, hashes, sets, sorted sets, streams) driven through the store, without network. */
class KvTypesTest {

    private static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

    private final KvStore store = new KvStore();
    private final Client c = new Client(1, store, "test");

    private static byte[][] argv(String... parts) {
        byte[][] a = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            a[i] = parts[i].getBytes(StandardCharsets.UTF_8);
        }
        return a;
    }

    /** Runs one command and returns its reply as RESP text. */
    private String run(String... parts) {
        return run(store, c, argv(parts));
    }

    private static String run(KvStore s, Client client, byte[][] argv) {
        s.execute(client, argv);
        return new String(client.out.take(), StandardCharsets.UTF_8);
    }

    private static String bulks(String... items) {
        StringBuilder b = new StringBuilder("*" + items.length + "\r\n");
        for (String s : items) {
            b.append(s == null ? "$-1\r\n" : "$" + s.getBytes(StandardCharsets.UTF_8).length + "\r\n" + s + "\r\n");
        }
        return b.toString();
    }

    private boolean exists(String key) {
        return store.db.keys.find(key.getBytes(StandardCharsets.UTF_8)) != null;
    }

    /** Rebuilds {@code key} from its rewrite() in a fresh store; returns that store. */
    private KvStore replayRewrite(String key) {
        Dict.Entry e = store.db.keys.find(key.getBytes(StandardCharsets.UTF_8));
        assertNotNull(e);
        List<byte[][]> cmds = new ArrayList<>();
        KvStore.rewrite(e, cmds::add);
        KvStore fresh = new KvStore();
        Client fc = new Client(2, fresh, "replay");
        for (byte[][] cmd : cmds) {
            assertTrue(cmd.length <= 2 + 128, "at most 64 elements per command");
            String r = run(fresh, fc, cmd);
            assertTrue(!r.startsWith("-"), r);
        }
        return fresh;
    }

    private void assertSameAfterRewrite(String key, String... read) {
        KvStore fresh = replayRewrite(key);
        String expected = run(read);
        String actual = run(fresh, new Client(3, fresh, "check"), argv(read));
        assertEquals(expected, actual);
    }

    /** The same, for a reply whose order is the hash table's: compared as sorted groups of {@code group} bulks. */
    private void assertSameAfterRewriteUnordered(String key, int group, String... read) {
        KvStore fresh = replayRewrite(key);
        List<String> expected = groups(run(read), group);
        List<String> actual = groups(run(fresh, new Client(3, fresh, "check"), argv(read)), group);
        assertEquals(expected, actual);
    }

    /** A flat array of bulks, as sorted groups of {@code group} consecutive elements. */
    private static List<String> groups(String resp, int group) {
        String[] lines = resp.split("\r\n");
        List<String> out = new ArrayList<>();
        StringBuilder g = new StringBuilder();
        int inGroup = 0;
        for (int i = 2; i < lines.length; i += 2) {
            g.append(lines[i]).append('\n');
            if (++inGroup == group) {
                out.add(g.toString());
                g.setLength(0);
                inGroup = 0;
            }
        }
        out.sort(null);
        return out;
    }

    // ---- lists ----

    @Test
    void listPushPopRange() {
        assertEquals(":2\r\n", run("LPUSH", "l", "a", "b"));
        assertEquals(":4\r\n", run("RPUSH", "l", "c", "d"));
        assertEquals(bulks("b", "a", "c", "d"), run("LRANGE", "l", "0", "-1"));
        assertEquals(bulks("a", "c"), run("LRANGE", "l", "1", "-2"));
        assertEquals("*0\r\n", run("LRANGE", "l", "5", "10"));
        assertEquals("*0\r\n", run("LRANGE", "l", "2", "1"));
        assertEquals(bulks("b", "a", "c", "d"), run("LRANGE", "l", "-100", "100"));
        assertEquals(":4\r\n", run("LLEN", "l"));
        assertEquals("$1\r\nd\r\n", run("LINDEX", "l", "-1"));
        assertEquals("$-1\r\n", run("LINDEX", "l", "9"));
        assertEquals("$1\r\nb\r\n", run("LPOP", "l"));
        assertEquals("$1\r\nd\r\n", run("RPOP", "l"));
        assertEquals(bulks("a", "c"), run("LPOP", "l", "5"));
        assertTrue(!exists("l"), "an emptied list is deleted");
        assertEquals("$-1\r\n", run("LPOP", "l"));
        assertEquals("*-1\r\n", run("LPOP", "l", "2"));
        assertEquals("-ERR value is out of range, must be positive\r\n", run("RPOP", "l", "-1"));
        assertEquals("-ERR wrong number of arguments for 'lpush' command\r\n", run("LPUSH", "l"));
        assertEquals("-ERR wrong number of arguments for 'lpop' command\r\n", run("LPOP", "l", "1", "2"));
        assertEquals(":0\r\n", run("LPUSHX", "l", "x"));
        assertTrue(!exists("l"));
    }

    @Test
    void listManyElementsWrapTheRing() {
        for (int i = 0; i < 100; i++) {
            run("LPUSH", "l", "L" + i);
            run("RPUSH", "l", "R" + i);
        }
        assertEquals("$3\r\nL99\r\n", run("LINDEX", "l", "0"));
        assertEquals("$3\r\nR99\r\n", run("LINDEX", "l", "199"));
        for (int i = 0; i < 150; i++) {
            run("RPOP", "l");
        }
        assertEquals(":50\r\n", run("LLEN", "l"));
        assertEquals("$3\r\nL50\r\n", run("LINDEX", "l", "-1"));
        assertSameAfterRewrite("l", "LRANGE", "l", "0", "-1");
    }

    @Test
    void listSetRemTrimInsertMove() {
        run("RPUSH", "l", "a", "b", "a", "c", "a");
        assertEquals("+OK\r\n", run("LSET", "l", "1", "B"));
        assertEquals("-ERR index out of range\r\n", run("LSET", "l", "5", "x"));
        assertEquals("-ERR no such key\r\n", run("LSET", "nokey", "0", "x"));
        assertEquals(":2\r\n", run("LREM", "l", "-2", "a"));
        assertEquals(bulks("a", "B", "c"), run("LRANGE", "l", "0", "-1"));
        assertEquals(":4\r\n", run("LINSERT", "l", "AFTER", "B", "x"));
        assertEquals(":-1\r\n", run("LINSERT", "l", "BEFORE", "zz", "x"));
        assertEquals(bulks("a", "B", "x", "c"), run("LRANGE", "l", "0", "-1"));
        assertEquals("+OK\r\n", run("LTRIM", "l", "1", "-2"));
        assertEquals(bulks("B", "x"), run("LRANGE", "l", "0", "-1"));
        assertEquals("$1\r\nx\r\n", run("LMOVE", "l", "m", "RIGHT", "LEFT"));
        assertEquals("$1\r\nB\r\n", run("RPOPLPUSH", "l", "m"));
        assertTrue(!exists("l"));
        assertEquals(bulks("B", "x"), run("LRANGE", "m", "0", "-1"));
        assertEquals("+OK\r\n", run("LTRIM", "m", "5", "10"));
        assertTrue(!exists("m"), "trimmed to nothing deletes the key");
    }

    @Test
    void listWrongTypeAndDirtyCounting() {
        run("SET", "s", "v");
        assertEquals(WRONGTYPE, run("LPUSH", "s", "a"));
        assertEquals(WRONGTYPE, run("LRANGE", "s", "0", "-1"));
        long before = store.dirty;
        assertEquals(":0\r\n", run("LREM", "nokey", "0", "a"));
        assertEquals("$-1\r\n", run("RPOP", "nokey"));
        assertEquals(before, store.dirty, "writes that change nothing are not counted");
    }

    // ---- hashes ----

    @Test
    void hashCommands() {
        assertEquals(":2\r\n", run("HSET", "h", "f1", "v1", "f2", "v2"));
        assertEquals(":0\r\n", run("HSET", "h", "f1", "v1b"));
        assertEquals("-ERR wrong number of arguments for 'hset' command\r\n", run("HSET", "h", "f1", "v1", "f2"));
        assertEquals("+OK\r\n", run("HMSET", "h", "f3", "v3"));
        assertEquals("$3\r\nv1b\r\n", run("HGET", "h", "f1"));
        assertEquals("$-1\r\n", run("HGET", "h", "nope"));
        assertEquals(bulks("v1b", null, "v3"), run("HMGET", "h", "f1", "x", "f3"));
        assertEquals(":0\r\n", run("HSETNX", "h", "f1", "z"));
        assertEquals(":1\r\n", run("HSETNX", "h", "f4", "z"));
        assertEquals(":4\r\n", run("HLEN", "h"));
        assertEquals(":1\r\n", run("HEXISTS", "h", "f4"));
        assertEquals(":3\r\n", run("HSTRLEN", "h", "f1"));
        assertEquals(":5\r\n", run("HINCRBY", "h", "n", "5"));
        assertEquals(":3\r\n", run("HINCRBY", "h", "n", "-2"));
        assertEquals("-ERR hash value is not an integer\r\n", run("HINCRBY", "h", "f1", "1"));
        run("HSET", "h", "big", "9223372036854775807");
        assertEquals("-ERR increment or decrement would overflow\r\n", run("HINCRBY", "h", "big", "1"));
        assertEquals("$3\r\n3.5\r\n", run("HINCRBYFLOAT", "h", "n", "0.5"));
        assertEquals(":2\r\n", run("HDEL", "h", "f1", "f2", "nope"));
        String all = run("HGETALL", "h");
        assertTrue(all.startsWith("*8\r\n"), all);
        assertTrue(run("HKEYS", "h").startsWith("*4\r\n"));
        assertTrue(run("HVALS", "h").startsWith("*4\r\n"));
        assertSameAfterRewriteUnordered("h", 2, "HGETALL", "h");
        assertEquals(":4\r\n", run("HDEL", "h", "f3", "f4", "n", "big", "x"));
        assertTrue(!exists("h"));
        run("SET", "s", "v");
        assertEquals(WRONGTYPE, run("HGET", "s", "f"));
        assertEquals(WRONGTYPE, run("HSET", "s", "f", "v"));
    }

    @Test
    void bigHashRewriteIsChunked() {
        for (int i = 0; i < 200; i++) {
            run("HSET", "h", "f" + i, "v" + i);
        }
        KvStore fresh = replayRewrite("h");
        assertEquals(":200\r\n", run(fresh, new Client(3, fresh, "x"), argv("HLEN", "h")));
        assertEquals("$4\r\nv123\r\n", run(fresh, new Client(3, fresh, "x"), argv("HGET", "h", "f123")));
    }

    // ---- sets ----

    @Test
    void setCommands() {
        assertEquals(":3\r\n", run("SADD", "s", "a", "b", "c"));
        assertEquals(":0\r\n", run("SADD", "s", "a"));
        assertEquals(":3\r\n", run("SCARD", "s"));
        assertEquals(":1\r\n", run("SISMEMBER", "s", "a"));
        assertEquals("*3\r\n:1\r\n:0\r\n:1\r\n", run("SMISMEMBER", "s", "a", "x", "c"));
        assertTrue(run("SMEMBERS", "s").startsWith("*3\r\n"));
        assertEquals(":1\r\n", run("SREM", "s", "a", "x"));
        run("SADD", "t", "b", "d");
        assertEquals(bulks("b"), run("SINTER", "s", "t"));
        assertEquals("*0\r\n", run("SINTER", "s", "nokey"));
        assertEquals(bulks("c"), run("SDIFF", "s", "t"));
        assertTrue(run("SUNION", "s", "t").startsWith("*3\r\n"));
        assertEquals(":3\r\n", run("SUNIONSTORE", "u", "s", "t"));
        assertEquals(":3\r\n", run("SCARD", "u"));
        assertEquals(":1\r\n", run("SINTERSTORE", "u", "s", "t"));
        assertEquals(bulks("b"), run("SMEMBERS", "u"));
        assertEquals(":0\r\n", run("SDIFFSTORE", "u", "s", "s"));
        assertTrue(!exists("u"), "an empty result deletes the destination");
        run("SET", "str", "v");
        assertEquals(WRONGTYPE, run("SADD", "str", "a"));
        assertEquals(WRONGTYPE, run("SUNION", "s", "str"));
        assertEquals("-ERR wrong number of arguments for 'sadd' command\r\n", run("SADD", "s"));
    }

    @Test
    void spopIsLoggedAsSrem() {
        run("SADD", "s", "a", "b", "c", "d");
        store.execute(c, argv("SPOP", "s"));
        String r = new String(c.out.take(), StandardCharsets.UTF_8);
        assertNotNull(c.propagated);
        assertEquals(1, c.propagated.size());
        byte[][] srem = c.propagated.get(0);
        assertEquals("SREM", new String(srem[0], StandardCharsets.UTF_8));
        assertEquals("s", new String(srem[1], StandardCharsets.UTF_8));
        String popped = new String(srem[2], StandardCharsets.UTF_8);
        assertEquals("$1\r\n" + popped + "\r\n", r);
        assertEquals(":0\r\n", run("SISMEMBER", "s", popped));

        store.execute(c, argv("SPOP", "s", "2"));
        assertTrue(new String(c.out.take(), StandardCharsets.UTF_8).startsWith("*2\r\n"));
        assertEquals(4, c.propagated.get(0).length);
        assertEquals(":1\r\n", run("SCARD", "s"));
        store.execute(c, argv("SPOP", "s", "10"));
        c.out.take();
        assertEquals(3, c.propagated.get(0).length);
        assertTrue(!exists("s"));
        assertEquals("$-1\r\n", run("SPOP", "s"));
        assertNull(c.propagated);
        assertEquals("*0\r\n", run("SPOP", "s", "3"));
        assertEquals("-ERR value is out of range, must be positive\r\n", run("SPOP", "s", "-1"));
    }

    @Test
    void srandmember() {
        for (int i = 0; i < 20; i++) {
            run("SADD", "s", "m" + i);
        }
        assertTrue(run("SRANDMEMBER", "s").startsWith("$"));
        assertTrue(run("SRANDMEMBER", "s", "5").startsWith("*5\r\n"));
        assertTrue(run("SRANDMEMBER", "s", "15").startsWith("*15\r\n"));
        assertTrue(run("SRANDMEMBER", "s", "50").startsWith("*20\r\n"));
        assertTrue(run("SRANDMEMBER", "s", "-50").startsWith("*50\r\n"));
        assertEquals("*0\r\n", run("SRANDMEMBER", "nokey", "3"));
        assertEquals("$-1\r\n", run("SRANDMEMBER", "nokey"));
        assertEquals(":20\r\n", run("SCARD", "s"));
        assertSameAfterRewriteUnordered("s", 1, "SMEMBERS", "s");
        KvStore fresh = replayRewrite("s");
        assertEquals(":20\r\n", run(fresh, new Client(3, fresh, "x"), argv("SCARD", "s")));
        assertEquals(":1\r\n", run(fresh, new Client(3, fresh, "x"), argv("SISMEMBER", "s", "m7")));
    }

    // ---- sorted sets ----

    @Test
    void zaddAndRanges() {
        assertEquals(":3\r\n", run("ZADD", "z", "1", "a", "2", "b", "3", "c"));
        assertEquals(":0\r\n", run("ZADD", "z", "1.5", "a"));
        assertEquals(bulks("a", "1.5", "b", "2", "c", "3"), run("ZRANGE", "z", "0", "-1", "WITHSCORES"));
        assertEquals(bulks("c", "b"), run("ZREVRANGE", "z", "0", "1"));
        assertEquals(bulks("c", "b", "a"), run("ZRANGE", "z", "0", "-1", "REV"));
        assertEquals(":1\r\n", run("ZADD", "z", "CH", "5", "a"));
        assertEquals(":0\r\n", run("ZADD", "z", "NX", "9", "a"));
        assertEquals(":0\r\n", run("ZADD", "z", "XX", "9", "new"));
        assertEquals(":0\r\n", run("ZADD", "z", "GT", "CH", "1", "a"));
        assertEquals(":1\r\n", run("ZADD", "z", "LT", "CH", "0", "a"));
        assertEquals("$1\r\n4\r\n", run("ZADD", "z", "INCR", "4", "a"));
        assertEquals("$-1\r\n", run("ZADD", "z", "NX", "INCR", "4", "a"));
        assertEquals("$-1\r\n", run("ZADD", "nokey", "XX", "INCR", "4", "a"));
        assertTrue(!exists("nokey"));
        assertEquals("-ERR XX and NX options at the same time are not compatible\r\n", run("ZADD", "z", "NX", "XX", "1", "a"));
        assertEquals("-ERR GT, LT, and/or NX options at the same time are not compatible\r\n",
                run("ZADD", "z", "GT", "LT", "1", "a"));
        assertEquals("-ERR INCR option supports a single increment-element pair\r\n",
                run("ZADD", "z", "INCR", "1", "a", "2", "b"));
        assertEquals("-ERR value is not a valid float\r\n", run("ZADD", "z", "x", "a"));
        assertEquals("-ERR syntax error\r\n", run("ZADD", "z", "1", "a", "2"));
        assertEquals("-ERR value is not a valid float\r\n", run("ZADD", "z2", "1", "a", "nan", "b"));
        assertTrue(!exists("z2"), "a failed ZADD creates nothing");
        assertEquals("$3\r\n5.5\r\n", run("ZINCRBY", "z", "1.5", "a"));
        assertEquals("$3\r\n5.5\r\n", run("ZSCORE", "z", "a"));
        assertEquals("*2\r\n$3\r\n5.5\r\n$-1\r\n", run("ZMSCORE", "z", "a", "x"));
        assertEquals(":3\r\n", run("ZCARD", "z"));
        assertEquals(":2\r\n", run("ZRANK", "z", "a"));
        assertEquals(":0\r\n", run("ZREVRANK", "z", "a"));
        assertEquals("$-1\r\n", run("ZRANK", "z", "x"));
        assertEquals("*2\r\n:0\r\n$1\r\n2\r\n", run("ZRANK", "z", "b", "WITHSCORE"));
    }

    @Test
    void zsetScoreRangesAndPops() {
        run("ZADD", "z", "1", "a", "2", "b", "2", "bb", "3", "c", "-inf", "low", "+inf", "high");
        assertEquals(bulks("b", "bb", "c"), run("ZRANGEBYSCORE", "z", "(1", "3"));
        assertEquals(bulks("c", "bb"), run("ZREVRANGEBYSCORE", "z", "3", "(1", "LIMIT", "0", "2"));
        assertEquals(bulks("bb", "c", "high"), run("ZRANGE", "z", "2", "+inf", "BYSCORE", "LIMIT", "1", "-1"));
        assertEquals(bulks("low", "-inf", "a", "1"), run("ZRANGEBYSCORE", "z", "-inf", "(2", "WITHSCORES"));
        assertEquals(":6\r\n", run("ZCOUNT", "z", "-inf", "+inf"));
        assertEquals(":2\r\n", run("ZCOUNT", "z", "2", "2"));
        assertEquals(":0\r\n", run("ZCOUNT", "z", "(2", "2"));
        assertEquals("-ERR min or max is not a float\r\n", run("ZCOUNT", "z", "x", "2"));
        assertEquals("-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n",
                run("ZRANGE", "z", "0", "1", "LIMIT", "0", "1"));
        assertEquals(bulks("b", "bb"), run("ZRANGE", "z", "2", "3"));
        assertSameAfterRewrite("z", "ZRANGE", "z", "0", "-1", "WITHSCORES");
        assertEquals(bulks("low", "-inf"), run("ZPOPMIN", "z"));
        assertEquals(bulks("high", "inf", "c", "3"), run("ZPOPMAX", "z", "2"));
        assertEquals("-ERR value is out of range, must be positive\r\n", run("ZPOPMIN", "z", "-2"));
        assertEquals(":1\r\n", run("ZREMRANGEBYRANK", "z", "0", "0"));
        assertEquals(":2\r\n", run("ZREMRANGEBYSCORE", "z", "2", "2"));
        assertTrue(!exists("z"));
        assertEquals("*0\r\n", run("ZPOPMIN", "z"));
        run("ZADD", "z", "1", "a");
        assertEquals(":1\r\n", run("ZREM", "z", "a", "x"));
        assertTrue(!exists("z"));
        run("SET", "s", "v");
        assertEquals(WRONGTYPE, run("ZADD", "s", "1", "a"));
        assertEquals(WRONGTYPE, run("ZRANGE", "s", "0", "-1"));
        assertEquals("-ERR wrong number of arguments for 'zadd' command\r\n", run("ZADD", "z", "1"));
    }

    @Test
    void bigZsetRewrite() {
        for (int i = 0; i < 300; i++) {
            run("ZADD", "z", Double.toString(i * 0.37 - 20), "m" + i);
        }
        assertSameAfterRewrite("z", "ZRANGE", "z", "0", "-1", "WITHSCORES");
        assertEquals("$3\r\nm51\r\n", bulkAt(run("ZRANGE", "z", "51", "51")));
    }

    private static String bulkAt(String singleArray) {
        return singleArray.substring("*1\r\n".length());
    }

    // ---- streams ----

    @Test
    void streams() {
        String id = run("XADD", "x", "*", "f", "v");
        assertTrue(id.matches("\\$\\d+\r\n\\d+-0\r\n"), id);
        assertNotNull(c.propagated, "a generated id is logged explicitly");
        assertEquals(new String(c.propagated.get(0)[2], StandardCharsets.UTF_8), id.split("\r\n")[1]);
        assertEquals("-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n",
                run("XADD", "x", "1-1", "f", "v"));
        assertEquals("$3\r\n5-1\r\n", run("XADD", "y", "5-1", "a", "1"));
        assertNull(c.propagated, "an explicit id is logged as sent");
        assertEquals("$3\r\n5-2\r\n", run("XADD", "y", "5-*", "b", "2"));
        assertEquals("$3\r\n7-0\r\n", run("XADD", "y", "7", "c", "3", "d", "4"));
        assertEquals("-ERR The ID specified in XADD must be greater than 0-0\r\n", run("XADD", "y", "0-0", "a", "1"));
        assertEquals("-ERR Invalid stream ID specified as stream command argument\r\n", run("XADD", "y", "abc", "a", "1"));
        assertEquals("-ERR wrong number of arguments for 'xadd' command\r\n", run("XADD", "y", "*", "a", "1", "b"));
        assertEquals(":3\r\n", run("XLEN", "y"));
        assertEquals("*3\r\n"
                + "*2\r\n$3\r\n5-1\r\n" + bulks("a", "1")
                + "*2\r\n$3\r\n5-2\r\n" + bulks("b", "2")
                + "*2\r\n$3\r\n7-0\r\n" + bulks("c", "3", "d", "4"), run("XRANGE", "y", "-", "+"));
        assertEquals("*1\r\n*2\r\n$3\r\n5-2\r\n" + bulks("b", "2"), run("XRANGE", "y", "(5-1", "5"));
        assertEquals("*1\r\n*2\r\n$3\r\n7-0\r\n" + bulks("c", "3", "d", "4"), run("XREVRANGE", "y", "+", "-", "COUNT", "1"));
        assertEquals("*-1\r\n", run("XRANGE", "y", "-", "+", "COUNT", "0"));
        assertEquals("*0\r\n", run("XRANGE", "nokey", "-", "+"));
        assertSameAfterRewrite("y", "XRANGE", "y", "-", "+");
        assertEquals("$3\r\n8-0\r\n", run("XADD", "y", "MAXLEN", "=", "1", "8-0", "e", "5"));
        assertEquals(":1\r\n", run("XLEN", "y"));
        assertEquals("$-1\r\n", run("XADD", "nokey", "NOMKSTREAM", "*", "a", "1"));
        assertTrue(!exists("nokey"));
        run("XADD", "e", "MAXLEN", "0", "9-9", "a", "1");
        assertEquals(":0\r\n", run("XLEN", "e"));
        KvStore fresh = replayRewrite("e");
        Client fc = new Client(3, fresh, "x");
        assertEquals(":0\r\n", run(fresh, fc, argv("XLEN", "e")));
        assertEquals("-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n",
                run(fresh, fc, argv("XADD", "e", "9-9", "a", "1")));
        run("SET", "s", "v");
        assertEquals(WRONGTYPE, run("XADD", "s", "*", "a", "1"));
        assertEquals(WRONGTYPE, run("XLEN", "s"));
    }
}
