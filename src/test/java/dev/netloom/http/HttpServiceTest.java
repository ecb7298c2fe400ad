package dev.netloom.http;

import dev.netloom.core.DataReader;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceState;
import dev.netloom.http1.HeadReader;
import dev.netloom.http1.MessageHead;
import dev.netloom.testing.Net;
import dev.netloom.testing.Tap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The static server through java.net.http.HttpClient (an independent client) and raw sockets. */
class HttpServiceTest {

    @TempDir
    Path dir;
    Path root;
    Service http;
    HttpClient client = HttpClient.newHttpClient();
    byte[] big;

    @BeforeEach
    void start() throws IOException {
        root = Files.createDirectories(dir.resolve("www"));
        Files.writeString(root.resolve("index.html"), "<h1>home</h1>\n");
        Files.writeString(root.resolve("hello.txt"), "hello, world\n");
        Files.writeString(root.resolve("style.css"), "body{}\n");
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/<b>&.txt"), "tricky name\n");
        Files.writeString(root.resolve("docs/a.json"), "{}\n");
        Files.createDirectories(root.resolve("docs/sub"));
        Files.writeString(root.resolve(".secret"), "dotfile\n");
        Files.writeString(root.resolve("app.js"), "console.log('plain')\n");
        try (GZIPOutputStream gz = new GZIPOutputStream(Files.newOutputStream(root.resolve("app.js.gz")))) {
            gz.write("console.log('plain')\n".getBytes(StandardCharsets.UTF_8));
        }
        big = new byte[3 * 1024 * 1024 + 17];
        new Random(9112).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("passwd"), "root:x:0:0:SECRET\n");
        Files.createSymbolicLink(root.resolve("escape"), outside.resolve("passwd"));
        Files.createSymbolicLink(root.resolve("escape-dir"), outside);
        http = Net.start(HttpService.type(), "root=" + root, "access-log=" + dir.resolve("access.log"),
                "header-timeout=500ms", "cache-check=0", "max-connections=50");
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + http.address().getPort() + path);
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void servesFilesWithTypesLengthsAndValidators() throws Exception {
        HttpResponse<byte[]> r = get("/hello.txt");
        assertEquals(200, r.statusCode());
        assertEquals("hello, world\n", text(r));
        assertEquals("text/plain; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("13", r.headers().firstValue("Content-Length").orElseThrow());
        assertTrue(r.headers().firstValue("ETag").orElseThrow().matches("\"[0-9a-f]+-d\""));
        assertTrue(r.headers().firstValue("Last-Modified").orElseThrow().endsWith(" GMT"));
        assertEquals("text/css; charset=utf-8", get("/style.css").headers().firstValue("Content-Type").orElseThrow());
        assertEquals("application/json; charset=utf-8", get("/docs/a.json").headers().firstValue("Content-Type").orElseThrow());
        assertEquals("<h1>home</h1>\n", text(get("/")), "index.html for the root");
        assertEquals(404, get("/hello.txt/").statusCode(), "a file is not a directory");
        assertArrayEquals(big, get("/big.bin").body(), "a file over cache-max-file goes by sendfile");
        assertEquals("application/octet-stream", get("/big.bin").headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void bytesSentBySendfileAndWritevAreCounted() throws Exception {
        try (Tap tap = Tap.to(http.address()); Socket raw = tap.connect()) {
            raw.getOutputStream().write(("GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /hello.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] all = raw.getInputStream().readAllBytes();
            assertTrue(all.length > big.length, "both responses: " + all.length);
            // the client read to the end: every byte the server wrote has passed the relay
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertEquals(tap.down(), http.stats().bytesOut(), "bytes out");
                assertEquals(tap.up(), http.stats().bytesIn(), "bytes in");
            });
        }
    }

    @Test
    void headHasTheHeadersButNoBody() throws Exception {
        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(uri("/big.bin")).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, r.statusCode());
        assertEquals(String.valueOf(big.length), r.headers().firstValue("Content-Length").orElseThrow());
        // raw: nothing follows the head, and the connection still serves the next request
        try (Socket s = Net.connect(http)) {
            s.getOutputStream().write(Net.utf8("HEAD /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"));
            HeadReader in = new HeadReader(new DataReader(s.getInputStream(), 4096), 8192, 16384, 100);
            assertTrue(in.await());
            assertEquals("13", in.readResponse(0).header("Content-Length"));
            assertTrue(in.await());
            MessageHead second = in.readResponse(0);
            assertEquals(200, second.status());
            byte[] body = new byte[13];
            assertEquals(13, in.readBody(body, 0, 13));
            assertEquals("hello, world\n", new String(body, StandardCharsets.US_ASCII));
        }
    }

    /**
     * A reload's old worker (drain-idle set) must not close a keep-alive connection right after an
     * answer that promised more: the client's next request would meet a closed socket (wrk: a read
     * error). Inside the window the next request is answered, with {@code Connection: close}.
     */
    @Test
    void aStopWithDrainIdleAnswersTheNextRequestAfterAKeepAliveAnswerAsTheLast() throws Exception {
        byte[] large = new byte[32 * 1024 * 1024];
        Files.write(root.resolve("large.bin"), large);
        Service s = Net.start(HttpService.type(), "root=" + root, "drain-idle=5s", "grace=10s", "cache-check=0");
        Thread stopper = null;
        try (Socket midAnswer = new Socket(); Socket idle = Net.connect(s)) {
            midAnswer.setReceiveBufferSize(16 * 1024); // the server blocks writing the 32 MiB
            midAnswer.connect(s.address());
            HeadReader a = new HeadReader(new DataReader(midAnswer.getInputStream(), 4096), 8192, 16384, 100);
            HeadReader b = new HeadReader(new DataReader(idle.getInputStream(), 4096), 8192, 16384, 100);
            idle.getOutputStream().write(Net.utf8("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"));
            assertTrue(b.await());
            assertEquals(200, b.readResponse(0).status());
            assertTrue(b.skip(13));
            midAnswer.getOutputStream().write(Net.utf8("GET /large.bin HTTP/1.1\r\nHost: x\r\n\r\n"));
            assertTrue(a.await());
            MessageHead head = a.readResponse(0);
            assertFalse(head.hasToken("Connection", "close"), "answered before the stop: keep-alive");

            stopper = Thread.ofVirtual().start(s::close);
            await().atMost(Duration.ofSeconds(5)).until(() -> s.state() == ServiceState.STOPPING);
            assertTrue(a.skip(large.length), "the answer in flight at the stop is sent whole");
            for (HeadReader r : new HeadReader[] {a, b}) {
                Socket sock = r == a ? midAnswer : idle;
                sock.getOutputStream().write(Net.utf8("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"));
                assertTrue(r.await(), "the next request is answered, not met by a closed socket");
                MessageHead last = r.readResponse(0);
                assertEquals(200, last.status());
                assertTrue(last.hasToken("Connection", "close"), "answered as the last");
                assertTrue(r.skip(13));
                assertFalse(r.await(), "then the server closes");
            }
        } finally {
            if (stopper == null) {
                s.close();
            } else {
                stopper.join(Duration.ofSeconds(15));
            }
        }
        assertEquals(ServiceState.STOPPED, s.state());
    }

    @Test
    void conditionalRequestsGet304() throws Exception {
        HttpResponse<byte[]> first = get("/hello.txt");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        String lastModified = first.headers().firstValue("Last-Modified").orElseThrow();
        HttpResponse<byte[]> r = get("/hello.txt", "If-None-Match", "\"other\", " + etag);
        assertEquals(304, r.statusCode());
        assertEquals(0, r.body().length);
        assertEquals(etag, r.headers().firstValue("ETag").orElseThrow());
        assertEquals(304, get("/hello.txt", "If-None-Match", "W/" + etag).statusCode(), "weak comparison");
        assertEquals(304, get("/hello.txt", "If-None-Match", "*").statusCode());
        assertEquals(304, get("/hello.txt", "If-Modified-Since", lastModified).statusCode());
        assertEquals(200, get("/hello.txt", "If-Modified-Since", "Sat, 01 Jan 2000 00:00:00 GMT").statusCode());
        assertEquals(200, get("/hello.txt", "If-None-Match", "\"other\"", "If-Modified-Since", lastModified).statusCode(),
                "If-None-Match wins over If-Modified-Since");
    }

    @Test
    void rangesPartialSuffixOpenMultipleAndUnsatisfiable() throws Exception {
        HttpResponse<byte[]> r = get("/big.bin", "Range", "bytes=100-199");
        assertEquals(206, r.statusCode());
        assertEquals("bytes 100-199/" + big.length, r.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(big, 100, 200), r.body());
        assertArrayEquals(Arrays.copyOfRange(big, big.length - 10, big.length), get("/big.bin", "Range", "bytes=-10").body());
        assertArrayEquals(Arrays.copyOfRange(big, big.length - 5, big.length),
                get("/big.bin", "Range", "bytes=" + (big.length - 5) + "-").body());
        assertEquals("hello", text(get("/hello.txt", "Range", "bytes=0-4")));

        HttpResponse<byte[]> none = get("/hello.txt", "Range", "bytes=500-600");
        assertEquals(416, none.statusCode());
        assertEquals("bytes */13", none.headers().firstValue("Content-Range").orElseThrow());

        HttpResponse<byte[]> multi = get("/hello.txt", "Range", "bytes=0-1,7-11");
        assertEquals(206, multi.statusCode());
        String type = multi.headers().firstValue("Content-Type").orElseThrow();
        assertTrue(type.startsWith("multipart/byteranges; boundary="), type);
        String boundary = type.substring(type.indexOf('=') + 1);
        String body = text(multi);
        assertEquals("\r\n--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 0-1/13\r\n\r\nhe"
                + "\r\n--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 7-11/13\r\n\r\nworld"
                + "\r\n--" + boundary + "--\r\n", body);
        assertEquals(String.valueOf(multi.body().length), multi.headers().firstValue("Content-Length").orElseThrow());

        HttpResponse<byte[]> merged = get("/hello.txt", "Range", "bytes=7-11,0-1,1-2,3-3");
        assertEquals(206, merged.statusCode());
        String mergedType = merged.headers().firstValue("Content-Type").orElseThrow();
        String b2 = mergedType.substring(mergedType.indexOf('=') + 1);
        assertEquals("\r\n--" + b2 + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 0-3/13\r\n\r\nhell"
                + "\r\n--" + b2 + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 7-11/13\r\n\r\nworld"
                + "\r\n--" + b2 + "--\r\n", text(merged), "overlapping and adjacent ranges merged, in ascending order");
        HttpResponse<byte[]> adjacent = get("/hello.txt", "Range", "bytes=0-4,5-6");
        assertEquals("bytes 0-6/13", adjacent.headers().firstValue("Content-Range").orElseThrow(), "one range: no multipart");
        assertEquals("hello, ", text(adjacent));

        String etag = get("/hello.txt").headers().firstValue("ETag").orElseThrow();
        assertEquals(206, get("/hello.txt", "Range", "bytes=0-4", "If-Range", etag).statusCode());
        HttpResponse<byte[]> stale = get("/hello.txt", "Range", "bytes=0-4", "If-Range", "\"stale\"");
        assertEquals(200, stale.statusCode(), "If-Range mismatch: the whole file");
        assertEquals("hello, world\n", text(stale));
    }

    @Test
    void rangesAskingForMoreThanTheFileGetItOnceWith200() throws Exception {
        String all = String.join(",", Collections.nCopies(32, "0-"));
        HttpResponse<byte[]> r = get("/big.bin", "Range", "bytes=" + all);
        assertEquals(200, r.statusCode(), "32 copies of the file asked: nginx's answer, the file once");
        assertEquals(big.length, r.body().length);
        assertArrayEquals(big, r.body());
        HttpResponse<byte[]> halves = get("/big.bin", "Range", "bytes=0-" + (big.length / 2) + ",-" + (big.length / 2 + 1));
        assertEquals(200, halves.statusCode(), "overlapping ranges adding up past the size");
        assertEquals(big.length, halves.body().length);
        assertEquals(206, get("/big.bin", "Range", "bytes=0-").statusCode(), "one whole range is still a 206");
    }

    @Test
    void listingLeavesOutLinksThatLeaveTheRoot() throws Exception {
        Files.setLastModifiedTime(dir.resolve("outside/passwd"), FileTime.fromMillis(86_400_000L * 365 * 3));
        Path listed = Files.createDirectories(dir.resolve("listed"));
        Files.createSymbolicLink(listed.resolve("escape"), dir.resolve("outside/passwd"));
        Files.createSymbolicLink(listed.resolve("escape-dir"), dir.resolve("outside"));
        Files.createSymbolicLink(listed.resolve("inside-link.txt"), listed.resolve("hello.txt"));
        Files.writeString(listed.resolve("hello.txt"), "hello, world\n");
        Files.createSymbolicLink(listed.resolve("dangling"), listed.resolve("nowhere"));
        try (Service s = Net.start(HttpService.type(), "root=" + listed, "listing=true", "cache-check=0")) {
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.address().getPort()
                    + "/")).build(), HttpResponse.BodyHandlers.ofByteArray());
            String html = text(r);
            assertEquals(200, r.statusCode(), html);
            assertTrue(html.contains(">inside-link.txt</a>"), html);
            assertTrue(html.contains(">hello.txt</a>"), html);
            assertFalse(html.contains("escape"), "links out of the root are not listed: " + html);
            assertFalse(html.contains("dangling"), html);
            assertFalse(html.contains("1973-"), "nor the outside file's time: " + html);
            assertEquals(403, client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.address().getPort()
                    + "/escape")).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        }
    }

    @Test
    void directoriesRedirectListAndEscape() throws Exception {
        HttpResponse<byte[]> moved = get("/docs?x=1");
        assertEquals(301, moved.statusCode());
        assertEquals("/docs/?x=1", moved.headers().firstValue("Location").orElseThrow());
        HttpResponse<byte[]> listing = get("/docs/");
        assertEquals(200, listing.statusCode());
        String html = text(listing);
        assertTrue(html.contains("<a href=\"%3Cb%3E&amp;.txt\">&lt;b&gt;&amp;.txt</a>"), html);
        assertFalse(html.contains("<b>&"), "names are escaped");
        assertTrue(html.indexOf("sub/") < html.indexOf("a.json"), "folders first");
        assertTrue(html.indexOf("&lt;b&gt;") < html.indexOf("a.json"), "then files by name");
        assertTrue(html.contains("<a href=\"../\">../</a>"));
        assertEquals("tricky name\n", text(get("/docs/%3Cb%3E&.txt")));
    }

    @Test
    void precompressedSiblingWhenTheClientAcceptsGzip() throws Exception {
        HttpResponse<byte[]> gz = get("/app.js", "Accept-Encoding", "br, gzip");
        assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElseThrow());
        assertEquals("Accept-Encoding", gz.headers().firstValue("Vary").orElseThrow());
        assertEquals("text/javascript; charset=utf-8", gz.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(Files.readAllBytes(root.resolve("app.js.gz")), gz.body());
        HttpResponse<byte[]> plain = get("/app.js", "Accept-Encoding", "gzip;q=0, identity");
        assertTrue(plain.headers().firstValue("Content-Encoding").isEmpty());
        assertEquals("console.log('plain')\n", text(plain));
        assertEquals("Accept-Encoding", plain.headers().firstValue("Vary").orElseThrow());
    }

    @Test
    void methods() throws Exception {
        HttpResponse<byte[]> post = client.send(HttpRequest.newBuilder(uri("/hello.txt"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD, OPTIONS", post.headers().firstValue("Allow").orElseThrow());
        HttpResponse<byte[]> options = client.send(HttpRequest.newBuilder(uri("/")).method("OPTIONS",
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(204, options.statusCode());
        assertEquals("GET, HEAD, OPTIONS", options.headers().firstValue("Allow").orElseThrow());
        assertEquals("501", status(raw("BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n")));
    }

    @Test
    void fileChangesAreSeen() throws Exception {
        assertEquals("hello, world\n", text(get("/hello.txt")));
        Files.writeString(root.resolve("hello.txt"), "changed!\n");
        Files.setLastModifiedTime(root.resolve("hello.txt"), FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertEquals("changed!\n", text(get("/hello.txt")));
        Files.delete(root.resolve("hello.txt"));
        assertEquals(404, get("/hello.txt").statusCode());
    }

    @Test
    void statsAndAccessLog() throws Exception {
        get("/hello.txt", "User-Agent", "tester \"quoted\"", "Referer", "http://ref/");
        get("/missing");
        await().atMost(Duration.ofSeconds(5)).until(() -> http.stats().requests() == 2);
        assertTrue(http.details().get(0).startsWith("responses 1xx 0, 2xx 1, 3xx 0, 4xx 1, 5xx 0"), http.details().toString());
        http.close(); // flushes the access log
        String log = Files.readString(dir.resolve("access.log"));
        assertTrue(log.matches("(?s)127\\.0\\.0\\.1 - - \\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}] "
                + "\"GET /hello\\.txt HTTP/1\\.1\" 200 13 \"http://ref/\" \"tester \\\\\"quoted\\\\\"\"\n"
                + "127\\.0\\.0\\.1 - - \\[.*] \"GET /missing HTTP/1\\.1\" 404 14 \"-\" \"Java-http-client/.*\"\n"), log);
    }

    // ---- raw sockets

    /** Sends raw bytes, reads until the server closes (or 1.5 s of silence), returns everything received. */
    private String raw(String request) throws IOException {
        try (Socket s = Net.connect(http)) {
            s.setSoTimeout(1500);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    all.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                all.write(Net.utf8("<still open>"));
            }
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String status(String response) {
        return response.length() >= 12 ? response.substring(9, 12) : response;
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        String resp = raw("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /missing HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        int a = resp.indexOf("HTTP/1.1 200");
        int b = resp.indexOf("HTTP/1.1 404");
        int c = resp.indexOf("HTTP/1.1 200", b);
        assertTrue(a == 0 && b > a && c > b, resp);
        assertTrue(resp.endsWith("body{}\n"), "closed after the third: " + resp);
        assertTrue(resp.substring(c).contains("Connection: close"));
    }

    @Test
    void persistence() throws IOException {
        assertFalse(raw("GET /hello.txt HTTP/1.0\r\n\r\n").endsWith("<still open>"), "1.0 closes");
        String ka = raw("GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertTrue(ka.contains("Connection: keep-alive") && ka.endsWith("<still open>"), ka);
        assertTrue(raw("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n").endsWith("<still open>"));
        String body = raw("GET /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n12345GET /style.css HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(body.contains("hello, world\n") && body.contains("body{}\n"), "a GET body is skipped: " + body);
    }

    @Test
    void malformedRequestsGetTheirStatusAndAClose() throws IOException {
        String[][] table = {
                {"GET / HTTP/1.1\r\n\r\n", "400"},
                {"GET /\r\n\r\n", "400"},
                {"GET / HTTP/1.1\r\nHost: x\r\n bad fold\r\n\r\n", "400"},
                {"GET / HTTP/1.1\r\nHost : x\r\n\r\n", "400"},
                {"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", "400"},
                {"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", "400"},
                {"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "505"},
                {"GET / HTTP/2.0\r\nHost: x\r\n\r\n", "505"},
                {"GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", "414"},
                {"GET / HTTP/1.1\r\nHost: x\r\n" + "X-A: b\r\n".repeat(101) + "\r\n", "431"},
                {"GET / HTTP/1.1\r\nHost: x\r\nX: " + "y".repeat(17_000) + "\r\n\r\n", "431"},
                {"GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", "400"},
                {"GET http://example.com/hello.txt HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n", "200"},
        };
        for (String[] row : table) {
            String resp = raw(row[0]);
            assertEquals(row[1], status(resp), row[0].substring(0, Math.min(60, row[0].length())) + " -> " + resp);
            assertFalse(resp.endsWith("<still open>"), "closed after " + row[1]);
        }
    }

    @Test
    void traversalNeverLeavesTheRoot() throws IOException {
        String[] attacks = {
                "/../outside/passwd", "/%2e%2e/outside/passwd", "/..%2foutside%2fpasswd", "/docs/../../outside/passwd",
                "/%2e%2e%2f%2e%2e%2foutside/passwd", "/escape", "/escape-dir/passwd", "//outside/passwd",
                "/..\\outside\\passwd", "/%5c..%5coutside%5cpasswd", "/hello.txt%00.png", "/%00", "/.secret", "/docs/../.secret",
                "/.%2e/outside/passwd", "/%c0%ae%c0%ae/outside/passwd",
        };
        for (String path : attacks) {
            String resp = raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertFalse(resp.contains("SECRET") || resp.contains("dotfile"), path + " -> " + resp);
            assertTrue(Arrays.asList("400", "403", "404").contains(status(resp)), path + " -> " + resp);
            assertFalse(resp.contains(dir.toString()), "no file-system path in " + resp);
        }
    }

    @Test
    void slowHeadersGet408() throws IOException {
        try (Socket s = Net.connect(http)) {
            s.getOutputStream().write(Net.utf8("GET /hello.txt HTTP/1.1\r\nHost: x\r\n"));
            String resp = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(resp.startsWith("HTTP/1.1 408 Request Timeout\r\n") && resp.contains("Connection: close"), resp);
        }
    }

    @Test
    void overTheConnectionLimitClientsGet503() throws Exception {
        try (Service small = Net.start(HttpService.type(), "root=" + root, "access-log=off", "max-connections=1");
             Socket first = new Socket(small.address().getAddress(), small.address().getPort())) {
            first.getOutputStream().write(Net.utf8("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"));
            assertEquals("HTTP/1.1 200 OK", Net.readLine(first.getInputStream()).strip());
            try (Socket second = new Socket(small.address().getAddress(), small.address().getPort())) {
                second.setSoTimeout(5000);
                String resp = new String(second.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(resp.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), resp);
            }
        }
    }

    @Test
    void maxRequestsClosesTheConnection() throws Exception {
        try (Service small = Net.start(HttpService.type(), "root=" + root, "access-log=off", "max-requests=2");
             Socket s = new Socket(small.address().getAddress(), small.address().getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(Net.utf8("GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n".repeat(3)));
            String resp = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals(2, resp.split("HTTP/1.1 200 OK").length - 1, resp);
            assertTrue(resp.contains("Connection: close"));
        }
    }
}
