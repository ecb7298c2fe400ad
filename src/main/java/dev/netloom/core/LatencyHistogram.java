package dev.netloom.core;

import java.util.concurrent.atomic.LongAdder;

/**
 * Request latencies of one service instance, in fixed buckets (a 1-2-5 series from 25 µs to 10 s,
 * then the rest): the cost of a request is one {@link System#nanoTime()} at each end, a few
 * compares and two {@link LongAdder} additions, with no allocation and no lock; the admin
 * listener reads {@link #snapshot()} at scrape time as {@code netloom_request_duration_seconds}.
 * A service records from the moment a request is parsed to the moment its response is written.
 */
public final class LatencyHistogram {

    /** The buckets' upper bounds (inclusive), in seconds: Prometheus's {@code le} labels. */
    static final double[] BOUNDS = {0.000025, 0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005,
        0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10};
    private static final long[] BOUND_NANOS = new long[BOUNDS.length];

    static {
        for (int i = 0; i < BOUNDS.length; i++) {
            BOUND_NANOS[i] = Math.round(BOUNDS[i] * 1e9);
        }
    }

    /** One per bound, then the overflow bucket (+Inf). */
    private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
    private final LongAdder sumNanos = new LongAdder();

    public LatencyHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Records the time since {@code startNanos}, a {@link System#nanoTime()} taken when the request was parsed. */
    public void recordSince(long startNanos) {
        record(System.nanoTime() - startNanos);
    }

    /** Records one request that took {@code nanos} (a negative value counts as 0). */
    public void record(long nanos) {
        long n = Math.max(0, nanos);
        int i = 0;
        // most requests end in the first buckets: a linear scan stops there
        while (i < BOUND_NANOS.length && n > BOUND_NANOS[i]) {
            i++;
        }
        buckets[i].increment();
        sumNanos.add(n);
    }

    /** The counts now (each bucket read once; a request recorded meanwhile may be in one part only). */
    public LatencySnapshot snapshot() {
        long[] counts = new long[buckets.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = buckets[i].sum();
        }
        return new LatencySnapshot(counts, sumNanos.sum());
    }
}
