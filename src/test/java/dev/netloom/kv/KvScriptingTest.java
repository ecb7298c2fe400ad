package dev.netloom.kv;

import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.LibraryInfo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lua scripting over real sockets with Jedis: the conversions both ways, errors as Redis 7.0
 * words them, the sandbox, cjson and bit, the script cache, read-only scripts, atomicity, the
 * time limit with BUSY and SCRIPT KILL, and a script's effects in the AOF across a restart; and
 * functions ({@link Functions}).
 * Texts and results are those of Redis 7.0.15's tests/unit/scripting.tcl where it has them.
 */
class KvScriptingTest {

    private static Service kv;
    private Jedis j;

    @BeforeAll
    static void startKv() {
        kv = Net.start(KvService.type(), "appendonly=false", "busy-reply-threshold=100ms");
    }

    @AfterAll
    static void stopKv() {
        kv.close();
    }

    @BeforeEach
    void connect() {
        j = jedis(kv);
        j.flushAll();
    }

    private static Jedis jedis(Service s) {
        return new Jedis(s.address().getHostString(), s.address().getPort(), 10_000);
    }

    private Object eval(String script, String... keysThenArgs) {
        return j.eval(script, 0, keysThenArgs);
    }

    private String error(String script, int keys, String... params) {
        return assertThrows(JedisDataException.class, () -> j.eval(script, keys, params)).getMessage();
    }

    @Test
    void luaValuesBecomeReplies() {
        assertEquals("hello", eval("return 'hello'"));
        assertEquals(100L, eval("return 100.5"));
        assertEquals(-3L, eval("return -3.9"));
        assertEquals(1L, eval("return true"));
        assertNull(eval("return false"));
        assertNull(eval("return nil"));
        assertEquals("fine", eval("return {ok='fine'}"));
        assertEquals("ERR this is an error", error("return {err='ERR this is an error'}", 0));
        assertEquals(List.of(1L, 2L, 3L, "ciao", List.of(1L, 2L)), eval("return {1,2,3,'ciao',{1,2}}"));
        assertEquals(List.of(1L, 2L), eval("return {1,2,nil,4}"), "the array stops at the first nil");
        assertEquals(List.of(), eval("return _G"), "a table without an array part");
        assertEquals(List.of(), eval("local a = {}; setmetatable(a,{__index=function() redis.call('set','x','1') end}) return a"));
        assertNull(j.get("x"), "no metamethod runs while the result is converted");
        assertEquals("MY_ERR_CODE custom msg", error("return redis.error_reply('MY_ERR_CODE custom msg')", 0));
        assertEquals("MY_OK", eval("return redis.status_reply('MY_OK')"));
        assertEquals("hello", eval("return 'hello' --trailing comment"));
    }

    @Test
    void repliesBecomeLuaValues() {
        j.set("x", "0");
        assertEquals(List.of("number", 1L), j.eval("local foo = redis.pcall('incr',KEYS[1]) return {type(foo),foo}", 1, "x"));
        j.set("s", "myval");
        assertEquals(List.of("string", "myval"), j.eval("local foo = redis.call('get',KEYS[1]) return {type(foo),foo}", 1, "s"));
        j.rpush("l", "a", "b", "c");
        assertEquals(List.of("table", "a", "b", "c", 3L),
                j.eval("local foo = redis.call('lrange',KEYS[1],0,-1) return {type(foo),foo[1],foo[2],foo[3],#foo}", 1, "l"));
        assertEquals(List.of("table", "OK"), j.eval("local foo = redis.pcall('set',KEYS[1],'v') return {type(foo),foo['ok']}", 1, "k"));
        assertEquals(List.of("table", "ERR value is not an integer or out of range"),
                j.eval("local foo = redis.pcall('incr',KEYS[1]) return {type(foo),foo['err']}", 1, "s"));
        assertEquals(List.of("boolean", 1L), j.eval("local foo = redis.call('get',KEYS[1]) return {type(foo),foo == false}", 1, "nope"));
        // numbers passed to redis.call are written with %.17g, strings as they are
        assertEquals("9007199254740991", eval("redis.call('set','n',9007199254740991) return redis.call('get','n')"));
        assertEquals("0.10000000000000001", eval("redis.call('set','n',0.1) return redis.call('get','n')"));
        assertEquals("12039611435714932082", eval("redis.call('set','n','12039611435714932082') return redis.call('get','n')"));
    }

    @Test
    void keysArgvAndTheScriptCache() {
        assertEquals(List.of("a", "b", "c", "d"), j.eval("return {KEYS[1],KEYS[2],ARGV[1],ARGV[2]}", 2, "a", "b", "c", "d"));
        j.set("mykey", "myval");
        assertEquals("myval", j.eval("return redis.call('get',KEYS[1])", 1, "mykey"));
        assertEquals("myval", j.evalsha("fd758d1589d044dd850a6f05d52f2eefd27f033f", 1, "mykey"));
        assertEquals("myval", j.evalsha("FD758D1589D044DD850A6F05D52F2EEFD27F033F", 1, "mykey"));
        assertTrue(assertThrows(JedisDataException.class, () -> j.evalsha("NotValidShaSUM", 0)).getMessage()
                .startsWith("NOSCRIPT No matching script. Please use EVAL."));
        assertEquals("b534286061d4b9e4026607613b95c06c06015ae8", j.scriptLoad("return 'loaded'"));
        assertEquals("loaded", j.evalsha("b534286061d4b9e4026607613b95c06c06015ae8", 0));
        j.eval("return 1+1", 0);
        assertEquals(List.of(true, false), j.scriptExists("a27e7e8a43702b7046d4f6a7ccf5b60cef6b9bd9",
                "a27e7e8a43702b7046d4f6a7ccf5b60cef6b9bda"));
        assertEquals("OK", j.scriptFlush());
        assertThrows(JedisDataException.class, () -> j.evalsha("fd758d1589d044dd850a6f05d52f2eefd27f033f", 1, "mykey"));
        assertEquals("ERR Number of keys can't be negative", assertThrows(JedisDataException.class,
                () -> j.sendCommand(Protocol.Command.EVAL, "return 'hello'", "-12")).getMessage());
        assertEquals("ERR Number of keys can't be greater than number of args", error("return 1", 3, "a"));
        assertTrue(error("return 'x", 0).startsWith("ERR Error compiling script (new function): "));
    }

    @Test
    void errorsAsRedisWordsThem() {
        String sha = LuaScripts.sha1hex("redis.call('nosuchcommand')".getBytes(StandardCharsets.UTF_8));
        assertEquals("ERR Unknown Redis command called from script script: " + sha + ", on @user_script:1.",
                error("redis.call('nosuchcommand')", 0));
        assertTrue(error("redis.call('get','a','b','c')", 0).startsWith("ERR Wrong number of args calling Redis command from script"));
        j.set("foo", "bar");
        assertTrue(error("redis.call('lpush',KEYS[1],'val')", 1, "foo")
                .startsWith("WRONGTYPE Operation against a key holding the wrong kind of value script: "));
        assertTrue(error("return redis.call()", 0).contains("one argument"));
        assertTrue(error("return redis.call('ping', {})", 0).startsWith("ERR Lua redis lib command arguments must be strings or integers"));
        assertEquals("asdf", eval("return redis.call('ping', 'asdf')"));
        assertTrue(error("\nerror('boom')", 0).startsWith("ERR user_script:2: boom script: "), "the line of the script");
        assertTrue(error("redis.sha1hex()", 0).contains("wrong number"));
        assertTrue(error("return redis.call('client','list')", 0).contains("This Redis command is not allowed from script"));
        assertTrue(error("return redis.call('eval','return 1','0')", 0).contains("not allowed"));
        assertEquals("status: true result: 1",
                eval("local status, res = pcall(function() return 1 end); return 'status: ' .. tostring(status) .. ' result: ' .. res"));
        assertEquals("status: false result: user_script:1: Script attempted to access nonexistent global variable 'foo'",
                eval("local status, res = pcall(function() return foo end); return 'status: ' .. tostring(status) .. ' result: ' .. res"));
        assertEquals("ERR Unknown Redis command called from script",
                eval("local ok, e = pcall(function() redis.call('nosuchcommand') end) return e"),
                "pcall gives redis.call's error as its text");
    }

    @Test
    void theSandbox() {
        assertTrue(error("return a", 0).matches("ERR user_script:1: Script attempted to access nonexistent global variable 'a'.*"));
        for (String trick : List.of("a=10", "setmetatable(_G, {})", "local g = getmetatable(_G) g.__index = {}",
                "redis = function() return 1 end", "_G = {}", "redis.call = function() return 1 end",
                "cjson.encode = function() return 1 end", "bit.lshift = function() return 1 end",
                "string.rep = nil", "getmetatable('').__index = {}", "table.insert(string, 1)")) {
            assertTrue(error(trick, 0).contains("Attempt to modify a readonly table"), trick);
        }
        for (String gone : List.of("loadfile", "dofile", "print", "require", "os", "io", "debug", "package")) {
            assertTrue(error(gone + "('x')", 0).contains("Script attempted to access nonexistent global variable '" + gone + "'"), gone);
        }
        assertTrue(error("return loadstring(string.dump(function() return 1 end))()", 0).contains("attempt to call a nil value"));
        assertEquals(3L, eval("return loadstring('return 1 + 2')()"));
        assertEquals(List.of(1L, 2L), eval("return {unpack({1, 2})}"));
        assertEquals("Lua 5.1", eval("return _VERSION"));
        assertEquals("X", eval("return ('x'):upper()"));
    }

    @Test
    void librariesAndNumbers() {
        assertEquals("0 -5000 -1 0.0003 1023.2 0", eval("return table.concat(cjson.decode('[0.0, -5e3, -1, 0.3e-3, 1023.2, 0e10]'), ' ')"));
        assertEquals(List.of("a", "b"), eval("local d = cjson.decode('{\"keya\": \"a\", \"keyb\": \"b\"}') return {d.keya, d.keyb}"));
        assertEquals("{\"s\":\"x\\/y\\\"\",\"n\":[1,2.5,true,null]}",
                eval("return cjson.encode({s='x/y\"', n={1,2.5,true,cjson.null}})").toString()
                        .replaceFirst("^\\{(\"n\":\\[[^]]*]),(\"s\":\"[^}]*\")}$", "{$2,$1}"));
        assertEquals(1L, eval("local t = {a={1,2,{b='c'}}, d='e'} local r = cjson.decode(cjson.encode(t))"
                + " return (r.a[3].b == 'c' and r.d == 'e' and #r.a == 3) and 1 or 0"));
        assertTrue(error("return cjson.encode({[false]='x'})", 0).contains("table key must be a number or string"));
        assertTrue(error("return cjson.encode({n=0/0})", 0).contains("must not be NaN or Inf"));
        assertTrue(error("return cjson.decode('{\"a\": [1,')", 0).startsWith("ERR "));
        assertEquals(1L, eval("assert(bit.tobit(1) == 1); assert(bit.band(1) == 1); assert(bit.bxor(1,2) == 3);"
                + " assert(bit.bor(1,2,4,8,16,32,64,128) == 255); assert(bit.bnot(0) == -1);"
                + " assert(bit.tohex(255, 4) == '00ff'); assert(bit.lshift(1, 31) == -2147483648) return 1"));
        assertEquals(List.of("da39a3ee5e6b4b0d3255bfef95601890afd80709", "74822d82031af7493c20eefa13bd07ec4fada82f"),
                eval("return {redis.sha1hex(''), redis.sha1hex('Pizza & Mandolino')}"));
        assertEquals("0.1 1e+100 0.0003 3.14 007 ff 1.5",
                eval("return tostring(0.1) .. ' ' .. tostring(1e100) .. ' ' .. tostring(0.0003) .. ' '"
                        + " .. string.format('%.2f %03d %x %s', 3.14159, 7, 255, 1.5)"));
        assertEquals("same", eval("math.randomseed(10) local a = math.random() math.randomseed(10)"
                + " return a == math.random() and 'same' or 'different'"));
        assertEquals(List.of(4L, 3L, 2L, 2L, 2L), decrIfGtFiveTimes());
    }

    /** Redis's example script DECR_IF_GT, five times from 5 with 2 (strings compared, as in the suite). */
    private List<Object> decrIfGtFiveTimes() {
        String script = "local current = redis.call('get',KEYS[1]) if not current then return nil end"
                + " if current > ARGV[1] then return redis.call('decr',KEYS[1]) else return redis.call('get',KEYS[1]) end";
        j.set("foo", "5");
        Object[] r = new Object[5];
        for (int i = 0; i < 5; i++) {
            Object v = j.eval(script, 1, "foo", "2");
            r[i] = v instanceof String s ? Long.valueOf(s) : v;
        }
        return Arrays.asList(r);
    }

    @Test
    void readOnlyScripts() {
        j.set("foo", "bar");
        assertEquals("bar", j.evalReadonly("return redis.call('get', KEYS[1])", List.of("foo"), List.of()));
        String e = assertThrows(JedisDataException.class,
                () -> j.evalReadonly("redis.call('del', KEYS[1])", List.of("foo"), List.of())).getMessage();
        assertTrue(e.startsWith("ERR Write commands are not allowed from read-only scripts."), e);
        assertTrue(error("#!lua flags=no-writes\nredis.call('set','x',1) return 1", 0)
                .startsWith("ERR Write commands are not allowed from read-only scripts"));
        assertEquals(1L, eval("#!lua\nreturn 1"));
        assertTrue(error("#!not-lua\nreturn 1", 0).contains("Unexpected engine in script shebang"));
        assertTrue(error("#!lua badger=data\nreturn 1", 0).contains("Unknown lua shebang option"));
        assertTrue(error("#!lua flags=allow-oom,what?\nreturn 1", 0).contains("Unexpected flag in script shebang"));
        e = assertThrows(JedisDataException.class,
                () -> j.evalReadonly("#!lua\nreturn 1", List.of(), List.of())).getMessage();
        assertEquals("ERR Can not execute a script with write flag using *_ro command.", e);
        assertEquals("bar", j.get("foo"));
    }

    @Test
    void anotherClientNeverSeesHalfAScript() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Jedis reader = jedis(kv)) {
            Future<Integer> reads = pool.submit(() -> {
                int n = 0;
                while (!done.get()) {
                    List<String> v;
                    try {
                        v = reader.mget("a", "b");
                    } catch (JedisBusyException e) {
                        continue; // a script past the 100 ms limit on a slow machine: BUSY, as Redis answers
                    }
                    assertEquals(v.get(0), v.get(1), "a and b move together inside one script");
                    n++;
                }
                return n;
            });
            for (int i = 0; i < 30; i++) {
                j.eval("for i = 1, 200 do redis.call('incr', 'a') redis.call('incr', 'b') end", 0);
            }
            done.set(true);
            assertTrue(reads.get(10, TimeUnit.SECONDS) > 0);
            assertEquals("6000", j.get("b"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBusyScriptIsKilledBySCRIPTKILL() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Jedis runner = jedis(kv)) {
            Future<String> run = pool.submit(() -> assertThrows(JedisDataException.class,
                    () -> runner.eval("local f = function() while 1 do redis.call('ping') end end while 1 do pcall(f) end", 0))
                    .getMessage());
            await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> busy(j));
            assertEquals("OK", j.scriptKill());
            assertTrue(run.get(5, TimeUnit.SECONDS).contains("Script killed by user with SCRIPT KILL"));
            assertEquals("PONG", j.ping());
            assertTrue(assertThrows(JedisDataException.class, j::scriptKill).getMessage()
                    .startsWith("NOTBUSY No scripts in execution right now."));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aScriptThatWroteCannotBeKilled() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Jedis runner = jedis(kv)) {
            // writes, then runs for 1.5 s by the server's clock, then ends by itself
            Future<Object> run = pool.submit(() -> runner.eval("redis.call('set', KEYS[1], 'y')"
                    + " local function now() local t = redis.call('time') return t[1] * 1000000 + t[2] end"
                    + " local start = now() while now() - start < 1500000 do end return 'done'", 1, "x"));
            await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> run.isDone() || busy(j));
            assertFalse(run.isDone(), () -> "the script ended before it was busy: " + result(run));
            assertTrue(assertThrows(JedisDataException.class, j::scriptKill).getMessage().startsWith("UNKILLABLE Sorry"));
            assertEquals("done", run.get(10, TimeUnit.SECONDS));
            assertEquals("y", j.get("x"));
        } finally {
            pool.shutdownNow();
        }
    }

    private static String result(Future<?> f) {
        try {
            return String.valueOf(f.get());
        } catch (Exception e) {
            return e.toString();
        }
    }

    /**
     * Whether a command gets BUSY. Asked only once the script is past its limit (the poll delay):
     * a command that came before waits for the lock until the script ends, BUSY or not.
     */
    private static boolean busy(Jedis j) {
        try {
            j.ping();
            return false;
        } catch (JedisDataException e) {
            assertEquals("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", e.getMessage());
            return true;
        }
    }

    @Test
    void overMaxmemoryAScriptMayNotGrowTheData() {
        j.set("x", "123");
        j.configSet("maxmemory", "1");
        try {
            assertTrue(error("redis.call('set','x',1) return 1", 1, "x")
                    .startsWith("OOM command not allowed when used memory > 'maxmemory'."));
            assertEquals("123", j.eval("return redis.call('get','x')", 1, "x"));
            assertEquals("OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'",
                    error("#!lua flags=\nreturn 1", 0));
            assertEquals(1L, j.eval("#!lua flags=no-writes\nreturn 1", 0));
            assertEquals("OK", j.eval("#!lua flags=allow-oom\nreturn redis.call('set','x','2')", 1, "x"));
        } finally {
            j.configSet("maxmemory", "0");
        }
        assertEquals("2", j.get("x"));
    }

    @Test
    void theTimeLimitIsAKvSetting() {
        assertEquals(Map.of("busy-reply-threshold", "100"), j.configGet("busy-reply-threshold"));
        assertEquals(Map.of("lua-time-limit", "100"), j.configGet("lua-time-limit"));
    }

    @Test
    void aScriptsEffectsAreLoggedAndReplayed(@TempDir Path dir) throws Exception {
        try (Service s = Net.start(KvService.type(), "dir=" + dir, "appendfsync=always"); Jedis c = jedis(s)) {
            assertEquals("2", c.eval("redis.call('set','a','1') redis.call('incr','a') redis.call('rpush','l','x','y')"
                    + " redis.call('expire','a',100) return redis.call('get','a')", 0));
            c.eval("redis.call('set', 'single', 'v')", 0);
            c.eval("return redis.call('get', 'single')", 0); // reads log nothing
        }
        String aof = Files.readString(dir.resolve(Aof.FILE), StandardCharsets.ISO_8859_1);
        assertTrue(aof.startsWith("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*1\r\n$5\r\nMULTI\r\n"), aof);
        assertTrue(aof.contains("*1\r\n$4\r\nEXEC\r\n*3\r\n$3\r\nSET\r\n$6\r\nsingle\r\n$1\r\nv\r\n"), "one write: no MULTI");
        assertFalse(aof.toLowerCase().contains("eval"), "effects, not the script");
        // a crash that cut a unit before its EXEC: the unit is dropped whole
        Files.writeString(dir.resolve(Aof.FILE), "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nz\r\n$1\r\n1\r\n",
                StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
        try (Service s = Net.start(KvService.type(), "dir=" + dir); Jedis c = jedis(s)) {
            assertEquals("2", c.get("a"));
            assertEquals(List.of("x", "y"), c.lrange("l", 0, -1));
            assertTrue(c.ttl("a") > 90);
            assertEquals("v", c.get("single"));
            assertNull(c.get("z"));
        }
    }

    /**
     * Redis 7.0's functions: FUNCTION LOAD (and its errors), FCALL and FCALL_RO, LIST, DELETE,
     * FLUSH, STATS and KILL, and libraries restored from the AOF after a restart and a rewrite.
     * Texts are those of Redis 7.0.15 (tests/unit/functions.tcl).
     */
    @Nested
    class Functions {

        private static final String LIB = """
                #!lua name=mylib
                redis.register_function('setter', function(KEYS, ARGV) return redis.call('set', KEYS[1], ARGV[1]) end)
                redis.register_function{function_name='getter', description='reads',
                    callback=function(KEYS, ARGV) return redis.call('get', KEYS[1]) end, flags={'no-writes'}}
                """;

        @BeforeEach
        void flushFunctions() {
            j.functionFlush();
        }

        private String loadError(String code) {
            return assertThrows(JedisDataException.class, () -> j.functionLoad(code)).getMessage();
        }

        @Test
        void loadCallAndReadOnlyCall() {
            assertEquals("mylib", j.functionLoad(LIB));
            assertEquals("OK", j.fcall("setter", List.of("k"), List.of("v")));
            assertEquals("v", j.fcallReadonly("getter", List.of("k"), List.of()));
            assertEquals("v", j.fcall("getter", List.of("k"), List.of()));
            assertEquals("ERR Can not execute a script with write flag using *_ro command.", assertThrows(
                    JedisDataException.class, () -> j.fcallReadonly("setter", List.of("k"), List.of("w"))).getMessage());
            assertEquals("v", j.get("k"));
            assertEquals("ERR Library 'mylib' already exists", loadError(LIB));
            assertEquals("ERR Function not found",
                    assertThrows(JedisDataException.class, () -> j.fcall("nosuch", List.of(), List.of())).getMessage());
            // the arguments arrive as the callback's two parameters, not as globals
            assertEquals("mylib", j.functionLoadReplace("#!lua name=mylib\n"
                    + "redis.register_function('echo', function(keys, args) return {#keys, keys[1], args[1]} end)"));
            assertEquals(List.of(1L, "a", "b"), j.fcall("echo", List.of("a"), List.of("b")));
            assertTrue(assertThrows(JedisDataException.class, () -> j.fcall("setter", List.of("k"), List.of("v")))
                    .getMessage().startsWith("ERR Function not found"), "REPLACE dropped the old functions");
        }

        @Test
        void loadErrorsAsRedisWordsThem() {
            assertEquals("ERR Missing library metadata", loadError("return 1"));
            assertEquals("ERR Library name was not given", loadError("#!lua\nreturn 1"));
            assertEquals("ERR Invalid metadata value given: foo=bar", loadError("#!lua name=x foo=bar\nreturn 1"));
            assertEquals("ERR Engine 'js' not found", loadError("#!js name=x\nreturn 1"));
            assertEquals("ERR No functions registered", loadError("#!lua name=x\nlocal a = 1"));
            assertTrue(loadError("#!lua name=x\nreturn redis.call('ping')")
                    .endsWith("attempted to access nonexistent global variable 'call'"));
            assertTrue(loadError("#!lua name=x\nreturn math.random()")
                    .endsWith("attempted to access nonexistent global variable 'math'"));
            assertEquals("ERR Error registering functions: ERR unknown flag given", loadError(
                    "#!lua name=x\nredis.register_function{function_name='f', callback=function() end, flags={'bad'}}"));
            assertTrue(loadError("#!lua name=x\nwhile true do end").endsWith("FUNCTION LOAD timeout"));
            j.functionLoad("#!lua name=one\nredis.register_function('f', function() return 1 end)");
            assertEquals("ERR Function f already exists",
                    loadError("#!lua name=two\nredis.register_function('f', function() return 2 end)"));
            // the sandbox of EVAL applies: no new globals
            j.functionLoad("#!lua name=g\nredis.register_function('g', function() a = 1 end)");
            String e = assertThrows(JedisDataException.class, () -> j.fcall("g", List.of(), List.of())).getMessage();
            assertEquals("ERR user_function:2: Attempt to modify a readonly table script: g, on @user_function:2.", e);
        }

        @Test
        void listDeleteFlushAndStats() {
            j.functionLoad(LIB);
            j.functionLoad("#!lua name=other\nredis.register_function('o', function() return 1 end)");
            List<LibraryInfo> all = j.functionList();
            assertEquals(List.of("mylib", "other"), all.stream().map(LibraryInfo::getLibraryName).toList());
            LibraryInfo mylib = j.functionListWithCode("my*").get(0);
            assertEquals(LIB, mylib.getLibraryCode());
            assertEquals("LUA", mylib.getEngine());
            Map<String, Object> getter = mylib.getFunctions().get(1);
            assertEquals("getter", getter.get("name"));
            assertEquals("reads", getter.get("description"));
            assertEquals(List.of("no-writes"), getter.get("flags"));
            assertNull(mylib.getFunctions().get(0).get("description"));
            Map<String, Object> stats = j.functionStats().getEngines().get("LUA");
            assertEquals(2L, stats.get("libraries_count"));
            assertEquals(3L, stats.get("functions_count"));
            assertEquals("OK", j.functionDelete("mylib"));
            assertEquals("ERR Library not found",
                    assertThrows(JedisDataException.class, () -> j.functionDelete("mylib")).getMessage());
            assertEquals(1, j.functionList().size());
            assertEquals("OK", j.functionFlush());
            assertEquals(0, j.functionList().size());
        }

        @Test
        void functionKillStopsABusyFunction() throws Exception {
            j.functionLoad("#!lua name=busy\nredis.register_function('spin', function() while true do end end)");
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try (Jedis runner = jedis(kv)) {
                Future<String> run = pool.submit(() -> assertThrows(JedisDataException.class,
                        () -> runner.fcall("spin", List.of(), List.of())).getMessage());
                // asked only once past the 100 ms limit: a command sent before waits for the lock until the end
                await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(10)).until(() -> {
                    try {
                        j.ping();
                        return false;
                    } catch (JedisDataException e) {
                        return e.getMessage().startsWith("BUSY") && e.getMessage().contains("FUNCTION KILL");
                    }
                });
                assertEquals("spin", j.functionStats().getRunningScript().get("name"));
                assertTrue(assertThrows(JedisDataException.class, j::scriptKill).getMessage().startsWith("BUSY"));
                assertEquals("OK", j.functionKill());
                assertTrue(run.get(10, TimeUnit.SECONDS).contains("Script killed by user with FUNCTION KILL"));
                assertEquals("PONG", j.ping());
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        void librariesComeBackFromTheAof(@TempDir Path dir) throws Exception {
            try (Service s = Net.start(KvService.type(), "dir=" + dir); Jedis c = jedis(s)) {
                c.functionLoad(LIB);
                c.functionLoad("#!lua name=gone\nredis.register_function('gone', function() return 1 end)");
                c.functionDelete("gone");
                c.fcall("setter", List.of("k"), List.of("v"));
            }
            String aof = Files.readString(dir.resolve(Aof.FILE), StandardCharsets.ISO_8859_1);
            assertTrue(aof.contains("FUNCTION\r\n$4\r\nLOAD"), aof);
            try (Service s = Net.start(KvService.type(), "dir=" + dir); Jedis c = jedis(s)) {
                assertEquals(List.of("mylib"), c.functionList().stream().map(LibraryInfo::getLibraryName).toList());
                assertEquals("v", c.fcallReadonly("getter", List.of("k"), List.of()));
                c.bgrewriteaof();
                ((KvService) s).awaitRewrite();
            }
            String rewritten = Files.readString(dir.resolve(Aof.FILE), StandardCharsets.ISO_8859_1);
            assertTrue(rewritten.startsWith("*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n"), rewritten);
            try (Service s = Net.start(KvService.type(), "dir=" + dir); Jedis c = jedis(s)) {
                assertEquals("v", c.fcall("getter", List.of("k"), List.of()));
            }
        }
    }
}
