package dev.netloom.resp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * redis-cli's formatting, on reply trees built by hand, against what redis-cli 7.0.15 printed
 * for the same replies from redis-server 7 ({@code redis-cli --no-raw} and {@code --raw}, mostly
 * from EVAL scripts that return such trees); the splitting of typed lines against what
 * redis-cli's prompt made of them; the value reader and the command writer on wire bytes.
 */
class RespTest {

    private static final RespValue NIL = new RespValue.Nil(false);

    private static RespValue bulk(String s) {
        return new RespValue.Bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    private static RespValue array(RespValue... items) {
        return new RespValue.Array(List.of(items));
    }

    private static RespValue integer(long n) {
        return new RespValue.Int(n);
    }

    private static String raw(RespValue r) {
        return new String(RedisCliFormat.raw(r), StandardCharsets.UTF_8);
    }

    @Test
    void scalarsAsRedisCliPrintsThemOnATerminal() {
        assertEquals("OK\n", RedisCliFormat.format(new RespValue.Status("OK")));
        assertEquals("\"hello\"\n", RedisCliFormat.format(bulk("hello")));
        assertEquals("\"\"\n", RedisCliFormat.format(bulk("")));
        assertEquals("(nil)\n", RedisCliFormat.format(NIL));
        assertEquals("(nil)\n", RedisCliFormat.format(new RespValue.Nil(true)), "hiredis makes *-1 a nil too");
        assertEquals("(integer) 2\n", RedisCliFormat.format(integer(2)));
        assertEquals("(integer) -42\n", RedisCliFormat.format(integer(-42)));
        assertEquals("(error) ERR value is not an integer or out of range\n",
                RedisCliFormat.format(new RespValue.Error("ERR value is not an integer or out of range")));
        assertEquals("(empty array)\n", RedisCliFormat.format(array()));
    }

    @Test
    void bytesAreEscapedAsRedisCliEscapesThem() {
        // printf 'a\x01\x1b~ \x7f\x80\xff"\\\a\b\t\r\nz' | redis-cli -x set esc; redis-cli --no-raw get esc
        byte[] value = {'a', 1, 0x1b, '~', ' ', 0x7f, (byte) 0x80, (byte) 0xff, '"', '\\', 7, '\b', '\t', '\r', '\n', 'z'};
        assertEquals("\"a\\x01\\x1b~ \\x7f\\x80\\xff\\\"\\\\\\a\\b\\t\\r\\nz\"\n", RedisCliFormat.format(new RespValue.Bulk(value)));
        // redis-cli --no-raw echo é: UTF-8 is shown byte by byte
        assertEquals("\"\\xc3\\xa9\"\n", RedisCliFormat.format(bulk("é")));
        assertEquals("\"\\x00\"", RedisCliFormat.quote(new byte[] {0}));
    }

    @Test
    void nestedArraysAreNumberedAndIndentedAsRedisCliDoes() {
        // redis-cli --no-raw eval "return {1,'x',{2,{'a','b'},{}},{},'y',redis.call('get','nope'),'z'}" 0
        RespValue r = array(integer(1), bulk("x"), array(integer(2), array(bulk("a"), bulk("b")), array()), array(),
                bulk("y"), NIL, bulk("z"));
        assertEquals("""
                1) (integer) 1
                2) "x"
                3) 1) (integer) 2
                   2) 1) "a"
                      2) "b"
                   3) (empty array)
                4) (empty array)
                5) "y"
                6) (nil)
                7) "z"
                """, RedisCliFormat.format(r));
    }

    @Test
    void numbersAreRightAlignedToTheWidestInTheirArray() {
        // redis-cli --no-raw eval "return {1,2,3,4,5,6,7,8,9,10,{'a',{'b','c'}},12}" 0
        RespValue[] items = new RespValue[12];
        for (int i = 0; i < 12; i++) {
            items[i] = integer(i + 1);
        }
        items[10] = array(bulk("a"), array(bulk("b"), bulk("c")));
        assertEquals("""
                 1) (integer) 1
                 2) (integer) 2
                 3) (integer) 3
                 4) (integer) 4
                 5) (integer) 5
                 6) (integer) 6
                 7) (integer) 7
                 8) (integer) 8
                 9) (integer) 9
                10) (integer) 10
                11) 1) "a"
                    2) 1) "b"
                       2) "c"
                12) (integer) 12
                """, RedisCliFormat.format(array(items)));
    }

    @Test
    void errorsAndStatusesInsideAnArray() {
        // redis-cli --no-raw eval "return {1,redis.error_reply('E1 inner'),redis.status_reply('ST')}" 0
        assertEquals("1) (integer) 1\n2) (error) E1 inner\n3) ST\n",
                RedisCliFormat.format(array(integer(1), new RespValue.Error("E1 inner"), new RespValue.Status("ST"))));
    }

    @Test
    void rawPrintsValuesAsTheyAreOnePerLine() {
        // redis-cli --raw eval "return {1,'x',{2,{'a','b'},{}},{},'y'}" 0
        RespValue r = array(integer(1), bulk("x"), array(integer(2), array(bulk("a"), bulk("b")), array()), array(), bulk("y"));
        assertEquals("1\nx\n2\na\nb\n\n\ny\n", raw(r));
        assertEquals("OK\n", raw(new RespValue.Status("OK")));
        assertEquals("\n", raw(NIL), "redis-cli --raw get nope");
        assertEquals("\n", raw(array()), "redis-cli --raw keys 'zz*'");
        assertEquals("-4\n", raw(integer(-4)));
        assertEquals("ERR value is not an integer or out of range\n\n",
                raw(new RespValue.Error("ERR value is not an integer or out of range")), "redis-cli --raw incr a, on stdout");
        byte[] binary = {0, (byte) 0xff, '\n'};
        byte[] out = RedisCliFormat.raw(new RespValue.Bulk(binary));
        assertArrayEquals(new byte[] {0, (byte) 0xff, '\n', '\n'}, out);
    }

    @Test
    void typedLinesAreSplitAsRedisCliSplitsThem() {
        // each line typed at redis-cli's prompt, then the values read back with GET / ECHO
        assertEquals(List.of("set", "k", "aAb\n\"q\" x4"), words("set k \"a\\x41b\\n\\\"q\\\" \\x4\" "));
        assertEquals(List.of("set", "k2", "it's \\n"), words("set k2 'it\\'s \\n'"));
        assertEquals(List.of("get", "k3"), words("get   k3"));
        assertEquals(List.of("mget", "k", "k2", "nope"), words("  mget\tk k2 nope\r\n"));
        assertEquals(List.of("ab c"), words("a\"b c\""), "a quote may open inside a word");
        assertEquals(List.of("xZZ", "\u0007\b\t\r"), words("\"\\xZZ\" \"\\a\\b\\t\\r\""));
        assertEquals(List.of("a\u000bb"), words("\u000b a\u000bb"), "\\v separates only where isspace skips");
        assertEquals(List.of(), words(""));
        assertEquals(List.of(), words("   \t "));
        assertEquals(List.of("", "x"), words("\"\" 'x'"));
        List<byte[]> echo = RespArgs.split("ECHO \"é\\xc3\\xa9\"");
        assertArrayEquals(new byte[] {(byte) 0xc3, (byte) 0xa9, (byte) 0xc3, (byte) 0xa9}, echo.get(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"set k3 a\"b c\"d", "set k3 \"ab\"c", "set k4 \"x", "set 'x", "x 'a'b", "\"\\\""})
    void unbalancedQuotesAreRefusedAsRedisCliRefusesThem(String line) {
        // redis-cli answers each of these with "Invalid argument(s)"
        assertThrows(IllegalArgumentException.class, () -> RespArgs.split(line));
    }

    private static List<String> words(String line) {
        return RespArgs.split(line).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void requestsAreArraysOfBulkStrings() {
        byte[] wire = RespWriter.command(List.of(b("SET"), b("k"), b("a b"), new byte[0]));
        assertEquals("*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\na b\r\n$0\r\n\r\n", new String(wire, StandardCharsets.UTF_8));
    }

    @Test
    void repliesAreReadIntoATree() throws IOException {
        assertEquals(array(integer(1), NIL, new RespValue.Nil(true), array(bulk("a\r\nb"), new RespValue.Status("OK")),
                        new RespValue.Error("ERR x"), integer(-9_223_372_036_854_775_808L)),
                RespValueReader.parse(b("*6\r\n:1\r\n$-1\r\n*-1\r\n*2\r\n$4\r\na\r\nb\r\n+OK\r\n-ERR x\r\n:-9223372036854775808\r\n")));
        assertEquals(array(), RespValueReader.parse(b("*0\r\n")));
        assertEquals(bulk(""), RespValueReader.parse(b("$0\r\n\r\n")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"%1\r\n", "HTTP/1.1 400\r\n", ":12x\r\n", "$-2\r\n", "$3\r\nabcd\r\n", "*-5\r\n", "+OK\rX",
            "$536870913\r\n"})
    void malformedRepliesAreProtocolErrors(String wire) {
        assertThrows(ProtocolException.class, () -> RespValueReader.parse(b(wire)));
    }

    @Test
    void deepNestingAndCutRepliesAreRefused() {
        assertThrows(ProtocolException.class, () -> RespValueReader.parse(b("*1\r\n".repeat(600) + ":1\r\n")));
        assertThrows(EOFException.class, () -> RespValueReader.parse(b("*2\r\n:1\r\n")));
        assertThrows(EOFException.class, () -> RespValueReader.parse(b("$5\r\nab")));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
