package dev.netloom.tools;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.netloom.core.HostPort;
import dev.netloom.core.Service;
import dev.netloom.http.HttpService;
import dev.netloom.http1.HttpUrl;
import dev.netloom.http1.MessageHead;
import dev.netloom.testing.Net;
import dev.netloom.testing.RawHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The http client over real sockets: against netloom's own http service (Content-Length
 * bodies, HEAD, 404, 301), against the JDK's HttpServer as an independent judge (chunked
 * bodies, the request headers it parsed, redirect chains and loops), and against raw sockets
 * for what no well-behaved server sends (close-delimited and truncated bodies, bad heads,
 * silence). Through a proxy: netloom's http service, which takes absolute-form targets, stands
 * in for one, and a recording socket shows the exact request heads.
 */
class HttpFetchTest {

    /** Only where a timeout is the point: elsewhere a loaded machine must not turn an answer into one. */
    private static final HttpFetch QUICK = new HttpFetch(Duration.ofSeconds(2), Duration.ofMillis(300), false);

    @TempDir
    Path root;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<String> seen = new CopyOnWriteArrayList<>(); // request targets the JDK server got

    @AfterEach
    void closeServers() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** Everything a fetch delivered. */
    private static final class Recorded implements HttpFetch.Listener {
        final List<String> requests = new ArrayList<>();
        final List<MessageHead> heads = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        long length = -99;

        @Override
        public void request(byte[] request) {
            requests.add(new String(request, StandardCharsets.UTF_8));
        }

        @Override
        public void head(MessageHead head) {
            heads.add(head);
        }

        @Override
        public void body(InputStream in, long length) throws IOException {
            this.length = length;
            in.transferTo(body);
        }

        List<Integer> statuses() {
            return heads.stream().map(MessageHead::status).toList();
        }

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    private static Recorded fetch(String method, String url, boolean follow, String... headers) throws IOException {
        return fetch(new HttpFetch(Duration.ofSeconds(5), Duration.ofSeconds(10), follow), method, url, headers);
    }

    private static Recorded fetch(HttpFetch client, String method, String url, String... headers) throws IOException {
        Recorded r = new Recorded();
        client.fetch(method, HttpUrl.parse(url), Arrays.stream(headers).map(HttpHeader::parse).toList(), r);
        return r;
    }

    // --- netloom's http service ---------------------------------------------------------------

    private String netloom() {
        Service http = Net.start(HttpService.type(), "root=" + root, "access-log=off");
        open.add(http);
        return "http://127.0.0.1:" + http.address().getPort();
    }

    @Test
    void sendsTheRequestTheIssueAsksFor() throws IOException {
        Files.writeString(root.resolve("hello.txt"), "Hello, netloom!\n");
        String base = netloom();
        Recorded r = fetch("GET", base + "/hello.txt?x=1", false);
        String port = base.substring(base.lastIndexOf(':') + 1);
        assertEquals(List.of("GET /hello.txt?x=1 HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUser-Agent: netloom\r\n"
                + "Accept: */*\r\nConnection: close\r\n\r\n"), r.requests);
        assertEquals(List.of(200), r.statuses());
        assertEquals("Hello, netloom!\n", r.text());
        assertEquals(16, r.length);
    }

    @Test
    void readsContentLengthBodiesExactly() throws IOException {
        byte[] data = new byte[3_000_000]; // over the service's in-memory limit: sent with sendfile
        new Random(7).nextBytes(data);
        Files.write(root.resolve("data.bin"), data);
        Recorded r = fetch("GET", netloom() + "/data.bin", false);
        assertEquals("3000000", r.heads.get(0).header("Content-Length"));
        assertEquals(3_000_000, r.length);
        assertArrayEquals(data, r.body.toByteArray());
    }

    @Test
    void headGetsTheHeadersAndNoBody() throws IOException {
        Files.writeString(root.resolve("hello.txt"), "Hello, netloom!\n");
        Recorded r = fetch("HEAD", netloom() + "/hello.txt", false);
        assertTrue(r.requests.get(0).startsWith("HEAD /hello.txt HTTP/1.1\r\n"));
        assertEquals(List.of(200), r.statuses());
        assertEquals("16", r.heads.get(0).header("Content-Length"));
        assertEquals(0, r.body.size());
    }

    @Test
    void notFoundIsAResponseNotAnError() throws IOException {
        Recorded r = fetch("GET", netloom() + "/missing.txt", false);
        assertEquals(List.of(404), r.statuses());
        assertEquals("404 Not Found\n", r.text());
    }

    @Test
    void movedPermanentlyIsShownAndWithFollowFollowed() throws IOException {
        Files.createDirectory(root.resolve("dir"));
        Files.writeString(root.resolve("dir/index.html"), "<p>the index</p>\n");
        String base = netloom();
        Recorded shown = fetch("GET", base + "/dir?q=1", false);
        assertEquals(List.of(301), shown.statuses());
        assertEquals("/dir/?q=1", shown.heads.get(0).header("Location"));
        assertEquals("Moved to /dir/?q=1\n", shown.text());

        Recorded followed = fetch("GET", base + "/dir?q=1", true);
        assertEquals(List.of(301, 200), followed.statuses());
        assertTrue(followed.requests.get(1).startsWith("GET /dir/?q=1 HTTP/1.1\r\n"), followed.requests.get(1));
        assertEquals("<p>the index</p>\n", followed.text());
    }

    // --- the JDK's HttpServer -----------------------------------------------------------------

    private HttpServer jdk() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        open.add(() -> server.stop(0));
        return server;
    }

    private static String base(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void reply(HttpExchange ex, int status, String location, String body) throws IOException {
        seen.add(ex.getRequestURI().toString());
        if (location != null) {
            ex.getResponseHeaders().add("Location", location);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, bytes.length == 0 || head ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }

    @Test
    void decodesAChunkedBody() throws IOException {
        HttpServer server = jdk();
        byte[] big = new byte[200_000];
        new Random(1).nextBytes(big);
        server.createContext("/chunked", ex -> {
            ex.sendResponseHeaders(200, 0); // length 0: the JDK server sends the body chunked
            try (OutputStream out = ex.getResponseBody()) {
                out.write("first piece, ".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                out.write("second piece\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                out.write(big);
            }
        });
        Recorded r = fetch("GET", base(server) + "/chunked", false);
        assertEquals("chunked", r.heads.get(0).header("Transfer-Encoding"));
        assertEquals(-1, r.length);
        byte[] body = r.body.toByteArray();
        assertEquals("first piece, second piece\n", new String(body, 0, 26, StandardCharsets.US_ASCII));
        assertArrayEquals(big, Arrays.copyOfRange(body, 26, body.length));
    }

    @Test
    void givenHeadersReplaceOrDropDefaultsAndAddTheirOwn() throws IOException {
        HttpServer server = jdk();
        List<Headers> got = new CopyOnWriteArrayList<>();
        server.createContext("/", ex -> {
            got.add(ex.getRequestHeaders());
            reply(ex, 204, null, "");
        });
        Recorded r = fetch("GET", base(server) + "/", false, "user-agent: tester/1.0", "Accept:", "X-Extra:  two words ");
        assertEquals(List.of(204), r.statuses());
        Headers h = got.get(0);
        assertEquals(List.of("tester/1.0"), h.get("User-Agent"));
        assertNull(h.get("Accept"));
        assertEquals(List.of("two words"), h.get("X-Extra"));
        assertEquals(List.of("127.0.0.1:" + server.getAddress().getPort()), h.get("Host"));
        assertEquals(List.of("close"), h.get("Connection"));
    }

    @Test
    void followsARedirectChainOfEveryKindAndRelativeLocations() throws IOException {
        HttpServer server = jdk();
        String base = base(server);
        server.createContext("/a", ex -> reply(ex, 302, base + "/b/c", ""));
        server.createContext("/b/c", ex -> reply(ex, 303, "../d?x=1", "see other"));
        server.createContext("/d", ex -> reply(ex, 307, "/e/", ""));
        server.createContext("/e/", ex -> reply(ex, 308, "f", ""));
        server.createContext("/e/f", ex -> reply(ex, 301, "//127.0.0.1:" + server.getAddress().getPort() + "/done", ""));
        server.createContext("/done", ex -> reply(ex, 200, null, "arrived\n"));
        Recorded r = fetch("GET", base + "/a", true);
        assertEquals(List.of(302, 303, 307, 308, 301, 200), r.statuses());
        assertEquals(List.of("/a", "/b/c", "/d?x=1", "/e/", "/e/f", "/done"), seen);
        assertEquals("arrived\n", r.text());
        Recorded head = fetch("HEAD", base + "/a", true);
        assertEquals(6, head.heads.size());
        assertTrue(head.requests.stream().allMatch(q -> q.startsWith("HEAD ")), "303 keeps HEAD a HEAD");
    }

    @Test
    void followsTenRedirectsButNotEleven() throws IOException {
        HttpServer server = jdk();
        server.createContext("/hop/", ex -> {
            int n = Integer.parseInt(ex.getRequestURI().getPath().substring("/hop/".length()));
            reply(ex, n == 0 ? 200 : 302, n == 0 ? null : String.valueOf(n - 1), n == 0 ? "landed" : "");
        });
        Recorded ten = fetch("GET", base(server) + "/hop/10", true);
        assertEquals(11, ten.heads.size());
        assertEquals("landed", ten.text());
        ProtocolException e = assertThrows(ProtocolException.class, () -> fetch("GET", base(server) + "/hop/11", true));
        assertEquals("too many redirects: more than 10 (the last to 0)", e.getMessage());
    }

    @Test
    void aRedirectLoopEndsWithAnError() throws IOException {
        HttpServer server = jdk();
        server.createContext("/loop", ex -> reply(ex, 307, "/loop", ""));
        ProtocolException e = assertThrows(ProtocolException.class, () -> fetch("GET", base(server) + "/loop", true));
        assertTrue(e.getMessage().startsWith("too many redirects"), e.getMessage());
        assertEquals(11, seen.size(), "the first request and ten redirects followed");
    }

    @Test
    void credentialsStayWithTheirOrigin() throws IOException {
        HttpServer a = jdk();
        HttpServer b = jdk();
        List<Headers> got = new CopyOnWriteArrayList<>();
        a.createContext("/", ex -> {
            got.add(ex.getRequestHeaders());
            reply(ex, 302, base(b) + "/land", "");
        });
        b.createContext("/", ex -> {
            got.add(ex.getRequestHeaders());
            reply(ex, 200, null, "ok");
        });
        fetch("GET", base(a) + "/go", true, "Authorization: Bearer secret", "Host: a.example", "X-Keep: 1");
        assertEquals(List.of("Bearer secret"), got.get(0).get("Authorization"));
        assertEquals(List.of("a.example"), got.get(0).get("Host"));
        assertNull(got.get(1).get("Authorization"));
        assertEquals(List.of("127.0.0.1:" + b.getAddress().getPort()), got.get(1).get("Host"));
        assertEquals(List.of("1"), got.get(1).get("X-Keep"));
    }

    @Test
    void aRedirectToHttpsIsRefused() throws IOException {
        HttpServer server = jdk();
        server.createContext("/", ex -> reply(ex, 301, "https://example.org/", ""));
        ProtocolException e = assertThrows(ProtocolException.class, () -> fetch("GET", base(server) + "/", true));
        assertTrue(e.getMessage().endsWith("cannot follow the redirect: https is not supported; use curl"), e.getMessage());
        assertEquals(List.of(301), fetch("GET", base(server) + "/", false).statuses());
    }

    // --- through a proxy ----------------------------------------------------------------------

    /** A proxy that forwards nothing: it records each request head, line by line, and answers with the next reply. */
    private static final class RecordingProxy implements AutoCloseable {
        final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<List<String>> heads = new CopyOnWriteArrayList<>();

        RecordingProxy(String... replies) throws IOException {
            Thread.ofVirtual().start(() -> {
                for (String reply : replies) {
                    try (Socket s = listener.accept()) {
                        heads.add(readHead(s.getInputStream()));
                        s.getOutputStream().write(reply.getBytes(StandardCharsets.ISO_8859_1));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        private static List<String> readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
            }
            return List.of(head.toString(StandardCharsets.ISO_8859_1).split("\r\n"));
        }

        HttpFetch client(boolean follow) {
            return proxied(listener.getLocalPort(), follow);
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }

    private static HttpFetch proxied(int port, boolean follow) {
        return new HttpFetch(Duration.ofSeconds(5), Duration.ofSeconds(10), follow, HttpLimits.NONE,
                new HostPort("127.0.0.1", port));
    }

    @Test
    void netloomsHttpServiceServesAnAbsoluteFormTargetAsAProxyWould() throws IOException {
        Files.writeString(root.resolve("file"), "through the proxy\n");
        Files.createDirectory(root.resolve("dir"));
        Files.writeString(root.resolve("dir/index.html"), "<p>index</p>\n");
        HttpFetch client = proxied(HttpUrl.parse(netloom()).port(), true);
        // the target host does not resolve: only a request sent to the proxy can succeed
        Recorded r = fetch(client, "GET", "http://unreachable.invalid:1/file");
        assertEquals(List.of(200), r.statuses());
        assertEquals("through the proxy\n", r.text());
        assertTrue(r.requests.get(0).startsWith("GET http://unreachable.invalid:1/file HTTP/1.1\r\n"
                + "Host: unreachable.invalid:1\r\n"), r.requests.get(0));
        Recorded dir = fetch(client, "GET", "http://unreachable.invalid:1/dir");
        assertEquals(List.of(301, 200), dir.statuses(), "the redirect went through the proxy too");
        assertTrue(dir.requests.get(1).startsWith("GET http://unreachable.invalid:1/dir/ HTTP/1.1\r\n"), dir.requests.get(1));
        assertEquals("<p>index</p>\n", dir.text());
    }

    @Test
    void throughAProxyTheRequestLineCarriesTheWholeUrlAndHostItsAuthority() throws IOException {
        try (RecordingProxy proxy = new RecordingProxy("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")) {
            Recorded r = fetch(proxy.client(false), "GET", "http://example.org:8080/a/b?x=1&y", "Accept: text/plain");
            assertEquals("ok", r.text());
            assertEquals(List.of("GET http://example.org:8080/a/b?x=1&y HTTP/1.1", "Host: example.org:8080",
                    "User-Agent: netloom", "Accept: text/plain", "Connection: close"), proxy.heads.get(0));
            fetch(proxy.client(false), "HEAD", "http://[::1]/");
            assertEquals(List.of("HEAD http://[::1]/ HTTP/1.1", "Host: [::1]"), proxy.heads.get(1).subList(0, 2),
                    "port 80 left out of both, as the Host header leaves it");
        }
    }

    @Test
    void redirectsGoThroughTheProxyAndProxyAuthorizationStaysWithIt() throws IOException {
        try (RecordingProxy proxy = new RecordingProxy(
                "HTTP/1.1 302 Found\r\nLocation: http://b.invalid/next\r\nContent-Length: 0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone")) {
            Recorded r = fetch(proxy.client(true), "GET", "http://a.invalid/start",
                    "Authorization: Bearer secret", "Proxy-Authorization: Basic cHJveHk6cHc=");
            assertEquals(List.of(302, 200), r.statuses());
            assertEquals("done", r.text());
            assertTrue(proxy.heads.get(0).contains("Authorization: Bearer secret"), proxy.heads.get(0).toString());
            List<String> second = proxy.heads.get(1);
            assertEquals("GET http://b.invalid/next HTTP/1.1", second.get(0));
            assertEquals("Host: b.invalid", second.get(1));
            assertTrue(second.contains("Proxy-Authorization: Basic cHJveHk6cHc="), "the proxy is the same: " + second);
            assertFalse(second.stream().anyMatch(h -> h.startsWith("Authorization:")), "the origin is not: " + second);
        }
    }

    @Test
    void errorsNameTheProxy() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ConnectException refused = assertThrows(ConnectException.class,
                () -> fetch(proxied(port, false), "GET", "http://example.org/"));
        assertTrue(refused.getMessage().startsWith("cannot connect to proxy 127.0.0.1:" + port + ": "), refused.getMessage());
        int silent = HttpUrl.parse(raw("", false)).port();
        EOFException e = assertThrows(EOFException.class, () -> fetch(proxied(silent, false), "GET", "http://example.org/"));
        assertEquals("example.org:80 via proxy 127.0.0.1:" + silent + " closed the connection without a response", e.getMessage());
    }

    // --- raw sockets --------------------------------------------------------------------------

    private String raw(String reply, boolean hold) throws IOException {
        return raw(reply.getBytes(StandardCharsets.ISO_8859_1), hold);
    }

    private String raw(byte[] reply, boolean hold) throws IOException {
        RawHttpServer s = new RawHttpServer(reply, hold);
        open.add(s);
        return s.url();
    }

    @Test
    void readsABodyDelimitedByTheClose() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes("HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] data = new byte[100_000];
        new Random(3).nextBytes(data);
        wire.writeBytes(data);
        Recorded r = fetch("GET", raw(wire.toByteArray(), false), false);
        assertEquals(0, r.heads.get(0).minorVersion());
        assertEquals(-1, r.length);
        assertArrayEquals(data, r.body.toByteArray());
    }

    @Test
    void aBodyShorterThanItsContentLengthIsAnError() throws IOException {
        String url = raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", false);
        Recorded r = new Recorded();
        EOFException e = assertThrows(EOFException.class, () -> new HttpFetch(false).fetch("GET", HttpUrl.parse(url), List.of(), r));
        assertTrue(e.getMessage().endsWith("closed the connection early: body ended after 10 of 100 bytes"), e.getMessage());
        assertEquals("0123456789", r.text(), "what came is still delivered");
    }

    @Test
    void aChunkedBodyCutShortIsAnError() throws IOException {
        String url = raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", false);
        EOFException e = assertThrows(EOFException.class, () -> fetch("GET", url, false));
        assertTrue(e.getMessage().contains("chunked body ended before its last chunk"), e.getMessage());
    }

    @Test
    void malformedChunkedFramingIsAnError() throws IOException {
        String url = raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\n0\n\n", false);
        ProtocolException e = assertThrows(ProtocolException.class, () -> fetch("GET", url, false));
        assertTrue(e.getMessage().contains("malformed body: bare LF"), e.getMessage());
    }

    @Test
    void interimResponsesAreDeliveredBeforeTheFinalOne() throws IOException {
        String url = raw("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false);
        Recorded r = fetch("GET", url, false);
        assertEquals(List.of(100, 103, 200), r.statuses());
        assertEquals("ok", r.text());
    }

    @Test
    void malformedResponsesAreErrors() throws IOException {
        for (String reply : List.of("HTTP/1.1 2OO OK\r\n\r\n", "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
                "SSH-2.0-OpenSSH_9.6\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\nx",
                "HTTP/1.1 999 Nine\r\n\r\n", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n")) {
            String url = raw(reply, false);
            ProtocolException e = assertThrows(ProtocolException.class, () -> fetch("GET", url, false), reply);
            assertTrue(e.getMessage().startsWith("127.0.0.1:"), e.getMessage());
        }
    }

    @Test
    void aStatusLineOverTheLimitIsNamedAsOne() throws IOException {
        String url = raw("HTTP/1.1 200 " + "k".repeat(9000) + "\r\nContent-Length: 0\r\n\r\n", false);
        ProtocolException e = assertThrows(ProtocolException.class, () -> fetch("GET", url, false));
        assertTrue(e.getMessage().endsWith(": malformed response: status line over 8192 bytes"), e.getMessage());
    }

    @Test
    void aServerThatClosesWithoutAnsweringIsAnError() throws IOException {
        String url = raw("", false);
        EOFException e = assertThrows(EOFException.class, () -> fetch("GET", url, false));
        assertTrue(e.getMessage().endsWith("closed the connection without a response"), e.getMessage());
    }

    @Test
    void aSilentServerTimesOut() throws IOException {
        SocketTimeoutException head = assertThrows(SocketTimeoutException.class, () -> fetch(QUICK, "GET", raw("", true)));
        assertTrue(head.getMessage().endsWith("no response within 300ms"), head.getMessage());
        String stalls = raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", true);
        SocketTimeoutException body = assertThrows(SocketTimeoutException.class, () -> fetch(QUICK, "GET", stalls));
        assertTrue(body.getMessage().endsWith("no body data for 300ms"), body.getMessage());
    }

    @Test
    void aRefusedConnectionIsAnError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/";
        ConnectException e = assertThrows(ConnectException.class, () -> fetch("GET", url, false));
        assertTrue(e.getMessage().startsWith("cannot connect to 127.0.0.1:" + port + ": "), e.getMessage());
    }

    // --- servers that never stop: the limits ---------------------------------------------------

    private String misbehaving(RawHttpServer.Responder responder) throws IOException {
        RawHttpServer s = new RawHttpServer(responder, false);
        open.add(s);
        return s.url();
    }

    private static HttpFetch limited(HttpLimits limits) {
        return new HttpFetch(Duration.ofSeconds(5), Duration.ofSeconds(10), false, limits);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a limit that fails must not hang the build
    void anEndlessChunkedBodyStopsAtMaxFileSize() throws IOException {
        String url = misbehaving(RawHttpServer.ENDLESS_CHUNKS);
        Recorded r = new Recorded();
        HttpLimits.Exceeded e = assertThrows(HttpLimits.Exceeded.class, () -> limited(
                new HttpLimits(null, 1 << 20, 0, HttpLimits.SPEED_TIME)).fetch("GET", HttpUrl.parse(url), List.of(), r));
        assertEquals(HttpLimits.Exceeded.Kind.SIZE, e.kind());
        assertTrue(e.getMessage().endsWith(": the body passed 1048576 bytes, over --max-filesize 1.0 MiB (1048576 bytes)"),
                e.getMessage());
        assertEquals(1 << 20, r.body.size(), "exactly the limit was delivered, not a byte more");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aBodyAnnouncedOverMaxFileSizeIsRefusedBeforeItIsRead() throws IOException {
        String url = raw("HTTP/1.1 200 OK\r\nContent-Length: 10737418240\r\n\r\nxxxx", true);
        Recorded r = new Recorded();
        HttpLimits.Exceeded e = assertThrows(HttpLimits.Exceeded.class,
                () -> limited(HttpLimits.DOWNLOAD).fetch("GET", HttpUrl.parse(url), List.of(), r));
        assertTrue(e.getMessage().endsWith(": the body announces 10737418240 bytes, over --max-filesize 1.0 GiB (1073741824 bytes)"),
                e.getMessage());
        assertEquals(List.of(200), r.statuses(), "the head was shown");
        assertEquals(-99, r.length, "the listener never got the body");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void endlessInterimResponsesAreAProtocolError() throws IOException {
        String url = misbehaving(RawHttpServer.ENDLESS_CONTINUE);
        Recorded r = new Recorded();
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> new HttpFetch(false).fetch("GET", HttpUrl.parse(url), List.of(), r));
        assertTrue(e.getMessage().endsWith(": more than 10 interim responses (the last 'HTTP/1.1 100 Continue') and no final one"),
                e.getMessage());
        assertEquals(10, r.heads.size());
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aTrickleStopsAtMaxTimeOrUnderTheSpeedLimit() throws IOException {
        String url = misbehaving(RawHttpServer.trickle(100));
        Recorded r = new Recorded();
        HttpLimits.Exceeded time = assertThrows(HttpLimits.Exceeded.class, () -> limited(
                new HttpLimits(Duration.ofMillis(700), 0, 0, HttpLimits.SPEED_TIME)).fetch("GET", HttpUrl.parse(url), List.of(), r));
        assertEquals(HttpLimits.Exceeded.Kind.TIME, time.kind());
        // (on a loaded machine the deadline may even come before the head: stopped either way)
        assertTrue(time.getMessage().matches(".*: --max-time 700ms reached (after \\d+ bytes of the body|before the response was complete)"),
                time.getMessage());
        assertTrue(r.body.size() < 1000);

        HttpLimits.Exceeded slow = assertThrows(HttpLimits.Exceeded.class, () -> limited(
                new HttpLimits(null, 0, 100, Duration.ofMillis(500))).fetch("GET", HttpUrl.parse(url), List.of(), new Recorded()));
        assertEquals(HttpLimits.Exceeded.Kind.SPEED, slow.kind());
        assertTrue(slow.getMessage().contains(": the body came slower than --speed-limit 100 bytes/s over 500ms ("),
                slow.getMessage());
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void maxTimeCoversTheHeadTheRequestWriteAndChunkLines() throws IOException {
        String silent = raw("", true);
        HttpLimits.Exceeded e = assertThrows(HttpLimits.Exceeded.class, () -> fetch(limited(
                new HttpLimits(Duration.ofMillis(300), 0, 0, HttpLimits.SPEED_TIME)), "GET", silent));
        assertTrue(e.getMessage().endsWith(": --max-time 300ms reached before the response was complete"), e.getMessage());
        // a trickled chunk-size line is timed too: the limit sits below the chunked decoder
        String trickledSize = misbehaving(out -> {
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 1000; i++) {
                out.write('e');
                out.flush();
                Thread.sleep(50); // the trickling server's pace, not a wait of the test
            }
        });
        // a server that never reads: the request body's write is bounded too
        try (ServerSocket deaf = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + deaf.getLocalPort() + "/";
            byte[] body = new byte[64 << 20]; // more than loopback's socket buffers hold
            HttpLimits.Exceeded w = assertThrows(HttpLimits.Exceeded.class, () -> limited(new HttpLimits(
                    Duration.ofMillis(500), 0, 0, HttpLimits.SPEED_TIME)).fetch("POST", HttpUrl.parse(url), List.of(), body,
                    new Recorded()));
            assertTrue(w.getMessage().endsWith(": --max-time 500ms reached before the response was complete"), w.getMessage());
        }
        HttpLimits.Exceeded ext = assertThrows(HttpLimits.Exceeded.class, () -> fetch(limited(
                new HttpLimits(Duration.ofMillis(500), 0, 0, HttpLimits.SPEED_TIME)), "GET", trickledSize));
        assertEquals(HttpLimits.Exceeded.Kind.TIME, ext.kind());
    }
}
