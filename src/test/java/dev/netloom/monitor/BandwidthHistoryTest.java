package dev.netloom.monitor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The history over synthetic readings at fixed times (UTC): differences added per minute, hour
 * and day, a restart (the file closed and opened again), gaps, resets, stale readings, trimming.
 */
class BandwidthHistoryTest {

    private static final Instant T0 = Instant.parse("2026-03-01T23:58:00Z");

    @TempDir
    Path dir;

    private BandwidthHistory open() throws IOException {
        return BandwidthHistory.open(dir.resolve("data/monitor/bandwidth.db"), ZoneOffset.UTC, Duration.ofMinutes(2));
    }

    private static List<InterfaceCounters> eth0(long rx, long tx) {
        return List.of(new InterfaceCounters("eth0", rx, rx / 100, 0, 0, tx, tx / 100, 0, 0));
    }

    private static long rx(List<BandwidthRow> rows) {
        return rows.stream().mapToLong(r -> r.traffic().rxBytes()).sum();
    }

    @Test
    void minutesAddUpToHoursAndHoursToDays() throws IOException {
        try (BandwidthHistory h = open()) {
            // every 10 s for 6 minutes across midnight, 1000 bytes in and 100 out each time
            for (int i = 0; i <= 36; i++) {
                h.record(T0.plusSeconds(10L * i), eth0(1000L * i, 100L * i));
            }
            List<BandwidthRow> minutes = h.rows("eth0", Resolution.MINUTE, 100);
            List<BandwidthRow> hours = h.rows("eth0", Resolution.HOUR, 100);
            List<BandwidthRow> days = h.rows("eth0", Resolution.DAY, 100);
            assertEquals(7, minutes.size(), minutes.toString()); // 23:58 (5 readings after the first) to 00:04
            assertEquals(Instant.parse("2026-03-01T23:58:00Z"), minutes.getFirst().start());
            assertEquals(6_000, minutes.get(1).traffic().rxBytes());
            assertEquals(600, minutes.get(1).traffic().txBytes());
            assertEquals(60, minutes.get(1).traffic().rxPackets());
            assertEquals(60, minutes.get(1).seconds(), 1e-9);
            assertEquals(100, minutes.get(1).rxRate(), 1e-9);
            assertEquals(List.of(Instant.parse("2026-03-01T23:00:00Z"), Instant.parse("2026-03-02T00:00:00Z")),
                    hours.stream().map(BandwidthRow::start).toList());
            assertEquals(List.of(Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-02T00:00:00Z")),
                    days.stream().map(BandwidthRow::start).toList());
            assertEquals(36_000, rx(minutes));
            assertEquals(rx(minutes), rx(hours));
            assertEquals(rx(hours), rx(days));
            assertEquals(rx(minutes.subList(0, 2)), hours.getFirst().traffic().rxBytes(), "23:58 and 23:59 make 23:00");
            assertEquals(360, hours.stream().mapToDouble(BandwidthRow::seconds).sum(), 1e-9);
            assertEquals(List.of(minutes.get(5), minutes.get(6)), h.rows("eth0", Resolution.MINUTE, 2), "the latest, oldest first");
        }
    }

    @Test
    void survivesARestart() throws IOException {
        try (BandwidthHistory h = open()) {
            h.record(T0, eth0(0, 0));
            h.record(T0.plusSeconds(10), eth0(5000, 500));
        }
        try (BandwidthHistory h = open()) {
            assertEquals(5000, rx(h.rows("eth0", Resolution.MINUTE, 10)), "the traffic is still there");
            List<InterfaceCounters> counted = h.record(T0.plusSeconds(20), eth0(8000, 800));
            assertEquals(3000, counted.getFirst().rxBytes(), "the stored reading is the base after a restart");
            assertEquals(8000, rx(h.rows("eth0", Resolution.DAY, 10)));
            assertEquals(List.of("eth0"), h.interfaces());
        }
    }

    @Test
    void aLongGapIsNotFilledWithTraffic() throws IOException {
        try (BandwidthHistory h = open()) {
            h.record(T0, eth0(0, 0));
            h.record(T0.plusSeconds(10), eth0(1000, 100));
            // netloom was not running for an hour, and 50 MB went through meanwhile
            List<InterfaceCounters> counted = h.record(T0.plusSeconds(3610), eth0(50_001_000, 100));
            assertTrue(counted.isEmpty(), counted.toString());
            h.record(T0.plusSeconds(3620), eth0(50_003_000, 100));
            List<BandwidthRow> minutes = h.rows("eth0", Resolution.MINUTE, 100);
            assertEquals(2, minutes.size(), minutes.toString());
            assertEquals(1000, minutes.get(0).traffic().rxBytes());
            assertEquals(2000, minutes.get(1).traffic().rxBytes(), "counted again from the reading after the gap");
            assertEquals(10, minutes.get(1).seconds(), 1e-9, "the gap's hour is not counted as measured");
            assertEquals(3000, rx(h.rows("eth0", Resolution.DAY, 10)));
        }
    }

    @Test
    void aCounterThatWentDownStartsOver() throws IOException {
        try (BandwidthHistory h = open()) {
            h.record(T0, eth0(1_000_000_000_000L, 1_000_000));
            h.record(T0.plusSeconds(10), eth0(1_000_000_001_000L, 1_000_100));
            // the machine rebooted: the counters began again at 0 and are now at 500 and 50
            List<InterfaceCounters> counted = h.record(T0.plusSeconds(20), eth0(500, 50));
            assertEquals(500, counted.getFirst().rxBytes());
            assertEquals(50, counted.getFirst().txBytes());
            h.record(T0.plusSeconds(30), eth0(700, 70));
            assertEquals(1000 + 500 + 200, rx(h.rows("eth0", Resolution.MINUTE, 10)), "no negative or huge difference");
        }
    }

    @Test
    void aStaleReadingIsIgnored() throws IOException {
        try (BandwidthHistory h = open()) {
            h.record(T0, eth0(0, 0));
            h.record(T0.plusSeconds(20), eth0(2000, 200));
            // another process read the counters earlier and stores them late
            assertTrue(h.record(T0.plusSeconds(10), eth0(1000, 100)).isEmpty());
            assertEquals(500, h.record(T0.plusSeconds(30), eth0(2500, 250)).getFirst().rxBytes());
            assertEquals(2500, rx(h.rows("eth0", Resolution.MINUTE, 10)));
        }
    }

    @Test
    void twoHistoriesOnOneFileCountEachByteOnce() throws IOException {
        try (BandwidthHistory a = open(); BandwidthHistory b = open()) {
            a.record(T0, eth0(0, 0));
            b.record(T0.plusSeconds(5), eth0(500, 50));
            a.record(T0.plusSeconds(10), eth0(1000, 100));
            b.record(T0.plusSeconds(15), eth0(1500, 150));
            assertEquals(1500, rx(a.rows("eth0", Resolution.MINUTE, 10)));
        }
    }

    @Test
    void oldStepsAreTrimmed() throws IOException {
        try (BandwidthHistory h = open()) {
            h.record(T0, eth0(0, 0));
            h.record(T0.plusSeconds(10), eth0(1000, 100));
            Instant later = T0.plus(Duration.ofDays(2));
            h.record(later, eth0(2000, 100));
            h.record(later.plusSeconds(10), eth0(3000, 100));
            assertEquals(1, h.rows("eth0", Resolution.MINUTE, 100).size(), "minutes are kept 24 hours");
            assertEquals(2, h.rows("eth0", Resolution.HOUR, 100).size(), "hours 30 days");
            Instant much = later.plus(Duration.ofDays(40));
            h.record(much, eth0(4000, 100));
            h.record(much.plusSeconds(10), eth0(5000, 100));
            assertEquals(1, h.rows("eth0", Resolution.HOUR, 100).size());
            assertEquals(3, h.rows("eth0", Resolution.DAY, 100).size(), "days two years");
        }
    }
}
