package dev.netloom.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.core.StopResult;
import dev.netloom.mail.Attachment;
import dev.netloom.mail.Draft;
import dev.netloom.mail.MessageWriter;
import dev.netloom.smtp.SmtpService;
import dev.netloom.testing.RawHttpClient;
import dev.netloom.tools.SmtpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Mail tab's API on a real admin listener over a real smtp service: mail sent with netloom's own
 * SMTP client (what {@code mail send} uses) is listed, searched, shown, downloaded and deleted; the
 * long poll answers on arrival and after its wait; the HTML is served under a CSP that forbids script.
 */
class AdminMailTest {

    /** A canary: were any of it run, the DOM would say so (data-canary, data-onerror, the title) and the mail would go. */
    private static final String HOSTILE_HTML = "<html><head><title>calm</title></head><body><h1>Hostile</h1>"
            + "<script>document.title='pwned';document.body.setAttribute('data-canary','ran');"
            + "fetch('/api/mail',{method:'DELETE'})</script>"
            + "<img src=nope onerror=\"document.body.setAttribute('data-onerror','ran')\">"
            + "<a href=\"https://example.com/\">link</a></body></html>";
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    Path home;
    ServiceRegistry registry;
    Service smtp;
    Service admin;
    String base;
    String token;
    final HttpClient client = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() {
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty(home));
        smtp = registry.start("smtp", Map.of("port", "0", "api-port", "0", "store", home.resolve("smtp.db").toString()));
        admin = registry.start("admin", Map.of("port", "0"));
        base = "http://127.0.0.1:" + admin.address().getPort();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    HttpResponse<byte[]> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(40))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<byte[]> r = send("GET", path);
        assertEquals(200, r.statusCode(), path + ": " + text(r));
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        return json.readTree(r.body());
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse("");
    }

    /** Sends with netloom's SMTP client, as {@code mail send} does; returns the id the server gave. */
    long mail(String subject, String text, String html, Attachment... attachments) throws IOException {
        byte[] message = MessageWriter.write(new Draft("alice@example.com", List.of("bob@example.com"), List.of(),
                subject, text, html, List.of(attachments)), ZonedDateTime.now(), "example.com");
        var options = new SmtpClient.Options("127.0.0.1", smtp.address().getPort(), SmtpClient.Security.NONE,
                null, null, "client.example", Duration.ofSeconds(10), null);
        String queued = SmtpClient.send(options, "alice@example.com", List.of("bob@example.com"), message).accepted().text();
        return Long.parseLong(queued.substring(queued.lastIndexOf(' ') + 1));
    }

    /** The same request to the smtp service's own API. */
    JsonNode smtpApi(String path) throws Exception {
        var a = ((SmtpService) smtp).apiAddress();
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        return json.readTree(r.body());
    }

    @Test
    void listSearchShowDownloadAndDelete() throws Exception {
        long first = mail("Invoice 42", "pay the money\n", null);
        long second = mail("Report ✓", "see attached\n", "<p>see <b>attached</b></p>",
                new Attachment("page.html", "text/html", "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8)),
                new Attachment("dot.png", "image/png", new byte[]{(byte) 0x89, 'P', 'N', 'G'}));

        JsonNode list = get("/api/mail");
        assertEquals(2, list.get("total").asLong());
        assertEquals(second, list.get("messages").get(0).get("id").asLong(), "newest first");
        assertEquals("Report ✓", list.get("messages").get(0).get("subject").asText());
        assertEquals("bob@example.com", list.get("messages").get(0).get("to").get(0).asText());
        assertTrue(list.get("version").isIntegralNumber(), list.toString());
        assertEquals(1, get("/api/mail?q=MONEY").get("total").asLong(), "the text is searched");
        assertEquals(first, get("/api/mail?q=invoice").get("messages").get(0).get("id").asLong());
        assertEquals(0, get("/api/mail?q=nothing-like-this").get("total").asLong());
        JsonNode page = get("/api/mail?limit=1&offset=1");
        assertEquals(2, page.get("total").asLong());
        assertEquals(first, page.get("messages").get(0).get("id").asLong());

        JsonNode detail = get("/api/mail/" + second);
        assertEquals(smtpApi("/api/messages/" + second), detail, "the same JSON as the smtp service's API");
        assertEquals("<p>see <b>attached</b></p>", detail.get("html").asText());
        assertEquals("page.html", detail.get("attachments").get(0).get("filename").asText());
        assertTrue(detail.get("headers").toString().contains("Report ✓"), "decoded headers");
        assertTrue(get("/api/mail/" + first).get("html").isNull());

        HttpResponse<byte[]> raw = send("GET", "/api/mail/" + second + "/raw");
        assertEquals(200, raw.statusCode());
        assertEquals("message/rfc822", header(raw, "Content-Type"));
        assertEquals("attachment; filename=\"message-" + second + ".eml\"", header(raw, "Content-Disposition"));
        assertEquals("nosniff", header(raw, "X-Content-Type-Options"));
        assertTrue(text(raw).startsWith("Received: from client.example"), text(raw));

        HttpResponse<byte[]> page0 = send("GET", "/api/mail/" + second + "/attachments/0");
        assertEquals(200, page0.statusCode());
        assertEquals("<script>alert(1)</script>", text(page0));
        assertEquals("application/octet-stream", header(page0, "Content-Type"), "HTML is not served as HTML");
        assertEquals("attachment; filename*=UTF-8''page.html", header(page0, "Content-Disposition"));
        assertEquals("nosniff", header(page0, "X-Content-Type-Options"));
        assertEquals("default-src 'none'; sandbox", header(page0, "Content-Security-Policy"));
        HttpResponse<byte[]> png = send("GET", "/api/mail/" + second + "/attachments/1");
        assertEquals("image/png", header(png, "Content-Type"), "an inert type is kept");
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, png.body());
        assertTrue(header(png, "Content-Disposition").startsWith("attachment"));

        assertEquals(204, send("DELETE", "/api/mail/" + first).statusCode());
        assertEquals(404, send("GET", "/api/mail/" + first).statusCode());
        assertEquals(404, send("DELETE", "/api/mail/" + first).statusCode());
        assertEquals(1, get("/api/mail").get("total").asLong());
        assertEquals(204, send("DELETE", "/api/mail").statusCode());
        assertEquals(0, get("/api/mail").get("total").asLong());
        assertEquals(0, smtpApi("/api/messages").get("total").asLong(), "deleted in the smtp service's store");
    }

    @Test
    void badIdsAndParametersGet4xxInJson() throws Exception {
        long id = mail("one", "text\n", null);
        Object[][] cases = {
                {"GET", "/api/mail/abc", 400}, {"GET", "/api/mail/0", 400}, {"GET", "/api/mail/-1", 400},
                {"GET", "/api/mail/99999999999999999999", 400}, {"DELETE", "/api/mail/x", 400},
                {"GET", "/api/mail/999", 404}, {"GET", "/api/mail/999/raw", 404}, {"GET", "/api/mail/999/html", 404},
                {"GET", "/api/mail/" + id + "/attachments/x", 400}, {"GET", "/api/mail/" + id + "/attachments/0", 404},
                {"GET", "/api/mail/" + id + "/html", 404}, {"GET", "/api/mail/" + id + "/nope", 404},
                {"GET", "/api/mail?limit=-1", 400}, {"GET", "/api/mail?limit=1001", 400}, {"GET", "/api/mail?offset=x", 400},
                {"GET", "/api/mail?wait=31&version=1", 400}, {"GET", "/api/mail?wait=x&version=1", 400},
                {"GET", "/api/mail?wait=5", 400}, {"GET", "/api/mail?wait=1&version=v", 400},
{"GET", "/api/mail/" + id + "/html?remote=yes", 400},
                {"PUT", "/api/mail", 405}, {"POST", "/api/mail/" + id, 405}, {"DELETE", "/api/mail/" + id + "/raw", 405},
                {"GET", "/api/mail/" + id + "/view", 405}, {"GET", "/mail-view/nosuchcapability00000000", 404},
                {"GET", "/mail-view/../api/mail", 404}, {"POST", "/mail-view/x", 405},
        };
        for (Object[] c : cases) {
            HttpResponse<byte[]> r = send((String) c[0], (String) c[1]);
            assertEquals(c[2], r.statusCode(), c[0] + " " + c[1] + ": " + text(r));
            JsonNode error = json.readTree(r.body());
            assertEquals(c[2], error.get("status").asInt(), c[1].toString());
            assertFalse(error.get("error").asText().isBlank());
        }
        try (RawHttpClient raw = new RawHttpClient(admin.address().getPort())) {
            RawHttpClient.Response r = raw.send("GET /api/mail?q=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", new byte[0], false);
            assertEquals(400, r.status(), "malformed percent-encoding: " + r.text());
            assertTrue(r.text().contains("percent-encoding"), r.text());
        }
        assertEquals(1, get("/api/mail").get("total").asLong(), "nothing was deleted by a bad call");
    }

    @Test
    void withoutARunningSmtpTheApiSays409() throws Exception {
        registry.stop("smtp", Duration.ZERO);
        for (String path : List.of("/api/mail", "/api/mail/1", "/api/mail/1/html", "/api/mail?wait=1&version=0")) {
            HttpResponse<byte[]> r = send("GET", path);
            assertEquals(409, r.statusCode(), path);
            assertTrue(text(r).contains("smtp is not running"), text(r));
        }
        assertEquals(409, send("DELETE", "/api/mail").statusCode());
    }

    @Test
    void longPollAnswersOnArrivalOnDeleteAndAfterItsWait() throws Exception {
        long version = get("/api/mail").get("version").asLong();

        long start = System.nanoTime();
        JsonNode same = get("/api/mail?wait=1&version=" + version);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(900), "waited about its second");
        assertEquals(version, same.get("version").asLong(), "no change, the same version");
        assertEquals(0, same.get("total").asLong());

        CompletableFuture<HttpResponse<byte[]>> poll = async("/api/mail?wait=30&version=" + version);
        parked(poll);
        long id = mail("arrived", "hello\n", null);
        JsonNode arrived = json.readTree(poll.get(10, TimeUnit.SECONDS).body());
        assertNotEquals(version, arrived.get("version").asLong());
        assertEquals(id, arrived.get("messages").get(0).get("id").asLong(), "the answer holds the new mail");

        long now = arrived.get("version").asLong();
        assertEquals(now, get("/api/mail?wait=30&version=" + (now - 1)).get("version").asLong(),
                "an old version answers at once");
        CompletableFuture<HttpResponse<byte[]>> onDelete = async("/api/mail?wait=30&version=" + now);
        parked(onDelete);
        assertEquals(204, send("DELETE", "/api/mail/" + id).statusCode());
        JsonNode deleted = json.readTree(onDelete.get(10, TimeUnit.SECONDS).body());
        assertEquals(0, deleted.get("total").asLong());
        assertNotEquals(now, deleted.get("version").asLong());
    }

    @Test
    void stoppingSmtpOrAdminEndsTheWaitingPolls() throws Exception {
        long version = get("/api/mail").get("version").asLong();
        CompletableFuture<HttpResponse<byte[]>> poll = async("/api/mail?wait=30&version=" + version);
        parked(poll);
        registry.stop("smtp", Duration.ofSeconds(5));
        HttpResponse<byte[]> gone = poll.get(10, TimeUnit.SECONDS);
        assertEquals(409, gone.statusCode(), text(gone));

        registry.start("smtp", Map.of("port", "0", "api-port", "0", "store", home.resolve("smtp.db").toString()));
        long fresh = get("/api/mail").get("version").asLong();
        assertNotEquals(version, fresh, "a new opening of the store has another version");
        List<CompletableFuture<HttpResponse<byte[]>>> polls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            polls.add(async("/api/mail?wait=30&version=" + fresh));
        }
        polls.forEach(AdminMailTest::parked);
        long start = System.nanoTime();
        StopResult r = registry.stop("admin", Duration.ofSeconds(10));
        assertTrue(r.graceful(), r.describe());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "the stop did not wait for the polls");
        for (var p : polls) {
            assertEquals(200, p.get(5, TimeUnit.SECONDS).statusCode());
        }
    }

    @Test
    void htmlIsServedUnderACspWithoutScriptAndOpensThroughAViewUrl() throws Exception {
        long id = mail("hostile", "text part\n", HOSTILE_HTML);
        HttpResponse<byte[]> html = send("GET", "/api/mail/" + id + "/html");
        assertEquals(200, html.statusCode());
        assertEquals("text/html; charset=utf-8", header(html, "Content-Type"));
        assertEquals(HOSTILE_HTML, text(html), "served as sent: the CSP, not a rewrite, keeps it inert");
        String csp = header(html, "Content-Security-Policy");
        assertEquals(MailRoutes.STRICT_CSP, csp);
        assertStrict(csp);
        assertTrue(csp.contains("img-src data: cid:"), "no remote image without the user's click");
        assertEquals("no-referrer", header(html, "Referrer-Policy"));
        assertEquals("nosniff", header(html, "X-Content-Type-Options"));

        HttpResponse<byte[]> remote = send("GET", "/api/mail/" + id + "/html?remote=1");
        String remoteCsp = header(remote, "Content-Security-Policy");
        assertStrict(remoteCsp);
        assertTrue(remoteCsp.contains("img-src * data:"), remoteCsp);

        String url = viewUrl(id, true);
        assertTrue(url.matches("/mail-view/[A-Za-z0-9_-]{22}"), url);
        HttpResponse<byte[]> opened = send("GET", url);
        assertEquals(200, opened.statusCode());
        assertEquals(HOSTILE_HTML, text(opened));
        assertEquals(remoteCsp, header(opened, "Content-Security-Policy"));
        assertEquals(200, send("GET", url).statusCode(), "a view URL opens again (a frame reload)");
        assertEquals(403, send("GET", url, "Origin", "http://evil.example").statusCode());
        assertEquals(204, send("DELETE", "/api/mail/" + id).statusCode());
        assertEquals(404, send("GET", url).statusCode(), "a view of a deleted message");
    }

    @Test
    void offLoopbackEveryMailCallNeedsTheTokenButAViewUrlIsItsOwnCredential() throws Exception {
        registry.stop("admin", Duration.ZERO);
        String secret = "t0ken-for-the-mail-test-1234";
        admin = registry.start("admin", Map.of("port", "0", "auth", "token", "token", secret));
        base = "http://127.0.0.1:" + admin.address().getPort();
        long id = mail("secret mail", "text\n", "<p>hi</p>");
        for (String[] call : new String[][]{{"GET", "/api/mail"}, {"GET", "/api/mail/" + id},
                {"GET", "/api/mail/" + id + "/raw"}, {"GET", "/api/mail/" + id + "/html"},
                {"POST", "/api/mail/" + id + "/view"}, {"DELETE", "/api/mail/" + id}, {"DELETE", "/api/mail"}}) {
            assertEquals(401, send(call[0], call[1]).statusCode(), call[0] + " " + call[1]);
        }
        token = secret;
        String url = viewUrl(id, false);
        token = null;
        HttpResponse<byte[]> opened = send("GET", url);
        assertEquals(200, opened.statusCode(), "the iframe sends no token: the URL is the capability");
        assertEquals("<p>hi</p>", text(opened));
        assertEquals(MailRoutes.STRICT_CSP, header(opened, "Content-Security-Policy"));
        assertEquals(401, send("GET", "/api/mail").statusCode());
        assertEquals(1, smtpApi("/api/messages").get("total").asLong());
    }

    @Test
    void aRealBrowserRunsNothingOfTheHostileHtml() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed (tests/ensure-tools.sh installs it)");
        Path control = home.resolve("control.html");
        Files.writeString(control, HOSTILE_HTML);
        String unprotected = dumpDom(control.toUri().toString());
        assertTrue(unprotected.contains("data-canary=\"ran\"") && unprotected.contains("data-onerror=\"ran\""),
                "the canary sings where nothing protects it: " + unprotected);

        long id = mail("hostile", "text part\n", HOSTILE_HTML);
        for (String path : List.of(viewUrl(id, true), "/api/mail/" + id + "/html")) {
            String dom = dumpDom(base + path);
            assertTrue(dom.contains("<h1>Hostile</h1>"), "the document was shown: " + dom);
            // the script's text is in the DOM; what it would have done is not
            assertTrue(dom.contains("<title>calm</title>") && dom.contains("<body><h1>"), path + ": " + dom);
            assertFalse(dom.contains("data-canary=\"ran\"") || dom.contains("data-onerror=\"ran\""), path + ": " + dom);
        }
        assertEquals(1, get("/api/mail").get("total").asLong(), "the canary's fetch did not delete anything");
    }

    String viewUrl(long id, boolean remote) throws Exception {
        HttpResponse<byte[]> r = send("POST", "/api/mail/" + id + "/view" + (remote ? "?remote=1" : ""));
        assertEquals(200, r.statusCode(), text(r));
        return json.readTree(r.body()).get("url").asText();
    }

    /** The DOM headless chromium has after loading {@code url} (and two seconds of its time). */
    String dumpDom(String url) throws Exception {
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--user-data-dir=" + home.resolve("chromium"), "--virtual-time-budget=2000",
                "--dump-dom", url).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 60 s: " + url);
        }
        return new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    }

    /** No script of any kind, nothing by default, an opaque origin. */
    static void assertStrict(String csp) {
        assertTrue(csp.startsWith("default-src 'none';"), csp);
        assertFalse(csp.contains("script"), csp);
        assertFalse(csp.contains("unsafe-eval"), csp);
        assertTrue(csp.endsWith("; sandbox"), "sandbox without allow-scripts: " + csp);
        assertTrue(csp.contains("frame-ancestors 'self'"), csp);
    }

    /** A poll with the current version stays unanswered (it parked on the server). */
    static void parked(CompletableFuture<?> poll) {
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !poll.isDone());
    }

    CompletableFuture<HttpResponse<byte[]>> async(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(40));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
