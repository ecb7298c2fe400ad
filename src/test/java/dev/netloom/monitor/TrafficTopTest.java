package dev.netloom.monitor;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** iftop's numbers on a fixed clock: 2, 10 and 40 s windows, each way, totals, peaks, forgetting. */
class TrafficTopTest {

    private static final long S = 1_000_000_000L;

    @Test
    void windowsEachWayTotalsAndPeaks() {
        TrafficTop top = new TrafficTop();
        long t0 = 1_000 * S;
        for (int s = 0; s < 10; s++) {
            top.add("a", t0 + s * S, 1000, true);
            top.add("a", t0 + s * S + S / 2, 500, false);
        }
        top.add("a", t0 + 9 * S, 3000, true); // second 9: 4,500 bytes, the peak
        top.add("b", t0 + 9 * S, 100, true);
        List<TrafficTop.Row> rows = top.snapshot(t0 + 10 * S, 10);
        assertEquals(List.of("a", "b"), rows.stream().map(TrafficTop.Row::name).toList(), "busiest first");
        TrafficTop.Row a = rows.getFirst();
        assertEquals((1000 + 4000) / 2.0, a.forward2s(), 1e-9, "seconds 8 and 9, A to B");
        assertEquals(500, a.backward2s(), 1e-9);
        assertEquals((10 * 1500 + 3000) / 10.0, a.rate10s(), 1e-9);
        assertEquals((10 * 1500 + 3000) / 40.0, a.rate40s(), 1e-9);
        assertEquals(18_000, a.total());
        assertEquals(4500, a.peakPerSecond());
        assertEquals(1, top.snapshot(t0 + 10 * S, 1).size(), "top bounds the rows");
        List<TrafficTop.Row> later = top.snapshot(t0 + 30 * S, 10);
        assertEquals(0, later.getFirst().forward2s(), 1e-9, "quiet for 20 s");
        assertEquals(18_000 / 40.0, later.getFirst().rate40s(), 1e-9, "still inside 40 s");
        assertEquals(List.of(), top.snapshot(t0 + 100 * S, 10), "silent for over 40 s: forgotten");
    }
}
