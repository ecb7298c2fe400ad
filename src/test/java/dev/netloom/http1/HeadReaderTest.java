package dev.netloom.http1;

import dev.netloom.core.DataReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadReaderTest {

    private static HeadReader reader(String text) {
        return new HeadReader(new DataReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), 4096), 8192, 16384, 100);
    }

    private static MessageHead request(String text) throws IOException, HttpException {
        HeadReader r = reader(text);
        assertTrue(r.await());
        return r.readRequest(0);
    }

    @Test
    void aHeadIsPassedOnAsHttp11ByCopyingItsBytes() throws Exception {
        MessageHead req = request("POST /up?a=b HTTP/1.0\r\nhost: example\r\nX-Odd:  spaced \r\nX-Empty:\r\n\r\n");
        HeadWriter w = new HeadWriter().requestLine11(req);
        for (int i = 0; i < req.fieldCount(); i++) {
            if (!req.nameIs(i, "HOST")) {
                w.field(req, i);
            }
        }
        assertEquals("POST /up?a=b HTTP/1.1\r\nX-Odd: spaced\r\nX-Empty: \r\n\r\n", text(w.end()));
        HeadReader r = reader("HTTP/1.0 404 \r\nA: 1\r\n\r\nHTTP/1.1 200 Fine Thanks\r\n\r\n");
        assertTrue(r.await());
        MessageHead first = r.readResponse(0);
        assertEquals("HTTP/1.1 404 Not Found\r\nA: 1\r\n", text(new HeadWriter().statusLine11(first).field(first, 0)),
                "an empty reason gets the standard one");
        assertTrue(r.await());
        assertEquals("HTTP/1.1 200 Fine Thanks\r\n", text(new HeadWriter().statusLine11(r.readResponse(0))));
    }

    private static String text(HeadWriter w) {
        return new String(w.buffer().array(), 0, w.length(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void parsesARequestWithoutMakingStringsUntilAsked() throws Exception {
        MessageHead h = request("GET /a%20b?x=1 HTTP/1.1\r\nHost: example\r\nAccept-Encoding: br, GZIP;q=0.5\r\n"
                + "X-Empty:\r\nConnection: keep-alive, Upgrade\r\n\r\n");
        assertTrue(h.methodIs("GET"));
        assertFalse(h.methodIs("get"), "methods are case-sensitive");
        assertEquals("/a%20b?x=1", h.target());
        assertEquals(1, h.minorVersion());
        assertEquals("example", h.header("host"));
        assertEquals("", h.header("X-Empty"));
        assertTrue(h.hasToken("accept-encoding", "gzip"));
        assertTrue(h.hasToken("Connection", "upgrade"));
        assertFalse(h.hasToken("Connection", "close"));
        assertNull(h.header("Range"));
        assertEquals(MessageHead.NO_BODY, h.requestBodyLength());
        assertEquals("GET /a%20b?x=1 HTTP/1.1", h.startLine());
    }

    @Test
    void pipelinedRequestsStayBufferedInOrder() throws Exception {
        HeadReader r = reader("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n\r\nHEAD /3 HTTP/1.0\n\n");
        assertTrue(r.await());
        assertEquals("/1", r.readRequest(0).target());
        assertTrue(r.buffered() > 0);
        assertTrue(r.await());
        assertEquals("/2", r.readRequest(0).target());
        assertTrue(r.await());
        MessageHead third = r.readRequest(0);
        assertEquals("HEAD", third.method());
        assertEquals(0, third.minorVersion());
        assertFalse(r.await());
    }

    @Test
    void bodyFraming() throws Exception {
        assertEquals(5, request("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n").requestBodyLength());
        assertEquals(5, request("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\n").requestBodyLength());
        assertEquals(MessageHead.CHUNKED,
                request("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").requestBodyLength());
        for (String bad : new String[] {
                "Content-Length: 5\r\nTransfer-Encoding: chunked",
                "Content-Length: 5\r\nContent-Length: 6",
                "Content-Length: 5, 6",
                "Content-Length: -1",
                "Content-Length: 1e3",
                "Transfer-Encoding: chunked, gzip"}) {
            MessageHead h = request("POST / HTTP/1.1\r\nHost: h\r\n" + bad + "\r\n\r\n");
            assertEquals(400, assertThrows(HttpException.class, h::requestBodyLength).status(), bad);
        }
    }

    @ParameterizedTest(name = "{1} for {0}")
    @CsvSource(delimiter = '|', value = {
            "GET / HTTP/1.1\\r\\n\\r\\n                               | 400",
            "GET / HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n         | 400",
            "GET / HTTP/1.1\\r\\nHost: a b\\r\\n\\r\\n                  | 400",
            "GET / HTTP/1.1\\r\\nHost: a:8x\\r\\n\\r\\n                 | 400",
            "GET / HTTP/1.0\\r\\nHost: a/b\\r\\n\\r\\n                  | 400",
            "GET  / HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n                    | 400",
            "GET /\\r\\n\\r\\n                                          | 400",
            "GET / HTTP/1.1 x\\r\\nHost: h\\r\\n\\r\\n                   | 400",
            "G@T / HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n                     | 400",
            "GET / HTTPS/1.1\\r\\nHost: h\\r\\n\\r\\n                    | 400",
            "GET / HTTP/1.1\\r\\nHost : h\\r\\n\\r\\n                   | 400",
            "GET / HTTP/1.1\\r\\nHost: h\\r\\n folded\\r\\n\\r\\n         | 400",
            "GET / HTTP/1.1\\r\\nHost: h\\r\\nX: a\\u0001b\\r\\n\\r\\n      | 400",
            "GET / HTTP/1.1\\r\\nHost: h\\r\\nNoColon\\r\\n\\r\\n          | 400",
            "GET / HTTP/1.1\\r\\nHost: h\\r\\n: novalue\\r\\n\\r\\n       | 400",
            "GET / HTTP/1.1\\r\\nHost: h\\r\\nX: a\\rb\\r\\n\\r\\n          | 400",
            "GET / HTTP/1.1\\r\\nHost: h                               | 400",
            "PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n                      | 505",
            "GET / HTTP/3.0\\r\\nHost: h\\r\\n\\r\\n                     | 505",
            "GET / HTTP/0.9\\r\\nHost: h\\r\\n\\r\\n                     | 505",
    })
    void malformedHeads(String text, int status) throws Exception {
        HeadReader r = reader(text.strip().replace("\\r", "\r").replace("\\n", "\n").replace("\\u0001", "\u0001"));
        assertTrue(r.await());
        assertEquals(status, assertThrows(HttpException.class, () -> r.readRequest(0)).status());
    }

    @Test
    void limits() throws Exception {
        String longLine = "GET /" + "a".repeat(8200) + " HTTP/1.1\r\nHost: h\r\n\r\n";
        assertEquals(414, assertThrows(HttpException.class, () -> request(longLine)).status());
        String manyFields = "GET / HTTP/1.1\r\nHost: h\r\n" + "X: y\r\n".repeat(100) + "\r\n";
        assertEquals(431, assertThrows(HttpException.class, () -> request(manyFields)).status());
        String bigField = "GET / HTTP/1.1\r\nHost: h\r\nX: " + "y".repeat(17 * 1024) + "\r\n\r\n";
        assertEquals(431, assertThrows(HttpException.class, () -> request(bigField)).status());
        String bigTotal = "GET / HTTP/1.1\r\nHost: h\r\n" + ("X: " + "y".repeat(1000) + "\r\n").repeat(17) + "\r\n";
        assertEquals(431, assertThrows(HttpException.class, () -> request(bigTotal)).status());
        String justFits = "GET / HTTP/1.1\r\nHost: h\r\n" + "X: y\r\n".repeat(99) + "\r\n";
        assertEquals(100, request(justFits).fieldCount());
        String http10 = "GET / HTTP/1.0\r\n\r\n";
        assertEquals(0, request(http10).minorVersion(), "HTTP/1.0 needs no Host");
        assertEquals(1, request("GET / HTTP/1.7\r\nHost: h\r\n\r\n").minorVersion(), "a later 1.x is answered as 1.1");
        for (String host : new String[] {"example.com", "127.0.0.1:8080", "[::1]:80", "", "xn--bcher-kva.example"}) {
            assertEquals(host, request("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").header("Host"));
        }
    }

    @Test
    void aLongStartLineIsNamedForWhatItIs() throws Exception {
        // a request line over the limit is 414; a response's status line over it is the server's
        // fault (502), named as a status line over maxLine bytes, not as header fields over the
        // header limit, with the first line of the head counted against maxLine either way
        String longStatus = "HTTP/1.1 200 " + "k".repeat(8200) + "\r\n\r\n";
        HeadReader r = reader(longStatus);
        assertTrue(r.await());
        HttpException e = assertThrows(HttpException.class, () -> r.readResponse(0));
        assertEquals(502, e.status());
        assertEquals("status line over 8192 bytes", e.getMessage());
        String longRequest = "GET /" + "a".repeat(8200) + " HTTP/1.1\r\nHost: h\r\n\r\n";
        assertEquals("request line over 8192 bytes",
                assertThrows(HttpException.class, () -> request(longRequest)).getMessage());
        String fits = "HTTP/1.1 200 " + "k".repeat(8192 - 13) + "\r\n\r\n";
        HeadReader ok = reader(fits);
        assertTrue(ok.await());
        assertEquals(200, ok.readResponse(0).status());
    }

    @Test
    void responses() throws Exception {
        HeadReader r = reader("HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nabcHTTP/1.0 200\r\n\r\n");
        assertTrue(r.await());
        MessageHead h = r.readResponse(0);
        assertEquals(404, h.status());
        assertEquals("Not Found", h.reason());
        assertEquals(3, h.contentLength());
        byte[] body = new byte[3];
        assertEquals(3, r.readBody(body, 0, 3));
        assertEquals("abc", new String(body, StandardCharsets.US_ASCII));
        assertTrue(r.await());
        MessageHead second = r.readResponse(0);
        assertEquals(200, second.status());
        assertEquals("", second.reason());
    }
}
