package dev.netloom.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The admin listener on 127.0.0.1:0 beside real echo and http services, through
 * java.net.http.HttpClient: metrics that move with traffic, both exposition formats, the JSON
 * API's round trips and errors.
 */
class AdminServiceTest {

    @TempDir
    Path home;
    ServiceRegistry registry;
    Service admin;
    String base;
    final HttpClient client = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() throws IOException {
        Files.createDirectories(home.resolve("www"));
        Files.writeString(home.resolve("www/hello.txt"), "hello\n");
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty(home));
        registry.start("echo", Map.of("port", "0"));
        registry.start("http", Map.of("port", "0", "access-log", "off"));
        admin = registry.start("admin", Map.of("port", "0"));
        base = "http://127.0.0.1:" + admin.address().getPort();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static double sample(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)").matcher(exposition);
        assertTrue(m.find(), series + " not in\n" + exposition);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void metricsMoveWithTrafficInTheTextFormat() throws Exception {
        HttpResponse<String> before = send("GET", "/metrics");
        assertEquals(200, before.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", before.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(0, sample(before.body(), "netloom_connections_accepted_total{service=\"echo\"}"));
        assertEquals(1, sample(before.body(), "netloom_service_state{service=\"echo\",state=\"running\"}"));
        assertEquals(0, sample(before.body(), "netloom_service_state{service=\"echo\",state=\"stopped\"}"));
        assertTrue(before.body().contains("# TYPE netloom_received_bytes_total counter"), before.body());
        assertTrue(before.body().contains("jvm_memory_used_bytes{"), "JVM metrics");
        assertTrue(before.body().contains("jvm_threads_current"), "JVM thread metrics");

        int echoPort = registry.running("echo").address().getPort();
        try (Socket s = new Socket("127.0.0.1", echoPort)) {
            s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ping\n", new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
        }
        int httpPort = registry.running("http").address().getPort();
        HttpResponse<String> file = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/hello.txt")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, file.statusCode());
        client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/missing")).build(),
                HttpResponse.BodyHandlers.ofString());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String after = send("GET", "/metrics").body();
            assertEquals(1, sample(after, "netloom_connections_accepted_total{service=\"echo\"}"));
            assertEquals(5, sample(after, "netloom_received_bytes_total{service=\"echo\"}"));
            assertEquals(5, sample(after, "netloom_sent_bytes_total{service=\"echo\"}"));
            assertEquals(0, sample(after, "netloom_connections_active{service=\"echo\"}"));
            assertEquals(1, sample(after, "netloom_responses_total{result=\"2xx\",service=\"http\"}"));
            assertEquals(1, sample(after, "netloom_responses_total{result=\"4xx\",service=\"http\"}"));
            assertEquals(2, sample(after, "netloom_requests_total{service=\"http\"}"));
        });
    }

    @Test
    void openMetricsWhenTheAcceptHeaderAsksForIt() throws Exception {
        HttpResponse<String> r = send("GET", "/metrics", "Accept",
                "application/openmetrics-text; version=1.0.0; charset=utf-8,text/plain;version=0.0.4;q=0.5");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/openmetrics-text"),
                r.headers().toString());
        assertTrue(r.body().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
        assertTrue(r.body().contains("netloom_connections_accepted_total{service=\"echo\"} 0"), r.body());
        assertEquals(405, send("POST", "/metrics").statusCode());
    }

    @Test
    void servicesStopStartAndRestartThroughTheApi() throws Exception {
        JsonNode list = json.readTree(send("GET", "/api/services").body());
        JsonNode echo = null;
        for (JsonNode n : list) {
            if (n.get("name").asText().equals("echo")) {
                echo = n;
            }
        }
        assertEquals("running", echo.get("state").asText());
        assertTrue(echo.get("address").asText().startsWith("127.0.0.1:"));
        assertEquals(0, echo.get("stats").get("accepted").asInt());

        HttpResponse<String> stopped = send("POST", "/api/services/echo/stop");
        assertEquals(200, stopped.statusCode(), stopped.body());
        assertEquals("stopped", json.readTree(stopped.body()).get("state").asText());
        assertEquals(409, send("POST", "/api/services/echo/stop").statusCode());
        assertEquals(1, sample(send("GET", "/metrics").body(), "netloom_service_state{service=\"echo\",state=\"stopped\"}"));

        HttpResponse<String> started = send("POST", "/api/services/echo/start");
        assertEquals(200, started.statusCode(), started.body());
        assertEquals("running", json.readTree(started.body()).get("state").asText());
        assertEquals(409, send("POST", "/api/services/echo/start").statusCode());
        assertEquals(200, send("POST", "/api/services/echo/restart").statusCode());
        assertEquals("running", registry.running("echo").state().name().toLowerCase());

        HttpResponse<String> wrong = send("GET", "/api/services/echo/start");
        assertEquals(405, wrong.statusCode());
        assertEquals("POST", wrong.headers().firstValue("Allow").orElseThrow());
        assertEquals(404, send("GET", "/api/services/nosuch").statusCode());
        assertEquals(404, send("POST", "/api/services/nosuch/start").statusCode());
        assertEquals(404, send("GET", "/api/nothing").statusCode());
        assertEquals(409, send("POST", "/api/services/admin/stop").statusCode());
        assertEquals(409, send("GET", "/api/services/kv/connections").statusCode());
        JsonNode error = json.readTree(send("GET", "/api/services/nosuch").body());
        assertEquals("unknown service 'nosuch'", error.get("error").asText());
    }

    @Test
    void connectionsAreListedAndKilled() throws Exception {
        int echoPort = registry.running("echo").address().getPort();
        try (Socket s = new Socket("127.0.0.1", echoPort)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !registry.running("echo").connections().isEmpty());
            JsonNode conns = json.readTree(send("GET", "/api/services/echo/connections").body());
            assertEquals(1, conns.size());
            long id = conns.get(0).get("id").asLong();
            assertEquals(s.getLocalPort(), Integer.parseInt(conns.get(0).get("remote").asText().replaceFirst(".*:", "")));

            assertEquals(400, send("DELETE", "/api/services/echo/connections/abc").statusCode());
            assertEquals(405, send("GET", "/api/services/echo/connections/" + id).statusCode());
            assertEquals(204, send("DELETE", "/api/services/echo/connections/" + id).statusCode());
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            assertEquals(-1, in.read(), "killed: the server closed it");
            assertEquals(404, send("DELETE", "/api/services/echo/connections/" + id).statusCode());
        }
    }

    @Test
    void configHidesSecretsAndLogsCheckTheirArgument() throws Exception {
        registry.close();
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty(home));
        admin = registry.start("admin", Map.of("port", "0", "metrics-token", "m-secret-0123456789"));
        base = "http://127.0.0.1:" + admin.address().getPort();
        JsonNode config = json.readTree(send("GET", "/api/config").body());
        assertEquals("8080", config.get("http").get("port").asText());
        assertEquals("********", config.get("admin").get("metrics-token").asText());
        assertEquals(400, send("GET", "/api/logs?lines=abc").statusCode());
        assertEquals(400, send("GET", "/api/logs?lines=0").statusCode());
        HttpResponse<String> logs = send("GET", "/api/logs?lines=5");
        assertEquals(200, logs.statusCode(), logs.body());
        assertTrue(json.readTree(logs.body()).get("lines").isArray());
    }

    @Test
    void crossOriginAndForeignHostCallsAreRefusedWithoutAToken() throws Exception {
        assertEquals(403, send("POST", "/api/services/echo/stop", "Origin", "http://evil.example").statusCode());
        assertEquals("running", registry.running("echo").state().name().toLowerCase());
        try (Socket s = new Socket("127.0.0.1", admin.address().getPort())) {
            OutputStream out = s.getOutputStream();
            out.write("GET /api/services HTTP/1.1\r\nHost: rebound.example:9091\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(reply.startsWith("HTTP/1.1 403 "), reply);
        }
    }

    @Test
    void aTokenIsRequiredWhenAsked() throws Exception {
        registry.stop("admin", Duration.ZERO);
        String token = "t0ken-for-the-test-1234";
        admin = registry.start("admin", Map.of("port", "0", "auth", "token", "token", token));
        base = "http://127.0.0.1:" + admin.address().getPort();
        HttpResponse<String> none = send("GET", "/api/services");
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
        assertEquals(401, send("GET", "/api/services", "Authorization", "Bearer wrong-token-0000000000").statusCode());
        assertEquals(401, send("POST", "/api/services/echo/stop", "Authorization", "Basic " + token).statusCode());
        assertEquals(200, send("GET", "/api/services", "Authorization", "Bearer " + token).statusCode());
        assertEquals(200, send("GET", "/metrics").statusCode(), "/metrics has its own token, none by default");
    }

    @Test
    void aGeneratedTokenIsKeptInTheHomeWithMode600AndTheMetricsTokenGuardsMetrics() throws Exception {
        registry.stop("admin", Duration.ZERO);
        admin = registry.start("admin", Map.of("port", "0", "auth", "token", "metrics-token", "metrics-0123456789abc"));
        base = "http://127.0.0.1:" + admin.address().getPort();
        Path file = home.resolve("admin.token");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String token = Files.readString(file).strip();
        assertTrue(token.length() >= 40, token);
        assertEquals(200, send("GET", "/api/config", "Authorization", "Bearer " + token).statusCode());
        assertEquals(401, send("GET", "/metrics").statusCode());
        assertEquals(401, send("GET", "/metrics", "Authorization", "Bearer " + token).statusCode());
        assertEquals(200, send("GET", "/metrics", "Authorization", "Bearer metrics-0123456789abc").statusCode());

        registry.stop("admin", Duration.ZERO); // a second start reads the same token back
        admin = registry.start("admin", Map.of("port", "0", "auth", "token"));
        base = "http://127.0.0.1:" + admin.address().getPort();
        assertEquals(200, send("GET", "/api/services", "Authorization", "Bearer " + token).statusCode());
    }

    @Test
    void aNonLoopbackBindRequiresTheTokenByDefault() {
        AdminConfig auto = new AdminConfig(true, AdminConfig.Auth.AUTO, "", "", 1000);
        assertTrue(!auto.tokenRequired("127.0.0.1") && !auto.tokenRequired("::1") && !auto.tokenRequired("localhost"));
        assertTrue(auto.tokenRequired("0.0.0.0") && auto.tokenRequired("::") && auto.tokenRequired("192.0.2.1"));
        assertTrue(new AdminConfig(true, AdminConfig.Auth.TOKEN, "", "", 1000).tokenRequired("127.0.0.1"));
    }

    @Test
    void curlScrapesAndPromtoolFindsNoProblem() throws Exception {
        Process curl = new ProcessBuilder("curl", "-sS", "-H", "Accept: application/openmetrics-text", "-o", "-",
                "-w", "%{content_type}", base + "/metrics").redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, curl.waitFor());
        assertTrue(out.endsWith("application/openmetrics-text; version=1.0.0; charset=utf-8"), out);

        promtoolFindsNoProblem(send("GET", "/metrics").body());
    }

    /** {@code promtool check metrics} on {@code exposition} exits 0; skipped when promtool is not installed. */
    static void promtoolFindsNoProblem(String exposition) throws IOException, InterruptedException {
        Path promtool = Stream.of(System.getenv("PATH").split(":")).map(d -> Path.of(d, "promtool"))
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(promtool != null, "promtool not installed (Debian package prometheus): check skipped");
        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = check.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, check.waitFor(), said);
    }
}
