package dev.netloom.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The rest service on a file system that runs full: a 3 MiB tmpfs, mounted for the test (needs
 * root or CAP_SYS_ADMIN; skipped otherwise), grown to 64 MiB once the writes are refused.
 */
class RestDiskFullTest {

    @TempDir
    Path dir;
    private Path mount;

    private static int run(String... cmd) throws Exception {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null && run("umount", mount.toString()) != 0) {
            run("umount", "-l", mount.toString());
        }
    }

    private Service start(Path db) {
        return Net.start(RestService.type(), "db=" + db, "seed=off", "access-log=off", "cache-items=0");
    }

    @Test
    void aFullDiskRefusesWritesWith507StoresNoneOfThemAndTheWriterRecoversWhenSpaceReturns() throws Exception {
        Path small = Files.createDirectories(dir.resolve("small"));
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", small.toString()) == 0,
                "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): the disk-full test is skipped");
        mount = small;
        Path db = small.resolve("rest.db");
        String blob = "x".repeat(200_000);
        Map<Long, Integer> stored = new HashMap<>();  // id -> n, for every 2xx
        List<Integer> refused = new ArrayList<>();
        try (Service s = start(db)) {
            RestClient c = new RestClient(s);
            HttpResponse<String> full = null;
            for (int n = 0; n < 100 && full == null; n++) {
                HttpResponse<String> r = c.post("/users", "{\"n\":" + n + ",\"blob\":\"" + blob + "\"}");
                if (r.statusCode() == 201) {
                    stored.put(RestClient.json(r).get("id").asLong(), n);
                } else {
                    refused.add(n);
                    full = r;
                }
            }
            assertTrue(full != null, "3 MiB never ran full");
            assertFalse(stored.isEmpty(), "the first writes fit");
            assertEquals(507, full.statusCode(), full.body());
            assertEquals("application/problem+json", full.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("Insufficient Storage", RestClient.json(full).get("title").asText(), full.body());
            String detail = RestClient.json(full).get("detail").asText();
            assertTrue(detail.contains("full") && !detail.contains("SQLITE") && !detail.contains("commit"), detail);

            // while full: more writes, each either done (2xx) or refused and not stored
            for (int n = 100; n < 103; n++) {
                HttpResponse<String> r = c.post("/users", "{\"n\":" + n + ",\"blob\":\"" + blob + "\"}");
                assertEquals(507, r.statusCode(), r.body());
                refused.add(n);
            }
            // concurrent writes share group commits: each one is either stored and 201, or refused and not stored
            String part = "y".repeat(50_000);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                for (int n = 300; n < 316; n++) {
                    String body = "{\"n\":" + n + ",\"part\":\"" + (n % 2 == 0 ? part : "") + "\"}";
                    answers.add(pool.submit(() -> c.post("/users", body)));
                }
                for (Future<HttpResponse<String>> a : answers) {
                    HttpResponse<String> r = a.get();
                    if (r.statusCode() == 201) {
                        JsonNode item = RestClient.json(r);
                        stored.put(item.get("id").asLong(), item.get("n").asInt());
                    } else {
                        assertEquals(507, r.statusCode(), r.body());
                    }
                }
            }
            long victim = stored.keySet().iterator().next();
            HttpResponse<String> delete = c.write("DELETE", "/users/" + victim, null);
            if (delete.statusCode() == 204) {
                stored.remove(victim);
            } else {
                assertEquals(507, delete.statusCode(), delete.body());
            }

            assertEquals(0, run("mount", "-o", "remount,size=64m", small.toString()), "grow the tmpfs");
            for (int n = 200; n < 205; n++) {
                HttpResponse<String> r = c.post("/users", "{\"n\":" + n + "}");
                assertEquals(201, r.statusCode(), "the writer recovers by itself: " + r.body());
                stored.put(RestClient.json(r).get("id").asLong(), n);
            }
            long gone = stored.keySet().iterator().next();
            assertEquals(204, c.write("DELETE", "/users/" + gone, null).statusCode());
            stored.remove(gone);
            assertEquals(stored, items(c), "what the running service shows");
        }
        try (Service s = start(db)) {
            assertEquals(stored, items(new RestClient(s)), "after a restart: exactly the writes answered 2xx");
        }
        assertFalse(refused.isEmpty());
    }

    private static Map<Long, Integer> items(RestClient c) throws Exception {
        HttpResponse<String> r = c.get("/users?_fields=id,n&_limit=1000");
        assertEquals(200, r.statusCode(), r.body());
        Map<Long, Integer> out = new HashMap<>();
        for (JsonNode item : RestClient.json(r)) {
            if (out.put(item.get("id").asLong(), item.get("n").asInt()) != null) {
                fail("id twice: " + item);
            }
        }
        return out;
    }
}
