package dev.netloom.proxy;

import dev.netloom.http1.HttpDates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.netloom.proxy.CacheControl.ABSENT;
import static dev.netloom.proxy.CacheControl.ANY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 9111's rules as tables: Cache-Control as caches read it, what a shared cache stores, how
 * old a response is and how long it is fresh, and when a stored response answers a request.
 */
class CacheRulesTest {

    private static final long T = 1_700_000_000_000L; // a fixed "now" on this machine's clock

    /** Fields from "Name: value" lines; a name given twice is joined as MessageHead joins it. */
    private static Fields fields(String... lines) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            m.merge(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip(),
                    (a, b) -> a + ", " + b);
        }
        return name -> m.get(name.toLowerCase(Locale.ROOT));
    }

    private static String date(long millis) {
        return HttpDates.format(millis);
    }

    @Test
    void directivesAreReadAsCachesMustReadThem() {
        CacheControl cc = CacheControl.parse("Max-Age=60, no-cache=\"Set-Cookie, X-A\", PRIVATE, x-ext=\"a,b\", public");
        assertEquals(60, cc.maxAge());
        assertTrue(cc.noCache());
        assertTrue(cc.isPrivate());
        assertTrue(cc.isPublic());
        assertEquals(ABSENT, cc.sMaxAge());

        assertEquals(CacheControl.NONE, CacheControl.parse(null));
        assertEquals(CacheControl.NONE, CacheControl.parse(" , ,"));
        assertEquals(0, CacheControl.parse("max-age=abc").maxAge(), "invalid freshness is stale");
        assertEquals(0, CacheControl.parse("max-age=").maxAge());
        assertEquals(0, CacheControl.parse("max-age=-5").maxAge());
        assertEquals(CacheControl.MAX_DELTA, CacheControl.parse("max-age=99999999999999999999999").maxAge());
        assertEquals(10, CacheControl.parse("max-age=100, max-age=10").maxAge(), "twice: the smaller");
        assertEquals(30, CacheControl.parse("max-age=\"30\"").maxAge(), "quoted, as some servers send");
        assertEquals(ANY, CacheControl.parse("max-stale").maxStale());
        assertEquals(5, CacheControl.parse("max-stale=5").maxStale());
        assertEquals(7, CacheControl.parse("min-fresh=7").minFresh());
        assertTrue(CacheControl.parse("only-if-cached").onlyIfCached());
        assertEquals(600, CacheControl.parse("stale-if-error=600").staleIfError());
        assertTrue(CacheControl.parse("s-maxage=0,must-revalidate,proxy-revalidate,must-understand,no-store")
                .mustRevalidate());
        assertEquals(20, CacheControl.parse("junk junk, max-age=20").maxAge(), "junk before a comma is dropped");
        assertEquals(9, CacheControl.parse("foo=\"a, max-age=1\", max-age=9").maxAge(), "commas in quotes do not split");
    }

    @ParameterizedTest(name = "{0} {1} / {2} {3} -> {4}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "GET  | -                          | 200 | -                                     | -",
        "GET  | -                          | 404 | -                                     | -",
        "GET  | -                          | 301 | -                                     | -",
        "GET  | -                          | 302 | -                                     | status 302 without explicit freshness",
        "GET  | -                          | 302 | Cache-Control: max-age=60             | -",
        "GET  | -                          | 500 | -                                     | status 500 without explicit freshness",
        "GET  | -                          | 500 | Expires: Thu, 01 Jan 2099 00:00:00 GMT | -",
        "POST | -                          | 200 | Cache-Control: max-age=60             | method POST is not stored",
        "HEAD | -                          | 200 | -                                     | method HEAD is not stored",
        "GET  | -                          | 206 | Cache-Control: max-age=60             | partial content is passed through",
        "GET  | -                          | 200 | Cache-Control: no-store               | no-store",
        "GET  | Cache-Control: no-store    | 200 | -                                     | no-store",
        "GET  | -                          | 200 | Cache-Control: private                | private",
        "GET  | -                          | 200 | Cache-Control: private=\"Set-Cookie\" | private",
        "GET  | Authorization: Basic eDp5  | 200 | -                                     | Authorization without public, s-maxage or must-revalidate",
        "GET  | Authorization: Basic eDp5  | 200 | Cache-Control: public                 | -",
        "GET  | Authorization: Basic eDp5  | 200 | Cache-Control: s-maxage=5             | -",
        "GET  | Authorization: Basic eDp5  | 200 | Cache-Control: must-revalidate        | -",
        "GET  | -                          | 200 | Vary: Accept-Encoding, *              | Vary: *",
        "GET  | -                          | 200 | Vary: Accept-Encoding                 | -",
        "GET  | -                          | 200 | Cache-Control: must-understand, no-store | -",
        "GET  | -                          | 299 | Cache-Control: must-understand, max-age=9 | must-understand with status 299",
    })
    void whatASharedCacheStores(String method, String request, int status, String response, String refusal) {
        Fields req = request == null ? fields() : fields(request);
        Fields res = response == null ? fields() : fields(response);
        assertEquals(refusal, Storability.refusal(method, req, status, res));
    }

    @Test
    void ageIsCorrectedForDelayAndTheAgeField() {
        // asked at T-2s, arrived at T; the origin's Date says T-10s and it already is 3s old upstream
        Freshness f = Freshness.of(T - 2000, T, 200, fields("Date: " + date(T - 10_000), "Age: 3",
                "Cache-Control: max-age=60"), 86_400_000);
        assertEquals(10_000, f.correctedInitialAge(), "apparent age 10s beats 3s + 2s delay");
        assertEquals(60_000, f.lifetime());
        assertEquals(15, f.ageSeconds(T + 5000));
        assertTrue(f.isFresh(T + 49_000));
        assertFalse(f.isFresh(T + 50_000));
        assertEquals(1000, f.staleness(T + 51_000));

        Freshness viaAge = Freshness.of(T - 2000, T, 200, fields("Date: " + date(T), "Age: 30"), 0);
        assertEquals(32_000, viaAge.correctedInitialAge(), "Age plus the response delay");
        Freshness badAge = Freshness.of(T, T, 200, fields("Date: " + date(T), "Age: soon"), 0);
        assertEquals(0, badAge.correctedInitialAge(), "an Age that is not a number is 0");
    }

    @Test
    void lifetimeComesFromTheFirstDirectiveThatGivesOne() {
        String now = "Date: " + date(T);
        assertEquals(5_000, Freshness.of(T, T, 200, fields(now, "Cache-Control: max-age=60, s-maxage=5"), 0).lifetime());
        assertEquals(60_000, Freshness.of(T, T, 200, fields(now, "Cache-Control: max-age=60",
                "Expires: " + date(T + 999_000)), 0).lifetime());
        assertEquals(120_000, Freshness.of(T, T, 200, fields(now, "Expires: " + date(T + 120_000)), 0).lifetime());
        assertEquals(0, Freshness.of(T, T, 200, fields(now, "Expires: 0"), 0).lifetime(), "Expires: 0 is stale");
        assertEquals(0, Freshness.of(T, T, 200, fields(now, "Expires: " + date(T - 5000)), 0).lifetime());
        // no Date: the arrival time stands for it
        assertEquals(30_000, Freshness.of(T, T, 200, fields("Expires: " + date(T + 30_000)), 0).lifetime());
    }

    @Test
    void heuristicFreshnessIsATenthOfTheLastModifiedAgeCappedAndOnlyWhereAllowed() {
        String now = "Date: " + date(T);
        String tenDaysOld = "Last-Modified: " + date(T - 10 * 86_400_000L);
        long day = 86_400_000L;
        Freshness f = Freshness.of(T, T, 200, fields(now, "Last-Modified: " + date(T - 100_000)), day);
        assertTrue(f.heuristic());
        assertEquals(10_000, f.lifetime());
        assertEquals(day, Freshness.of(T, T, 200, fields(now, tenDaysOld), day).lifetime(), "10% of 10 days, capped at 1 day");
        assertEquals(0, Freshness.of(T, T, 200, fields(now, tenDaysOld), 0).lifetime(), "heuristic-max=0 turns it off");
        assertEquals(0, Freshness.of(T, T, 302, fields(now, tenDaysOld), day).lifetime(), "302 is not heuristically cacheable");
        assertEquals(day, Freshness.of(T, T, 302, fields(now, tenDaysOld, "Cache-Control: public"), day).lifetime());
        assertEquals(0, Freshness.of(T, T, 200, fields(now), day).lifetime(), "no Last-Modified: no heuristic");
        assertEquals(0, Freshness.of(T, T, 200, fields(now, "Last-Modified: " + date(T + 5000)), day).lifetime(),
                "a Last-Modified in the future is ignored");
    }

    @ParameterizedTest(name = "stored [{0}] {1}s old, request [{2}] -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "max-age=60                  | 10  | -                 | FRESH",
        "max-age=60                  | 70  | -                 | VALIDATE",
        "max-age=60                  | 10  | no-cache          | VALIDATE",
        "max-age=60                  | 10  | max-age=0         | VALIDATE",
        "max-age=60                  | 10  | max-age=20        | FRESH",
        "max-age=60                  | 30  | max-age=20        | VALIDATE",
        "max-age=60                  | 10  | min-fresh=40      | FRESH",
        "max-age=60                  | 10  | min-fresh=55      | VALIDATE",
        "max-age=60                  | 70  | max-stale         | STALE_ALLOWED",
        "max-age=60                  | 70  | max-stale=20      | STALE_ALLOWED",
        "max-age=60                  | 90  | max-stale=20      | VALIDATE",
        "max-age=60, must-revalidate | 70  | max-stale         | VALIDATE",
        "max-age=60, proxy-revalidate| 70  | max-stale         | VALIDATE",
        "s-maxage=60                 | 70  | max-stale         | VALIDATE",
        "max-age=60, no-cache        | 1   | -                 | VALIDATE",
        "max-age=60                  | 10  | only-if-cached    | FRESH",
    })
    void whenAStoredResponseAnswers(String stored, int ageSeconds, String request, Reuse.Decision expected) {
        Freshness f = Freshness.of(T, T, 200, fields("Date: " + date(T), "Cache-Control: " + stored), 0);
        assertEquals(expected, Reuse.decide(f, CacheControl.parse(stored), CacheControl.parse(request), false,
                T + ageSeconds * 1000L));
    }

    @Test
    void pragmaNoCacheCountsOnlyWithoutCacheControl() {
        Freshness f = Freshness.of(T, T, 200, fields("Date: " + date(T), "Cache-Control: max-age=60"), 0);
        CacheControl stored = CacheControl.parse("max-age=60");
        assertEquals(Reuse.Decision.VALIDATE, Reuse.decide(f, stored, CacheControl.NONE, true, T));
        assertEquals(Reuse.Decision.FRESH, Reuse.decide(f, stored, CacheControl.parse("max-stale=1"), true, T));
    }

    @ParameterizedTest(name = "stored [{0}] request [{1}] {2}s stale -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "max-age=10                       | -                  | 5   | false",
        "max-age=10, stale-if-error=60    | -                  | 50  | true",
        "max-age=10, stale-if-error=60    | -                  | 61  | false",
        "max-age=10                       | stale-if-error=30  | 20  | true",
        "max-age=10                       | max-stale          | 999 | true",
        "max-age=10, stale-if-error=60, must-revalidate | -    | 5   | false",
        "s-maxage=10, stale-if-error=60   | -                  | 5   | false",
    })
    void staleOnlyOnErrorWhereTheDirectivesAllow(String stored, String request, int staleSeconds, boolean serve) {
        Freshness f = Freshness.of(T, T, 200, fields("Date: " + date(T), "Cache-Control: " + stored), 0);
        long now = T + 10_000 + staleSeconds * 1000L;
        assertEquals(serve, Reuse.serveStaleOnError(f, CacheControl.parse(stored), CacheControl.parse(request), now));
    }

    @Test
    void variantsAreKeyedByTheNominatedFieldsNormalised() {
        List<String> names = Variants.names("Accept-Encoding, accept-language ,ACCEPT-ENCODING");
        assertEquals(List.of("accept-encoding", "accept-language"), names);
        String a = Variants.key(names, fields("Accept-Encoding: gzip,  br", "Accept-Language: de"));
        String b = Variants.key(names, fields("accept-encoding:gzip, br", "ACCEPT-LANGUAGE: de"));
        assertEquals(a, b);
        String missing = Variants.key(names, fields("Accept-Encoding: gzip, br"));
        String empty = Variants.key(names, fields("Accept-Encoding: gzip, br", "Accept-Language: "));
        assertFalse(missing.equals(empty), "a missing field differs from an empty one");
        assertFalse(a.equals(missing));
        assertEquals("", Variants.key(List.of(), fields("Accept: x")));
        assertNull(Storability.refusal("GET", fields(), 200, fields("Vary: accept-encoding")));
    }
}
