package dev.netloom.core;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes, cut into reads of any sizes: the reader never fails, never returns a line over the
 * limit or with a line feed in it, and when no line was too long the lines and their terminators
 * put back together are exactly the input.
 */
class LineReaderFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void linesReassembleToTheInput(FuzzedDataProvider data) throws IOException {
        int maxLine = data.consumeInt(1, 64);
        long chunkSeed = data.consumeLong();
        byte[] input = data.consumeRemainingAsBytes();
        LineReader reader = new LineReader(chunked(input, chunkSeed), maxLine);
        ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
        boolean anyTooLong = false;
        while (reader.await()) {
            LineReader.Line line = reader.read();
            if (line == null) {
                break;
            }
            if (line.tooLong()) {
                anyTooLong = true;
                continue;
            }
            assertTrue(line.bytes().length <= maxLine, "line longer than the limit");
            for (byte b : line.bytes()) {
                assertTrue(b != '\n', "line feed inside a line");
            }
            rebuilt.write(line.bytes());
            rebuilt.write(line.terminator().getBytes(StandardCharsets.US_ASCII));
        }
        if (!anyTooLong) {
            assertArrayEquals(input, rebuilt.toByteArray());
        }
    }

    /** A stream handing out the input in pseudo-random pieces, as a network does. */
    private static InputStream chunked(byte[] input, long seed) {
        return new InputStream() {
            private final Random random = new Random(seed);
            private int pos;

            @Override
            public int read() {
                return pos < input.length ? input[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= input.length) {
                    return -1;
                }
                int n = Math.min(len, Math.min(input.length - pos, 1 + random.nextInt(16)));
                System.arraycopy(input, pos, b, off, n);
                pos += n;
                return n;
            }

            @Override
            public int available() {
                return Math.min(input.length - pos, random.nextInt(4));
            }

            @Override
            public String toString() {
                return Arrays.toString(input);
            }
        };
    }
}
