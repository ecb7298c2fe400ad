package dev.netloom.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rest API over real sockets with java.net.http, written once and run against each
 * database: {@link RestSqliteTest} always, {@link RestPostgresTest} when a PostgreSQL is given.
 */
abstract class RestApiContract {

    /** The db= override for a fresh, empty database. */
    abstract String freshDatabase() throws Exception;

    Service start(String... overrides) throws Exception {
        List<String> all = new ArrayList<>(List.of("db=" + freshDatabase(), "seed=off", "access-log=off",
                "collections=users,posts"));
        all.addAll(List.of(overrides));
        return Net.start(RestService.type(), all.toArray(String[]::new));
    }

    static List<Long> ids(HttpResponse<String> r) throws Exception {
        List<Long> out = new ArrayList<>();
        RestClient.json(r).forEach(n -> out.add(n.get("id").asLong()));
        return out;
    }

    static void people(RestClient c) throws Exception {
        String[] rows = {
                "{\"name\":\"Ada\",\"role\":\"admin\",\"age\":36,\"active\":true,\"address\":{\"city\":\"London\"}}",
                "{\"name\":\"Alan\",\"role\":\"editor\",\"age\":41,\"active\":true,\"address\":{\"city\":\"Manchester\"}}",
                "{\"name\":\"Grace\",\"role\":\"admin\",\"age\":85,\"active\":false,\"address\":{\"city\":\"New York\"}}",
                "{\"name\":\"Edsger\",\"role\":\"viewer\",\"age\":72,\"active\":true,\"address\":{\"city\":\"Nuenen\"}}",
                "{\"name\":\"Barbara\",\"role\":\"editor\",\"age\":86,\"active\":true}",
                "{\"name\":\"Donald\",\"role\":\"viewer\",\"age\":\"unknown\",\"active\":true,\"tags\":[\"tex\"]}"};
        for (String row : rows) {
            assertEquals(201, c.post("/users", row).statusCode());
        }
    }

    @Test
    void createReadReplacePatchDeleteRoundTrip() throws Exception {
        try (Service s = start()) {
            RestClient c = new RestClient(s);
            HttpResponse<String> created = c.post("/users", "{\"name\":\"Ada\",\"address\":{\"city\":\"London\",\"zip\":\"N1\"}}");
            assertEquals(201, created.statusCode());
            assertEquals("/users/1", created.headers().firstValue("Location").orElseThrow());
            String etag = created.headers().firstValue("ETag").orElseThrow();
            assertTrue(etag.matches("\"\\d+\""), etag);
            assertEquals("{\"id\":1,\"name\":\"Ada\",\"address\":{\"city\":\"London\",\"zip\":\"N1\"}}", created.body());

            HttpResponse<String> got = c.get("/users/1");
            assertEquals(200, got.statusCode());
            assertEquals(created.body(), got.body());
            assertEquals(etag, got.headers().firstValue("ETag").orElseThrow());
            assertEquals("application/json", got.headers().firstValue("Content-Type").orElseThrow());

            HttpResponse<String> put = c.write("PUT", "/users/1", "{\"name\":\"Ada L.\",\"role\":\"admin\"}");
            assertEquals(200, put.statusCode());
            assertEquals("{\"id\":1,\"name\":\"Ada L.\",\"role\":\"admin\"}", put.body());
            assertFalse(etag.equals(put.headers().firstValue("ETag").orElseThrow()), "a write changes the ETag");

            HttpResponse<String> patch = c.write("PATCH", "/users/1", "{\"role\":null,\"address\":{\"city\":\"Paris\"}}",
                    "Content-Type", "application/merge-patch+json");
            assertEquals(200, patch.statusCode(), patch.body());
            assertEquals("{\"id\":1,\"name\":\"Ada L.\",\"address\":{\"city\":\"Paris\"}}", patch.body());

            assertEquals(204, c.write("DELETE", "/users/1", null).statusCode());
            HttpResponse<String> gone = c.get("/users/1");
            assertEquals(404, gone.statusCode());
            assertEquals("application/problem+json", gone.headers().firstValue("Content-Type").orElseThrow());
            JsonNode problem = RestClient.json(gone);
            assertEquals(404, problem.get("status").asInt());
            assertEquals("Not Found", problem.get("title").asText());
            assertEquals("/users/1", problem.get("instance").asText());
            assertEquals(404, c.write("DELETE", "/users/1", null).statusCode());
            assertEquals(201, c.post("/users", "{\"name\":\"next\"}").statusCode());
            assertEquals(2, RestClient.json(c.get("/users")).get(0).get("id").asLong(), "ids are never reused");
        }
    }

    @Test
    void putCreatesAtAChosenIdAndPostCanNameAFreeOne() throws Exception {
        try (Service s = start()) {
            RestClient c = new RestClient(s);
            HttpResponse<String> put = c.write("PUT", "/users/40", "{\"name\":\"forty\"}");
            assertEquals(201, put.statusCode());
            assertEquals("/users/40", put.headers().firstValue("Location").orElseThrow());
            assertEquals(41, RestClient.json(c.post("/users", "{\"name\":\"after\"}")).get("id").asLong());
            assertEquals(201, c.post("/users", "{\"id\":7,\"name\":\"seven\"}").statusCode());
            assertEquals(409, c.post("/users", "{\"id\":7,\"name\":\"again\"}").statusCode());
            assertEquals(400, c.post("/users", "{\"id\":\"x\"}").statusCode());
            assertEquals(400, c.post("/users", "{\"id\":-1}").statusCode());
            assertEquals(422, c.write("PUT", "/users/40", "{\"id\":41}").statusCode());
            assertEquals(422, c.write("PATCH", "/users/40", "{\"id\":null}").statusCode());
            assertEquals("forty", RestClient.json(c.get("/users/40")).get("name").asText(), "refused writes change nothing");
        }
    }

    @Test
    void filtersByEqualityNestedFieldsAndOperators() throws Exception {
        try (Service s = start()) {
            RestClient c = new RestClient(s);
            people(c);
            assertEquals(List.of(1L, 3L), ids(c.get("/users?role=admin")));
            assertEquals(List.of(1L, 2L, 3L), ids(c.get("/users?role=admin&role=editor&age_lt=86")));
            assertEquals(List.of(2L), ids(c.get("/users?address.city=Manchester")));
            assertEquals(List.of(3L, 5L), ids(c.get("/users?age_gte=85")));
            assertEquals(List.of(3L, 4L, 5L), ids(c.get("/users?age_gt=41")));
            assertEquals(List.of(1L), ids(c.get("/users?age_lte=36")));
            assertEquals(List.of(2L, 3L, 4L, 5L, 6L), ids(c.get("/users?name_ne=Ada")));
            assertEquals(List.of(2L, 4L, 5L, 6L), ids(c.get("/users?role_ne=admin")));
            assertEquals(List.of(), ids(c.get("/users?name_like=A%25a")), "% in a value is a plain character");
            assertEquals(List.of(1L), ids(c.get("/users?name_like=aD")));
            assertEquals(List.of(3L), ids(c.get("/users?name_like=RAC")));
            assertEquals(List.of(1L, 4L), ids(c.get("/users?id_in=1,4,99")));
            assertEquals(List.of(3L), ids(c.get("/users?active=false")));
            assertEquals(List.of(6L), ids(c.get("/users?age=unknown")));
            assertEquals(List.of(2L), ids(c.get("/users?q=manch")));
            assertEquals(List.of(), ids(c.get("/users?q=86")), "q searches text, not numbers");
            assertEquals(List.of(5L), ids(c.get("/users?age=86.0")), "numbers compare as numbers");
        }
    }

    @Test
    void sortsByFieldsWithMissingValuesLast() throws Exception {
        try (Service s = start()) {
            RestClient c = new RestClient(s);
            people(c);
            assertEquals(List.of(1L, 2L, 4L, 3L, 5L, 6L), ids(c.get("/users?_sort=age")), "numbers, then text");
            assertEquals(List.of(5L, 3L, 4L, 2L, 1L, 6L), ids(c.get("/users?_sort=-age")));
            assertEquals(List.of(1L, 3L, 2L, 5L, 4L, 6L), ids(c.get("/users?_sort=role,age")));
            assertEquals(List.of(3L, 1L, 5L, 2L, 4L, 6L), ids(c.get("/users?_sort=role,-age")));
            assertEquals(List.of(5L, 3L, 4L, 2L, 1L, 6L), ids(c.get("/users?_sort=age&_order=desc")));
            assertEquals(List.of(1L, 2L, 4L, 5L, 6L, 3L), ids(c.get("/users?_sort=-active,address.city")),
                    "items without the field come last");
        }
    }

    @Test
    void pagesCarryTotalCountAndLinks() throws Exception {
        try (Service s = start()) {
            RestClient c = new RestClient(s);
            people(c);
            HttpResponse<String> page = c.get("/users?active=true&_sort=name&_page=2&_per_page=2");
            assertEquals(List.of(5L, 6L), ids(page));
            assertEquals("5", page.headers().firstValue("X-Total-Count").orElseThrow());
            String link = page.headers().firstValue("Link").orElseThrow();
            assertTrue(link.contains("</users?active=true&_sort=name&_page=1&_per_page=2>; rel=\"first\""), link);
            assertTrue(link.contains("_page=1&_per_page=2>; rel=\"prev\""), link);
            assertTrue(link.contains("_page=3&_per_page=2>; rel=\"next\""), link);
            assertTrue(link.contains("_page=3&_per_page=2>; rel=\"last\""), link);
            assertEquals(List.of(4L), ids(c.get("/users?active=true&_sort=name&_page=3&_per_page=2")));
            assertEquals(List.of(), ids(c.get("/users?_page=9&_per_page=2")));
            assertEquals(List.of(1L, 2L), ids(c.get("/users?_limit=2")));
            HttpResponse<String> all = c.get("/users");
            assertEquals("6", all.headers().firstValue("X-Total-Count").orElseThrow());
            assertTrue(all.headers().firstValue("Link").isEmpty(), "a complete list has no Link");
        }
    }

    @Test
    void countsFollowEveryWrite() throws Exception {
        try (Service s = start()) {
            RestClient c = new RestClient(s);
            people(c);
            String q = "/users?role=admin&_page=1&_per_page=1";
            for (int i = 0; i < 3; i++) {
                assertEquals("2", c.get(q).headers().firstValue("X-Total-Count").orElseThrow());
            }
            assertEquals(201, c.post("/users", "{\"role\":\"admin\"}").statusCode());
            assertEquals("3", c.get(q).headers().firstValue("X-Total-Count").orElseThrow());
            assertEquals(200, c.write("PATCH", "/users/1", "{\"role\":\"viewer\"}").statusCode());
            assertEquals("2", c.get(q).headers().firstValue("X-Total-Count").orElseThrow());
            assertEquals(204, c.write("DELETE", "/users/3", null).statusCode());
            HttpResponse<String> last = c.get(q);
            assertEquals("1", last.headers().firstValue("X-Total-Count").orElseThrow());
            assertEquals(List.of(7L), ids(last));
        }
    }

    @Test
    void listWithoutPageIsCutAtMaxPerPage() throws Exception {
        try (Service s = start("max-per-page=4")) {
            RestClient c = new RestClient(s);
            people(c);
            HttpResponse<String> r = c.get("/users");
            assertEquals(List.of(1L, 2L, 3L, 4L), ids(r));
            assertEquals("6", r.headers().firstValue("X-Total-Count").orElseThrow());
            assertTrue(r.headers().firstValue("Link").orElseThrow().contains("_page=2&_per_page=4>; rel=\"next\""));
            assertEquals(400, c.get("/users?_per_page=5").statusCode());
        }
    }

    @Test
    void projectsEmbedsAndExpands() throws Exception {
        try (Service s = start()) {
            RestClient c = new RestClient(s);
            people(c);
            assertEquals(201, c.post("/posts", "{\"title\":\"Notes\",\"userId\":1}").statusCode());
            assertEquals(201, c.post("/posts", "{\"title\":\"Engine\",\"userId\":1}").statusCode());
            assertEquals(201, c.post("/posts", "{\"title\":\"Machines\",\"userId\":2}").statusCode());
            assertEquals("[{\"id\":1,\"name\":\"Ada\"},{\"id\":2,\"name\":\"Alan\"}]",
                    c.get("/users?_fields=id,name&_limit=2").body());
            assertEquals("[{\"address\":{\"city\":\"London\"}}]", c.get("/users?id=1&_fields=address.city").body());
            JsonNode ada = RestClient.json(c.get("/users/1?_embed=posts"));
            assertEquals(List.of("Notes", "Engine"), StreamSupport.stream(ada.get("posts").spliterator(), false)
                    .map(p -> p.get("title").asText()).toList());
            JsonNode post = RestClient.json(c.get("/posts/3?_expand=user"));
            assertEquals("Alan", post.get("user").get("name").asText());
            JsonNode list = RestClient.json(c.get("/users?_embed=posts&_limit=3"));
            assertEquals(2, list.get(0).get("posts").size());
            assertEquals(0, list.get(2).get("posts").size());
            assertEquals(400, c.get("/users?_embed=nothing").statusCode());
            assertEquals(400, c.get("/posts?_expand=nobody").statusCode());
        }
    }

    @Test
    void etagsMakeReadsConditionalAndWritesSafe() throws Exception {
        try (Service s = start()) {
            RestClient c = new RestClient(s);
            String etag = c.post("/users", "{\"n\":1}").headers().firstValue("ETag").orElseThrow();
            HttpResponse<String> notModified = c.get("/users/1", "If-None-Match", etag);
            assertEquals(304, notModified.statusCode());
            assertEquals(etag, notModified.headers().firstValue("ETag").orElseThrow());
            assertEquals("", notModified.body());
            assertEquals(304, c.get("/users/1", "If-None-Match", "\"0\", W/" + etag).statusCode());
            assertEquals(200, c.get("/users/1", "If-None-Match", "\"0\"").statusCode());

            HttpResponse<String> ok = c.write("PATCH", "/users/1", "{\"n\":2}", "If-Match", etag);
            assertEquals(200, ok.statusCode());
            String newer = ok.headers().firstValue("ETag").orElseThrow();
            HttpResponse<String> stale = c.write("PUT", "/users/1", "{\"n\":3}", "If-Match", etag);
            assertEquals(412, stale.statusCode());
            assertTrue(RestClient.json(stale).get("detail").asText().contains(newer), stale.body());
            assertEquals(412, c.write("PATCH", "/users/1", "{\"n\":3}", "If-Match", etag).statusCode());
            assertEquals(412, c.write("DELETE", "/users/1", null, "If-Match", etag).statusCode());
            assertEquals(412, c.write("PUT", "/users/1", "{\"n\":3}", "If-None-Match", "*").statusCode());
            assertEquals(412, c.write("PUT", "/users/9", "{\"n\":3}", "If-Match", "*").statusCode());
            assertEquals(404, c.get("/users/9").statusCode(), "a failed precondition creates nothing");
            assertEquals(2, RestClient.json(c.get("/users/1")).get("n").asInt());
            assertEquals(204, c.write("DELETE", "/users/1", null, "If-Match", newer).statusCode());
        }
    }

    @Test
    void idsRunFrom1To2To53Minus1AndAutoIdsNeverWrap() throws Exception {
        long max = 9_007_199_254_740_991L; // 2^53-1
        try (Service s = start()) {
            RestClient c = new RestClient(s);
            for (String id : List.of("9223372036854775807", "9007199254740992", "0", "-1", "1.5", "1e300", "\"7\"",
                    "true", "[1]")) {
                HttpResponse<String> r = c.post("/users", "{\"id\":" + id + "}");
                assertEquals(400, r.statusCode(), id + ": " + r.body());
                assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElseThrow());
                assertTrue(RestClient.json(r).get("detail").asText().startsWith("/id: "), r.body());
                assertEquals(400, c.write("PUT", "/users/1", "{\"id\":" + id + "}").statusCode(), id);
            }
            assertEquals(404, c.get("/users/9007199254740992").statusCode());
            assertEquals(404, c.get("/users/9223372036854775807").statusCode());
            assertEquals(404, c.write("PUT", "/users/9007199254740992", "{}").statusCode());

            HttpResponse<String> top = c.post("/users", "{\"id\":" + max + ",\"name\":\"last\"}");
            assertEquals(201, top.statusCode(), top.body());
            assertEquals("/users/" + max, top.headers().firstValue("Location").orElseThrow());
            assertEquals("last", RestClient.json(c.get("/users/" + max)).get("name").asText(), "the URL takes every id");
            assertEquals(200, c.write("PATCH", "/users/" + max, "{\"n\":1}").statusCode());

            HttpResponse<String> next = c.post("/users", "{\"name\":\"one more\"}");
            assertEquals(409, next.statusCode(), next.body());
            assertTrue(RestClient.json(next).get("detail").asText().contains(Long.toString(max)), next.body());
            assertEquals(204, c.write("DELETE", "/users/" + max, null).statusCode());
            assertEquals(409, c.post("/users", "{}").statusCode(), "ids are never reused, not even the last one");
            assertEquals(201, c.post("/users", "{\"id\":5}").statusCode(), "a free id given in the body still works");
            assertEquals(201, c.write("PUT", "/users/6", "{}").statusCode());
            assertEquals(List.of(5L, 6L), ids(c.get("/users")), "nothing else was stored, and nothing wrapped");
        }
    }

    @Test
    void numbersAndStringsThatCannotBeStoredAsSentAre400NamingThePath() throws Exception {
        try (Service s = start()) {
            RestClient c = new RestClient(s);
            String[][] cases = {
                    {"{\"n\":1e999999}", "/n"},
                    {"{\"n\":-1e999999}", "/n"},
                    {"{\"n\":1e-999999}", "/n"},
                    {"{\"n\":" + "9".repeat(400) + "}", "/n"},
                    {"{\"a\":{\"b\":[1,2,1e400]}}", "/a/b/2"},
                    {"{\"s\":\"\\ud800\"}", "/s"},
                    {"{\"tags\":[\"ok\",\"\\ud83d\\ud83d\",\"\\udc00x\"]}", "/tags/1"},
                    {"{\"a/b~\":{\"x\":\"\\udfff\"}}", "/a~1b~0/x"},
            };
            for (String[] t : cases) {
                HttpResponse<String> r = c.post("/users", t[0]);
                assertEquals(400, r.statusCode(), t[0] + ": " + r.body());
                assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElseThrow());
                assertTrue(RestClient.json(r).get("detail").asText().startsWith(t[1] + ": "), t[0] + ": " + r.body());
            }
            for (String exponent : List.of("1e-2147483648", "1e2147483648", "-1e-99999999999")) {
                HttpResponse<String> r = c.post("/users", "{\"n\":" + exponent + "}");
                assertEquals(400, r.statusCode(), exponent + ": " + r.body());
                assertTrue(RestClient.json(r).get("detail").asText().contains("out of range"), r.body());
            }
            HttpResponse<String> name = c.post("/users", "{\"k\\ud800\":1}");
            assertEquals(400, name.statusCode(), "a lone surrogate in a member name");
            assertTrue(name.body().contains("surrogate"), name.body());
            assertEquals(201, c.write("PUT", "/users/1", "{\"n\":1}").statusCode());
            assertEquals(400, c.write("PUT", "/users/1", "{\"n\":1e999999}").statusCode());
            assertEquals(400, c.write("PATCH", "/users/1", "{\"m\":\"\\udbff\"}").statusCode());
            assertEquals("{\"id\":1,\"n\":1}", c.get("/users/1").body(), "refused writes change nothing");

            HttpResponse<String> fine = c.post("/users",
                    "{\"big\":1.5e308,\"tiny\":5e-324,\"long\":12345678901234567890,\"x\":0.1,\"z\":0e-999999,"
                            + "\"smile\":\"\\ud83d\\ude00\"}");
            assertEquals(201, fine.statusCode(), fine.body());
            JsonNode item = RestClient.json(c.get("/users/" + RestClient.json(fine).get("id").asLong()));
            assertEquals(1.5e308, item.get("big").doubleValue());
            assertEquals(Double.MIN_VALUE, item.get("tiny").doubleValue());
            assertEquals("12345678901234567890", item.get("long").asText(), "whole numbers are kept as written");
            assertEquals(0.1, item.get("x").doubleValue());
            assertEquals(0.0, item.get("z").doubleValue());
            assertEquals("\ud83d\ude00", item.get("smile").asText(), "a surrogate pair is a character");
            assertEquals(List.of(RestClient.json(fine).get("id").asLong()), ids(c.get("/users?big_gt=1e308")));
        }
    }

    @Test
    void orderIsCheckedWithOrWithoutSort() throws Exception {
        try (Service s = start()) {
            RestClient c = new RestClient(s);
            people(c);
            for (String q : List.of("_order=bogus", "_order=bogus&_sort=age", "_order=asc,up&_sort=age,name")) {
                HttpResponse<String> r = c.get("/users?" + q);
                assertEquals(400, r.statusCode(), q);
                assertTrue(RestClient.json(r).get("detail").asText().contains("_order"), r.body());
            }
            assertEquals(200, c.get("/users?_order=desc").statusCode(), "a valid _order alone sorts nothing");
            assertEquals(List.of(5L, 3L, 4L, 2L, 1L, 6L), ids(c.get("/users?_order=DESC&_sort=age")));
        }
    }

    @Test
    void errorsAreProblemDocumentsWithTheRightStatus() throws Exception {
        try (Service s = start("max-body=64")) {
            RestClient c = new RestClient(s);
            HttpResponse<String> malformed = c.post("/users", "{\"name\": \"Ada\",\n \"age\": }");
            assertEquals(400, malformed.statusCode());
            assertEquals("application/problem+json", malformed.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(RestClient.json(malformed).get("detail").asText().contains("line 2, column"), malformed.body());
            assertEquals(400, c.post("/users", "{\"a\":1,\"a\":2}").statusCode(), "duplicate keys");
            assertEquals(400, c.post("/users", "{} {}").statusCode(), "trailing data");
            assertEquals(400, c.post("/users", "").statusCode());
            assertEquals(422, c.post("/users", "[{\"name\":\"Ada\"}]").statusCode());
            assertEquals(422, c.post("/users", "42").statusCode());
            HttpResponse<String> text = c.send(c.request("/users").POST(HttpRequest.BodyPublishers
                    .ofString("name=Ada")).header("Content-Type", "application/x-www-form-urlencoded"));
            assertEquals(415, text.statusCode());
            assertEquals("application/json", text.headers().firstValue("Accept-Post").orElseThrow());
            assertEquals(415, c.send(c.request("/users/1").PUT(HttpRequest.BodyPublishers.ofString("{}"))
                    .header("Content-Type", "application/json; charset=latin1")).statusCode());
            assertEquals(413, c.post("/users", "{\"name\":\"" + "x".repeat(100) + "\"}").statusCode());
            assertEquals(404, c.get("/nothing").statusCode());
            assertEquals(404, c.post("/nothing", "{}").statusCode());
            assertEquals(404, c.get("/users/abc").statusCode());
            assertEquals(404, c.get("/users/1/nothing").statusCode());
            HttpResponse<String> method = c.write("DELETE", "/users", null);
            assertEquals(405, method.statusCode());
            assertEquals("GET, HEAD, POST, OPTIONS", method.headers().firstValue("Allow").orElseThrow());
            assertEquals(405, c.write("POST", "/users/1", "{}").statusCode());
            assertEquals(501, c.write("BREW", "/users", null).statusCode());
            assertEquals(400, c.get("/users?_bogus=1").statusCode());
            assertEquals(400, c.get("/users?_page=0").statusCode());
            try (var raw = Net.connect(s)) {
                raw.getOutputStream().write("GET /users?name=%zz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                assertTrue(Net.readLine(raw.getInputStream()).startsWith("HTTP/1.1 400 "), "malformed escape");
            }
            assertEquals(400, c.get("/users?a..b=1").statusCode());
            assertEquals("[]", c.get("/users").body(), "nothing was stored by any of them");
        }
    }

    @Test
    void readOnlyRefusesWritesWith405() throws Exception {
        try (Service s = start("read-only=true")) {
            RestClient c = new RestClient(s);
            HttpResponse<String> r = c.post("/users", "{}");
            assertEquals(405, r.statusCode());
            assertEquals("GET, HEAD, OPTIONS", r.headers().firstValue("Allow").orElseThrow());
            assertTrue(r.body().contains("read-only"), r.body());
            assertEquals(405, c.write("DELETE", "/users/1", null).statusCode());
            assertEquals(200, c.get("/users").statusCode());
        }
    }

    @Test
    void corsPreflightAndExposedHeaders() throws Exception {
        try (Service s = start("cors-origins=http://app.test")) {
            RestClient c = new RestClient(s);
            HttpResponse<String> pre = c.send(c.request("/users/1").method("OPTIONS",
                            HttpRequest.BodyPublishers.noBody()).header("Origin", "http://app.test")
                    .header("Access-Control-Request-Method", "PUT")
                    .header("Access-Control-Request-Headers", "content-type, if-match"));
            assertEquals(204, pre.statusCode());
            assertEquals("http://app.test", pre.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
            assertTrue(pre.headers().firstValue("Access-Control-Allow-Methods").orElseThrow().contains("PUT"));
            assertEquals("content-type, if-match", pre.headers().firstValue("Access-Control-Allow-Headers").orElseThrow());
            HttpResponse<String> get = c.get("/users", "Origin", "http://app.test");
            assertTrue(get.headers().firstValue("Access-Control-Expose-Headers").orElseThrow().contains("X-Total-Count"));
            assertEquals("Origin", get.headers().firstValue("Vary").orElseThrow());
            HttpResponse<String> other = c.get("/users", "Origin", "http://evil.test");
            assertTrue(other.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        }
    }

    @Test
    void headIsGetWithoutTheBody() throws Exception {
        try (Service s = start()) {
            RestClient c = new RestClient(s);
            String body = c.post("/users", "{\"name\":\"Ada\"}").body();
            HttpResponse<String> head = c.send(c.request("/users/1").HEAD());
            assertEquals(200, head.statusCode());
            assertEquals(String.valueOf(body.length()), head.headers().firstValue("Content-Length").orElseThrow());
            assertEquals("", head.body());
            assertEquals(200, c.get("/users/1").statusCode(), "the connection is still usable");
        }
    }

    @Test
    void autoCollectionsAppearOnFirstPostAndInTheIndex() throws Exception {
        try (Service s = start("auto-collections=true")) {
            RestClient c = new RestClient(s);
            assertEquals(201, c.post("/comments", "{\"body\":\"hi\"}").statusCode());
            assertEquals(400, c.post("/bad%20name", "{}").statusCode());
            JsonNode root = RestClient.json(c.get("/"));
            assertEquals(1, root.get("collections").get("comments").asInt());
            assertEquals(0, root.get("collections").get("users").asInt());
            JsonNode api = RestClient.json(c.get("/openapi.json"));
            assertEquals("3.1.0", api.get("openapi").asText());
            assertTrue(api.get("paths").has("/comments/{id}"));
            assertTrue(api.get("paths").get("/users").has("post"));
        }
    }

    @Test
    void concurrentReadModifyWriteWithIfMatchLosesNoUpdate() throws Exception {
        try (Service s = start()) {
            RestClient c = new RestClient(s);
            assertEquals(201, c.post("/users", "{\"counter\":0}").statusCode());
            AtomicLong ok = new AtomicLong();
            AtomicLong conflicts = new AtomicLong();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int w = 0; w < 50; w++) {
                    pool.submit(() -> {
                        for (int i = 0; i < 200 && System.nanoTime() < deadline; i++) {
                            try {
                                HttpResponse<String> read = c.get("/users/1");
                                long n = RestClient.json(read).get("counter").asLong();
                                String etag = read.headers().firstValue("ETag").orElseThrow();
                                HttpResponse<String> w2 = c.write("PATCH", "/users/1", "{\"counter\":" + (n + 1) + "}",
                                        "If-Match", etag);
                                if (w2.statusCode() / 100 == 2) {
                                    ok.incrementAndGet();
                                } else if (w2.statusCode() == 412) {
                                    conflicts.incrementAndGet();
                                } else {
                                    failures.add(w2.statusCode() + " " + w2.body());
                                }
                            } catch (Exception e) {
                                failures.add(e.toString());
                            }
                        }
                        return null;
                    });
                }
            }
            assertTrue(failures.isEmpty(), failures.toString());
            assertTrue(ok.get() > 0 && conflicts.get() > 0, "ok " + ok + ", conflicts " + conflicts);
            assertEquals(ok.get(), RestClient.json(c.get("/users/1")).get("counter").asLong(),
                    "every acknowledged increment is in the counter, and nothing else");
        }
    }

    /** Hostile text in every place a client controls: none may reach SQL as code. */
    @ParameterizedTest
    @ValueSource(strings = {
            "'", "\"", "x' OR '1'='1", "a) OR 1=1 --", "1; DROP TABLE items; --", "*/ UNION SELECT body FROM items /*",
            "%", "_", "!", "\\", "id = id", "$.name", "name') IS NOT NULL OR ('1"})
    void sqlInjectionChangesAndLeaksNothing(String evil) throws Exception {
        try (Service s = start()) {
            RestClient c = new RestClient(s);
            people(c);
            String before = c.get("/users").body();
            String e = URLEncoder.encode(evil, StandardCharsets.UTF_8);
            for (String query : List.of("name=" + e, e + "=1", e + "_gte=1", "age_lt=" + e, e + "_like=a", "name_like=" + e,
                    e + "_ne=x", "name_in=" + e + ",Ada", "q=" + e, "_sort=" + e, "_sort=-" + e + ",name", "_fields=" + e,
                    "_embed=" + e, "_expand=" + e, "_order=" + e + "&_sort=name", e + "=" + e, "address." + e + "=London")) {
                HttpResponse<String> r = c.get("/users?" + query);
                assertTrue(r.statusCode() == 200 || r.statusCode() == 400, query + " -> " + r.statusCode() + " " + r.body());
                if (r.statusCode() == 200 && query.startsWith("name=")) {
                    assertEquals("[]", r.body(), query + " leaks");
                }
            }
            String quoted = Json.MAPPER.writeValueAsString(evil);
            HttpResponse<String> created = c.post("/users", "{" + quoted + ":" + quoted + ",\"name\":" + quoted + "}");
            assertEquals(201, created.statusCode(), created.body());
            long id = RestClient.json(created).get("id").asLong();
            assertEquals(evil, RestClient.json(c.get("/users/" + id)).get(evil).asText(), "stored as data");
            assertEquals(List.of(id), ids(c.get("/users?name=" + e)), "and found as data");
            assertEquals(204, c.write("DELETE", "/users/" + id, null).statusCode());
            assertEquals(before, c.get("/users").body(), "nothing else changed");
        }
    }
}
