package dev.netloom.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.core.ConfigException;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceException;
import dev.netloom.testing.LogCapture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What json-server 0.17.4 users rely on (issue 23), over real sockets on each database: nested
 * routes, slices, pluralized and repeated relations, cascading deletes, repeated operators,
 * {@code _ne}, {@code GET /db}, singular resources, and the watch, routes, delay and
 * foreign-key-suffix keys.
 */
abstract class JsonServerContract extends RestApiContract {

    /** The seed tests/netcat/rest-json-server.sh gives json-server and netloom alike. */
    static final Path SEED_FILE = Path.of("tests/netcat/rest-json-server/db.json");
    static final String SEED = read(SEED_FILE);

    @TempDir
    Path files;

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The service on a fresh database seeded with {@link #SEED} (written to a file of its own). */
    Service seeded(String... overrides) throws Exception {
        Path seed = Files.writeString(Files.createTempFile(files, "db", ".json"), SEED);
        String[] all = new String[overrides.length + 1];
        all[0] = "seed=" + seed;
        System.arraycopy(overrides, 0, all, 1, overrides.length);
        return start(all);
    }

    @Test
    void nestedRoutesListAndCreateChildrenOfAParent() throws Exception {
        try (Service s = seeded()) {
            RestClient c = new RestClient(s);
            assertEquals(List.of(1L, 2L), ids(c.get("/posts/1/comments")));
            HttpResponse<String> sorted = c.get("/users/1/posts?_sort=views&_order=desc");
            assertEquals(List.of(2L, 1L), ids(sorted));
            assertEquals("2", sorted.headers().firstValue("X-Total-Count").orElseThrow());
            assertEquals(List.of(4L), ids(c.get("/users/4/posts?views_gte=100")), "with other filters");
            assertEquals("[]", c.get("/posts/999/comments").body(), "no parent: no children, as json-server");
            assertEquals(List.of(1L), ids(c.get("/categories/2/posts?_limit=1")));
            assertEquals(List.of(1L), ids(c.get("/people/1/posts")), "people: personId");

            HttpResponse<String> made = c.post("/posts/2/comments", "{\"body\":\"new\"}");
            assertEquals(201, made.statusCode(), made.body());
            assertEquals("{\"id\":5,\"body\":\"new\",\"postId\":2}", made.body());
            assertEquals("/comments/5", made.headers().firstValue("Location").orElseThrow());
            assertEquals(List.of(3L, 5L), ids(c.get("/posts/2/comments")));
            assertEquals(201, c.post("/posts/2/comments", "{\"postId\":2}").statusCode(), "the same parent");

            assertEquals(422, c.post("/posts/2/comments", "{\"postId\":3}").statusCode(), "another parent");
            HttpResponse<String> orphan = c.post("/posts/999/comments", "{\"body\":\"x\"}");
            assertEquals(404, orphan.statusCode());
            assertTrue(RestClient.json(orphan).get("detail").asText().contains("no item 999 in 'posts'"), orphan.body());
            assertEquals(404, c.get("/nothing/1/comments").statusCode());
            assertEquals(404, c.get("/posts/1/nothing").statusCode());
            assertEquals(404, c.get("/posts/x/comments").statusCode());
            assertEquals(404, c.get("/posts/1/comments/1").statusCode());
            HttpResponse<String> put = c.write("PUT", "/posts/1/comments", "{}");
            assertEquals(405, put.statusCode());
            assertEquals("GET, HEAD, POST, OPTIONS", put.headers().firstValue("Allow").orElseThrow());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), ids(c.get("/comments")), "refused writes stored nothing");
        }
    }

    @Test
    void slicesWithStartEndAndLimit() throws Exception {
        try (Service s = seeded()) {
            RestClient c = new RestClient(s);
            HttpResponse<String> slice = c.get("/posts?_start=2&_end=5");
            assertEquals(List.of(3L, 4L, 5L), ids(slice));
            assertEquals("8", slice.headers().firstValue("X-Total-Count").orElseThrow());
            assertTrue(slice.headers().firstValue("Link").isEmpty(), "a slice has no pages");
            assertEquals(List.of(1L, 2L, 3L, 4L), ids(c.get("/posts?_end=4")));
            assertEquals(List.of(6L, 7L, 8L), ids(c.get("/posts?_start=5&_limit=3")));
            assertEquals(List.of(7L, 8L), ids(c.get("/posts?_start=6")), "_start alone: from there on");
            assertEquals("[]", c.get("/posts?_start=4&_end=2").body(), "an end before the start: nothing");
            assertEquals(List.of(6L, 2L), ids(c.get("/posts?_sort=-views&_start=0&_end=2")));
            assertEquals(List.of(2L, 4L), ids(c.get("/posts?views_gte=100&_sort=id&_start=1&_end=3")));
            for (String bad : List.of("_start=-1", "_end=x", "_start=1&_page=2", "_end=3&_limit=2", "_start=0&_end=9999")) {
                HttpResponse<String> r = c.get("/posts?" + bad);
                assertEquals(400, r.statusCode(), bad);
                assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElseThrow());
            }
        }
    }

    @Test
    void expandPluralizesAndRepeatedRelationsAllApply() throws Exception {
        try (Service s = seeded()) {
            RestClient c = new RestClient(s);
            JsonNode post = RestClient.json(c.get("/posts/1?_expand=category&_expand=person&_expand=user"));
            assertEquals("tools", post.get("category").get("name").asText());
            assertEquals("Linus", post.get("person").get("name").asText(), "person: people");
            assertEquals("Ada", post.get("user").get("name").asText());
            JsonNode ada = RestClient.json(c.get("/users/1?_embed=posts&_embed=comments"));
            assertEquals(List.of(1L, 2L), StreamSupport.stream(ada.get("posts").spliterator(), false)
                    .map(p -> p.get("id").asLong()).toList());
            assertEquals(4, ada.get("comments").get(0).get("id").asInt());
            JsonNode list = RestClient.json(c.get("/posts?_expand=category,user&_expand=category&_limit=2"));
            assertEquals("databases", list.get(1).get("category").get("name").asText());
            assertEquals("Ada", list.get(1).get("user").get("name").asText());
            assertFalse(RestClient.json(c.get("/posts/5?_expand=category")).has("category"), "no categoryId: nothing");
            assertEquals(400, c.get("/posts/1?_expand=nothing").statusCode());
            assertEquals(400, c.get("/users/1?_embed=posts&_embed=nothing").statusCode());
        }
    }

    @Test
    void aRepeatedOperatorIsAnyOfAndNeKeepsItemsWithoutTheField() throws Exception {
        try (Service s = seeded()) {
            RestClient c = new RestClient(s);
            assertEquals(List.of(1L, 2L, 4L, 6L, 7L), ids(c.get("/posts?views_gte=100&views_gte=300")));
            assertEquals(List.of(1L, 2L, 4L, 5L), ids(c.get("/posts?title_like=json&title_like=sql")));
            assertEquals(List.of(1L, 2L, 4L, 5L, 7L, 8L), ids(c.get("/posts?views_lte=100&views_lte=300")));
            assertEquals(List.of(2L, 6L), ids(c.get("/posts?views_gt=400&views_gt=200&views_ne=250")));
            assertEquals(List.of(2L, 3L, 4L, 5L, 6L, 7L, 8L), ids(c.get("/posts?views_ne=100")),
                    "post 3 has no views, so its views are not 100");
            assertEquals(List.of(3L, 4L, 5L, 6L, 7L, 8L), ids(c.get("/posts?views_ne=100&views_ne=300")),
                    "a repeated _ne is none of");
            assertEquals(List.of(1L), ids(c.get("/posts?title_like=json&views_gte=50&views_lt=200")));
        }
    }

    @Test
    void deleteCascadesToDependentsInOneTransaction() throws Exception {
        try (Service s = seeded()) {
            RestClient c = new RestClient(s);
            String commentEtag = c.get("/comments/4").headers().firstValue("ETag").orElseThrow();
            String userEtag = c.get("/users/4").headers().firstValue("ETag").orElseThrow();
            assertEquals(412, c.write("DELETE", "/users/4", null, "If-Match", "\"1\"").statusCode());
            assertEquals(List.of(4L, 5L), ids(c.get("/users/4/posts")), "a failed precondition deletes nothing");

            assertEquals(204, c.write("DELETE", "/users/4", null, "If-Match", userEtag).statusCode());
            assertEquals(List.of(1L, 2L, 3L, 6L, 7L, 8L), ids(c.get("/posts")), "posts 4 and 5 (userId 4) are gone");
            assertEquals(List.of(1L, 2L), ids(c.get("/comments")),
                    "comment 3 (userId 4) and comment 4 (on post 4) are gone: the cascade goes down the chain");
            assertEquals(404, c.get("/comments/4").statusCode(), "not served from the item cache");
            assertEquals(412, c.write("PUT", "/comments/4", "{}", "If-Match", commentEtag).statusCode());
            HttpResponse<String> again = c.write("PUT", "/comments/4", "{\"body\":\"back\"}");
            assertEquals(201, again.statusCode());
            assertFalse(again.headers().firstValue("ETag").orElseThrow().equals(commentEtag), "ETags never repeat");

            assertEquals(204, c.write("DELETE", "/categories/1", null).statusCode());
            assertEquals(List.of(1L, 6L, 7L, 8L), ids(c.get("/posts")), "post 2 and 3 had categoryId 1");
            assertEquals(List.of(1L, 2L, 4L), ids(c.get("/comments")), "comment 4, made again without a postId, stays");
            JsonNode counts = RestClient.json(c.get("/")).get("collections");
            assertEquals(4, counts.get("posts").asInt());
        }
    }

    @Test
    void dbIsTheWholeDatabaseAndSingularResourcesHaveGetPutPatch() throws Exception {
        try (Service s = seeded()) {
            RestClient c = new RestClient(s);
            HttpResponse<String> db = c.get("/db");
            assertEquals(200, db.statusCode());
            assertEquals("application/json", db.headers().firstValue("Content-Type").orElseThrow());
            assertEquals(Json.MAPPER.readTree(SEED), RestClient.json(db), "the seed, as loaded");
            assertEquals(db.body().length(), Integer.parseInt(c.send(c.request("/db").HEAD()).headers()
                    .firstValue("Content-Length").orElseThrow()), "HEAD /db: the length of GET's body");
            assertEquals(400, c.get("/db?x=1").statusCode());
            assertEquals(405, c.post("/db", "{}").statusCode());

            HttpResponse<String> profile = c.get("/profile");
            assertEquals("{\"name\":\"typicode\"}", profile.body());
            String etag = profile.headers().firstValue("ETag").orElseThrow();
            assertEquals(304, c.get("/profile", "If-None-Match", etag).statusCode());
            HttpResponse<String> put = c.write("PUT", "/profile", "{\"name\":\"netloom\",\"theme\":\"dark\"}", "If-Match", etag);
            assertEquals(200, put.statusCode(), put.body());
            assertEquals(412, c.write("PATCH", "/profile", "{\"theme\":null}", "If-Match", etag).statusCode());
            HttpResponse<String> patch = c.write("PATCH", "/profile", "{\"theme\":null,\"lang\":\"en\"}",
                    "Content-Type", "application/merge-patch+json");
            assertEquals("{\"name\":\"netloom\",\"lang\":\"en\"}", patch.body());
            assertEquals(patch.headers().firstValue("ETag"), c.get("/profile").headers().firstValue("ETag"));
            assertEquals("netloom", RestClient.json(c.get("/db")).get("profile").get("name").asText());
            assertEquals(422, c.write("PUT", "/profile", "[1]").statusCode());
            assertEquals(415, c.send(c.request("/profile").PUT(HttpRequest.BodyPublishers.ofString("{}"))
                    .header("Content-Type", "text/plain")).statusCode());
            for (String method : List.of("POST", "DELETE")) {
                HttpResponse<String> r = c.write(method, "/profile", method.equals("POST") ? "{}" : null);
                assertEquals(405, r.statusCode(), method);
                assertEquals("GET, HEAD, PUT, PATCH, OPTIONS", r.headers().firstValue("Allow").orElseThrow());
            }
            assertEquals(400, c.get("/profile?name=x").statusCode());
            assertEquals(404, c.get("/profile/1").statusCode(), "a singular resource has no items");
            JsonNode root = RestClient.json(c.get("/"));
            assertEquals("profile", root.get("singulars").get(0).asText());
            assertTrue(RestClient.json(c.get("/openapi.json")).get("paths").get("/profile").has("patch"));
        }
    }

    @Test
    void aSeedThatCannotBeLoadedIsAConfigError() throws Exception {
        for (String[] t : new String[][] {
                {"{\"users\": {\"id\": 1}}", "it is a collection (rest.collections)"},
                {"{\"db\": []}", "'db' is not a collection name"},
                {"{\"n\": 5}", "not a number"}}) {
            Path seed = Files.writeString(files.resolve("bad.json"), t[0]);
            ServiceException e = assertThrows(ServiceException.class, () -> start("seed=" + seed));
            assertTrue(e.getMessage().contains("rest.seed") && e.getMessage().contains(t[1]), e.getMessage());
        }
    }

    @Test
    void customRoutesRewriteAsJsonServersDo() throws Exception {
        Path routes = Files.writeString(files.resolve("routes.json"),
                "{\"/api/*\": \"/$1\", \"/blog/:id\": \"/posts/:id\", \"/by/:user/posts\": \"/posts?userId=:user\"}");
        try (Service s = seeded("routes=" + routes)) {
            RestClient c = new RestClient(s);
            assertEquals(RestClient.json(c.get("/posts/2")), RestClient.json(c.get("/api/posts/2")));
            assertEquals(List.of(2L, 1L), ids(c.get("/api/users/1/posts?_sort=-views")), "the query goes with *");
            assertEquals("no views", RestClient.json(c.get("/blog/3")).get("title").asText());
            assertEquals(List.of(6L, 8L), ids(c.get("/by/3/posts")));
            assertEquals(201, c.post("/api/posts", "{\"title\":\"via api\"}").statusCode());
            HttpResponse<String> missing = c.get("/api/nothing");
            assertEquals(404, missing.statusCode());
            assertEquals("/api/nothing", RestClient.json(missing).get("instance").asText(), "the URL as sent");
        }
        for (String bad : List.of("[1]", "{\"/a\": 1}", "{\"a\": \"/b\"}", "{\"/a\": ")) {
            Files.writeString(routes, bad);
            ServiceException e = assertThrows(ServiceException.class, () -> start("routes=" + routes));
            assertTrue(e.getMessage().contains("rest.routes"), e.getMessage());
        }
        ServiceException e = assertThrows(ServiceException.class, () -> start("routes=" + files.resolve("none.json")));
        assertTrue(e.getMessage().contains("rest.routes") && e.getMessage().contains("cannot be read"), e.getMessage());
    }

    @Test
    void delayHoldsEveryRequestAndForeignKeySuffixRenamesTheKeys() throws Exception {
        try (Service s = start("delay=300ms", "foreign-key-suffix=_id")) {
            RestClient c = new RestClient(s);
            long t0 = System.nanoTime();
            assertEquals(201, c.post("/users", "{\"name\":\"Ada\"}").statusCode());
            assertEquals(201, c.post("/users/1/posts", "{\"title\":\"t\"}").statusCode());
            assertEquals(404, c.get("/nothing").statusCode());
            assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(900).toNanos(), "three requests, 300 ms each");
            assertEquals("{\"id\":1,\"title\":\"t\",\"user_id\":1}", c.get("/posts/1").body());
            assertEquals("Ada", RestClient.json(c.get("/posts/1?_expand=user")).get("user").get("name").asText());
            assertEquals(1, RestClient.json(c.get("/users/1?_embed=posts")).get("posts").size());
            assertEquals(204, c.write("DELETE", "/users/1", null).statusCode());
            assertEquals("[]", c.get("/posts").body(), "the cascade follows user_id");
        }
        assertThrows(ConfigException.class, () -> start("foreign-key-suffix=a b"));
        ConfigException e = assertThrows(ConfigException.class, () -> start("watch=true"));
        assertTrue(e.getMessage().contains("needs a seed file"), e.getMessage());
    }

    @Test
    void watchReloadsAChangedSeedAndKeepsTheDataWhenTheFileIsBad() throws Exception {
        Path seed = Files.writeString(files.resolve("watched.json"), SEED);
        try (LogCapture log = LogCapture.of(SeedWatch.class);
             Service s = start("seed=" + seed, "watch=true")) {
            RestClient c = new RestClient(s);
            assertEquals(201, c.post("/users", "{\"name\":\"until the file changes\"}").statusCode());
            String etag = c.get("/users/1").headers().firstValue("ETag").orElseThrow();
            Files.writeString(seed, "{\"users\": [{\"id\": 1, \"name\": \"Ada L.\"}], \"tags\": [], \"profile\": {}}");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> c.get("/users/1").body().contains("Ada L."));
            assertEquals(List.of(1L), ids(c.get("/users")), "the file is the data");
            assertFalse(etag.equals(c.get("/users/1").headers().firstValue("ETag").orElseThrow()));
            assertEquals(404, c.get("/comments").statusCode(), "a collection the file no longer has is gone");
            assertEquals("[]", c.get("/posts").body(), "a configured one is always there");
            assertEquals("[]", c.get("/tags").body());
            assertEquals("{}", c.get("/profile").body());

            Files.writeString(seed, "{\"users\": [{\"id\": 1, \"name\": }]}");
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> log.logged(Level.WARNING, "serving the data as it was: malformed JSON at line 1"));
            assertEquals(List.of(1L), ids(c.get("/users")), "a bad file changes nothing");
            assertTrue(((RestService) s).details().get(2).contains("not reloaded"), ((RestService) s).details().toString());
            Files.writeString(seed, "{\"users\": [{\"id\": 0}]}");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> log.logged(Level.WARNING, "/id: "));
            Files.writeString(seed, "{\"users\": [{\"id\": 2}]}");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ids(c.get("/users")).equals(List.of(2L)));
        }
    }
}
