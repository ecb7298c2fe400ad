package dev.netloom.lb;

import dev.netloom.core.AbstractService;
import dev.netloom.core.HostPort;
import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import dev.netloom.testing.RawHttpClient;
import dev.netloom.testing.ScriptedOrigin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class LbServiceTest {

    static LbService lb(String... overrides) {
        List<String> all = new ArrayList<>(List.of("access-log=off", "check=none"));
        all.addAll(List.of(overrides));
        return (LbService) Net.start(LbService.type(), all.toArray(String[]::new));
    }

    /** A backend that answers every request with its own name. */
    static ScriptedOrigin named(String name) throws IOException {
        return new ScriptedOrigin(ScriptedOrigin.reply(200, "", name));
    }

    static String servers(ScriptedOrigin... backends) {
        StringBuilder sb = new StringBuilder("servers=");
        for (int i = 0; i < backends.length; i++) {
            sb.append(i == 0 ? "" : ",").append((char) ('a' + i)).append("=127.0.0.1:").append(backends[i].port());
        }
        return sb.toString();
    }

    static String get(RawHttpClient c, String path) throws IOException {
        RawHttpClient.Response r = c.send("GET " + path + " HTTP/1.1\r\nHost: lb\r\n\r\n", null, false);
        return r.status() + " " + r.text();
    }

    static Map<String, Integer> tally(Service lb, int n, String path) throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        try (RawHttpClient c = new RawHttpClient(lb.address().getPort())) {
            for (int i = 0; i < n; i++) {
                counts.merge(get(c, path), 1, Integer::sum);
            }
        }
        return counts;
    }

    @Test
    void smoothWeightedRoundRobinSplitsRequestsByWeightOverKeptAliveConnections() throws Exception {
        try (ScriptedOrigin a = named("a"); ScriptedOrigin b = named("b"); ScriptedOrigin c = named("c");
             LbService lb = lb("servers=a=127.0.0.1:" + a.port() + ",b=127.0.0.1:" + b.port() + "*2,c=127.0.0.1:"
                     + c.port() + "*3")) {
            assertEquals(Map.of("200 a", 500, "200 b", 1000, "200 c", 1500), tally(lb, 3000, "/"));
            assertTrue(a.connections.get() <= 2, "server connections are kept alive: " + a.connections.get());
        }
    }

    @Test
    void requestsCarryForwardingFieldsAndARequestId() throws Exception {
        try (ScriptedOrigin a = named("a"); LbService lb = lb(servers(a)); RawHttpClient c = new RawHttpClient(
                lb.address().getPort())) {
            c.send("GET /x?y=1 HTTP/1.1\r\nHost: site\r\nX-Forwarded-For: 10.0.0.9\r\nConnection: X-Hop\r\nX-Hop: 1\r\n\r\n",
                    null, false);
            c.send("GET /z HTTP/1.1\r\nHost: site\r\nX-Request-Id: mine\r\n\r\n", null, false);
            ScriptedOrigin.Received first = a.received.get(0);
            assertEquals("GET /x?y=1 HTTP/1.1", first.requestLine());
            assertEquals("site", first.header("Host"));
            assertEquals("10.0.0.9, 127.0.0.1", first.header("X-Forwarded-For"));
            assertEquals("http", first.header("X-Forwarded-Proto"));
            assertTrue(first.header("X-Request-Id").matches("[0-9a-f]{32}"), first.header("X-Request-Id"));
            assertNull(first.header("X-Hop"), "a field named by Connection is hop-by-hop");
            assertEquals("mine", a.received.get(1).header("X-Request-Id"));
        }
    }

    @Test
    void forwardedModeAddsAnRfc7239Field() throws Exception {
        try (ScriptedOrigin a = named("a"); LbService lb = lb(servers(a), "forwarded=forwarded");
             RawHttpClient c = new RawHttpClient(lb.address().getPort())) {
            get(c, "/");
            assertEquals("for=127.0.0.1;proto=http", a.received.get(0).header("Forwarded"));
            assertNull(a.received.get(0).header("X-Forwarded-For"));
        }
    }

    @Test
    void postBodiesChunkedOrNotReachTheServerWhole() throws Exception {
        try (ScriptedOrigin a = new ScriptedOrigin((req, out) -> {
            byte[] b = ("got " + req.body().length).getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(b.length) + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(b);
            out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return true;
        }); LbService lb = lb(servers(a)); RawHttpClient c = new RawHttpClient(lb.address().getPort())) {
            byte[] body = new byte[100_000];
            RawHttpClient.Response r = c.send("POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n", body, false);
            assertEquals(201, r.status());
            assertEquals("got 100000", r.text());
            assertEquals("chunked", r.framing());
            r = c.send("POST /u HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\n", null, false);
            assertEquals("got 5", r.text());
            assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), a.received.get(1).body());
        }
    }

    @Test
    void noServerUpIs503WithABodyAndTheConnectionStays() throws Exception {
        try (LbService lb = lb(); RawHttpClient c = new RawHttpClient(lb.address().getPort())) {
            RawHttpClient.Response r = c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n", null, false);
            assertEquals(503, r.status());
            assertTrue(r.text().contains("no server of pool default is up"), r.text());
            assertEquals(503, c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n", null, false).status());
        }
    }

    @Test
    void aServerThatClosesAtOnceAfterItsHeadOrMidBodyIsA502OrACutResponse() throws Exception {
        try (ScriptedOrigin bad = new ScriptedOrigin((req, out) -> false); LbService lb = lb(servers(bad), "retries=0")) {
            try (RawHttpClient c = new RawHttpClient(lb.address().getPort())) {
                RawHttpClient.Response r = c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n", null, false);
                assertEquals(502, r.status());
                assertTrue(r.text().contains("closed the connection without a response"), r.text());
            }
            bad.script((req, out) -> {
                out.write("HTTP/1.1 200 OK\r\nContent-Len".getBytes(StandardCharsets.ISO_8859_1));
                return false;
            });
            try (RawHttpClient c = new RawHttpClient(lb.address().getPort())) {
                assertEquals(502, c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n", null, false).status());
            }
            bad.script((req, out) -> {
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part".getBytes(StandardCharsets.ISO_8859_1));
                return false;
            });
            try (RawHttpClient c = new RawHttpClient(lb.address().getPort())) {
                IOException e = assertThrows(IOException.class,
                        () -> c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n", null, false));
                assertTrue(e.getMessage().contains("body cut after 9 of 100"), e.getMessage());
            }
            bad.script((req, out) -> {
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 12\r\nTransfer-Encoding: chunked\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                return false;
            });
            try (RawHttpClient c = new RawHttpClient(lb.address().getPort())) {
                assertEquals(502, c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n", null, false).status());
            }
        }
    }

    @Test
    void interimResponsesArePassedOnButNotWithoutEnd() throws Exception {
        try (ScriptedOrigin a = new ScriptedOrigin((req, out) -> {
            int hints = req.requestLine().contains("/many") ? 11 : 2;
            for (int i = 0; i < hints; i++) {
                out.write("HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
            return true;
        }); LbService lb = lb(servers(a)); RawHttpClient c = new RawHttpClient(lb.address().getPort())) {
            assertEquals("200 ok", get(c, "/few"));
            RawHttpClient.Response r = c.send("GET /many HTTP/1.1\r\nHost: x\r\n\r\n", null, false);
            assertEquals(502, r.status());
            assertTrue(r.text().contains("more than 10 interim (1xx) responses"), r.text());
        }
    }

    @Test
    void aSlowServerIs504() throws Exception {
        try (ScriptedOrigin slow = new ScriptedOrigin((req, out) -> {
            Thread.sleep(2000);
            return false;
        }); LbService lb = lb(servers(slow), "timeout-server=300ms"); RawHttpClient c = new RawHttpClient(
                lb.address().getPort())) {
            RawHttpClient.Response r = c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n", null, false);
            assertEquals(504, r.status());
            assertTrue(r.text().contains("did not answer within 300 ms"), r.text());
        }
    }

    /** Answers with its request line as the body; {@code /chunked} in chunked framing. */
    static ScriptedOrigin echoingRequestLines() throws IOException {
        return new ScriptedOrigin((req, out) -> {
            String line = req.requestLine();
            if (line.contains("/chunked")) {
                out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(line.length())
                        + "\r\n" + line + "\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                return true;
            }
            return ScriptedOrigin.reply(200, "", line + (req.body().length > 0 ? " +" + req.body().length : ""))
                    .answer(req, out);
        });
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderWhetherTheLoopOrTheSessionAnswersThem() throws Exception {
        try (ScriptedOrigin a = echoingRequestLines(); LbService lb = lb(servers(a));
             RawHttpClient c = new RawHttpClient(lb.address().getPort())) {
            assertEquals("200 GET /warm HTTP/1.1", get(c, "/warm")); // leaves an idle server connection
            c.socket.getOutputStream().write(("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "HEAD /4 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /5 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                    + "GET /6 HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("GET /1 HTTP/1.1", c.read(false).text());
            assertEquals("POST /2 HTTP/1.1 +3", c.read(false).text());
            RawHttpClient.Response chunked = c.read(false);
            assertEquals("GET /chunked HTTP/1.1", chunked.text());
            assertEquals("chunked", chunked.framing());
            RawHttpClient.Response head = c.read(true);
            assertEquals(200, head.status());
            assertEquals(0, head.body().length);
            RawHttpClient.Response old = c.read(false);
            assertEquals("GET /5 HTTP/1.1", old.text(), "the server gets HTTP/1.1");
            assertEquals("keep-alive", old.header("Connection"), "an HTTP/1.0 client is told it may keep the connection");
            assertEquals("GET /6 HTTP/1.1", c.read(false).text());
            assertEquals(7, a.received.size(), "the warm-up and six");
        }
    }

    @Test
    void aSlowServerOnAKeptAliveConnectionIs504AndTheNextRequestGoesOn() throws Exception {
        try (ScriptedOrigin a = new ScriptedOrigin((req, out) -> {
            if (req.requestLine().contains("/slow")) {
                Thread.sleep(2000);
            }
            return ScriptedOrigin.reply(200, "", "ok").answer(req, out);
        }); LbService lb = lb(servers(a), "timeout-server=300ms");
             RawHttpClient c = new RawHttpClient(lb.address().getPort())) {
            assertEquals("200 ok", get(c, "/fast"));
            long t0 = System.nanoTime();
            RawHttpClient.Response r = c.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n", null, false);
            long took = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(504, r.status(), r.text());
            assertTrue(took >= 250 && took < 1500, "504 after " + took + " ms");
            assertTrue(c.closedByPeer(), "a 504 closes the client connection");
            try (RawHttpClient again = new RawHttpClient(lb.address().getPort())) {
                assertEquals("200 ok", get(again, "/fast"));
            }
        }
    }

    @Test
    void aLargeBodyReachesASlowReaderWhole() throws Exception {
        byte[] big = new byte[4 * 1024 * 1024 + 17];
        new Random(7).nextBytes(big);
        try (ScriptedOrigin a = new ScriptedOrigin((req, out) -> {
            byte[] body = req.requestLine().contains("/big") ? big : new byte[] {'o', 'k'};
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            return true;
        }); LbService lb = lb(servers(a)); Socket c = new Socket()) {
            c.setReceiveBufferSize(32 * 1024); // before connecting, so the window is small from the start
            c.connect(lb.address());
            c.setSoTimeout(10_000);
            OutputStream out = c.getOutputStream();
            DataInputStream in = new DataInputStream(new BufferedInputStream(c.getInputStream()));
            for (String path : List.of("/warm", "/big", "/after")) { // /warm leaves an idle server connection
                out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                if (path.equals("/big")) {
                    Thread.sleep(300); // the lb fills what the sockets hold and waits for room
                }
                int length = -1;
                for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                    if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        length = Integer.parseInt(line.substring(15).strip());
                    }
                }
                byte[] body = in.readNBytes(length);
                if (path.equals("/big")) {
                    assertArrayEquals(big, body);
                } else {
                    assertEquals("ok", new String(body, StandardCharsets.ISO_8859_1));
                }
            }
        }
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("closed in a head");
            }
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    @Test
    void aKeptAliveClientIsClosedAfterTimeoutClientOrWhenKilled() throws Exception {
        try (ScriptedOrigin a = named("a"); LbService lb = lb(servers(a), "timeout-client=400ms")) {
            try (RawHttpClient c = new RawHttpClient(lb.address().getPort())) {
                assertEquals("200 a", get(c, "/"));
                long t0 = System.nanoTime();
                c.socket.setSoTimeout(5000);
                assertEquals(-1, c.socket.getInputStream().read(), "the idle client is closed");
                long took = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(took >= 300 && took < 3000, "closed after " + took + " ms");
            }
            try (RawHttpClient c = new RawHttpClient(lb.address().getPort())) {
                assertEquals("200 a", get(c, "/"));
                assertTrue(lb.kill(lb.connections().getFirst().id()));
                c.socket.setSoTimeout(5000);
                assertEquals(-1, c.socket.getInputStream().read(), "kill closes a client the loop is waiting on");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> lb.connections().isEmpty());
        }
    }

    @Test
    void aSlowUploadIsTheClientsTimeNotTheServers() throws Exception {
        try (ScriptedOrigin a = new ScriptedOrigin((req, out) -> ScriptedOrigin.reply(200, "", "got "
                + req.body().length).answer(req, out)); LbService lb = lb(servers(a), "timeout-server=300ms");
             RawHttpClient c = new RawHttpClient(lb.address().getPort())) {
            OutputStream out = c.socket.getOutputStream();
            out.write("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; i < 3; i++) {
                out.write(new byte[1000]);
                out.flush();
                Thread.sleep(200);
            }
            RawHttpClient.Response r = c.read(false);
            assertEquals(200, r.status(), r.text());
            assertEquals("got 3000", r.text());
        }
    }

    @Test
    void aClientThatBreaksOffItsUploadIsNotCountedAgainstTheServer() throws Exception {
        try (ScriptedOrigin a = named("a"); LbService lb = lb(servers(a), "check=tcp", "check-interval=1h",
                "error-limit=1")) {
            try (RawHttpClient c = new RawHttpClient(lb.address().getPort())) {
                c.socket.getOutputStream().write(("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
                        + "only the start").getBytes(StandardCharsets.ISO_8859_1));
                c.socket.getOutputStream().flush();
                await().atMost(Duration.ofSeconds(5)).until(() -> lb.view().getFirst().servers().getFirst().active() == 1);
                c.socket.setSoLinger(true, 0); // a reset: the lb's read of the body fails, it does not just end
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> lb.view().getFirst().servers().getFirst().active() == 0);
            assertEquals("UP", state(lb, "a"));
            assertEquals(0, lb.view().getFirst().servers().getFirst().errors());
            assertEquals(Map.of("200 a", 3), tally(lb, 3, "/"));
        }
    }

    @Test
    void aRefusedConnectIsRetriedOnAnotherServer() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        try (ScriptedOrigin a = named("a"); LbService lb = lb("servers=dead=127.0.0.1:" + dead + ",a=127.0.0.1:" + a.port())) {
            assertEquals(Map.of("200 a", 20), tally(lb, 20, "/"));
        }
        try (LbService lb = lb("servers=dead=127.0.0.1:" + dead, "retries=2");
             RawHttpClient c = new RawHttpClient(lb.address().getPort())) {
            RawHttpClient.Response r = c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n", null, false);
            assertEquals(503, r.status());
            assertTrue(r.text().contains("3 connection attempts failed"), r.text());
        }
    }

    @Test
    void aStaleKeptAliveConnectionIsRetriedForAGet() throws Exception {
        // the server closes each connection after answering, without saying so: the next GET meets a dead connection
        try (ScriptedOrigin a = new ScriptedOrigin((req, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread.sleep(50);
            return false;
        }); LbService lb = lb(servers(a), "retries=0")) {
            assertEquals(Map.of("200 ok", 10), tally(lb, 10, "/"));
        }
    }

    @Test
    void stickyCookiePinsAClientToItsServer() throws Exception {
        try (ScriptedOrigin a = named("a"); ScriptedOrigin b = named("b");
             LbService lb = lb(servers(a, b), "sticky-cookie=SRV"); RawHttpClient c = new RawHttpClient(
                     lb.address().getPort())) {
            RawHttpClient.Response first = c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n", null, false);
            String server = first.text();
            assertEquals("SRV=" + server + "; Path=/; HttpOnly", first.header("Set-Cookie"));
            for (int i = 0; i < 10; i++) {
                RawHttpClient.Response r = c.send("GET / HTTP/1.1\r\nHost: x\r\nCookie: x=1; SRV=" + server + "\r\n\r\n",
                        null, false);
                assertEquals(server, r.text());
                assertNull(r.header("Set-Cookie"));
            }
            lb.drain("default", server);
            RawHttpClient.Response moved = c.send("GET / HTTP/1.1\r\nHost: x\r\nCookie: SRV=" + server + "\r\n\r\n", null,
                    false);
            assertNotEquals(server, moved.text());
            assertEquals("SRV=" + moved.text() + "; Path=/; HttpOnly", moved.header("Set-Cookie"));
        }
    }

    @Test
    void uriHashSendsAUriToOneServerAlways() throws Exception {
        try (ScriptedOrigin a = named("a"); ScriptedOrigin b = named("b"); ScriptedOrigin c = named("c");
             LbService lb = lb(servers(a, b, c), "algorithm=uri")) {
            for (int i = 0; i < 20; i++) {
                assertEquals(1, tally(lb, 5, "/page" + i).size(), "/page" + i + " always goes to one server");
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 60; i++) {
                seen.addAll(tally(lb, 1, "/p" + i).keySet());
            }
            assertEquals(Set.of("200 a", "200 b", "200 c"), seen, "60 URIs spread over all three servers");
        }
    }

    @Test
    void headerHashFollowsTheHeaderAndWeightZeroTakesNoTraffic() throws Exception {
        try (ScriptedOrigin a = named("a"); ScriptedOrigin b = named("b");
             LbService lb = lb(servers(a, b), "algorithm=header:X-User"); RawHttpClient c = new RawHttpClient(
                     lb.address().getPort())) {
            Set<String> seen = new HashSet<>();
            for (int user = 0; user < 20; user++) {
                Set<String> forUser = new HashSet<>();
                for (int i = 0; i < 3; i++) {
                    forUser.add(c.send("GET /" + i + " HTTP/1.1\r\nHost: x\r\nX-User: u" + user + "\r\n\r\n", null,
                            false).text());
                }
                assertEquals(1, forUser.size(), "user u" + user + " always goes to one server");
                seen.addAll(forUser);
            }
            assertEquals(Set.of("a", "b"), seen);
            lb.weight("default", "a", 0);
            lb.weight("default", "b", 0);
            long t0 = System.nanoTime();
            assertEquals(503, c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n", null, false).status());
            assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "at once, not after the queue timeout");
        }
    }

    @Test
    void maxconnQueuesAndAQueueTimeoutIs503() throws Exception {
        try (ScriptedOrigin slow = new ScriptedOrigin((req, out) -> {
            Thread.sleep(req.requestLine().contains("/slow") ? 1500 : 0);
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
            return true;
        }); LbService lb = lb(servers(slow), "maxconn-per-server=1", "timeout-queue=300ms");
             RawHttpClient first = new RawHttpClient(lb.address().getPort());
             RawHttpClient second = new RawHttpClient(lb.address().getPort())) {
            first.socket.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            await().atMost(Duration.ofSeconds(5)).until(() -> slow.received.size() == 1);
            long t0 = System.nanoTime();
            RawHttpClient.Response r = second.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n", null, false);
            assertEquals(503, r.status());
            assertTrue(r.text().contains("free slot within 300 ms"), r.text());
            assertTrue(System.nanoTime() - t0 >= 250_000_000L, "it waited in the queue");
            assertEquals(200, first.read(false).status());
            assertEquals("200 ok", get(second, "/fast"), "a free slot is taken at once");
        }
    }

    @Test
    void aKilledServerGoesDownWithinFallChecksAndClientsSeeNoErrorThenComesBackAfterRise() throws Exception {
        ScriptedOrigin a = named("a");
        try (ScriptedOrigin b = named("b"); LbService lb = lb(servers(a, b), "check=tcp", "check-interval=100ms",
                "fall=2", "rise=2", "check-timeout=200ms")) {
            assertEquals(2, tally(lb, 10, "/").size());
            long killed = System.nanoTime();
            a.close();
            await().atMost(Duration.ofSeconds(3)).until(() -> state(lb, "a").equals("DOWN"));
            long took = (System.nanoTime() - killed) / 1_000_000;
            assertTrue(took <= 2 * 100 + 200 + 150, "DOWN after " + took + " ms");
            assertEquals(Map.of("200 b", 50), tally(lb, 50, "/"));
            assertTrue(lb.view().getFirst().events().stream().anyMatch(e -> e.contains("a DOWN")));
            try (ScriptedOrigin back = new ScriptedOrigin(a.port(), ScriptedOrigin.reply(200, "", "a"))) {
                await().atMost(Duration.ofSeconds(3)).until(() -> state(lb, "a").equals("UP"));
                assertTrue(lb.view().getFirst().events().getLast().contains("a UP (2 good checks"),
                        lb.view().getFirst().events().toString());
                assertEquals(Map.of("200 a", 5, "200 b", 5), tally(lb, 10, "/"));
            }
        }
    }

    @Test
    void anHttpCheckTakesAServerOutOnABadStatusAndBackAfterRise() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(true);
        try (ScriptedOrigin a = new ScriptedOrigin((req, out) -> {
            boolean check = req.requestLine().startsWith("GET /health ");
            int status = check && !healthy.get() ? 500 : 200;
            out.write(("HTTP/1.1 " + status + " X\r\nContent-Length: 1\r\n\r\na").getBytes(StandardCharsets.ISO_8859_1));
            return true;
        }); ScriptedOrigin b = named("b"); LbService lb = lb("servers=a=127.0.0.1:" + a.port() + "*8,b=127.0.0.1:"
                + b.port(), "check=http:/health", "check-interval=100ms", "fall=2", "rise=3", "slowstart=2s")) {
            await().atMost(Duration.ofSeconds(3)).until(() -> lb.view().getFirst().servers().getFirst().lastCheck()
                    .startsWith("L7OK 200"));
            healthy.set(false);
            await().atMost(Duration.ofSeconds(3)).until(() -> state(lb, "a").equals("DOWN"));
            assertTrue(lb.view().getFirst().servers().getFirst().lastCheck().startsWith("L7STS 500"));
            assertEquals(Map.of("200 b", 20), tally(lb, 20, "/"));
            healthy.set(true);
            await().atMost(Duration.ofSeconds(3)).until(() -> state(lb, "a").equals("UP"));
            LbService.ServerView v = lb.view().getFirst().servers().getFirst();
            assertEquals(8, v.configuredWeight());
            assertTrue(v.weight() < 8, "slow start: the weight ramps up from about nothing, now " + v.weight());
            await().atMost(Duration.ofSeconds(4)).until(() -> lb.view().getFirst().servers().getFirst().weight() == 8);
        }
    }

    @Test
    void consecutive5xxEjectAServerPassively() throws Exception {
        try (ScriptedOrigin bad = new ScriptedOrigin(ScriptedOrigin.reply(500, "", "boom")); ScriptedOrigin b = named("b");
             LbService lb = lb(servers(bad, b), "check=tcp", "check-interval=1h", "error-limit=3")) {
            Map<String, Integer> counts = tally(lb, 20, "/");
            assertEquals(3, counts.get("500 boom"), counts.toString());
            assertEquals(17, counts.get("200 b"));
            assertEquals("DOWN", state(lb, "a"));
        }
    }

    /** Answers {@code /big} with 256 KiB sent slowly (16 KiB every 50 ms), anything else with {@code name}. */
    static ScriptedOrigin slowDownloads(String name, int size) throws IOException {
        return new ScriptedOrigin((req, out) -> {
            if (!req.requestLine().startsWith("GET /big ")) {
                return ScriptedOrigin.reply(200, "", name).answer(req, out);
            }
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; i < size; i += 16 * 1024) {
                out.write(new byte[16 * 1024]);
                out.flush();
                Thread.sleep(50);
            }
            return true;
        });
    }

    @Test
    void drainLetsALongDownloadFinishAndSendsNoNewRequest() throws Exception {
        int size = 256 * 1024;
        try (ScriptedOrigin a = slowDownloads("a", size); ScriptedOrigin b = slowDownloads("b", size);
             LbService lb = lb(servers(a, b)); RawHttpClient c = new RawHttpClient(lb.address().getPort())) {
            c.socket.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            await().atMost(Duration.ofSeconds(5)).until(() -> a.received.size() + b.received.size() == 1);
            boolean onA = a.received.size() == 1;
            ScriptedOrigin busy = onA ? a : b;
            lb.drain("default", onA ? "a" : "b");
            assertEquals("DRAIN", state(lb, onA ? "a" : "b"));
            assertEquals(Map.of("200 " + (onA ? "b" : "a"), 20), tally(lb, 20, "/"));
            RawHttpClient.Response r = c.read(false);
            assertEquals(200, r.status());
            assertEquals(size, r.body().length, "the download in progress finished whole");
            assertEquals(1, busy.received.size(), "a drained server gets no new request");
        }
    }

    @Test
    void tcpModeSplicesBothWaysAndPassesTheHalfClose() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             LbService lb = lb("mode=tcp", "servers=a=127.0.0.1:" + server.getLocalPort())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    byte[] all = s.getInputStream().readAllBytes(); // until the client's half-close arrives
                    s.getOutputStream().write(("got " + all.length).getBytes(StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the test fails on its side
                }
            });
            try (Socket c = Net.connect(lb)) {
                c.getOutputStream().write(new byte[300_000]);
                c.shutdownOutput();
                assertEquals("got 300000", new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            assertEquals(List.of("lb listening on " + HostPort.format(lb.address()) + " (tcp)"),
                    AbstractService.listening(lb));
        }
    }

    /** A tcp-mode relay held open by a server that reads and never answers; returns what its socket read. */
    private static CopyOnWriteArrayList<Integer> silentServer(ServerSocket server) {
        CopyOnWriteArrayList<Integer> ends = new CopyOnWriteArrayList<>();
        Thread.ofVirtual().start(() -> {
            try (Socket s = server.accept()) {
                ends.add(s.getInputStream().readAllBytes().length); // until the lb closes its side
            } catch (IOException e) {
                ends.add(-1);
            }
        });
        return ends;
    }

    @Test
    void tcpModeKillAndTheClientTimeoutCloseBothSidesOfARelay() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             LbService lb = lb("mode=tcp", "servers=a=127.0.0.1:" + server.getLocalPort(), "timeout-client=400ms")) {
            CopyOnWriteArrayList<Integer> killedEnds = silentServer(server);
            try (Socket c = Net.connect(lb)) {
                c.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(5)).until(() -> lb.connections().size() == 1
                        && lb.connections().getFirst().activity().contains("up 5 B"));
                assertTrue(lb.kill(lb.connections().getFirst().id()));
                c.setSoTimeout(5000);
                assertEquals(-1, c.getInputStream().read(), "kill closes the client's side");
                await().atMost(Duration.ofSeconds(5)).until(() -> killedEnds.equals(List.of(5)));
            }
            CopyOnWriteArrayList<Integer> idleEnds = silentServer(server);
            try (Socket c = Net.connect(lb)) {
                c.getOutputStream().write("hi".getBytes(StandardCharsets.UTF_8));
                c.setSoTimeout(5000);
                long t0 = System.nanoTime();
                assertEquals(-1, c.getInputStream().read(), "the idle client is closed");
                long took = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(took >= 300 && took < 3000, "closed after " + took + " ms");
                await().atMost(Duration.ofSeconds(5)).until(() -> idleEnds.equals(List.of(2)));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> lb.connections().isEmpty());
        }
    }

    @Test
    void tcpModeClosesAClientWhenNoServerIsUp() throws Exception {
        try (LbService lb = lb("mode=tcp"); Socket c = Net.connect(lb)) {
            InputStream in = c.getInputStream();
            assertEquals(-1, in.read());
        }
    }

    @Test
    void aStopEndsConnectionsOnTheLoopsInBothModes() throws Exception {
        try (ScriptedOrigin a = named("a"); ServerSocket raw = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CopyOnWriteArrayList<Integer> ends = silentServer(raw);
            LbService lb = lb(servers(a), "pools=t", "t.port=0", "t.mode=tcp", "t.servers=r=127.0.0.1:" + raw.getLocalPort());
            try (RawHttpClient http = new RawHttpClient(lb.address().getPort());
                 Socket tcp = new Socket(InetAddress.getLoopbackAddress(), lb.addresses().get(1).getPort())) {
                assertEquals("200 a", get(http, "/")); // then idle on its loop
                tcp.getOutputStream().write("x".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(5)).until(() -> lb.connections().size() == 2);
                long t0 = System.nanoTime();
                lb.stop(Duration.ofMillis(500));
                long took = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(took < 3000, "stopped in " + took + " ms");
                assertTrue(http.closedByPeer(), "the idle http client is closed");
                tcp.setSoTimeout(5000);
                assertEquals(-1, tcp.getInputStream().read(), "the relayed tcp client is closed");
                await().atMost(Duration.ofSeconds(5)).until(() -> ends.equals(List.of(1)));
            } finally {
                lb.close();
            }
        }
    }

    @Test
    void morePoolsListenOnTheirOwnPortsWithInheritedKeys() throws Exception {
        try (ScriptedOrigin a = named("a"); ScriptedOrigin b = named("b");
             LbService lb = lb(servers(a), "pools=api", "api.port=0", "api.servers=b=127.0.0.1:" + b.port(),
                     "timeout-server=7s")) {
            List<String> lines = AbstractService.listening(lb);
            assertEquals(2, lines.size());
            assertTrue(lines.get(0).startsWith("lb listening on "), lines.toString());
            assertTrue(lines.get(1).startsWith("lb.api listening on "), lines.toString());
            int apiPort = lb.addresses().get(1).getPort();
            try (RawHttpClient c = new RawHttpClient(apiPort)) {
                assertEquals("200 b", get(c, "/"));
            }
            assertEquals(Map.of("200 a", 3), tally(lb, 3, "/"));
            assertEquals("b=127.0.0.1:" + b.port(), lb.serverKeys().get("lb.api.servers"));
        }
    }

    @Test
    void liveChangesUnderLoadDropNoRequest() throws Exception {
        try (ScriptedOrigin a = named("a"); ScriptedOrigin b = named("b"); ScriptedOrigin c = named("c");
             LbService lb = lb(servers(a, b))) {
            AtomicBoolean run = new AtomicBoolean(true);
            List<Thread> clients = new ArrayList<>();
            List<String> bad = new CopyOnWriteArrayList<>();
            AtomicInteger ok = new AtomicInteger();
            for (int i = 0; i < 8; i++) {
                clients.add(Thread.ofVirtual().start(() -> {
                    try (RawHttpClient cl = new RawHttpClient(lb.address().getPort())) {
                        for (int n = 0; run.get() && n < 100_000; n++) {
                            String r = get(cl, "/");
                            if (r.startsWith("200 ")) {
                                ok.incrementAndGet();
                            } else {
                                bad.add(r);
                            }
                        }
                    } catch (IOException e) {
                        bad.add(e.toString());
                    }
                }));
            }
            await().until(() -> ok.get() > 200);
            lb.add("default", ServerSpec.parse("c=127.0.0.1:" + c.port()));
            await().atMost(Duration.ofSeconds(5)).until(() -> c.received.size() > 50);
            lb.weight("default", "a", 5);
            lb.drain("default", "b");
            int bBefore = b.received.size();
            Thread.sleep(200);
            assertTrue(lb.remove("default", "b", Duration.ofSeconds(5)));
            int served = ok.get();
            await().atMost(Duration.ofSeconds(5)).until(() -> ok.get() > served + 200);
            run.set(false);
            for (Thread t : clients) {
                t.join(10_000);
            }
            assertEquals(List.of(), bad);
            assertTrue(b.received.size() <= bBefore + 8, "drained b got at most the requests already in flight");
            assertEquals(List.of("a", "c"), lb.view().getFirst().servers().stream().map(LbService.ServerView::name).toList());
        }
    }

    @Test
    void theAccessLogHasHaproxysTimersAndTerminationState(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("lb.log");
        try (ScriptedOrigin a = named("a"); LbService lb = (LbService) Net.start(LbService.type(), "check=none",
                "access-log=" + log, servers(a)); RawHttpClient c = new RawHttpClient(lb.address().getPort())) {
            get(c, "/hello");
            lb.maint("default", "a");
            get(c, "/down");
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                lb.flushLogs(); // the line is written just after the response
                return Files.readAllLines(log).size() == 2;
            });
            List<String> lines = Files.readAllLines(log);
            assertTrue(lines.get(0).matches("127\\.0\\.0\\.1:\\d+ \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d\\.\\d{3}] lb "
                    + "default/a \\d+/\\d+/\\d+/\\d+/\\d+ 200 \\d+ - - ---- \\d+/1/\\d+/\\d+/0 0/0 \"GET /hello HTTP/1\\.1\""),
                    lines.get(0));
            assertTrue(lines.get(1).matches(".* lb default/<NOSRV> \\d+/\\d+/-1/-1/\\d+ 503 \\d+ - - SC-- .*\"GET /down HTTP/1\\.1\""),
                    lines.get(1));
        }
    }

    static String state(LbService lb, String server) {
        return lb.view().getFirst().servers().stream().filter(s -> s.name().equals(server)).findFirst().orElseThrow()
                .state();
    }

    @Test
    void badSettingsNameTheKey() {
        assertMessage("lb: algorithm uri needs mode=http", "mode=tcp", "algorithm=uri");
        assertMessage("lb.web.port: pool web needs a port", "pools=web");
        assertMessage("lb.api.mode: there is no pool api", "api.mode=tcp");
        assertMessage("lb.servers", "servers=a=127.0.0.1");
        assertMessage("lb.forwarded", "forwarded=x_forwarded_for");
        assertMessage("off, x-forwarded-for or forwarded", "forwarded=bogus");
        assertMessage("http or tcp", "mode=udp");
    }

    private static void assertMessage(String expected, String... overrides) {
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> LbService.type().create(LbService.type().settings(Map.of(), toMap(overrides))));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private static Map<String, String> toMap(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : kv) {
            m.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
        }
        return m;
    }
}
