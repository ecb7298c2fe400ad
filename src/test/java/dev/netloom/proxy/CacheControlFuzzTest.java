package dev.netloom.proxy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any text as Cache-Control, Vary and the dates of a response: parsing never throws, every
 * delta-seconds lands in [0, 2^31] or is absent, a well-formed max-age appended after a comma is
 * always read, and ages and lifetimes are never negative.
 */
class CacheControlFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void anyFieldValueParses(FuzzedDataProvider data) {
        String text = data.consumeString(200);
        long seconds = data.consumeLong(0, 1_000_000);
        CacheControl cc = CacheControl.parse(text);
        for (long v : new long[] {cc.maxAge(), cc.sMaxAge(), cc.minFresh(), cc.staleIfError()}) {
            assertTrue(v == CacheControl.ABSENT || (v >= 0 && v <= CacheControl.MAX_DELTA), text);
        }
        if (text.chars().filter(c -> c == '"').count() % 2 == 0 && !text.contains("\\") && !text.toLowerCase().contains("max-age")) {
            assertEquals(seconds, CacheControl.parse(text + ", max-age=" + seconds).maxAge(), text);
        }
        Variants.key(Variants.names(text), name -> text);
        Freshness f = Freshness.of(0, 1000, data.consumeInt(100, 599),
                name -> text, 86_400_000);
        assertTrue(f.lifetime() >= 0 && f.correctedInitialAge() >= 0, text);
        Reuse.decide(f, cc, CacheControl.parse(text), true, 5000);
    }
}
