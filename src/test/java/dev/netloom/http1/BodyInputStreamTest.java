package dev.netloom.http1;

import dev.netloom.core.DataReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Response framing (RFC 9112 §6.3) and bodies read through a HeadReader, on byte arrays. */
class BodyInputStreamTest {

    private static HeadReader reader(String wire) {
        return new HeadReader(new DataReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)), 4096), 8192, 65536, 100);
    }

    @ParameterizedTest(name = "{0} (HEAD: {1}) -> {2}")
    @CsvSource(delimiter = '|', value = {
            "200 OK\\r\\nContent-Length: 5                                | false | 5",
            "200 OK\\r\\nContent-Length: 5                                | true  | 0",
            "200 OK\\r\\nContent-Length: 5, 5                             | false | 5",
            "200 OK\\r\\nContent-Length: 5\\r\\nContent-Length: 5         | false | 5",
            "200 OK\\r\\nContent-Length: 0                                | false | 0",
            "204 No Content\\r\\nContent-Length: 5                        | false | 0",
            "304 Not Modified\\r\\nContent-Length: 5                      | false | 0",
            "103 Early Hints\\r\\nLink: </a.css>                          | false | 0",
            "200 OK\\r\\nTransfer-Encoding: chunked                       | false | -1",
            "200 OK\\r\\nTransfer-Encoding: Chunked                       | false | -1",
            "200 OK\\r\\nTransfer-Encoding: gzip, chunked                 | false | -1",
            "200 OK\\r\\nTransfer-Encoding: gzip\\r\\nTransfer-Encoding: chunked | false | -1",
            "200 OK\\r\\nTransfer-Encoding: chunked, gzip                 | false | -2",
            "200 OK\\r\\nTransfer-Encoding: chunked                       | true  | 0",
            "200 OK\\r\\nContent-Type: text/plain                         | false | -2",
            "404 Not Found\\r\\nServer: x                                 | false | -2",
            "200 OK\\r\\nContent-Length: 5, 6                             | false | !502",
            "200 OK\\r\\nContent-Length: 5\\r\\nContent-Length: 6         | false | !502",
            "200 OK\\r\\nContent-Length: -1                               | false | !502",
            "200 OK\\r\\nContent-Length: 0x10                             | false | !502",
            "200 OK\\r\\nContent-Length: 5\\r\\nTransfer-Encoding: chunked | false | !502",
    })
    void framesResponses(String head, boolean toHead, String expected) throws Exception {
        MessageHead h = reader("HTTP/1.1 " + head.replace("\\r\\n", "\r\n") + "\r\n\r\n").readResponse(0);
        if (expected.startsWith("!")) {
            HttpException e = assertThrows(HttpException.class, () -> h.responseBodyLength(toHead));
            assertEquals(Integer.parseInt(expected.substring(1)), e.status());
        } else {
            assertEquals(Long.parseLong(expected), h.responseBodyLength(toHead));
        }
    }

    @Test
    void readsBodiesOfSeveralResponsesOnOneConnection() throws Exception {
        HeadReader r = reader("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n"
                + "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n"
                + "HTTP/1.0 200 OK\r\n\r\nuntil the end\r\n");
        assertEquals(List.of("hello", "abcde", "", "until the end\r\n"),
                List.of(next(r), next(r), next(r), next(r)));
        assertEquals(0, r.buffered());
    }

    private static String next(HeadReader r) throws Exception {
        MessageHead h = r.readResponse(0);
        try (InputStream body = BodyInputStream.open(r, h.responseBodyLength(false))) {
            return new String(body.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aBodyShorterThanItsLengthIsAnError() throws Exception {
        HeadReader r = reader("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        InputStream body = BodyInputStream.open(r, r.readResponse(0).responseBodyLength(false));
        EOFException e = assertThrows(EOFException.class, body::readAllBytes);
        assertEquals("body ended after 3 of 10 bytes", e.getMessage());
    }

    @Test
    void aChunkedBodyCutShortIsAnError() throws Exception {
        HeadReader r = reader("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        InputStream body = BodyInputStream.open(r, r.readResponse(0).responseBodyLength(false));
        assertThrows(EOFException.class, body::readAllBytes);
    }

    @Test
    void aResponseCanBeReadWithoutAwaitingItFirst() throws Exception {
        assertEquals(404, reader("HTTP/1.1 404 Not Found\r\n\r\n").readResponse(1000).status());
        assertThrows(IOException.class, () -> reader("").readResponse(1000));
    }
}
