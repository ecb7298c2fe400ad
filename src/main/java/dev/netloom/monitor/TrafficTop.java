package dev.netloom.monitor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The numbers of {@code monitor top}, as iftop shows them: per conversation (or per connection),
 * the bytes each way over the last 2, 10 and 40 seconds, the total since it was first seen and its
 * peak second. Fed byte counts as they happen ({@link #add}), it keeps one 40-slot ring of
 * seconds per key, so its memory is bounded by the keys, not the traffic; keys silent for 40 s
 * are dropped at {@link #snapshot}. Thread-safe.
 */
public final class TrafficTop {

    private static final int SECONDS = 40;

    private final Map<String, Entry> entries = new HashMap<>();

    /** One row: rates in bytes per second, A to B and B to A. */
    public record Row(String name, double forward2s, double backward2s, double rate10s, double rate40s, long total,
                      long peakPerSecond) {
    }

    private static final class Entry {
        final long[] forward = new long[SECONDS];
        final long[] backward = new long[SECONDS];
        long lastSecond = Long.MIN_VALUE;
        long total;
        long peak;

        /** Moves the ring to {@code second}, clearing the seconds skipped; the peak counts whole seconds. */
        void advance(long second) {
            if (lastSecond == Long.MIN_VALUE) {
                lastSecond = second;
                return;
            }
            while (lastSecond < second) {
                int done = (int) Math.floorMod(lastSecond, (long) SECONDS);
                peak = Math.max(peak, forward[done] + backward[done]);
                lastSecond++;
                int slot = (int) Math.floorMod(lastSecond, (long) SECONDS);
                forward[slot] = 0;
                backward[slot] = 0;
                if (second - lastSecond > SECONDS) {
                    lastSecond = second - SECONDS; // a long silence: the whole ring is cleared in SECONDS steps
                }
            }
        }

        long sum(long now, int seconds) {
            long s = 0;
            for (int i = 1; i <= seconds; i++) { // whole seconds before the current one
                long second = now - i;
                if (second > lastSecond - SECONDS && second <= lastSecond) {
                    int slot = (int) Math.floorMod(second, (long) SECONDS);
                    s += forward[slot] + backward[slot];
                }
            }
            return s;
        }

        long sumOneWay(long[] ring, long now, int seconds) {
            long s = 0;
            for (int i = 1; i <= seconds; i++) {
                long second = now - i;
                if (second > lastSecond - SECONDS && second <= lastSecond) {
                    s += ring[(int) Math.floorMod(second, (long) SECONDS)];
                }
            }
            return s;
        }
    }

    /** Counts {@code bytes} for {@code key} at {@code epochNanos}, A to B when {@code forward}. */
    public synchronized void add(String key, long epochNanos, long bytes, boolean forward) {
        Entry e = entries.computeIfAbsent(key, k -> new Entry());
        long second = Math.floorDiv(epochNanos, 1_000_000_000L);
        if (second < e.lastSecond) {
            second = e.lastSecond; // a packet stamped a little out of order goes in the current second
        }
        e.advance(second);
        int slot = (int) Math.floorMod(second, (long) SECONDS);
        if (forward) {
            e.forward[slot] += bytes;
        } else {
            e.backward[slot] += bytes;
        }
        e.total += bytes;
    }

    /** The {@code top} busiest keys over the last 2 seconds before {@code epochNanos}, busiest first. */
    public synchronized List<Row> snapshot(long epochNanos, int top) {
        long now = Math.floorDiv(epochNanos, 1_000_000_000L);
        List<Row> rows = new ArrayList<>();
        entries.entrySet().removeIf(en -> en.getValue().lastSecond < now - SECONDS);
        for (Map.Entry<String, Entry> en : entries.entrySet()) {
            Entry e = en.getValue();
            e.advance(now);
            rows.add(new Row(en.getKey(), e.sumOneWay(e.forward, now, 2) / 2.0, e.sumOneWay(e.backward, now, 2) / 2.0,
                    e.sum(now, 10) / 10.0, e.sum(now, SECONDS) / (double) SECONDS, e.total, e.peak));
        }
        rows.sort(Comparator.comparingDouble((Row r) -> r.forward2s() + r.backward2s()).reversed()
                .thenComparing(Comparator.comparingLong(Row::total).reversed()));
        return rows.size() > top ? List.copyOf(rows.subList(0, top)) : rows;
    }
}
