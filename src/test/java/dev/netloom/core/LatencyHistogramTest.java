package dev.netloom.core;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The latency histogram's buckets and quantile estimate, and the command counts' bounded labels. */
class LatencyHistogramTest {

    private static final long MICROS = 1_000;

    @Test
    void aLatencyOnABoundGoesInThatBucketAndOneAboveInTheNext() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(25 * MICROS);      // le 25 µs: bound inclusive, as Prometheus's le
        h.record(25 * MICROS + 1);  // le 50 µs
        h.record(-5);               // a clock step back counts as 0
        h.record(11_000_000_000L);  // over 10 s: +Inf
        long[] c = h.snapshot().counts();
        assertEquals(LatencySnapshot.bounds().length + 1, c.length);
        assertEquals(2, c[0]);
        assertEquals(1, c[1]);
        assertEquals(1, c[c.length - 1]);
        assertEquals(4, h.snapshot().count());
        assertEquals(25 * MICROS + 25 * MICROS + 1 + 11_000_000_000L, h.snapshot().sumNanos());
    }

    @Test
    void quantilesInterpolateWithinTheirBucketAsHistogramQuantileDoes() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 98; i++) {
            h.record(80 * MICROS);   // in (50 µs, 100 µs]
        }
        h.record(300 * MICROS);      // in (200 µs, 500 µs]
        h.record(400 * MICROS);
        LatencySnapshot s = h.snapshot();
        // rank 99 of 100 is the first of the 2 in (0.2 ms, 0.5 ms]: 0.2 + 0.3 * 1/2
        assertEquals(0.35, s.p99Millis(), 1e-9);
        // rank 50 of 100, the 50th of the 98 in (0.05 ms, 0.1 ms]
        assertEquals(0.05 + 0.05 * 50 / 98.0, s.quantileMillis(0.5), 1e-9);
        assertEquals(0.5, s.quantileMillis(1), 1e-9);
        assertTrue(Double.isNaN(new LatencyHistogram().snapshot().p99Millis()), "no request, no estimate");
        assertThrows(IllegalArgumentException.class, () -> s.quantileMillis(1.5));
    }

    @Test
    void inTheOverflowBucketTheEstimateIsTheHighestBound() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(60_000_000_000L);
        assertEquals(10_000, h.snapshot().p99Millis(), 1e-9);
    }

    @Test
    void sinceGivesTheRequestsOfOneIntervalAndAllAfterARestart() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 100; i++) {
            h.record(30 * MICROS);
        }
        LatencySnapshot before = h.snapshot();
        for (int i = 0; i < 10; i++) {
            h.record(3 * 1000 * MICROS); // 3 ms, in (2 ms, 5 ms]
        }
        LatencySnapshot now = h.snapshot();
        LatencySnapshot interval = now.since(before);
        assertEquals(10, interval.count());
        assertEquals(10 * 3_000_000L, interval.sumNanos());
        assertEquals(2 + 3 * 9.9 / 10, interval.p99Millis(), 1e-9);
        assertTrue(now.p99Millis() < interval.p99Millis(), "the whole run's p99 hides the last interval's");
        LatencySnapshot restarted = new LatencyHistogram().snapshot();
        assertSame(restarted, restarted.since(now), "counts that went down: a new histogram, taken whole");
        assertSame(now, now.since(null));
        assertEquals(LatencySnapshot.EMPTY, new LatencyHistogram().snapshot());
    }

    @Test
    void commandCountsKeepTheirLabelsBounded() {
        CommandCounts c = new CommandCounts("get", null, "set");
        c.count(0);
        c.count(0);
        c.count("set");
        c.count("SET");       // names are matched as given: the caller normalises case
        c.count(1);           // an unused index
        c.count(-1);
        c.count("x".repeat(100));
        assertEquals(Map.of("get", 2L, "set", 1L, CommandCounts.OTHER, 4L), c.counts());
        assertArrayEquals(new String[] {"get", "set", "other"}, c.counts().keySet().toArray(), "in order, other last");
        assertThrows(IllegalArgumentException.class, () -> new CommandCounts("a", "a"));
        assertEquals(Map.of(), new CommandCounts("a").counts(), "only commands counted at least once");
    }
}
