package dev.netloom.kv;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RESP request reader and the reply writer, on byte arrays. */
class RespReaderTest {

    /** A stream that hands out one byte per read, the worst a network can do. */
    static InputStream trickle(byte[] b) {
        return new InputStream() {
            int pos;

            @Override
            public int read() {
                return pos < b.length ? b[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] buf, int off, int len) {
                if (pos >= b.length) {
                    return -1;
                }
                buf[off] = b[pos++];
                return 1;
            }
        };
    }

    static List<List<String>> parse(String wire, boolean trickle) throws IOException {
        byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
        RespReader r = new RespReader(trickle ? trickle(b) : new ByteArrayInputStream(b), 1024 * 1024, 16);
        List<List<String>> out = new ArrayList<>();
        byte[][] argv;
        while ((argv = r.next()) != null) {
            List<String> words = new ArrayList<>();
            for (byte[] a : argv) {
                words.add(new String(a, StandardCharsets.ISO_8859_1));
            }
            out.add(words);
        }
        return out;
    }

    @Test
    void arraysAndInlineCommandsInOnePipeline() throws IOException {
        String wire = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$10\r\nwith\r\nCRLF\r\n" + "PING\r\n" + "\r\n" + "*0\r\n"
                + "  set  \"a b\"   'c\\'d'  \"\\x41\\n\" \n" + "*1\r\n$0\r\n\r\n"
                + "*2\r\n$4\r\nECHO\r\n$40\r\n" + "x".repeat(40) + "\r\n";
        List<List<String>> expected = List.of(List.of("SET", "key", "with\r\nCRLF"), List.of("PING"),
                List.of("set", "a b", "c'd", "A\n"), List.of(""), List.of("ECHO", "x".repeat(40)));
        assertEquals(expected, parse(wire, false));
        assertEquals(expected, parse(wire, true), "the same when every byte arrives alone");
    }

    @Test
    void bufferedTellsWhetherAnotherRequestIsWaiting() throws IOException {
        RespReader r = new RespReader(new ByteArrayInputStream("PING\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII)), 100);
        r.next();
        assertTrue(r.buffered());
        assertEquals(6, r.position());
        r.next();
        assertFalse(r.buffered());
        assertNull(r.next());
    }

    @Test
    void protocolErrorsHaveRedisTexts() {
        String[][] cases = {
                {"*abc\r\n", "Protocol error: invalid multibulk length"},
                {"*2\r\n+OK\r\n", "Protocol error: expected '$', got '+'"},
                {"*1\r\n$-1\r\n", "Protocol error: invalid bulk length"},
                {"*1\r\n$2000000\r\n", "Protocol error: invalid bulk length"},
                {"*1\r\n$x\r\n", "Protocol error: invalid bulk length"},
                {"SET \"a\r\n", "Protocol error: unbalanced quotes in request"},
                {"SET \"a\"b\r\n", "Protocol error: unbalanced quotes in request"},
                {"x".repeat(70_000), "Protocol error: too big inline request"},
                {"PING " + "x".repeat(70_000) + "\r\n", "Protocol error: too big inline request"},
                {"*" + "1".repeat(70_000), "Protocol error: too big mbulk count string"},
                {"*1\r\n$" + "1".repeat(70_000), "Protocol error: too big bulk count string"}};
        for (String[] c : cases) {
            RespException e = assertThrows(RespException.class, () -> parse(c[0], false), c[0]);
            assertEquals(c[1], e.getMessage());
        }
    }

    @Test
    void theEndOfTheStreamInsideARequestIsNotAClean() {
        for (String cut : List.of("*2\r\n$3\r\nGET\r\n", "*1\r\n$3\r\nGE", "*1\r\n", "PIN")) {
            assertThrows(EOFException.class, () -> parse(cut, false), cut);
        }
    }

    @Test
    void aFileMayHoldOnlyArraysWithCrlfAfterEachBulk() {
        RespReader inline = new RespReader(new ByteArrayInputStream("PING\r\n".getBytes(StandardCharsets.US_ASCII)),
                100, 16, true);
        assertEquals("Protocol error: expected '*', got 'P'", assertThrows(RespException.class, inline::next).getMessage());
        RespReader badEnd = new RespReader(new ByteArrayInputStream("*1\r\n$1\r\naXY".getBytes(StandardCharsets.US_ASCII)),
                100, 16, true);
        assertEquals("Protocol error: bulk string not followed by CRLF",
                assertThrows(RespException.class, badEnd::next).getMessage());
    }

    @Test
    void largeBulksAreReadStraightIntoTheirArray() throws IOException {
        byte[] big = new byte[1_000_000];
        new Random(1).nextBytes(big);
        byte[] head = ("*2\r\n$3\r\nSET\r\n$" + big.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] wire = new byte[head.length + big.length + 2];
        System.arraycopy(head, 0, wire, 0, head.length);
        System.arraycopy(big, 0, wire, head.length, big.length);
        wire[wire.length - 2] = '\r';
        wire[wire.length - 1] = '\n';
        byte[][] argv = new RespReader(new ByteArrayInputStream(wire), 2_000_000).next();
        assertArrayEquals(big, argv[1]);
    }

    @Test
    void aHugeAnnouncedBulkCostsOnlyWhatArrives() throws IOException {
        byte[] big = new byte[3_000_000];
        Arrays.fill(big, (byte) 'z');
        String head = "*1\r\n$" + big.length + "\r\n";
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write(head.getBytes(StandardCharsets.US_ASCII));
        wire.write(big);
        wire.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(big, new RespReader(trickleBy(wire.toByteArray(), 70_000), 512L << 20).next()[0]);
        // 400 MiB announced, 10 bytes sent: the reader never asks for more room than 2 MiB at a time
        // (a reader that allocated the announced size first would ask to read ~400 MiB into it)
        byte[] cut = ("*1\r\n$" + (400 << 20) + "\r\n0123456789").getBytes(StandardCharsets.US_ASCII);
        int[] largestAsk = {0};
        InputStream watched = new ByteArrayInputStream(cut) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                largestAsk[0] = Math.max(largestAsk[0], len);
                return super.read(b, off, len);
            }
        };
        assertThrows(EOFException.class, () -> new RespReader(watched, 512L << 20).next());
        assertTrue(largestAsk[0] <= 2 << 20, "asked to read " + largestAsk[0] + " bytes at once");
    }

    static InputStream trickleBy(byte[] b, int chunk) {
        return new ByteArrayInputStream(b) {
            @Override
            public synchronized int read(byte[] buf, int off, int len) {
                return super.read(buf, off, Math.min(len, chunk));
            }
        };
    }

    @Test
    void repliesAreRedisBytes() {
        Reply r = new Reply();
        r.ok();
        r.integer(-42);
        r.integer(Long.MIN_VALUE);
        r.bulk("héllo");
        r.nullBulk();
        r.array(2);
        r.bulk(1.5);
        r.bulk(3.0);
        r.array(0);
        r.nullArray();
        r.error("ERR bad\r\nline");
        assertEquals("+OK\r\n:-42\r\n:-9223372036854775808\r\n$6\r\nhéllo\r\n$-1\r\n*2\r\n$3\r\n1.5\r\n$1\r\n3\r\n*0\r\n*-1\r\n"
                + "-ERR bad  line\r\n", new String(r.take(), StandardCharsets.UTF_8));
    }

    @Test
    void numbersParseAsRedisDoes() {
        assertEquals(-12, Bytes.parseLong("-12".getBytes(), 0));
        assertEquals(Long.MIN_VALUE, Bytes.toLong("-9223372036854775808".getBytes()));
        for (String bad : List.of("", "+1", " 1", "1 ", "01", "-0", "9223372036854775808", "1.0", "-")) {
            assertThrows(KvError.class, () -> Bytes.toLong(bad.getBytes()), bad);
        }
        assertEquals("0.10000000000000001", new String(Bytes.of(0.1))); // Redis 7.0: %.17g
        assertEquals("1.5", new String(Bytes.of(1.5)));
        assertEquals("1.0000000000000001e-05", new String(Bytes.of(0.00001)));
        assertEquals("6.103515625e-05", new String(Bytes.of(0.00006103515625)));
        assertEquals("0.0001", new String(Bytes.of(0.0001)));
        assertEquals("1.2345678901234568e+17", new String(Bytes.of(123456789012345678.0)));
        assertEquals("1e+100", new String(Bytes.of(1e100)));
        assertEquals("-inf", new String(Bytes.of(Double.NEGATIVE_INFINITY)));
        assertNull(Bytes.parseDouble("nan".getBytes()));
        assertNull(Bytes.parseDouble(" 1".getBytes()));
    }

    @Test
    void globMatchesAsRedis() {
        assertTrue(Bytes.glob("h?llo".getBytes(), "hello".getBytes()));
        assertTrue(Bytes.glob("h*llo".getBytes(), "heeeello".getBytes()));
        assertTrue(Bytes.glob("h[ae]llo".getBytes(), "hallo".getBytes()));
        assertFalse(Bytes.glob("h[^e]llo".getBytes(), "hello".getBytes()));
        assertTrue(Bytes.glob("h[a-b]llo".getBytes(), "hbllo".getBytes()));
        assertTrue(Bytes.glob("a\\*b".getBytes(), "a*b".getBytes()));
        assertFalse(Bytes.glob("a\\*b".getBytes(), "axb".getBytes()));
        assertFalse(Bytes.glob("*a*a*a*a*a*a*a*a*a*b".getBytes(), "a".repeat(60).getBytes()));
    }
}
