package dev.netloom.kv;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The request parser on hostile input: any bytes, cut into reads of any sizes, end in requests, a
 * clean end, an end inside a request, or a protocol error; never another exception, never a
 * request with no arguments, never a loop without progress. And requests encoded as clients
 * encode them come back exactly, however the bytes are split.
 */
class RespReaderFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void anyBytesEndCleanly(FuzzedDataProvider data) {
        long seed = data.consumeLong();
        byte[] input = data.consumeRemainingAsBytes();
        RespReader r = new RespReader(chunked(input, seed), 4096, 16);
        try {
            long last = -1;
            byte[][] argv;
            while ((argv = r.next()) != null) {
                assertTrue(argv.length > 0, "empty requests are skipped");
                assertTrue(r.position() > last, "progress");
                last = r.position();
                assertTrue(r.position() <= input.length);
            }
        } catch (RespException | EOFException expected) {
            // a protocol error or a cut request: the connection ends, as it should
        } catch (IOException e) {
            throw new AssertionError("unexpected " + e, e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void encodedRequestsRoundTrip(FuzzedDataProvider data) throws IOException {
        long seed = data.consumeLong();
        List<byte[][]> requests = new ArrayList<>();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        int n = data.consumeInt(1, 8);
        for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
            int argc = data.consumeInt(1, 5);
            byte[][] argv = new byte[argc][];
            wire.write(("*" + argc + "\r\n").getBytes());
            for (int a = 0; a < argc; a++) {
                argv[a] = data.consumeBytes(data.consumeInt(0, 64));
                wire.write(("$" + argv[a].length + "\r\n").getBytes());
                wire.write(argv[a]);
                wire.write("\r\n".getBytes());
            }
            requests.add(argv);
        }
        RespReader r = new RespReader(chunked(wire.toByteArray(), seed), 4096, 16, true);
        for (byte[][] expected : requests) {
            byte[][] got = r.next();
            assertEquals(expected.length, got.length);
            for (int a = 0; a < expected.length; a++) {
                assertArrayEquals(expected[a], got[a]);
            }
        }
        assertEquals(null, r.next());
    }

    private static InputStream chunked(byte[] input, long seed) {
        Random random = new Random(seed);
        return new ByteArrayInputStream(input) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + random.nextInt(32)));
            }
        };
    }
}
