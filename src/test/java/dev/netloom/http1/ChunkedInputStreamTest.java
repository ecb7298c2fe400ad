package dev.netloom.http1;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chunked decoder on byte arrays: valid framings, malformed ones, and where it stops. */
class ChunkedInputStreamTest {

    /** \r, \n, \t and \xHH in the table stand for those bytes. */
    private static byte[] bytes(String table) {
        String s = table.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.startsWith("\\x", i)) {
                sb.append((char) Integer.parseInt(s.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                sb.append(s.charAt(i));
            }
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String decode(InputStream in) throws IOException {
        return new String(new ChunkedInputStream(in).readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "'5\\r\\nhello\\r\\n0\\r\\n\\r\\n'                                  | hello",
            "'5\\r\\nhello\\r\\n7\\r\\n, world\\r\\n0\\r\\n\\r\\n'               | 'hello, world'",
            "'A\\r\\n0123456789\\r\\n0\\r\\n\\r\\n'                             | 0123456789",
            "'a\\r\\n0123456789\\r\\n0\\r\\n\\r\\n'                             | 0123456789",
            "'0005\\r\\nhello\\r\\n000\\r\\n\\r\\n'                             | hello",
            "'00000000000000000005\\r\\nhello\\r\\n0\\r\\n\\r\\n'              | hello",
            "'5;name=value\\r\\nhello\\r\\n0;last\\r\\n\\r\\n'                  | hello",
            "'5 ; a=\"q;uoted\" ; b\\r\\nhello\\r\\n0\\r\\n\\r\\n'              | hello",
            "'5\\t;x\\r\\nhello\\r\\n0\\r\\n\\r\\n'                             | hello",
            "'5\\r\\nhello\\r\\n0\\r\\nExpires: 0\\r\\nX-Sum:abc\\r\\n\\r\\n'    | hello",
            "'4\\r\\n\\r\\n\\r\\n\\r\\n0\\r\\n\\r\\n'                            | '\\r\\n\\r\\n'",
            "'0\\r\\n\\r\\n'                                                    | ''",
            // malformed sizes
            "'x\\r\\nhello\\r\\n0\\r\\n\\r\\n'                                  | !ProtocolException",
            "'\\r\\nhello\\r\\n0\\r\\n\\r\\n'                                   | !ProtocolException",
            "'0x5\\r\\nhello\\r\\n0\\r\\n\\r\\n'                                | !ProtocolException",
            "'-5\\r\\nhello\\r\\n0\\r\\n\\r\\n'                                 | !ProtocolException",
            "'+5\\r\\nhello\\r\\n0\\r\\n\\r\\n'                                 | !ProtocolException",
            "' 5\\r\\nhello\\r\\n0\\r\\n\\r\\n'                                 | !ProtocolException",
            "'5 \\r\\nhello\\r\\n0\\r\\n\\r\\n'                                 | !ProtocolException",
            "'5x\\r\\nhello\\r\\n0\\r\\n\\r\\n'                                 | !ProtocolException",
            "'1000000000000000\\r\\n'                                           | !ProtocolException",
            "'ffffffffffffffff\\r\\n'                                           | !ProtocolException",
            "'5;a\\x01b\\r\\nhello\\r\\n0\\r\\n\\r\\n'                          | !ProtocolException",
            // line ends: CRLF only
            "'5\\nhello\\r\\n0\\r\\n\\r\\n'                                     | !ProtocolException",
            "'5\\rhello\\r\\n0\\r\\n\\r\\n'                                     | !ProtocolException",
            "'5\\r\\nhello\\n0\\r\\n\\r\\n'                                     | !ProtocolException",
            "'5\\r\\nhelloXY\\r\\n0\\r\\n\\r\\n'                                | !ProtocolException",
            "'5\\r\\nhello\\r\\n0\\n\\n'                                        | !ProtocolException",
            // trailers
            "'0\\r\\nNoColon\\r\\n\\r\\n'                                       | !ProtocolException",
            "'0\\r\\nA: 1\\r\\n continued\\r\\n\\r\\n'                          | !ProtocolException",
            "'0\\r\\nA : 1\\r\\n\\r\\n'                                         | !ProtocolException",
            "'0\\r\\n: 1\\r\\n\\r\\n'                                           | !ProtocolException",
            // cut short
            "''                                                                  | !EOFException",
            "'5\\r\\nhel'                                                        | !EOFException",
            "'5\\r\\nhello'                                                      | !EOFException",
            "'5\\r\\nhello\\r\\n'                                                | !EOFException",
            "'5\\r\\nhello\\r\\n0\\r\\n'                                         | !EOFException",
            "'5\\r\\nhello\\r\\n0\\r\\n\\r'                                      | !EOFException",
            "'5\\r'                                                              | !EOFException",
    })
    void decodes(String input, String expected) throws IOException {
        InputStream in = new ByteArrayInputStream(bytes(input));
        if (expected.startsWith("!")) {
            IOException e = assertThrows(IOException.class, () -> decode(in));
            assertEquals(expected.substring(1), e.getClass().getSimpleName(), e.toString());
        } else {
            assertEquals(new String(bytes(expected), StandardCharsets.ISO_8859_1), decode(in));
        }
    }

    @Test
    void stopsRightAfterTheChunkedBody() throws IOException {
        InputStream in = new ByteArrayInputStream(bytes("5\\r\\nhello\\r\\n0\\r\\nX: y\\r\\n\\r\\nHTTP/1.1 200 OK\\r\\n"));
        ChunkedInputStream chunked = new ChunkedInputStream(in);
        assertEquals("hello", new String(chunked.readAllBytes(), StandardCharsets.US_ASCII));
        assertTrue(chunked.finished());
        assertEquals(-1, chunked.read());
        assertEquals("HTTP/1.1 200 OK\r\n", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void readsByteByByteFromAStreamThatTrickles() throws IOException {
        byte[] data = new byte[3000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int off = 0, size = 1; off < data.length; size *= 3) { // chunks of 1, 3, 9, ... bytes
            int n = Math.min(size, data.length - off);
            wire.writeBytes((Integer.toHexString(n) + ";n=" + off + "\r\n").getBytes(StandardCharsets.US_ASCII));
            wire.write(data, off, n);
            wire.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            off += n;
        }
        wire.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] encoded = wire.toByteArray();
        InputStream trickle = new InputStream() {
            private int pos;

            @Override
            public int read() {
                return pos < encoded.length ? encoded[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int r = read();
                if (r >= 0) {
                    b[off] = (byte) r;
                    return 1;
                }
                return -1;
            }
        };
        ChunkedInputStream chunked = new ChunkedInputStream(trickle);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = chunked.read()) >= 0) {
            out.write(b);
        }
        assertArrayEquals(data, out.toByteArray());
    }

    @Test
    void sizeLineAndTrailersHaveLimits() {
        String longExtension = "5;" + "x".repeat(ChunkedInputStream.DEFAULT_MAX_LINE) + "\r\nhello\r\n0\r\n\r\n";
        ProtocolException line = assertThrows(ProtocolException.class,
                () -> decode(new ByteArrayInputStream(longExtension.getBytes(StandardCharsets.US_ASCII))));
        assertEquals("chunk-size line over 4096 bytes", line.getMessage());
        String trailers = "0\r\n" + "X-Filler: ".concat("y".repeat(100)).concat("\r\n").repeat(200) + "\r\n";
        ProtocolException trailer = assertThrows(ProtocolException.class,
                () -> decode(new ByteArrayInputStream(trailers.getBytes(StandardCharsets.US_ASCII))));
        assertEquals("trailer fields over 16384 bytes", trailer.getMessage());
        // just under both limits is fine
        String fits = "5;" + "x".repeat(ChunkedInputStream.DEFAULT_MAX_LINE - 2) + "\r\nhello\r\n0\r\n"
                + ("X: " + "y".repeat(95) + "\r\n").repeat(160) + "\r\n";
        assertEquals(4096, fits.indexOf('\r'));
        assertEquals("hello", assertDoesNotThrow(fits));
    }

    private static String assertDoesNotThrow(String wire) {
        try {
            return decode(new ByteArrayInputStream(wire.getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
