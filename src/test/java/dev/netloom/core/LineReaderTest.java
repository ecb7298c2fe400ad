package dev.netloom.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LineReaderTest {

    private static List<String> describe(String input, int max) throws IOException {
        LineReader r = new LineReader(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), max);
        List<String> out = new ArrayList<>();
        while (r.await()) {
            LineReader.Line l = r.read();
            if (l == null) {
                break;
            }
            out.add(l.tooLong() ? "<too long>" + esc(l.terminator()) : l.text() + "|" + esc(l.terminator()));
        }
        assertNull(r.read(), "nothing after the end");
        return out;
    }

    private static String esc(String t) {
        return t.replace("\r", "\\r").replace("\n", "\\n");
    }

    @ParameterizedTest(name = "{0} (max {1})")
    @CsvSource(delimiter = ';', value = {
            "a\\nb\\n; 10; a|\\n,b|\\n",
            "a\\r\\nb\\r\\n; 10; a|\\r\\n,b|\\r\\n",
            "tail; 10; tail|",
            "\\n\\n; 10; |\\n,|\\n",
            "12345\\n; 5; 12345|\\n",
            "12345\\r\\n; 5; 12345|\\r\\n",
            "123456\\nok\\n; 5; <too long>\\n,ok|\\n",
            "1234567890123\\r\\nok; 5; <too long>\\n,ok|",
            "a\\rb\\n; 10; a\rb|\\n",
            "123456; 5; <too long>",
    })
    void splitsLines(String input, int max, String expected) throws IOException {
        String in = input.replace("\\r", "\r").replace("\\n", "\n");
        assertEquals(List.of(expected.replace("\r", "\r").split(",")), describe(in, max));
    }

    @Test
    void longLinesAcrossManyReadsAreJoined() throws IOException {
        String line = "x".repeat(10_000);
        assertEquals(List.of(line + "|\\n", "y|\\n"), describe(line + "\ny\n", 10_000));
    }

    @Test
    void dropsItsBufferOnceEverythingIsConsumed() throws IOException {
        // a stream that hands out one byte per read, as a slow client does
        InputStream trickle = new InputStream() {
            private final byte[] data = "hi\n".getBytes(StandardCharsets.US_ASCII);
            private int i;

            @Override
            public int read() {
                return i < data.length ? data[i++] : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (i >= data.length) {
                    return -1;
                }
                b[off] = data[i++];
                return 1;
            }
        };
        LineReader r = new LineReader(trickle, 100);
        assertTrue(r.await());
        assertEquals("hi", r.read().text());
        assertFalse(r.hasBuffered());
        assertFalse(r.await());
    }
}
