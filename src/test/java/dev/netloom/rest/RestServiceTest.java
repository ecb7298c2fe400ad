package dev.netloom.rest;

import dev.netloom.core.Service;
import dev.netloom.core.ServiceException;
import dev.netloom.core.ServiceState;
import dev.netloom.testing.Net;
import dev.netloom.testing.NetloomProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rest service's lifecycle on SQLite: seed, schema versions, durability across SIGKILL, bad config. */
class RestServiceTest {

    @TempDir
    Path dir;

    private Service start(String... overrides) {
        List<String> all = new ArrayList<>(List.of("db=" + dir.resolve("rest.db"), "access-log=off"));
        all.addAll(List.of(overrides));
        return Net.start(RestService.type(), all.toArray(String[]::new));
    }

    @Test
    void seedLoadsIntoAnEmptyDatabaseOnlyAndTheSchemaIsVersioned() throws Exception {
        try (Service s = start()) {
            RestClient c = new RestClient(s);
            HttpResponse<String> users = c.get("/users?role=admin");
            assertEquals("2", users.headers().firstValue("X-Total-Count").orElseThrow(), users.body());
            assertEquals(204, c.write("DELETE", "/users/1", null).statusCode());
            assertEquals(201, c.post("/users", "{\"n\":1}").statusCode());
            // stats are counted as each handler ends, just after its response went out
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                    s.stats().requests() == 3 && s.stats().bytesOut() > 0 && s.stats().bytesIn() == 7
                            && s.details().getFirst().startsWith("responses 2xx 3, 3xx 0, 4xx 0"));
        }
        try (Service s = start()) {
            HttpResponse<String> all = new RestClient(s).get("/users");
            assertEquals("6", all.headers().firstValue("X-Total-Count").orElseThrow(), "the seed is not loaded again");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("rest.db"));
             ResultSet rs = c.createStatement().executeQuery("SELECT version, name FROM schema_migrations")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getInt(1));
            assertEquals("001-items.sql", rs.getString(2));
            assertTrue(rs.next());
            assertEquals("002-singulars.sql", rs.getString(2));
            assertTrue(!rs.next(), "each schema file is applied once");
        }
    }

    @Test
    void aBadSeedOrAMissingSchemaDirectoryStopsTheStartWithAReason() throws Exception {
        Path seed = dir.resolve("seed.json");
        Files.writeString(seed, "{\"users\": 5}");
        ServiceException e = assertThrows(ServiceException.class, () -> start("seed=" + seed));
        assertTrue(e.getMessage().contains("'users' must be an array of objects"), e.getMessage());
        ServiceException m = assertThrows(ServiceException.class,
                () -> start("db=" + dir.resolve("other.db"), "migrations=" + dir.resolve("none")));
        assertTrue(m.getMessage().contains("schema directory"), m.getMessage());
    }

    @Test
    void aSeedThatIsMissingOrDoesNotParseIsAConfigErrorNamingKeyPathAndWhatWasExpected() throws Exception {
        Path missing = dir.resolve("missing.json");
        ServiceException e = assertThrows(ServiceException.class, () -> start("seed=" + missing));
        assertTrue(e.getMessage().contains("rest.seed: '" + missing + "' is not valid: expected a JSON file")
                && e.getMessage().contains(missing + " does not exist"), e.getMessage());
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"users\": [{\"name\": }]}");
        ServiceException b = assertThrows(ServiceException.class, () -> start("seed=" + broken));
        assertTrue(b.getMessage().contains("rest.seed: '" + broken + "'") && b.getMessage().contains("line 1, column"),
                b.getMessage());
        Path huge = dir.resolve("huge.json");
        Files.writeString(huge, "{\"users\": [{\"n\": 1e999999}]}");
        ServiceException h = assertThrows(ServiceException.class, () -> start("seed=" + huge));
        assertTrue(h.getMessage().contains("rest.seed") && h.getMessage().contains("/users/0/n: "), h.getMessage());
        ServiceException d = assertThrows(ServiceException.class, () -> start("seed=" + dir));
        assertTrue(d.getMessage().contains("is not a regular file"), d.getMessage());

        try (Service s = start("seed=off")) {
            assertEquals(201, new RestClient(s).post("/users", "{}").statusCode());
        }
        ServiceException later = assertThrows(ServiceException.class, () -> start("seed=" + missing));
        assertTrue(later.getMessage().contains("does not exist"), "checked even when the database is not empty: "
                + later.getMessage());
        try (Service s = start("seed=off")) {
            assertEquals("1", new RestClient(s).get("/users").headers().firstValue("X-Total-Count").orElseThrow(),
                    "the failed starts changed nothing");
        }
    }

    @Test
    void writesAcknowledgedBeforeSigkillAreThereAfterRestart() throws Exception {
        Path db = dir.resolve("durable.db");
        List<Long> acknowledged = new ArrayList<>();
        try (NetloomProcess p = launch(db)) {
            int port = p.port("rest");
            RestClient c = new RestClient(port);
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = c.post("/users", "{\"n\":" + i + "}");
                assertEquals(201, r.statusCode());
                acknowledged.add(RestClient.json(r).get("id").asLong());
            }
            assertEquals(200, c.write("PATCH", "/users/1", "{\"patched\":true}").statusCode());
            p.kill(); // SIGKILL: no shutdown hook, no close, no checkpoint
        }
        try (Service s = Net.start(RestService.type(), "db=" + db, "seed=off", "access-log=off")) {
            RestClient c = new RestClient(s);
            for (long id : acknowledged) {
                assertEquals(200, c.get("/users/" + id).statusCode(), "item " + id);
            }
            assertEquals("true", RestClient.json(c.get("/users/1")).get("patched").asText());
        }
    }

    private NetloomProcess launch(Path db) throws Exception {
        return NetloomProcess.in(dir).jvm("--enable-native-access=ALL-UNNAMED").start("serve", "rest", "rest.port=0",
                "rest.db=" + db, "rest.seed=off", "rest.access-log=off",
                "rest.migrations=" + Path.of("db/rest").toAbsolutePath());
    }

    @Test
    void stopLetsARequestFinishAndTheServiceEndsStopped() throws Exception {
        Service s = start("seed=off");
        RestClient c = new RestClient(s);
        assertEquals(201, c.post("/users", "{}").statusCode());
        assertTrue(s.stop(Duration.ofSeconds(1)).graceful());
        assertEquals(ServiceState.STOPPED, s.state());
    }

    @Test
    void theItemCacheFollowsEveryWrite() throws Exception {
        try (Service s = start("seed=off", "cache-items=2")) {
            RestClient c = new RestClient(s);
            for (int i = 0; i < 3; i++) {
                assertEquals(201, c.post("/users", "{\"n\":" + i + "}").statusCode());
            }
            RestService rest = (RestService) s;
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> rest.details().get(1).contains("items cached 2"));
            for (int round = 0; round < 3; round++) {
                for (int id = 1; id <= 3; id++) {
                    HttpResponse<String> r = c.write("PUT", "/users/" + id, "{\"round\":" + round + "}");
                    assertEquals(200, r.statusCode());
                    HttpResponse<String> got = c.get("/users/" + id);
                    assertEquals(r.body(), got.body(), "a read after the reply sees the write");
                    assertEquals(r.headers().firstValue("ETag"), got.headers().firstValue("ETag"));
                }
            }
            assertTrue(rest.details().get(1).contains("items cached 2"), "never more than cache-items");
            assertEquals(204, c.write("DELETE", "/users/1", null).statusCode());
            assertEquals(404, c.get("/users/1").statusCode());
            assertEquals(200, c.write("PATCH", "/users/2", "{\"x\":1}").statusCode());
            assertEquals("{\"id\":2,\"round\":2,\"x\":1}", c.get("/users/2").body());
        }
    }
}
