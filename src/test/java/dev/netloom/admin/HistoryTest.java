package dev.netloom.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The charts' history: points taken by hand at chosen times over a real echo service's counters
 * (rates, a restart counted from zero, the ring's 900 points), and {@code GET /api/history} of a
 * running admin listener, whose own sampler takes a point a second.
 */
class HistoryTest {

    static final long SECOND = 1_000_000_000L;

    @TempDir
    Path home;
    ServiceRegistry registry;

    @BeforeEach
    void start() {
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty(home));
        registry.start("echo", Map.of("port", "0"));
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    void echo(String text) throws Exception {
        try (Socket s = new Socket("127.0.0.1", registry.running("echo").address().getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            assertEquals(text, new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> registry.running("echo").stats().active() == 0);
    }

    @Test
    void ratesPerSecondBetweenPointsAndARestartCountsFromZero() throws Exception {
        History h = new History(registry);
        long t0 = 1_800_000_000_000L;
        h.sample(t0, 10 * SECOND);
        assertEquals(0, h.json("echo", 0).get("echo").get("t").size(), "the first point has nothing to count from");

        echo("0123456789");
        h.sample(t0 + 2000, 12 * SECOND);
        JsonNode echo = h.json("echo", 0).get("echo");
        assertEquals(1_800_000_002.0, echo.get("t").get(0).asDouble());
        assertEquals(5.0, echo.get("bytes_in").get(0).asDouble(), "10 bytes in 2 s");
        assertEquals(5.0, echo.get("bytes_out").get(0).asDouble());
        assertEquals(0.0, echo.get("active").get(0).asDouble());
        assertEquals(0.0, echo.get("errors").get(0).asDouble());
        assertTrue(echo.get("requests").get(0).asDouble() > 0, echo.toString());

        registry.restart("echo");
        echo("abcd");
        h.sample(t0 + 3000, 13 * SECOND);
        echo = h.json("echo", 0).get("echo");
        assertEquals(2, echo.get("t").size());
        assertEquals(4.0, echo.get("bytes_in").get(1).asDouble(), "a new instance: its 4 bytes, from zero");

        ObjectNode after = h.json(null, 1_800_000_002.5);
        assertEquals(1, after.get("echo").get("t").size(), "since: only the points after it");
        assertFalse(after.has("http"), "a service never running has no entry");
        assertEquals(0, h.json("http", 0).get("http").get("t").size());
    }

    @Test
    void theRingKeepsTheLast900Points() {
        History h = new History(registry);
        for (int i = 0; i <= 1000; i++) {
            h.sample(1000L * i, (i + 1) * SECOND);
        }
        JsonNode t = h.json("echo", 0).get("echo").get("t");
        assertEquals(History.POINTS, t.size());
        assertEquals(101.0, t.get(0).asDouble());
        assertEquals(1000.0, t.get(History.POINTS - 1).asDouble());
        for (String series : new String[] {"active", "bytes_in", "bytes_out", "requests", "errors"}) {
            assertEquals(History.POINTS, h.json("echo", 0).get("echo").get(series).size(), series);
        }
    }

    @Test
    void theAdminListenerSamplesEverySecondAndAnswersApiHistory() throws Exception {
        Service admin = registry.start("admin", Map.of("port", "0"));
        String base = "http://127.0.0.1:" + admin.address().getPort();
        HttpClient client = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        echo("hello");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/history")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            JsonNode echo = json.readTree(r.body()).get("echo");
            assertTrue(echo != null && echo.get("t").size() >= 2, r.body());
            assertEquals(echo.get("t").size(), echo.get("bytes_in").size());
        });
        JsonNode one = json.readTree(client.send(HttpRequest.newBuilder(URI.create(base + "/api/history?service=echo"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        assertEquals(1, one.size());
        assertTrue(one.has("echo"));
        assertEquals(404, client.send(HttpRequest.newBuilder(URI.create(base + "/api/history?service=nosuch")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(400, client.send(HttpRequest.newBuilder(URI.create(base + "/api/history?since=yesterday")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }
}
