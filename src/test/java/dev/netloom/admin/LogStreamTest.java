package dev.netloom.admin;

import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.Logging;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.core.StopResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /api/logs/stream} read by java.net.http.HttpClient and by a raw socket: lines logged
 * after connecting arrive as {@code log} events, {@code lines=N} replays the file's last lines,
 * and a stop of the admin listener or the client's leaving ends the stream.
 */
class LogStreamTest {

    static final String END = "<end of stream>";
    static final System.Logger LOG = System.getLogger(LogStreamTest.class.getName());

    @TempDir
    Path home;
    ServiceRegistry registry;
    Service admin;
    String base;
    final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        // a log file of our own, so that there is something to replay
        Logging.setup(home.resolve("logs"), false);
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty(home));
        admin = registry.start("admin", Map.of("port", "0"));
        base = "http://127.0.0.1:" + admin.address().getPort();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    /** The stream's lines, read on a thread of their own into a queue, {@link #END} after the last. */
    BlockingQueue<String> open(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<Stream<String>> r = client.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        assertEquals("text/event-stream", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElseThrow());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (Stream<String> s = r.body()) {
                s.forEach(lines::add);
            } catch (RuntimeException e) {
                lines.add("<failed: " + e + ">");
            }
            lines.add(END);
        });
        return lines;
    }

    /** The next line of the stream that is not blank, waiting at most 10 s. */
    static String next(BlockingQueue<String> lines) throws InterruptedException {
        String l;
        do {
            l = lines.poll(10, TimeUnit.SECONDS);
            assertNotNull(l, "no line within 10 s");
        } while (l.isEmpty());
        return l;
    }

    /** The data of the next {@code log} event. */
    static String nextLog(BlockingQueue<String> lines) throws InterruptedException {
        String event = next(lines);
        assertEquals("event: log", event);
        String data = next(lines);
        assertTrue(data.startsWith("data: "), data);
        return data.substring(6);
    }

    @Test
    void aLineLoggedAfterConnectingArrives() throws Exception {
        BlockingQueue<String> lines = open("/api/logs/stream");
        String marker = "stream-marker-" + UUID.randomUUID();
        LOG.log(System.Logger.Level.INFO, "admin-test: {0}", marker);
        String line = nextLog(lines);
        assertTrue(line.endsWith("admin-test: " + marker), line);
        assertTrue(line.contains(" INFO  ["), "the log file's format: " + line);
    }

    @Test
    void linesReplaysTheLastLinesOfTheLogThenFollows() throws Exception {
        String id = UUID.randomUUID().toString();
        for (int i = 1; i <= 3; i++) {
            LOG.log(System.Logger.Level.INFO, "admin-test: replay {0} {1}", i, id);
        }
        BlockingQueue<String> lines = open("/api/logs/stream?lines=2");
        assertTrue(nextLog(lines).endsWith("replay 2 " + id));
        assertTrue(nextLog(lines).endsWith("replay 3 " + id));
        LOG.log(System.Logger.Level.WARNING, "admin-test: after {0}", id);
        String after = nextLog(lines);
        assertTrue(after.contains(" WARN  [") && after.endsWith("after " + id), after);

        assertEquals(400, client.send(HttpRequest.newBuilder(URI.create(base + "/api/logs/stream?lines=-1")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(405, client.send(HttpRequest.newBuilder(URI.create(base + "/api/logs/stream"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void aStoppedAdminEndsTheStreamWithoutWaitingForTheGracePeriod() throws Exception {
        BlockingQueue<String> lines = open("/api/logs/stream");
        await().atMost(Duration.ofSeconds(5)).until(() -> admin.connections().size() == 1);
        StopResult r = registry.stop("admin", Duration.ofSeconds(20));
        assertTrue(r.graceful(), r.describe());
        assertTrue(r.took().compareTo(Duration.ofSeconds(5)) < 0, "the stop waited for the stream: " + r.describe());
        // the stop's own log lines may come first; then the end
        String l;
        do {
            l = lines.poll(10, TimeUnit.SECONDS);
            assertNotNull(l, "the stream did not end");
        } while (!l.equals(END));
    }

    @Test
    void theClientLeavingEndsTheStreamAndItsFramingIsSseOverAClosingConnection() throws Exception {
        try (Socket s = new Socket("127.0.0.1", admin.address().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/logs/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String head = readUntil(in, "\r\n\r\n");
            assertTrue(head.startsWith("HTTP/1.1 200 "), head);
            assertTrue(head.contains("Connection: close\r\n") && !head.contains("Content-Length"), head);
            String id = UUID.randomUUID().toString();
            LOG.log(System.Logger.Level.INFO, "admin-test: two\nlines {0}", id);
            // a record of two lines is two events
            String first = readUntil(in, "\n\n");
            assertTrue(first.matches("event: log\ndata: .* INFO  \\[.*admin-test: two\n\n"), first);
            assertEquals("event: log\ndata: lines " + id + "\n\n", readUntil(in, "\n\n"));
            await().atMost(Duration.ofSeconds(5)).until(() -> admin.connections().size() == 1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> admin.connections().isEmpty());
    }

    @Test
    void offLoopbackRulesApplyToTheStream() throws Exception {
        registry.close();
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty(home));
        admin = registry.start("admin", Map.of("port", "0", "auth", "token", "token", "stream-token-0123456789"));
        base = "http://127.0.0.1:" + admin.address().getPort();
        assertEquals(401, client.send(HttpRequest.newBuilder(URI.create(base + "/api/logs/stream")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        BlockingQueue<String> lines = open("/api/logs/stream", "Authorization", "Bearer stream-token-0123456789");
        LOG.log(System.Logger.Level.INFO, "admin-test: with a token");
        assertTrue(nextLog(lines).endsWith("admin-test: with a token"));
    }

    static String readUntil(InputStream in, String end) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.UTF_8).endsWith(end)) {
            int c = in.read();
            assertTrue(c >= 0, "ended before " + end.replace("\n", "\\n") + ": " + b);
            b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}
