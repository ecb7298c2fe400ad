package dev.netloom.admin;

import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard's files over HTTP: types, the CSP, ETag and 304, 404s, and no token needed for them. */
class UiFilesTest {

    @TempDir
    Path home;
    ServiceRegistry registry;
    final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        registry.close();
    }

    String start(Map<String, String> overrides) {
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty(home));
        Service admin = registry.start("admin", overrides);
        return "http://127.0.0.1:" + admin.address().getPort();
    }

    HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePageItsScriptsAndTheirCaching() throws Exception {
        String base = start(Map.of("port", "0"));
        HttpResponse<String> page = get(base + "/");
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("script-src 'self';") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe"),
                csp);
        assertEquals("no-cache", page.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(page.body().contains("<section id=\"mail\" class=\"tab\" hidden></section>"), "the mail tab's place");
        assertTrue(page.body().contains("<script src=\"mail.js\" defer></script>"));
        assertFalse(page.body().matches("(?s).*<script>.*"), "no inline script");

        String etag = page.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = get(base + "/", "If-None-Match", etag);
        assertEquals(304, again.statusCode());
        assertEquals("", again.body());
        assertEquals(200, get(base + "/index.html", "If-None-Match", "\"other\"").statusCode());

        HttpResponse<String> js = get(base + "/app.js");
        assertEquals("text/javascript; charset=utf-8", js.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(js.body().contains("window.netloom"));
        assertTrue(get(base + "/uPlot.iife.min.js").body().contains("uPlot"));
        assertEquals("text/css; charset=utf-8", get(base + "/uPlot.min.css").headers().firstValue("Content-Type").orElseThrow());
        assertTrue(get(base + "/uPlot.LICENSE.txt").body().contains("The MIT License"));

        assertEquals(404, get(base + "/nosuch.js").statusCode());
        assertEquals(404, get(base + "/.hidden.js").statusCode());
        assertEquals(404, get(base + "/ui/../app.js").statusCode());
        assertEquals(405, client.send(HttpRequest.newBuilder(URI.create(base + "/app.js"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void offLoopbackThePageLoadsWithoutTheTokenAndTheApiAsksForIt() throws Exception {
        String base = start(Map.of("port", "0", "auth", "token", "token", "page-token-0123456789"));
        assertEquals(200, get(base + "/").statusCode());
        assertEquals(200, get(base + "/app.js").statusCode());
        assertEquals(401, get(base + "/api/services").statusCode());
        assertEquals(401, get(base + "/api/history").statusCode());
        assertEquals(200, get(base + "/api/history", "Authorization", "Bearer page-token-0123456789").statusCode());
        assertEquals(403, get(base + "/", "Origin", "http://evil.example").statusCode());
    }
}
