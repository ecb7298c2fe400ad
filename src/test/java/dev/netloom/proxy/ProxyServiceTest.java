package dev.netloom.proxy;

import dev.netloom.core.PasswordHash;
import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import dev.netloom.testing.RawHttpClient;
import dev.netloom.testing.ScriptedOrigin;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProxyServiceTest {

    private static Service proxy(String... overrides) {
        List<String> all = new ArrayList<>(List.of("access-log=off"));
        all.addAll(List.of(overrides));
        return Net.start(ProxyService.type(), all.toArray(String[]::new));
    }

    private static int port(Service s) {
        return s.address().getPort();
    }

    @Test
    void forwardsAbsoluteFormAndServesAFreshResponseFromTheCache() throws Exception {
        try (ScriptedOrigin origin = new ScriptedOrigin(ScriptedOrigin.reply(200,
                "Cache-Control: max-age=60\r\nConnection: X-Secret\r\nX-Secret: hop\r\nKeep-Alive: timeout=5\r\n", "hello"));
             Service proxy = proxy(); RawHttpClient c = new RawHttpClient(port(proxy))) {
            RawHttpClient.Response first = c.get(origin.url("/a?x=1"), "Proxy-Connection: keep-alive\r\nTE: trailers\r\n");
            assertEquals(200, first.status());
            assertEquals("hello", first.text());
            assertEquals("MISS", first.header("X-Cache"));
            assertTrue(first.header("Via").startsWith("1.1 netloom"), first.fields().toString());
            assertNull(first.header("X-Secret"), "a field named by Connection is hop-by-hop");
            assertNull(first.header("Keep-Alive"));
            ScriptedOrigin.Received sent = origin.received.getFirst();
            assertEquals("GET /a?x=1 HTTP/1.1", sent.requestLine());
            assertEquals("127.0.0.1:" + origin.port(), sent.header("Host"));
            assertNull(sent.header("Proxy-Connection"));
            assertNull(sent.header("TE"));
            assertTrue(sent.header("Via").startsWith("1.1 netloom"));

            RawHttpClient.Response second = c.get(origin.url("/a?x=1"), "");
            assertEquals("HIT", second.header("X-Cache"));
            assertEquals("hello", second.text());
            assertTrue(Long.parseLong(second.header("Age")) >= 0);
            assertEquals(1, origin.received.size(), "the hit never reached the origin");
            assertEquals(200, c.send("HEAD " + origin.url("/a?x=1") + " HTTP/1.1\r\nHost: x\r\n\r\n", null, true).status());
            assertEquals(1, origin.received.size(), "HEAD is answered from the stored GET");
        }
    }

    @Test
    void aStaleEntryIsRevalidatedAndA304RefreshesIt() throws Exception {
        try (ScriptedOrigin origin = new ScriptedOrigin((req, out) -> {
            boolean matches = "\"v1\"".equals(req.header("If-None-Match"));
            String head = matches ? "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nCache-Control: max-age=0\r\nX-Fresh: yes\r\n\r\n"
                    : "HTTP/1.1 200 OK\r\nETag: \"v1\"\r\nCache-Control: max-age=0\r\nContent-Length: 4\r\n\r\nbody";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            return true;
        }); Service proxy = proxy(); RawHttpClient c = new RawHttpClient(port(proxy))) {
            assertEquals("MISS", c.get(origin.url("/r"), "").header("X-Cache"));
            RawHttpClient.Response again = c.get(origin.url("/r"), "");
            assertEquals(200, again.status());
            assertEquals("REVALIDATED", again.header("X-Cache"));
            assertEquals("body", again.text());
            assertEquals("yes", again.header("X-Fresh"), "the 304's fields update the stored ones");
            assertEquals("\"v1\"", origin.received.get(1).header("If-None-Match"));
            RawHttpClient.Response conditional = c.get(origin.url("/r"), "If-None-Match: \"v1\"\r\n");
            assertEquals(304, conditional.status(), "the client's own conditional is answered by the proxy");
        }
    }

    @Test
    void requestDirectivesAndUnstorableResponses() throws Exception {
        try (ScriptedOrigin origin = new ScriptedOrigin((req, out) -> ScriptedOrigin.reply(200,
                req.requestLine().contains("/private") ? "Cache-Control: private, max-age=60\r\n"
                        : req.requestLine().contains("/nostore") ? "Cache-Control: no-store\r\n"
                        : "Cache-Control: max-age=60\r\n", "x").answer(req, out));
             Service proxy = proxy(); RawHttpClient c = new RawHttpClient(port(proxy))) {
            for (String path : List.of("/private", "/nostore")) {
                c.get(origin.url(path), "");
                assertEquals("MISS", c.get(origin.url(path), "").header("X-Cache"), path);
            }
            assertEquals(504, c.get(origin.url("/cold"), "Cache-Control: only-if-cached\r\n").status());
            c.get(origin.url("/warm"), "");
            int before = origin.received.size();
            c.get(origin.url("/warm"), "Cache-Control: no-cache\r\n");
            assertEquals(before + 1, origin.received.size(), "no-cache goes to the origin");
            before = origin.received.size();
            c.get(origin.url("/warm"), "Pragma: no-cache\r\n");
            assertEquals(before + 1, origin.received.size(), "Pragma: no-cache without Cache-Control goes to the origin");
        }
    }

    @Test
    void anUnsafeRequestInvalidatesItsUri() throws Exception {
        try (ScriptedOrigin origin = new ScriptedOrigin(ScriptedOrigin.reply(200, "Cache-Control: max-age=60\r\n", "v"));
             Service proxy = proxy(); RawHttpClient c = new RawHttpClient(port(proxy))) {
            c.get(origin.url("/doc"), "");
            assertEquals("HIT", c.get(origin.url("/doc"), "").header("X-Cache"));
            RawHttpClient.Response post = c.send("POST " + origin.url("/doc") + " HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n",
                    "abc".getBytes(StandardCharsets.US_ASCII), false);
            assertEquals(200, post.status());
            assertEquals("abc", new String(origin.received.getLast().body(), StandardCharsets.US_ASCII));
            assertEquals("MISS", c.get(origin.url("/doc"), "").header("X-Cache"));
        }
    }

    @Test
    void bodiesStreamInTheirFramingBothWays() throws Exception {
        byte[] big = new byte[3 * 1024 * 1024 + 7];
        new Random(1).nextBytes(big);
        try (ScriptedOrigin origin = new ScriptedOrigin((req, out) -> {
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] body = req.body().length > 0 ? req.body() : big;
            for (int off = 0; off < body.length; off += 100_000) {
                int n = Math.min(100_000, body.length - off);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, off, n);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return true;
        }); Service proxy = proxy(); RawHttpClient c = new RawHttpClient(port(proxy))) {
            RawHttpClient.Response r = c.get(origin.url("/big"), "");
            assertEquals("chunked", r.framing());
            assertArrayEquals(big, r.body());
            StringBuilder chunked = new StringBuilder();
            chunked.append("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            RawHttpClient.Response echoed = c.send("PUT " + origin.url("/up") + " HTTP/1.1\r\nHost: x\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + chunked, null, false);
            assertEquals("hello world", echoed.text());
            assertEquals("chunked", origin.received.getLast().header("Transfer-Encoding"));
            try (RawHttpClient old = new RawHttpClient(port(proxy))) {
                RawHttpClient.Response r10 = old.send("GET " + origin.url("/big2") + " HTTP/1.0\r\n\r\n", null, false);
                assertEquals("close", r10.framing(), "an HTTP/1.0 client gets the body delimited by the close");
                assertArrayEquals(big, r10.body());
            }
        }
    }

    @Test
    void originFailuresAreAnsweredInHttpTerms() throws Exception {
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ScriptedOrigin garbage = new ScriptedOrigin((req, out) -> {
                 out.write("HTTP/9 lol\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                 return false;
             });
             ScriptedOrigin silent = new ScriptedOrigin((req, out) -> {
                 Thread.sleep(3000);
                 return false;
             });
             ScriptedOrigin hangUp = new ScriptedOrigin((req, out) -> false);
             ScriptedOrigin midBody = new ScriptedOrigin((req, out) -> {
                 out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this".getBytes(StandardCharsets.US_ASCII));
                 return false;
             });
             Service proxy = proxy("read-timeout=500ms")) {
            int refusedPort = closed.getLocalPort();
            closed.close();
            try (RawHttpClient c = new RawHttpClient(port(proxy))) {
                RawHttpClient.Response refused = c.get("http://127.0.0.1:" + refusedPort + "/", "");
                assertEquals(502, refused.status());
                assertTrue(refused.text().contains("cannot connect"), refused.text());
                assertEquals("text/html; charset=utf-8", refused.header("Content-Type"));
                assertEquals(502, c.get(garbage.url("/"), "").status());
                assertEquals(504, c.get(silent.url("/"), "").status());
                assertEquals(502, c.get(hangUp.url("/"), "").status());
                assertEquals(502, c.get("http://no-such-host.invalid/", "").status());
            }
            try (RawHttpClient c = new RawHttpClient(port(proxy))) {
                IOException cut = assertThrows(IOException.class, () -> c.get(midBody.url("/"), ""));
                assertTrue(cut.getMessage().contains("body cut"), cut.getMessage());
            }
        }
    }

    @Test
    void concurrentMissesForOneUrlAreCollapsedIntoOneOriginRequest() throws Exception {
        try (ScriptedOrigin origin = new ScriptedOrigin((req, out) -> {
            Thread.sleep(500);
            return ScriptedOrigin.reply(200, "Cache-Control: max-age=60\r\n", "shared").answer(req, out);
        }); Service proxy = proxy(); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                answers.add(pool.submit(() -> {
                    try (RawHttpClient c = new RawHttpClient(port(proxy))) {
                        return c.get(origin.url("/cold"), "").text();
                    }
                }));
            }
            for (Future<String> f : answers) {
                assertEquals("shared", f.get());
            }
            assertEquals(1, origin.received.size(), "one origin request for 200 clients");
        }
    }

    @Test
    void connectTunnelsToAllowedPortsOnly() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = echo.accept()) {
                    s.getInputStream().transferTo(s.getOutputStream());
                    s.shutdownOutput();
                } catch (IOException ignored) {
                    // the test sees what the client saw
                }
            });
            try (Service proxy = proxy("connect-ports=443," + echo.getLocalPort())) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port(proxy))) {
                    s.setSoTimeout(10_000);
                    OutputStream out = s.getOutputStream();
                    out.write(("CONNECT 127.0.0.1:" + echo.getLocalPort() + " HTTP/1.1\r\nHost: x\r\n\r\nearly")
                            .getBytes(StandardCharsets.US_ASCII));
                    InputStream in = s.getInputStream();
                    String head = readHead(in);
                    assertTrue(head.startsWith("HTTP/1.1 200"), head);
                    out.write(" and late".getBytes(StandardCharsets.US_ASCII));
                    s.shutdownOutput();
                    assertEquals("early and late", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
                }
                try (RawHttpClient c = new RawHttpClient(port(proxy))) {
                    assertEquals(403, c.send("CONNECT 127.0.0.1:25 HTTP/1.1\r\nHost: x\r\n\r\n", null, false).status());
                }
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    @Test
    void accessRulesLoopsAndTheOwnForms() throws Exception {
        try (ScriptedOrigin origin = new ScriptedOrigin(ScriptedOrigin.reply(200, "", "ok"));
             Service proxy = proxy("deny-hosts=blocked.test", "deny-urls=/secret/");
             RawHttpClient c = new RawHttpClient(port(proxy))) {
            RawHttpClient.Response denied = c.get("http://www.blocked.test/", "");
            assertEquals(403, denied.status());
            assertTrue(denied.text().contains("host blocked.test"), denied.text());
            assertEquals(403, c.get(origin.url("/secret/x"), "").status());
            assertEquals(508, c.get("http://127.0.0.1:" + port(proxy) + "/", "").status(), "a request to itself loops");
            RawHttpClient.Response prefix = c.send("GET /" + origin.url("/p") + " HTTP/1.1\r\nHost: x\r\n\r\n", null, false);
            assertEquals("ok", prefix.text());
            assertEquals("GET /p HTTP/1.1", origin.received.getLast().requestLine());
            assertEquals(400, c.send("GET /plain HTTP/1.1\r\nHost: x\r\n\r\n", null, false).status());
        }
        try (Service closed = proxy("allow=10.0.0.0/8"); RawHttpClient c = new RawHttpClient(port(closed))) {
            assertEquals(403, c.get("http://127.0.0.1:1/", "").status());
        }
    }

    @Test
    void aStoredResponseReplacedWhileASlowClientReadsItStaysWholeForThatClient() throws Exception {
        int size = 16 << 20;
        byte[] a = new byte[size];
        Arrays.fill(a, (byte) 'A');
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) 'B');
        byte[][] current = {a};
        try (ScriptedOrigin origin = new ScriptedOrigin((req, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nCache-Control: max-age=600\r\nContent-Length: " + size + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(current[0]);
            return true;
        }); Service proxy = proxy("cache-max-object=32MiB"); RawHttpClient warm = new RawHttpClient(port(proxy));
             RawHttpClient slow = new RawHttpClient(port(proxy)); RawHttpClient other = new RawHttpClient(port(proxy))) {
            String url = origin.url("/obj");
            assertArrayEquals(a, warm.get(url, "").body());
            slow.socket.getOutputStream().write(("GET " + url + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)); // its answer waits unread in the socket buffers
            Thread.sleep(200);
            assertEquals(200, other.send("PURGE " + url + " HTTP/1.1\r\nHost: x\r\n\r\n", null, false).status());
            current[0] = b;
            RawHttpClient.Response replaced = other.get(url, "");
            assertEquals("MISS", replaced.header("X-Cache"));
            assertArrayEquals(b, replaced.body());
            assertEquals("HIT", other.get(url, "").header("X-Cache"));
            RawHttpClient.Response old = slow.read(false);
            assertEquals("HIT", old.header("X-Cache"));
            assertArrayEquals(a, old.body(), "the slow client reads the whole response it was sent");
        }
    }

    @Test
    void basicProxyAuthenticationAndForwardedFor() throws Exception {
        String hash = PasswordHash.create("s3cret".toCharArray());
        try (ScriptedOrigin origin = new ScriptedOrigin(ScriptedOrigin.reply(200, "", "ok"));
             Service proxy = proxy("users=alice", "user.alice.password=" + hash, "forwarded=x-forwarded-for");
             RawHttpClient c = new RawHttpClient(port(proxy))) {
            RawHttpClient.Response asked = c.get(origin.url("/"), "");
            assertEquals(407, asked.status());
            assertEquals("Basic realm=\"netloom proxy\"", asked.header("Proxy-Authenticate"));
            try (RawHttpClient wrong = new RawHttpClient(port(proxy))) {
                assertEquals(407, wrong.get(origin.url("/"), "Proxy-Authorization: Basic "
                        + Base64.getEncoder().encodeToString("alice:nope".getBytes(StandardCharsets.UTF_8)) + "\r\n").status());
            }
            try (RawHttpClient right = new RawHttpClient(port(proxy))) {
                String auth = "Proxy-Authorization: Basic "
                        + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8)) + "\r\n";
                assertEquals("ok", right.get(origin.url("/"), auth + "X-Forwarded-For: 10.1.1.1\r\n").text());
                ScriptedOrigin.Received sent = origin.received.getLast();
                assertNull(sent.header("Proxy-Authorization"), "the proxy's credentials stay with the proxy");
                assertEquals("10.1.1.1, 127.0.0.1", sent.header("X-Forwarded-For"));
            }
            assertEquals(1, origin.received.size(), "refused requests never reached the origin");
        }
    }

    @Test
    void aResponseOfUnknownLengthOverTheLargestObjectStreamsAndIsNotStored() throws Exception {
        String big = "x".repeat(3000);
        try (ScriptedOrigin origin = new ScriptedOrigin((req, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3e8\r\n" + big.substring(0, 1000) + "\r\n7d0\r\n" + big.substring(1000) + "\r\n0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return true;
        }); Service proxy = proxy("cache-max-object=2KiB"); RawHttpClient c = new RawHttpClient(port(proxy))) {
            assertEquals(big, c.get(origin.url("/big"), "").text());
            RawHttpClient.Response again = c.get(origin.url("/big"), "");
            assertEquals("MISS", again.header("X-Cache"));
            assertEquals(big, again.text());
            assertEquals(2, origin.received.size());
        }
    }

    @Test
    void requestHeadsHaveTheHttpServicesLimits() throws Exception {
        try (Service proxy = proxy(); RawHttpClient c = new RawHttpClient(port(proxy))) {
            RawHttpClient.Response big = c.get("http://127.0.0.1:1/", "X-Big: " + "a".repeat(17 * 1024) + "\r\n");
            assertEquals(431, big.status());
            assertTrue(c.closedByPeer(), "the connection ends after a refused head");
        }
        try (Service proxy = proxy(); RawHttpClient c = new RawHttpClient(port(proxy))) {
            assertEquals(414, c.get("http://127.0.0.1:1/" + "p".repeat(9000), "").status());
        }
    }

    @Test
    void aClientWaitingForASlowOriginIsNotTakenForIdle() throws Exception {
        try (ScriptedOrigin origin = new ScriptedOrigin((req, out) -> {
            Thread.sleep(1500);
            return ScriptedOrigin.reply(200, "", "late").answer(req, out);
        }); Service proxy = proxy("keep-alive-timeout=300ms", "read-timeout=5s"); RawHttpClient c = new RawHttpClient(port(proxy))) {
            assertEquals("late", c.get(origin.url("/slow"), "").text());
            assertEquals("late", c.get(origin.url("/slow"), "").text(), "the connection persists after it");
        }
    }

    @Test
    void connectionsFromOneAddressAreCapped() throws Exception {
        try (ScriptedOrigin origin = new ScriptedOrigin(ScriptedOrigin.reply(200, "", "ok"));
             Service proxy = proxy("max-per-ip=1"); RawHttpClient first = new RawHttpClient(port(proxy))) {
            assertEquals("ok", first.get(origin.url("/"), "").text());
            try (RawHttpClient second = new RawHttpClient(port(proxy))) {
                RawHttpClient.Response busy = second.read(false);
                assertEquals(503, busy.status());
                assertTrue(busy.text().contains("max-per-ip 1"), busy.text());
            }
            assertEquals("ok", first.get(origin.url("/"), "").text(), "the first connection goes on");
        }
    }

    @Test
    void maxForwardsZeroIsAnsweredByTheProxyAndPurgeDropsAnEntry() throws Exception {
        try (ScriptedOrigin origin = new ScriptedOrigin(ScriptedOrigin.reply(200, "Cache-Control: max-age=60\r\n", "v"));
             Service proxy = proxy(); RawHttpClient c = new RawHttpClient(port(proxy))) {
            RawHttpClient.Response trace = c.send("TRACE " + origin.url("/") + " HTTP/1.1\r\nHost: x\r\nMax-Forwards: 0\r\n"
                    + "Cookie: secret\r\n\r\n", null, false);
            assertEquals(200, trace.status());
            assertEquals("message/http", trace.header("Content-Type"));
            assertFalse(trace.text().contains("secret"));
            assertEquals(0, origin.received.size());
            c.send("OPTIONS " + origin.url("/") + " HTTP/1.1\r\nHost: x\r\nMax-Forwards: 3\r\n\r\n", null, false);
            assertEquals("2", origin.received.getLast().header("Max-Forwards"));
            c.get(origin.url("/p"), "");
            assertEquals(200, c.send("PURGE " + origin.url("/p") + " HTTP/1.1\r\nHost: x\r\n\r\n", null, false).status());
            assertEquals(404, c.send("PURGE " + origin.url("/p") + " HTTP/1.1\r\nHost: x\r\n\r\n", null, false).status());
            assertEquals("MISS", c.get(origin.url("/p"), "").header("X-Cache"));
            assertTrue(proxy.details().toString().contains("hit ratio"), proxy.details().toString());
        }
    }

    @Test
    void aReusedOriginConnectionThatWasClosedIsRetriedOnce() throws Exception {
        try (ScriptedOrigin origin = new ScriptedOrigin(ScriptedOrigin.reply(200, "Cache-Control: no-store\r\n", "x"));
             Service proxy = proxy(); RawHttpClient c = new RawHttpClient(port(proxy))) {
            assertEquals(200, c.get(origin.url("/1"), "").status());
            origin.script(new ScriptedOrigin.Script() { // the next request on the kept connection gets no answer
                private boolean first = true;

                @Override
                public boolean answer(ScriptedOrigin.Received req, OutputStream out) throws IOException, InterruptedException {
                    if (first) {
                        first = false;
                        return false;
                    }
                    return ScriptedOrigin.reply(200, "", "again").answer(req, out);
                }
            });
            assertEquals("again", c.get(origin.url("/2"), "").text());
            assertEquals(2, origin.connections.get());
            assertEquals(3, origin.received.size(), "/1, /2 unanswered on the kept connection, /2 again on a new one");
        }
    }
}
