package dev.netloom.kv;

import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.args.ListPosition;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.params.ZRangeParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.Tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The aggregate types of the kv service (lists, hashes, sets, sorted sets, streams) driven with
 * Jedis over real sockets against a real in-process kv, one test per command family, asserting
 * the replies and error texts of Redis 7 (checked against redis-server 7.0.15). The last test
 * writes every type (one key with a TTL), restarts on the same directory so the append-only file
 * is replayed, then rewrites the file with BGREWRITEAOF and restarts again, and compares
 * everything read back each time.
 *
 * <p>Scores used here are exact binary fractions, so the replies do not depend on how a server
 * prints doubles (Redis 7.0 uses {@code %.17g}, later versions the shortest form).
 */
class KvTypesJedisTest {

    private static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    @TempDir
    Path dir;
    Service kv;
    Jedis jedis;

    @BeforeEach
    void start() {
        kv = Net.start(KvService.type(), "dir=" + dir);
        jedis = jedis(kv);
    }

    @AfterEach
    void stop() {
        jedis.close();
        kv.close();
    }

    private static Jedis jedis(Service s) {
        return new Jedis(s.address().getHostString(), s.address().getPort(), 10_000);
    }

    /** The error text of a reply that must be an error. */
    private static String error(Runnable r) {
        return assertThrows(JedisDataException.class, r::run).getMessage();
    }

    /**
     * Sends a command as given and returns its reply decoded: bulk strings as String, integers as
     * Long, arrays as List, nil (bulk or array) as null. Tells nil apart from an empty array.
     */
    private Object raw(String name, String... args) {
        return decode(jedis.sendCommand(() -> name.getBytes(StandardCharsets.UTF_8), args));
    }

    private static Object decode(Object o) {
        if (o instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object x : l) {
                out.add(decode(x));
            }
            return out;
        }
        return o;
    }

    private static List<Tuple> tuples(Object... memberScore) {
        List<Tuple> out = new ArrayList<>();
        for (int i = 0; i < memberScore.length; i += 2) {
            out.add(new Tuple((String) memberScore[i], ((Number) memberScore[i + 1]).doubleValue()));
        }
        return out;
    }

    private static Map<String, String> map(String... kvs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kvs.length; i += 2) {
            m.put(kvs[i], kvs[i + 1]);
        }
        return m;
    }

    @Test
    void lists() {
        assertEquals(3, jedis.rpush("l", "a", "b", "c"));
        assertEquals(5, jedis.lpush("l", "x", "y"), "LPUSH puts each element at the head in turn");
        assertEquals(List.of("y", "x", "a", "b", "c"), jedis.lrange("l", 0, -1));
        assertEquals(List.of("b", "c"), jedis.lrange("l", -2, -1));
        assertEquals(List.of("y", "x", "a", "b", "c"), jedis.lrange("l", -100, 100), "out-of-range ends are clamped");
        assertEquals(List.of(), jedis.lrange("l", 3, 1));
        assertEquals(List.of(), jedis.lrange("l", 10, 20));
        assertEquals(List.of(), jedis.lrange("none", 0, -1));
        assertEquals(5, jedis.llen("l"));
        assertEquals(0, jedis.llen("none"));
        assertEquals("y", jedis.lindex("l", 0));
        assertEquals("c", jedis.lindex("l", -1));
        assertEquals("a", jedis.lindex("l", 2));
        assertNull(jedis.lindex("l", 5));
        assertNull(jedis.lindex("l", -6));
        assertNull(jedis.lindex("none", 0));

        assertEquals("OK", jedis.lset("l", 1, "X"));
        assertEquals("OK", jedis.lset("l", -1, "C"));
        assertEquals(List.of("y", "X", "a", "b", "C"), jedis.lrange("l", 0, -1));
        assertEquals("ERR index out of range", error(() -> jedis.lset("l", 5, "v")));
        assertEquals("ERR index out of range", error(() -> jedis.lset("l", -6, "v")));
        assertEquals("ERR no such key", error(() -> jedis.lset("none", 0, "v")));

        assertEquals("y", jedis.lpop("l"));
        assertEquals("C", jedis.rpop("l"));
        assertEquals(List.of("X", "a"), jedis.lpop("l", 2));
        assertEquals(List.of(), raw("LPOP", "l", "0"), "a count of 0 is an empty array");
        assertEquals(List.of("b"), jedis.rpop("l", 10), "a count beyond the length pops what there is");
        assertFalse(jedis.exists("l"), "the emptied list is deleted");
        assertNull(raw("LPOP", "none"));
        assertNull(raw("RPOP", "none", "2"), "with a count, a missing key is a nil array");
        assertEquals("ERR value is out of range, must be positive", error(() -> jedis.lpop("l", -1)));
        jedis.rpush("p", "1", "2", "3", "4");
        assertEquals(List.of("4", "3"), jedis.rpop("p", 2), "RPOP with a count takes from the tail, last first");
        assertEquals(List.of("1", "2"), jedis.lrange("p", 0, -1));

        jedis.rpush("r", "a", "b", "a", "c", "a", "b", "a");
        assertEquals(2, jedis.lrem("r", -2, "a"), "a negative count removes from the tail");
        assertEquals(List.of("a", "b", "a", "c", "b"), jedis.lrange("r", 0, -1));
        assertEquals(1, jedis.lrem("r", 1, "a"));
        assertEquals(List.of("b", "a", "c", "b"), jedis.lrange("r", 0, -1));
        assertEquals(2, jedis.lrem("r", 0, "b"), "0 removes every occurrence");
        assertEquals(List.of("a", "c"), jedis.lrange("r", 0, -1));
        assertEquals(0, jedis.lrem("r", 0, "zz"));
        assertEquals(0, jedis.lrem("none", 0, "a"));
        assertEquals(1, jedis.lrem("r", 0, "a"));
        assertEquals(1, jedis.lrem("r", 0, "c"));
        assertFalse(jedis.exists("r"));

        jedis.rpush("t", "1", "2", "3", "4", "5", "6");
        assertEquals("OK", jedis.ltrim("t", 1, -2));
        assertEquals(List.of("2", "3", "4", "5"), jedis.lrange("t", 0, -1));
        assertEquals("OK", jedis.ltrim("t", -3, 100));
        assertEquals(List.of("3", "4", "5"), jedis.lrange("t", 0, -1));
        assertEquals("OK", jedis.ltrim("t", 5, 10), "an empty range deletes the key");
        assertFalse(jedis.exists("t"));
        assertEquals("OK", jedis.ltrim("none", 0, 1));

        jedis.rpush("i", "a", "c");
        assertEquals(3, jedis.linsert("i", ListPosition.BEFORE, "c", "b"));
        assertEquals(4, jedis.linsert("i", ListPosition.AFTER, "c", "d"));
        assertEquals(5, jedis.linsert("i", ListPosition.BEFORE, "a", "_"));
        assertEquals(List.of("_", "a", "b", "c", "d"), jedis.lrange("i", 0, -1));
        assertEquals(-1, jedis.linsert("i", ListPosition.AFTER, "zz", "v"), "no pivot");
        assertEquals(0, jedis.linsert("none", ListPosition.AFTER, "a", "v"), "no key");
        assertFalse(jedis.exists("none"));
        assertEquals("ERR syntax error", error(() -> raw("LINSERT", "i", "MIDDLE", "a", "v")));

        jedis.rpush("src", "1", "2", "3");
        assertEquals("1", jedis.lmove("src", "dst", ListDirection.LEFT, ListDirection.RIGHT));
        assertEquals("3", jedis.lmove("src", "dst", ListDirection.RIGHT, ListDirection.LEFT));
        assertEquals(List.of("3", "1"), jedis.lrange("dst", 0, -1));
        assertEquals(List.of("2"), jedis.lrange("src", 0, -1));
        assertEquals("2", jedis.lmove("src", "dst", ListDirection.LEFT, ListDirection.LEFT));
        assertFalse(jedis.exists("src"), "moving the last element deletes the source");
        assertEquals(List.of("2", "3", "1"), jedis.lrange("dst", 0, -1));
        assertNull(jedis.lmove("src", "dst", ListDirection.LEFT, ListDirection.LEFT), "nil from a missing source");
        assertEquals("2", jedis.lmove("dst", "dst", ListDirection.LEFT, ListDirection.RIGHT), "rotation");
        assertEquals(List.of("3", "1", "2"), jedis.lrange("dst", 0, -1));

        jedis.set("str", "v");
        assertEquals(WRONGTYPE, error(() -> jedis.lpush("str", "a")));
        assertEquals(WRONGTYPE, error(() -> jedis.rpush("str", "a")));
        assertEquals(WRONGTYPE, error(() -> jedis.lrange("str", 0, -1)));
        assertEquals(WRONGTYPE, error(() -> jedis.llen("str")));
        assertEquals(WRONGTYPE, error(() -> jedis.lpop("str")));
        assertEquals(WRONGTYPE, error(() -> jedis.lset("str", 0, "a")));
        assertEquals(WRONGTYPE, error(() -> jedis.lmove("dst", "str", ListDirection.LEFT, ListDirection.LEFT)));
        assertEquals(List.of("3", "1", "2"), jedis.lrange("dst", 0, -1), "nothing moved before the type check");
        assertEquals("v", jedis.get("str"));
        assertEquals("list", jedis.type("dst"));
    }

    @Test
    void hashes() {
        assertEquals(3, jedis.hset("h", map("a", "1", "b", "2", "c", "3")));
        assertEquals(1, jedis.hset("h", map("a", "10", "d", "4")), "only new fields count");
        assertEquals(0, jedis.hset("h", "a", "11"));
        assertEquals("11", jedis.hget("h", "a"));
        assertNull(jedis.hget("h", "zz"));
        assertNull(jedis.hget("none", "a"));
        assertEquals(Arrays.asList("11", null, "4"), jedis.hmget("h", "a", "zz", "d"));
        assertEquals(Arrays.asList(null, null), jedis.hmget("none", "a", "b"));
        assertEquals(4, jedis.hlen("h"));
        assertEquals(0, jedis.hlen("none"));
        assertTrue(jedis.hexists("h", "b"));
        assertFalse(jedis.hexists("h", "zz"));
        assertFalse(jedis.hexists("none", "a"));
        assertEquals(2, jedis.hstrlen("h", "a"));
        assertEquals(0, jedis.hstrlen("h", "zz"));
        assertEquals(Map.of("a", "11", "b", "2", "c", "3", "d", "4"), jedis.hgetAll("h"));
        assertEquals(Set.of("a", "b", "c", "d"), jedis.hkeys("h"));
        assertEquals(List.of("11", "2", "3", "4"), jedis.hvals("h").stream().sorted().toList());
        assertEquals(Map.of(), jedis.hgetAll("none"));
        assertEquals(Set.of(), jedis.hkeys("none"));
        assertEquals("ERR wrong number of arguments for 'hset' command", error(() -> raw("HSET", "h", "a", "1", "b")));

        assertEquals(1, jedis.hdel("h", "b", "zz"));
        assertEquals(0, jedis.hdel("h", "b"));
        assertEquals(0, jedis.hdel("none", "b"));
        assertEquals(3, jedis.hlen("h"));

        assertEquals(5, jedis.hincrBy("h", "n", 5), "a missing field counts from 0");
        assertEquals(-2, jedis.hincrBy("h", "n", -7));
        assertEquals(12, jedis.hincrBy("h", "a", 1));
        assertEquals("12", jedis.hget("h", "a"));
        assertEquals(3, jedis.hincrBy("nh", "f", 3), "a missing key is created");
        jedis.hset("h", "s", "abc");
        jedis.hset("h", "big", Long.toString(Long.MAX_VALUE));
        assertEquals("ERR hash value is not an integer", error(() -> jedis.hincrBy("h", "s", 1)));
        assertEquals("ERR increment or decrement would overflow", error(() -> jedis.hincrBy("h", "big", 1)));
        assertEquals("ERR value is not an integer or out of range", error(() -> raw("HINCRBY", "h", "n", "x")));
        assertEquals(1.5, jedis.hincrByFloat("h", "f", 1.5));
        assertEquals(1.75, jedis.hincrByFloat("h", "f", 0.25));
        assertEquals("1.75", jedis.hget("h", "f"));
        assertEquals(-1.5, jedis.hincrByFloat("h", "n", 0.5));
        assertEquals("10.5", raw("HINCRBYFLOAT", "h", "dec", "10.5"));
        assertEquals("10.6", raw("HINCRBYFLOAT", "h", "dec", "0.1"), "decimal digits, as Redis's long double shows");
        assertEquals("10.6", jedis.hget("h", "dec"));
        assertEquals("ERR hash value is not a float", error(() -> jedis.hincrByFloat("h", "s", 1)));
        assertEquals("ERR value is not a valid float", error(() -> raw("HINCRBYFLOAT", "h", "f", "x")));

        assertEquals(0, jedis.hsetnx("h", "a", "x"));
        assertEquals("12", jedis.hget("h", "a"));
        assertEquals(1, jedis.hsetnx("h", "new", "v"));
        assertEquals("v", jedis.hget("h", "new"));
        assertEquals(1, jedis.hsetnx("nx", "f", "v"));
        assertEquals(Map.of("f", "v"), jedis.hgetAll("nx"));

        assertEquals(1, jedis.hdel("nx", "f"));
        assertFalse(jedis.exists("nx"), "the emptied hash is deleted");
        jedis.set("str", "v");
        assertEquals(WRONGTYPE, error(() -> jedis.hset("str", "f", "v")));
        assertEquals(WRONGTYPE, error(() -> jedis.hget("str", "f")));
        assertEquals(WRONGTYPE, error(() -> jedis.hgetAll("str")));
        assertEquals(WRONGTYPE, error(() -> jedis.hincrBy("str", "f", 1)));
        assertEquals(WRONGTYPE, error(() -> jedis.lpush("h", "a")));
        assertEquals("hash", jedis.type("h"));
    }

    @Test
    void sets() {
        assertEquals(3, jedis.sadd("s", "a", "b", "c"));
        assertEquals(1, jedis.sadd("s", "c", "d", "d"));
        assertEquals(4, jedis.scard("s"));
        assertEquals(0, jedis.scard("none"));
        assertEquals(Set.of("a", "b", "c", "d"), jedis.smembers("s"));
        assertEquals(Set.of(), jedis.smembers("none"));
        assertTrue(jedis.sismember("s", "a"));
        assertFalse(jedis.sismember("s", "zz"));
        assertFalse(jedis.sismember("none", "a"));
        assertEquals(List.of(true, false, true), jedis.smismember("s", "a", "zz", "d"));
        assertEquals(List.of(false, false), jedis.smismember("none", "a", "b"));
        assertEquals(1, jedis.srem("s", "d", "zz"));
        assertEquals(0, jedis.srem("none", "a"));
        assertEquals(Set.of("a", "b", "c"), jedis.smembers("s"));

        Set<String> five = Set.of("1", "2", "3", "4", "5");
        jedis.sadd("p", five.toArray(String[]::new));
        Set<String> popped = jedis.spop("p", 2);
        assertEquals(2, popped.size());
        assertTrue(five.containsAll(popped));
        assertEquals(3, jedis.scard("p"));
        Set<String> rest = jedis.smembers("p");
        assertTrue(rest.stream().noneMatch(popped::contains), "popped members are gone");
        String one = jedis.spop("p");
        assertTrue(rest.contains(one));
        assertEquals(2, jedis.scard("p"));
        Set<String> last = jedis.spop("p", 10);
        assertEquals(2, last.size());
        Set<String> all = new HashSet<>(popped);
        all.add(one);
        all.addAll(last);
        assertEquals(five, all, "every member popped exactly once");
        assertFalse(jedis.exists("p"), "the emptied set is deleted");
        assertNull(raw("SPOP", "none"));
        assertEquals(List.of(), raw("SPOP", "none", "2"), "with a count, a missing key is an empty array");
        jedis.sadd("p", "x");
        assertEquals(List.of(), raw("SPOP", "p", "0"));
        assertEquals("ERR value is out of range, must be positive", error(() -> raw("SPOP", "p", "-1")));
        assertEquals(1, jedis.scard("p"));

        jedis.sadd("r", "a", "b", "c");
        assertTrue(Set.of("a", "b", "c").contains(jedis.srandmember("r")));
        List<String> two = jedis.srandmember("r", 2);
        assertEquals(2, two.size());
        assertEquals(2, new HashSet<>(two).size(), "a positive count gives distinct members");
        assertTrue(Set.of("a", "b", "c").containsAll(two));
        List<String> capped = jedis.srandmember("r", 5);
        assertEquals(3, capped.size(), "a positive count beyond the size gives the whole set");
        assertEquals(Set.of("a", "b", "c"), new HashSet<>(capped));
        List<String> repeated = jedis.srandmember("r", -7);
        assertEquals(7, repeated.size(), "a negative count gives exactly |count| members, repeats allowed");
        assertTrue(Set.of("a", "b", "c").containsAll(repeated));
        assertEquals(List.of(), jedis.srandmember("r", 0));
        assertEquals(List.of(), jedis.srandmember("none", 3));
        assertEquals(List.of(), jedis.srandmember("none", -3));
        assertNull(jedis.srandmember("none"));
        assertEquals(3, jedis.scard("r"), "SRANDMEMBER removes nothing");

        jedis.sadd("s1", "a", "b", "c", "d");
        jedis.sadd("s2", "c", "d", "e");
        jedis.sadd("s3", "a", "c", "e");
        assertEquals(Set.of("c", "d"), jedis.sinter("s1", "s2"));
        assertEquals(Set.of("c"), jedis.sinter("s1", "s2", "s3"));
        assertEquals(Set.of(), jedis.sinter("s1", "none"));
        assertEquals(Set.of("a", "b", "c", "d", "e"), jedis.sunion("s1", "s2"));
        assertEquals(Set.of("a", "b", "c", "d"), jedis.sunion("s1", "none"));
        assertEquals(Set.of("a", "b"), jedis.sdiff("s1", "s2"));
        assertEquals(Set.of("b"), jedis.sdiff("s1", "s2", "s3"));
        assertEquals(Set.of("a", "b", "c", "d"), jedis.sdiff("s1", "none"));
        assertEquals(Set.of(), jedis.sdiff("none", "s1"));

        assertEquals(2, jedis.sinterstore("d", "s1", "s2"));
        assertEquals(Set.of("c", "d"), jedis.smembers("d"));
        assertEquals(5, jedis.sunionstore("d", "s1", "s3", "s2"), "the destination is replaced");
        assertEquals(Set.of("a", "b", "c", "d", "e"), jedis.smembers("d"));
        assertEquals(2, jedis.sdiffstore("d", "s1", "s2"));
        assertEquals(Set.of("a", "b"), jedis.smembers("d"));
        assertEquals(0, jedis.sdiffstore("d", "s1", "s1"), "an empty result deletes the destination");
        assertFalse(jedis.exists("d"));
        assertEquals(1, jedis.sinterstore("s1", "s1", "s3", "s2"), "the destination may be a source");
        assertEquals(Set.of("c"), jedis.smembers("s1"));
        jedis.set("over", "string");
        jedis.expire("over", 1000);
        assertEquals(3, jedis.sunionstore("over", "s2"), "a key of another type is overwritten");
        assertEquals("set", jedis.type("over"));
        assertEquals(-1, jedis.ttl("over"), "and its TTL cleared");

        assertEquals(1, jedis.smove("s2", "s3", "d"));
        assertEquals(Set.of("c", "e"), jedis.smembers("s2"));
        assertEquals(Set.of("a", "c", "d", "e"), jedis.smembers("s3"));
        assertEquals(0, jedis.smove("s2", "s3", "zz"), "not a member");
        assertEquals(0, jedis.smove("none", "s3", "a"), "no source");
        assertEquals(1, jedis.smove("s2", "s3", "c"), "already in the destination: still 1");
        assertEquals(Set.of("e"), jedis.smembers("s2"));
        assertEquals(1, jedis.smove("s2", "fresh", "e"));
        assertFalse(jedis.exists("s2"), "moving the last member deletes the source");
        assertEquals(Set.of("e"), jedis.smembers("fresh"));
        assertEquals(1, jedis.smove("fresh", "fresh", "e"));
        assertEquals(Set.of("e"), jedis.smembers("fresh"));

        jedis.set("str", "v");
        assertEquals(WRONGTYPE, error(() -> jedis.sadd("str", "a")));
        assertEquals(WRONGTYPE, error(() -> jedis.smembers("str")));
        assertEquals(WRONGTYPE, error(() -> jedis.sinter("s3", "str")));
        assertEquals(WRONGTYPE, error(() -> jedis.sunion("s3", "str")));
        assertEquals(WRONGTYPE, error(() -> jedis.sdiff("s3", "str")));
        assertEquals(WRONGTYPE, error(() -> jedis.sunionstore("d", "s3", "str")));
        assertEquals(WRONGTYPE, error(() -> jedis.smove("s3", "str", "a")));
        assertEquals(Set.of("a", "c", "d", "e"), jedis.smembers("s3"), "nothing moved before the type check");
        assertEquals(WRONGTYPE, error(() -> jedis.rpush("s3", "a")));
    }

    /**
     * SINTER and SINTERSTORE check the type of every key, even after one that is missing: Redis 7
     * replies WRONGTYPE (and leaves the destination alone).
     */
    @Test
    void setIntersectionChecksTheTypeOfEveryKey() {
        jedis.set("str", "v");
        jedis.sadd("dest", "kept");
        assertEquals(WRONGTYPE, error(() -> jedis.sinter("missing", "str")));
        assertEquals(WRONGTYPE, error(() -> jedis.sinterstore("dest", "missing", "str")));
        assertEquals(Set.of("kept"), jedis.smembers("dest"));
    }

    @Test
    void sortedSets() {
        assertEquals(3, jedis.zadd("z", Map.of("a", 1.0, "b", 2.0, "c", 3.0)));
        assertEquals(0, jedis.zadd("z", 1.5, "a"), "an update is not counted without CH");
        assertEquals(1.5, jedis.zscore("z", "a"));
        assertEquals(1, jedis.zadd("z", 1.0, "a", ZAddParams.zAddParams().ch()), "CH counts changed scores");
        assertEquals(0, jedis.zadd("z", 1.0, "a", ZAddParams.zAddParams().ch()), "the same score is no change");

        assertEquals(0, jedis.zadd("z", 10.0, "a", ZAddParams.zAddParams().nx()), "NX never updates");
        assertEquals(1.0, jedis.zscore("z", "a"));
        assertEquals(1, jedis.zadd("z", 4.0, "d", ZAddParams.zAddParams().nx()), "NX adds");
        assertEquals(0, jedis.zadd("z", 10.0, "e", ZAddParams.zAddParams().xx()), "XX never adds");
        assertNull(jedis.zscore("z", "e"));
        assertEquals(1, jedis.zadd("z", 0.5, "a", ZAddParams.zAddParams().xx().ch()));
        assertEquals(0.5, jedis.zscore("z", "a"));
        assertEquals(0, jedis.zadd("z", 0.25, "a", ZAddParams.zAddParams().gt().ch()), "GT refuses a lower score");
        assertEquals(0.5, jedis.zscore("z", "a"));
        assertEquals(2, jedis.zadd("z", Map.of("a", 0.75, "e", 5.0), ZAddParams.zAddParams().gt().ch()),
                "GT raises, and still adds new members");
        assertEquals(0.75, jedis.zscore("z", "a"));
        assertEquals(0, jedis.zadd("z", 3.5, "b", ZAddParams.zAddParams().lt().ch()), "LT refuses a higher score");
        assertEquals(1, jedis.zadd("z", 1.25, "b", ZAddParams.zAddParams().lt().ch()));
        assertEquals(1.25, jedis.zscore("z", "b"));
        assertEquals(0, jedis.zadd("nozset", 1.0, "a", ZAddParams.zAddParams().xx()));
        assertFalse(jedis.exists("nozset"), "XX does not create the key");

        assertEquals(2.75, jedis.zaddIncr("z", 2.0, "a", ZAddParams.zAddParams()), "INCR replies the new score");
        assertNull(jedis.zaddIncr("z", 1.0, "a", ZAddParams.zAddParams().nx()), "INCR with NX on a member: nil");
        assertNull(jedis.zaddIncr("z", 1.0, "new", ZAddParams.zAddParams().xx()), "INCR with XX on a non-member: nil");
        assertNull(jedis.zaddIncr("z", -1.0, "a", ZAddParams.zAddParams().gt()), "INCR under GT that lowers: nil");
        assertEquals(2.75, jedis.zscore("z", "a"));
        assertEquals(7.0, jedis.zaddIncr("z", 7.0, "f", ZAddParams.zAddParams()), "INCR of a new member starts at 0");

        assertEquals("ERR XX and NX options at the same time are not compatible",
                error(() -> raw("ZADD", "z", "NX", "XX", "1", "a")));
        assertEquals("ERR GT, LT, and/or NX options at the same time are not compatible",
                error(() -> raw("ZADD", "z", "GT", "LT", "1", "a")));
        assertEquals("ERR GT, LT, and/or NX options at the same time are not compatible",
                error(() -> raw("ZADD", "z", "NX", "GT", "1", "a")));
        assertEquals("ERR INCR option supports a single increment-element pair",
                error(() -> raw("ZADD", "z", "INCR", "1", "a", "2", "b")));
        assertEquals("ERR value is not a valid float", error(() -> raw("ZADD", "z", "abc", "a")));
        assertEquals("ERR syntax error", error(() -> raw("ZADD", "z", "1", "a", "2")));
        assertEquals("ERR wrong number of arguments for 'zadd' command", error(() -> raw("ZADD", "z", "1")));

        // z: b 1.25, c 3, d 4, e 5, f 7, a 2.75 -> ascending: b a c d e f
        assertEquals(6, jedis.zcard("z"));
        assertEquals(2, jedis.zrem("z", "f", "e", "zz"));
        assertEquals(0, jedis.zrem("none", "a"));
        assertEquals(4, jedis.zcard("z"));
        assertEquals(0, jedis.zcard("none"));
        assertNull(jedis.zscore("none", "a"));

        jedis.del("z");
        jedis.zadd("z", Map.of("a", 1.0, "b", 2.0, "bb", 2.0, "c", 3.0, "d", 4.5));
        assertEquals(List.of("a", "b", "bb", "c", "d"), jedis.zrange("z", 0, -1), "ties ordered by member");
        assertEquals(List.of("c", "d"), jedis.zrange("z", -2, -1));
        assertEquals(List.of(), jedis.zrange("z", 3, 1));
        assertEquals(List.of(), jedis.zrange("none", 0, -1));
        assertEquals(tuples("a", 1, "b", 2), jedis.zrangeWithScores("z", 0, 1));
        assertEquals(List.of("a", "1", "b", "2"), raw("ZRANGE", "z", "0", "1", "WITHSCORES"));
        assertEquals(List.of("d", "4.5", "c", "3"), raw("ZRANGE", "z", "0", "1", "REV", "WITHSCORES"));
        assertEquals(List.of("b", "bb", "c"), jedis.zrange("z", ZRangeParams.zrangeByScoreParams(2, 3)));
        assertEquals(List.of("b", "bb", "c"), raw("ZRANGE", "z", "2", "3", "BYSCORE"));
        assertEquals(List.of("c"), raw("ZRANGE", "z", "(2", "3", "BYSCORE"));
        assertEquals(List.of("c", "bb", "b"), raw("ZRANGE", "z", "3", "2", "BYSCORE", "REV"), "REV takes max first");
        assertEquals(List.of("bb", "2", "c", "3"),
                raw("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "2", "2", "WITHSCORES"));
        assertEquals(List.of("c", "bb"), raw("ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2"));
        assertEquals(List.of("b", "bb", "c", "d"), raw("ZRANGE", "z", "2", "+inf", "BYSCORE", "LIMIT", "0", "-1"),
                "a negative LIMIT count means all");
        assertEquals("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
                error(() -> raw("ZRANGE", "z", "0", "-1", "LIMIT", "0", "1")));
        assertEquals("ERR min or max is not a float", error(() -> raw("ZRANGE", "z", "x", "1", "BYSCORE")));
        assertEquals(List.of("d", "c"), jedis.zrevrange("z", 0, 1));
        assertEquals(List.of("d", "4.5", "c", "3", "bb", "2", "b", "2", "a", "1"),
                raw("ZREVRANGE", "z", "0", "-1", "WITHSCORES"));

        assertEquals(0, jedis.zrank("z", "a"));
        assertEquals(2, jedis.zrank("z", "bb"));
        assertEquals(4, jedis.zrevrank("z", "a"));
        assertEquals(0, jedis.zrevrank("z", "d"));
        assertEquals(1, jedis.zrevrank("z", "c"));
        assertNull(jedis.zrank("z", "zz"));
        assertNull(jedis.zrevrank("none", "a"));

        assertEquals(3.0, jedis.zincrby("z", 2, "a"));
        assertEquals(List.of("b", "bb", "a", "c", "d"), jedis.zrange("z", 0, -1), "a moved, ties by member");
        assertEquals(2, jedis.zrank("z", "a"));
        assertEquals(-0.5, jedis.zincrby("zi", -0.5, "m"), "a missing key and member start at 0");
        assertEquals("ERR value is not a valid float", error(() -> raw("ZINCRBY", "z", "x", "a")));

        assertEquals(5, jedis.zcount("z", "-inf", "+inf"));
        assertEquals(4, jedis.zcount("z", "2", "3"));
        assertEquals(2, jedis.zcount("z", "(2", "3"));
        assertEquals(2, jedis.zcount("z", "2", "(3"));
        assertEquals(0, jedis.zcount("z", "(2", "(3"));
        assertEquals(0, jedis.zcount("z", "4", "2"));
        assertEquals(0, jedis.zcount("none", "-inf", "+inf"));
        assertEquals(List.of("b", "bb", "a", "c", "d"), jedis.zrangeByScore("z", "-inf", "+inf"));
        assertEquals(List.of("a", "c", "d"), jedis.zrangeByScore("z", "(2", "+inf"));
        assertEquals(List.of("b", "bb"), jedis.zrangeByScore("z", "-inf", "(3"));
        assertEquals(List.of("bb", "a"), jedis.zrangeByScore("z", "-inf", "+inf", 1, 2));
        assertEquals(List.of("a", "3", "c", "3"), raw("ZRANGEBYSCORE", "z", "3", "3", "WITHSCORES"));
        assertEquals(List.of("d", "c"), raw("ZREVRANGEBYSCORE", "z", "+inf", "(2", "LIMIT", "0", "2"));
        assertEquals("ERR min or max is not a float", error(() -> jedis.zrangeByScore("z", "[1", "2")));

        assertEquals(tuples("b", 2, "bb", 2), jedis.zpopmin("z", 2));
        assertEquals(new Tuple("d", 4.5), jedis.zpopmax("z"));
        assertEquals(List.of("c", "3"), raw("ZPOPMAX", "z"));
        assertEquals(tuples("a", 3), jedis.zpopmax("z", 5), "a count beyond the size pops what there is");
        assertFalse(jedis.exists("z"), "the emptied sorted set is deleted");
        assertEquals(List.of(), raw("ZPOPMIN", "none"));
        assertEquals(List.of(), raw("ZPOPMIN", "none", "3"));
        assertEquals(List.of(), raw("ZPOPMIN", "zi", "0"));
        assertEquals("ERR value is out of range, must be positive", error(() -> raw("ZPOPMIN", "zi", "-1")));

        jedis.set("str", "v");
        assertEquals(WRONGTYPE, error(() -> jedis.zadd("str", 1, "a")));
        assertEquals(WRONGTYPE, error(() -> jedis.zscore("str", "a")));
        assertEquals(WRONGTYPE, error(() -> jedis.zrange("str", 0, -1)));
        assertEquals(WRONGTYPE, error(() -> jedis.zincrby("str", 1, "a")));
        assertEquals(WRONGTYPE, error(() -> jedis.sadd("zi", "a")));
        assertEquals("zset", jedis.type("zi"));
    }

    @Test
    void streams() {
        assertEquals(new StreamEntryID(1, 1), jedis.xadd("s", new StreamEntryID(1, 1), map("f", "v1")));
        assertEquals("1-2", raw("XADD", "s", "1-2", "f", "v2", "g", "w"));
        assertEquals("1-3", raw("XADD", "s", "1-*", "f", "v3"), "ms-* picks the next sequence");
        assertEquals("5-0", raw("XADD", "s", "5", "f", "v4"), "a missing sequence is 0");
        assertEquals("ERR The ID specified in XADD is equal or smaller than the target stream top item",
                error(() -> raw("XADD", "s", "5-0", "f", "x")));
        assertEquals("ERR The ID specified in XADD is equal or smaller than the target stream top item",
                error(() -> raw("XADD", "s", "1-9", "f", "x")));
        assertEquals("ERR The ID specified in XADD is equal or smaller than the target stream top item",
                error(() -> raw("XADD", "s", "4-*", "f", "x")));
        assertEquals("ERR The ID specified in XADD must be greater than 0-0",
                error(() -> raw("XADD", "new", "0-0", "f", "x")));
        assertEquals("ERR Invalid stream ID specified as stream command argument",
                error(() -> raw("XADD", "s", "abc", "f", "x")));
        assertEquals("ERR wrong number of arguments for 'xadd' command", error(() -> raw("XADD", "s", "*", "f")));
        assertFalse(jedis.exists("new"));
        assertEquals(4, jedis.xlen("s"));

        long before = System.currentTimeMillis();
        StreamEntryID auto = jedis.xadd("s", StreamEntryID.NEW_ENTRY, map("f", "v5"));
        long after = System.currentTimeMillis();
        assertTrue(auto.getTime() >= before - 1000 && auto.getTime() <= after + 1000, "* uses the clock: " + auto);
        assertEquals(0, auto.getSequence());
        StreamEntryID auto2 = jedis.xadd("s", StreamEntryID.NEW_ENTRY, map("f", "v6"));
        assertTrue(auto2.compareTo(auto) > 0, auto2 + " after " + auto);
        assertEquals(6, jedis.xlen("s"));
        assertEquals(0, jedis.xlen("none"));

        List<StreamEntry> all = jedis.xrange("s", "-", "+");
        assertEquals(List.of(new StreamEntryID(1, 1), new StreamEntryID(1, 2), new StreamEntryID(1, 3),
                new StreamEntryID(5, 0), auto, auto2), all.stream().map(StreamEntry::getID).toList());
        assertEquals(Map.of("f", "v1"), all.get(0).getFields());
        assertEquals(map("f", "v2", "g", "w"), all.get(1).getFields());
        assertEquals(List.of(List.of("1-2", List.of("f", "v2", "g", "w"))), raw("XRANGE", "s", "1-2", "1-2"),
                "fields and values in the order given");
        List<StreamEntry> two = jedis.xrange("s", "-", "+", 2);
        assertEquals(List.of(new StreamEntryID(1, 1), new StreamEntryID(1, 2)), two.stream().map(StreamEntry::getID).toList());
        assertEquals(List.of(new StreamEntryID(1, 1), new StreamEntryID(1, 2), new StreamEntryID(1, 3)),
                jedis.xrange("s", "1", "1").stream().map(StreamEntry::getID).toList(), "a bare ms covers all its sequences");
        assertEquals(List.of(new StreamEntryID(1, 3), new StreamEntryID(5, 0)),
                jedis.xrange("s", "(1-2", "5", 10).stream().map(StreamEntry::getID).toList(), "( excludes");
        assertEquals(List.of(auto2, auto), jedis.xrevrange("s", "+", "-", 2).stream().map(StreamEntry::getID).toList());
        assertEquals(List.of(), jedis.xrange("s", "5-1", "5-9"));
        assertEquals(List.of(), jedis.xrange("none", "-", "+"));

        for (int i = 1; i <= 5; i++) {
            jedis.xadd("m", XAddParams.xAddParams().id(i, 0).maxLen(3), map("n", Integer.toString(i)));
        }
        assertEquals(3, jedis.xlen("m"), "MAXLEN keeps the newest entries");
        List<StreamEntry> kept = jedis.xrange("m", "-", "+");
        assertEquals(List.of(new StreamEntryID(3, 0), new StreamEntryID(4, 0), new StreamEntryID(5, 0)),
                kept.stream().map(StreamEntry::getID).toList());
        assertEquals(Map.of("n", "5"), kept.get(2).getFields());
        assertEquals("6-0", raw("XADD", "m", "MAXLEN", "=", "1", "6-0", "n", "6"));
        assertEquals(1, jedis.xlen("m"));
        assertEquals("ERR The ID specified in XADD is equal or smaller than the target stream top item",
                error(() -> raw("XADD", "m", "5-5", "n", "x")), "trimmed entries do not lower the top id");

        jedis.set("str", "v");
        assertEquals(WRONGTYPE, error(() -> jedis.xadd("str", StreamEntryID.NEW_ENTRY, map("f", "v"))));
        assertEquals(WRONGTYPE, error(() -> jedis.xlen("str")));
        assertEquals(WRONGTYPE, error(() -> jedis.xrange("str", "-", "+")));
        assertEquals(WRONGTYPE, error(() -> jedis.lpush("s", "a")));
        assertEquals("stream", jedis.type("s"));
    }

    /** Every key, its type, its contents in a comparable form, and its absolute expiry. */
    private static Map<String, String> snapshot(Jedis j) {
        Map<String, String> m = new TreeMap<>();
        for (String k : j.keys("*")) {
            String type = j.type(k);
            Object content = switch (type) {
                case "string" -> j.get(k);
                case "list" -> j.lrange(k, 0, -1);
                case "hash" -> new TreeMap<>(j.hgetAll(k));
                case "set" -> new TreeSet<>(j.smembers(k));
                case "zset" -> j.zrangeWithScores(k, 0, -1);
                case "stream" -> j.xrange(k, "-", "+").stream().map(e -> e.getID() + "=" + e.getFields()).toList();
                default -> throw new AssertionError(k + " has type " + type);
            };
            m.put(k, type + " " + content + " @" + j.pexpireTime(k));
        }
        return m;
    }

    /** The data written by {@link #everyTypeSurvivesARestartAndARewrite}, each type touched by several commands. */
    private static void writeEveryType(Jedis j) {
        j.set("str", "plain");
        j.incrBy("counter", 41);
        j.incr("counter");

        j.rpush("list", "a", "b", "c", "d", "e");
        j.lpush("list", "z");
        j.lpop("list");
        j.rpop("list", 1);
        j.lset("list", 0, "A");
        j.linsert("list", ListPosition.AFTER, "b", "b2");
        j.lrem("list", 0, "c");
        j.rpush("list2", "x", "y");
        j.lmove("list2", "list", ListDirection.LEFT, ListDirection.RIGHT);
        j.ltrim("list2", 0, 0);

        j.hset("hash", map("f1", "v1", "f2", "v2", "f3", "v3"));
        j.hdel("hash", "f2");
        j.hincrBy("hash", "n", 7);
        j.hincrByFloat("hash", "fl", 0.1);
        j.hincrByFloat("hash", "fl", 0.2);
        j.hsetnx("hash", "f1", "ignored");
        j.pexpire("hash", 3_600_000); // the key with a TTL

        j.sadd("set", "m1", "m2", "m3", "m4", "m5", "m6");
        j.srem("set", "m6");
        j.spop("set"); // random: logged as the SREM of what was popped
        j.spop("set", 2);
        j.sadd("set2", "m1", "m2", "m3", "m4", "m5", "x");
        j.smove("set2", "set3", "x");
        j.sinterstore("inter", "set", "set2");
        j.sunionstore("union", "set", "set3");
        j.sdiffstore("diff", "set2", "set");

        j.zadd("zset", Map.of("a", 1.0, "b", 2.0, "c", 3.0, "d", 4.0, "e", 5.0));
        j.zadd("zset", 0.5, "e", ZAddParams.zAddParams().lt());
        j.zaddIncr("zset", 2.25, "a", ZAddParams.zAddParams());
        j.zincrby("zset", -1.5, "b");
        j.zrem("zset", "c");
        j.zpopmax("zset");
        j.zadd("zset", Map.of("tie1", 3.25, "tie2", 3.25));

        j.xadd("stream", new StreamEntryID(10, 1), map("k", "v1"));
        j.xadd("stream", XAddParams.xAddParams().id("10-*"), map("k", "v2", "k2", "w"));
        j.xadd("stream", StreamEntryID.NEW_ENTRY, map("k", "v3")); // clock-made: logged with the id used
        j.xadd("stream", XAddParams.xAddParams().maxLen(2), map("k", "v4"));
    }

    @Test
    void everyTypeSurvivesARestartAndARewrite() throws Exception {
        writeEveryType(jedis);
        Map<String, String> before = snapshot(jedis);
        assertEquals(Set.of("str", "counter", "list", "list2", "hash", "set", "set2", "set3", "inter", "union",
                "diff", "zset", "stream"), before.keySet());
        assertEquals("list [A, b, b2, d, x] @-1", before.get("list"));
        assertEquals("list [y] @-1", before.get("list2"));
        assertEquals("0.3", jedis.hget("hash", "fl"));
        long hashExpiry = jedis.pexpireTime("hash");
        assertTrue(hashExpiry > System.currentTimeMillis(), "the hash has a TTL");
        assertEquals(2, jedis.scard("set"));
        assertEquals(tuples("b", 0.5, "e", 0.5, "a", 3.25, "tie1", 3.25, "tie2", 3.25),
                jedis.zrangeWithScores("zset", 0, -1));
        assertEquals(2, jedis.xlen("stream"));
        jedis.close();
        kv.close();

        kv = Net.start(KvService.type(), "dir=" + dir);
        jedis = jedis(kv);
        assertEquals(before, snapshot(jedis), "the append-only file replays to the same data");
        assertEquals(hashExpiry, jedis.pexpireTime("hash"), "the same expiry instant, not a fresh TTL");

        assertEquals("Background append only file rewriting started", jedis.bgrewriteaof());
        ((KvService) kv).awaitRewrite();
        assertEquals(before, snapshot(jedis), "a rewrite changes no data");
        jedis.rpush("list", "after-rewrite");
        jedis.zadd("zset", 9.0, "after");
        Map<String, String> rewritten = snapshot(jedis);
        jedis.close();
        kv.close();

        kv = Net.start(KvService.type(), "dir=" + dir);
        jedis = jedis(kv);
        assertEquals(rewritten, snapshot(jedis), "the rewritten file and what followed it replay to the same data");
        assertEquals(hashExpiry, jedis.pexpireTime("hash"));
        assertEquals("list [A, b, b2, d, x, after-rewrite] @-1", snapshot(jedis).get("list"));
    }
}
