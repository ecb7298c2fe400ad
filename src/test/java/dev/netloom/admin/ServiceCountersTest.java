package dev.netloom.admin;

import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.LatencySnapshot;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.testing.RawHttpClient;
import dev.netloom.testing.ScriptedOrigin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static dev.netloom.admin.AdminServiceTest.promtoolFindsNoProblem;
import static dev.netloom.admin.AdminServiceTest.sample;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What kv, ftp and smtp count by command and by reply class, the request-latency histograms, and
 * the families the lb (per server) and the proxy (its cache) add, as /metrics shows them: real services on 127.0.0.1:0 driven over raw sockets (so every command
 * sent is known), read back through the admin listener.
 */
class ServiceCountersTest {

    @TempDir
    Path home;
    ServiceRegistry registry;
    final HttpClient client = HttpClient.newHttpClient();
    String metricsUrl;

    @BeforeEach
    void start() throws IOException {
        Files.createDirectories(home.resolve("www"));
        Files.writeString(home.resolve("www/hello.txt"), "hello\n");
        Files.createDirectories(home.resolve("ftp/pub"));
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty(home));
        metricsUrl = "http://127.0.0.1:" + registry.start("admin", Map.of("port", "0")).address().getPort() + "/metrics";
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    String metrics() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(metricsUrl))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    /** Sends {@code lines}, each with CRLF, after the greeting; returns every line read until the server closes. */
    static String dialog(int port, String... lines) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder got = new StringBuilder(in.readLine()).append('\n');
            OutputStream out = s.getOutputStream();
            for (String l : lines) {
                out.write((l + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            for (String l = in.readLine(); l != null; l = in.readLine()) {
                got.append(l).append('\n');
            }
            return got.toString();
        }
    }

    @Test
    void kvCountsCommandsByNameErrorsAndTheLatencyOfEachRequestOfAPipeline() throws Exception {
        int port = registry.start("kv", Map.of("port", "0", "appendonly", "false")).address().getPort();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            // one pipeline: SET, GET, an unknown command, GET with too few arguments, get in lower case
            s.getOutputStream().write(("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
                    + "*1\r\n$6\r\nNOSUCH\r\n*1\r\n$3\r\nGET\r\n*2\r\n$3\r\nget\r\n$1\r\nk\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String expected = "+OK\r\n$1\r\nv\r\n-ERR unknown command 'NOSUCH', with args beginning with: \r\n"
                    + "-ERR wrong number of arguments for 'get' command\r\n$1\r\nv\r\n";
            assertEquals(expected, new String(s.getInputStream().readNBytes(expected.length()), StandardCharsets.US_ASCII));
        }
        String m = metrics();
        assertEquals(1, sample(m, "netloom_commands_total{command=\"set\",service=\"kv\"}"));
        assertEquals(3, sample(m, "netloom_commands_total{command=\"get\",service=\"kv\"}"), "any case, and refused ones");
        assertEquals(1, sample(m, "netloom_commands_total{command=\"other\",service=\"kv\"}"));
        assertFalse(m.contains("command=\"nosuch\""), "an unknown name is no label");
        assertFalse(m.contains("command=\"del\",service=\"kv\""), "a command never sent has no series");
        assertEquals(2, sample(m, "netloom_errors_total{service=\"kv\"}"));
        assertEquals(3, sample(m, "netloom_requests_total{service=\"kv\"}"), "the commands that ran");
        assertEquals(5, sample(m, "netloom_request_duration_seconds_count{service=\"kv\"}"));
        assertEquals(5, sample(m, "netloom_request_duration_seconds_bucket{service=\"kv\",le=\"+Inf\"}"));
        assertTrue(sample(m, "netloom_request_duration_seconds_sum{service=\"kv\"}") > 0);
        LatencySnapshot l = registry.running("kv").stats().latency();
        assertEquals(5, l.count());
        assertTrue(l.p99Millis() > 0 && l.p99Millis() < 10_000, "p99 " + l.p99Millis());
    }

    @Test
    void ftpCountsVerbsAndRepliesByClass() throws Exception {
        int port = registry.start("ftp", Map.of("port", "0", "root", home.resolve("ftp").toString(),
                "anonymous", "true", "login-delay", "0ms")).address().getPort();
        String got = dialog(port, "USER anonymous", "PASS guest@example.com", "PWD", "XYZZY", "QUIT");
        assertTrue(got.startsWith("220 ") && got.contains("\n331 ") && got.contains("\n230 ")
                && got.contains("\n257 ") && got.contains("\n502 ") && got.contains("\n221 "), got);
        String m = metrics();
        for (String verb : new String[] {"USER", "PASS", "PWD", "QUIT", "other"}) {
            assertEquals(1, sample(m, "netloom_commands_total{command=\"" + verb + "\",service=\"ftp\"}"), verb);
        }
        assertEquals(4, sample(m, "netloom_responses_total{result=\"2xx\",service=\"ftp\"}"), "220 230 257 221");
        assertEquals(1, sample(m, "netloom_responses_total{result=\"3xx\",service=\"ftp\"}"));
        assertEquals(1, sample(m, "netloom_responses_total{result=\"5xx\",service=\"ftp\"}"));
        assertEquals(5, sample(m, "netloom_requests_total{service=\"ftp\"}"));
    }

    @Test
    void smtpCountsVerbsAndEachReplyOnceMultiLineOnesToo() throws Exception {
        int port = registry.start("smtp", Map.of("port", "0", "api-port", "0",
                "store", home.resolve("smtp.db").toString())).address().getPort();
        String got = dialog(port, "EHLO client.example", "NOOP", "VRFY", "XYZZY", "QUIT");
        assertTrue(got.contains("\n250-") && got.contains("\n501 ") && got.contains("\n500 ") && got.contains("\n221 "),
                got);
        String m = metrics();
        for (String verb : new String[] {"EHLO", "NOOP", "VRFY", "QUIT", "other"}) {
            assertEquals(1, sample(m, "netloom_commands_total{command=\"" + verb + "\",service=\"smtp\"}"), verb);
        }
        assertEquals(4, sample(m, "netloom_responses_total{result=\"2xx\",service=\"smtp\"}"), "220, EHLO's 250 block, 250, 221");
        assertEquals(2, sample(m, "netloom_responses_total{result=\"5xx\",service=\"smtp\"}"));
        assertEquals(0, sample(m, "netloom_responses_total{result=\"4xx\",service=\"smtp\"}"));
    }

    @Test
    void httpTimesEachRequestAndServicesThatDoNotHaveNoHistogram() throws Exception {
        int port = registry.start("http", Map.of("port", "0", "root", home.resolve("www").toString(),
                "access-log", "off")).address().getPort();
        registry.start("echo", Map.of("port", "0"));
        String before = metrics();
        assertEquals(0, sample(before, "netloom_request_duration_seconds_count{service=\"http\"}"), "there before the first request");
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello.txt"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("hello\n", r.body());
        }
        // a request is timed once its answer is written: the client can have the third body first
        await().atMost(Duration.ofSeconds(10))
                .until(() -> sample(metrics(), "netloom_request_duration_seconds_count{service=\"http\"}") == 3);
        String m = metrics();
        assertEquals(3, sample(m, "netloom_request_duration_seconds_count{service=\"http\"}"));
        assertTrue(m.contains("netloom_request_duration_seconds_bucket{service=\"http\",le=\"2.5E-5\"}"), "the first bound");
        assertFalse(m.contains("netloom_request_duration_seconds_count{service=\"echo\"}"), "echo does not time requests");
        assertTrue(m.contains("# TYPE netloom_request_duration_seconds histogram"), m);
        if (Runtime.version().feature() >= 24) {
            assertTrue(sample(m, "netloom_virtual_threads{state=\"mounted\"}") >= 1, "the scrape itself runs on one");
            assertTrue(sample(m, "netloom_virtual_thread_carriers") >= 1);
        }
    }

    @Test
    void lbExportsEachServersStateTrafficAndChecksAndAStoppedOneGoesDown() throws Exception {
        ScriptedOrigin a = new ScriptedOrigin(ScriptedOrigin.reply(200, "", "a"));
        try (ScriptedOrigin b = new ScriptedOrigin(ScriptedOrigin.reply(200, "", "b"))) {
            int port = registry.start("lb", Map.of("port", "0", "access-log", "off", "servers",
                    "a=127.0.0.1:" + a.port() + ",b=127.0.0.1:" + b.port() + "*3", "check", "tcp",
                    "check-interval", "100ms", "check-timeout", "200ms", "fall", "2", "rise", "2")).address().getPort();
            Map<String, Integer> seen = new TreeMap<>();
            try (RawHttpClient c = new RawHttpClient(port)) {
                for (int i = 0; i < 8; i++) {
                    seen.merge(c.send("GET / HTTP/1.1\r\nHost: lb\r\n\r\n", null, false).text(), 1, Integer::sum);
                }
            }
            assertEquals(Map.of("a", 2, "b", 6), seen, "weights 1 and 3");
            String m = metrics();
            String sa = "pool=\"default\",server=\"a\",service=\"lb\"";
            String sb = "pool=\"default\",server=\"b\",service=\"lb\"";
            assertEquals(2, sample(m, "netloom_lb_server_requests_total{" + sa + "}"));
            assertEquals(6, sample(m, "netloom_lb_server_requests_total{" + sb + "}"));
            assertEquals(0, sample(m, "netloom_lb_server_errors_total{" + sa + "}"));
            assertEquals(0, sample(m, "netloom_lb_server_active{" + sb + "}"));
            assertEquals(1, sample(m, "netloom_lb_server_weight{" + sa + "}"));
            assertEquals(3, sample(m, "netloom_lb_server_weight{" + sb + "}"));
            assertEquals(1, sample(m, "netloom_lb_server_state{" + sa + ",state=\"up\"}"));
            assertEquals(0, sample(m, "netloom_lb_server_state{" + sa + ",state=\"down\"}"));
            assertEquals(0, sample(m, "netloom_lb_server_check_failures_total{" + sa + "}"));
            assertEquals(0, sample(m, "netloom_lb_pool_queued{pool=\"default\",service=\"lb\"}"));
            double p50 = sample(m, "netloom_lb_server_response_time_seconds{percentile=\"50\"," + sb + "}");
            double p99 = sample(m, "netloom_lb_server_response_time_seconds{percentile=\"99\"," + sb + "}");
            assertTrue(p50 > 0 && p50 <= p99 && p99 < 10, p50 + " " + p99);
            assertTrue(m.contains("# TYPE netloom_lb_server_requests_total counter"), m);

            a.close();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> sample(metrics(), "netloom_lb_server_state{" + sa + ",state=\"down\"}") == 1);
            String down = metrics();
            assertEquals(0, sample(down, "netloom_lb_server_state{" + sa + ",state=\"up\"}"));
            assertTrue(sample(down, "netloom_lb_server_check_failures_total{" + sa + "}") >= 2, "fall=2 failed checks");
            assertEquals(1, sample(down, "netloom_lb_server_state{" + sb + ",state=\"up\"}"));
            assertEquals(0, sample(down, "netloom_lb_server_check_failures_total{" + sb + "}"));
            promtoolFindsNoProblem(down);
        } finally {
            a.close();
        }
    }

    @Test
    void proxyExportsItsCacheAnswersEntriesAndBytes() throws Exception {
        try (ScriptedOrigin origin = new ScriptedOrigin(ScriptedOrigin.reply(200, "Cache-Control: max-age=60\r\n",
                "cached body"))) {
            int port = registry.start("proxy", Map.of("port", "0", "access-log", "off")).address().getPort();
            String empty = metrics();
            assertEquals(0, sample(empty, "netloom_proxy_cache_entries{service=\"proxy\"}"));
            assertEquals(0, sample(empty, "netloom_proxy_cache_requests_total{result=\"hit\",service=\"proxy\"}"));
            try (RawHttpClient c = new RawHttpClient(port)) {
                assertEquals("MISS", c.get(origin.url("/doc"), "").header("X-Cache"));
                assertEquals("HIT", c.get(origin.url("/doc"), "").header("X-Cache"));
                assertEquals("HIT", c.get(origin.url("/doc"), "").header("X-Cache"));
                assertEquals("MISS", c.get(origin.url("/other"), "").header("X-Cache"));
            }
            assertEquals(2, origin.received.size(), "the hits never reached the origin");
            // an answer is timed once written: the client can have the last one first
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> sample(metrics(), "netloom_request_duration_seconds_count{service=\"proxy\"}") == 4);
            String m = metrics();
            assertEquals(2, sample(m, "netloom_proxy_cache_requests_total{result=\"hit\",service=\"proxy\"}"));
            assertEquals(4, sample(m, "netloom_request_duration_seconds_count{service=\"proxy\"}"), "every answer timed");
            assertEquals(2, sample(m, "netloom_proxy_cache_requests_total{result=\"miss\",service=\"proxy\"}"));
            assertEquals(0, sample(m, "netloom_proxy_cache_requests_total{result=\"stale\",service=\"proxy\"}"));
            assertEquals(0, sample(m, "netloom_proxy_cache_requests_total{result=\"revalidated\",service=\"proxy\"}"));
            assertEquals(2, sample(m, "netloom_proxy_cache_entries{service=\"proxy\"}"));
            double bytes = sample(m, "netloom_proxy_cache_bytes{service=\"proxy\"}");
            assertTrue(bytes >= 2 * "cached body".length(), "two stored responses: " + bytes);
            assertEquals(256.0 * 1024 * 1024, sample(m, "netloom_proxy_cache_capacity_bytes{service=\"proxy\"}"));
            assertTrue(m.contains("# TYPE netloom_proxy_cache_requests_total counter"), m);
            promtoolFindsNoProblem(m);
        }
    }
}
