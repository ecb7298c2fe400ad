package dev.netloom.proxy;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cache store: variants, the byte budget, 304 updates, and collapsed misses under load. */
class CacheStoreTest {

    private static final Fields NO_FIELDS = name -> null;
    private static final Freshness FRESH = new Freshness(0, 0, 60_000, false);

    private static Stored response(String url, int bodySize, String... fields) {
        List<Field> list = new ArrayList<>();
        for (String f : fields) {
            int colon = f.indexOf(':');
            list.add(new Field(f.substring(0, colon), f.substring(colon + 1).strip()));
        }
        return new Stored(url, 200, "OK", list, new byte[bodySize], FRESH);
    }

    private static Fields request(String... fields) {
        return name -> {
            for (String f : fields) {
                if (f.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT) + ":")) {
                    return f.substring(f.indexOf(':') + 1).strip();
                }
            }
            return null;
        };
    }

    @Test
    void variantsAreStoredAndFoundByTheFieldsVaryNames() {
        CacheStore store = new CacheStore(1 << 20, 1 << 16);
        Stored gzip = response("http://o/a", 10, "Vary: Accept-Encoding", "Content-Encoding: gzip");
        Stored plain = response("http://o/a", 20, "Vary: Accept-Encoding");
        assertTrue(store.put(request("Accept-Encoding: gzip"), gzip));
        assertTrue(store.put(NO_FIELDS, plain));
        assertSame(gzip, store.lookup("http://o/a", request("accept-encoding:  gzip")));
        assertSame(plain, store.lookup("http://o/a", NO_FIELDS));
        assertNull(store.lookup("http://o/a", request("Accept-Encoding: br")));
        assertEquals(2, store.stats(5).entries());

        Stored unvaried = response("http://o/a", 5);
        store.put(request("Accept-Encoding: br"), unvaried);
        assertEquals(1, store.stats(5).entries(), "a new Vary replaces the variants stored before");
        assertSame(unvaried, store.lookup("http://o/a", request("Accept-Encoding: gzip")));
        assertTrue(store.remove("http://o/a"));
        assertFalse(store.remove("http://o/a"));
        assertEquals(0, store.stats(5).bytes());
    }

    @Test
    void theLeastRecentlyUsedGoFirstWhenTheBytesPassTheBudget() {
        long one = response("http://o/1", 1000).size();
        CacheStore store = new CacheStore(3 * one, 2000);
        for (int i = 1; i <= 3; i++) {
            assertTrue(store.put(NO_FIELDS, response("http://o/" + i, 1000)));
        }
        assertNotNull(store.lookup("http://o/1", NO_FIELDS)); // 1 is now the most recently used
        store.put(NO_FIELDS, response("http://o/4", 1000));
        assertNull(store.lookup("http://o/2", NO_FIELDS), "the least recently used went");
        assertNotNull(store.lookup("http://o/1", NO_FIELDS));
        assertNotNull(store.lookup("http://o/3", NO_FIELDS));
        assertNotNull(store.lookup("http://o/4", NO_FIELDS));
        assertTrue(store.stats(5).bytes() <= 3 * one);
        assertFalse(store.put(NO_FIELDS, response("http://o/big", 2001)), "over the largest object: not stored");
        assertEquals(3, store.stats(5).entries());
    }

    @Test
    void aNotModifiedReplacesTheFieldsItCarriesButNotTheBodyOrItsLength() {
        Stored old = response("http://o/a", 3, "ETag: \"1\"", "Cache-Control: max-age=1", "Content-Length: 3",
                "X-Old: kept", "Set-Cookie: a=1", "Set-Cookie: b=2");
        Freshness later = new Freshness(5000, 0, 120_000, false);
        Stored fresh = old.updatedBy(List.of(new Field("Cache-Control", "max-age=120"), new Field("Content-Length", "0"),
                new Field("Set-Cookie", "c=3"), new Field("ETag", "\"1\"")), later);
        assertEquals("max-age=120", fresh.field("cache-control"));
        assertEquals("3", fresh.field("Content-Length"), "Content-Length describes the stored body");
        assertEquals("kept", fresh.field("X-Old"));
        assertEquals("c=3", fresh.field("Set-Cookie"), "all stored fields of a name the 304 sends are replaced");
        assertSame(old.body(), fresh.body());
        assertSame(later, fresh.freshness());
        assertTrue(fresh.hasValidators());
    }

    @Test
    void twoHundredConcurrentMissesMakeOneOriginRequest() throws Exception {
        CacheStore store = new CacheStore(1 << 20, 1 << 16);
        AtomicInteger origin = new AtomicInteger();
        byte[] body = "the one body".getBytes(StandardCharsets.US_ASCII);
        for (byte[] answer : atOnce(200, () -> fetch(store, "http://o/cold", origin, body, true))) {
            assertArrayEquals(body, answer);
        }
        assertEquals(1, origin.get());
        Map<CacheStore.Result, Long> results = store.stats(1).results();
        assertEquals(1, results.get(CacheStore.Result.MISS));
        assertEquals(199, results.get(CacheStore.Result.HIT));
        assertEquals(List.of(Map.entry("http://o/cold", 199L)), store.stats(1).top());
        assertEquals(199 / 200.0, store.stats(1).hitRatio(), 1e-9);
    }

    @Test
    void whenTheResponseIsNotStorableTheWaitersAskTheOriginThemselvesAndLaterOnesPass() throws Exception {
        CacheStore store = new CacheStore(1 << 20, 1 << 16);
        AtomicInteger origin = new AtomicInteger();
        byte[] body = "private".getBytes(StandardCharsets.US_ASCII);
        for (byte[] answer : atOnce(20, () -> fetch(store, "http://o/private", origin, body, false))) {
            assertArrayEquals(body, answer);
        }
        assertEquals(20, origin.get(), "each got its own answer from the origin");
        CacheStore.Flight passing = store.board("http://o/private");
        assertTrue(passing.leads());
        assertNull(passing.done(), "a URI just found not storable is passed, not collapsed");
        assertFalse(store.board("http://o/other").done().isDone());
    }

    /** The answers of {@code n} virtual threads that run {@code task} released at one moment. */
    private static List<byte[]> atOnce(int n, Callable<byte[]> task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<byte[]> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<byte[]>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            for (Future<byte[]> f : futures) {
                answers.add(f.get(30, TimeUnit.SECONDS));
            }
        }
        return answers;
    }

    /** What the proxy does for a GET: a hit, or a (collapsed) miss that may store. */
    private static byte[] fetch(CacheStore store, String url, AtomicInteger origin, byte[] body, boolean storable)
            throws Exception {
        while (true) {
            Stored hit = store.lookup(url, NO_FIELDS);
            if (hit != null) {
                store.count(CacheStore.Result.HIT);
                return hit.body();
            }
            CacheStore.Flight flight = store.board(url);
            if (!flight.leads()) {
                flight.done().get(10, TimeUnit.SECONDS);
                continue;
            }
            boolean stored = false;
            try {
                origin.incrementAndGet();
                Thread.sleep(50); // the origin's think time, so that the others board meanwhile
                store.count(CacheStore.Result.MISS);
                stored = storable && store.put(NO_FIELDS, new Stored(url, 200, "OK", List.of(), body, FRESH));
                return body;
            } finally {
                store.land(flight, stored);
            }
        }
    }
}
