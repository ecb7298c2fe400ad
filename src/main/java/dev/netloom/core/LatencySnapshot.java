package dev.netloom.core;

import java.util.Arrays;

/**
 * A {@link LatencyHistogram}'s counts at one moment: per bucket (not cumulative; the last one is
 * over the highest bound), and the sum of the latencies. For a chart of the last minutes, take one
 * snapshot per sample and {@link #since} the previous one, then {@link #p99Millis()}.
 *
 * @param counts   requests per bucket, {@link #bounds()} in order, then the overflow bucket
 * @param sumNanos the latencies added up, in nanoseconds
 */
public record LatencySnapshot(long[] counts, long sumNanos) {

    /** A snapshot with no request in it. */
    public static final LatencySnapshot EMPTY = new LatencySnapshot(new long[LatencyHistogram.BOUNDS.length + 1], 0);

    public LatencySnapshot {
        if (counts.length != LatencyHistogram.BOUNDS.length + 1) {
            throw new IllegalArgumentException("expected " + (LatencyHistogram.BOUNDS.length + 1) + " buckets, not "
                    + counts.length);
        }
        counts = counts.clone();
    }

    /** The buckets' upper bounds in seconds (a copy), as Prometheus's {@code le}; the overflow bucket is +Inf. */
    public static double[] bounds() {
        return LatencyHistogram.BOUNDS.clone();
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    /** Requests counted. */
    public long count() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /**
     * The requests of this snapshot that came after {@code earlier} (a snapshot of the same
     * histogram taken before): what a sampler charts per interval. When {@code earlier} is null
     * or holds more than this one (the service restarted, with a new histogram), all of this one.
     */
    public LatencySnapshot since(LatencySnapshot earlier) {
        if (earlier == null) {
            return this;
        }
        long[] d = new long[counts.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = counts[i] - earlier.counts[i];
            if (d[i] < 0) {
                return this;
            }
        }
        return new LatencySnapshot(d, Math.max(0, sumNanos - earlier.sumNanos));
    }

    /**
     * An estimate of the {@code q} quantile (0 to 1) in milliseconds, as Prometheus's
     * {@code histogram_quantile} makes it: linear within the bucket the rank falls in; the highest
     * bound when it falls in the overflow bucket; {@code NaN} with no request counted.
     */
    public double quantileMillis(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("a quantile is between 0 and 1, not " + q);
        }
        long total = count();
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double[] bounds = LatencyHistogram.BOUNDS;
        long below = 0;
        for (int i = 0; i < bounds.length; i++) {
            if (counts[i] > 0 && below + counts[i] >= rank) {
                double lower = i == 0 ? 0 : bounds[i - 1];
                return (lower + (bounds[i] - lower) * (rank - below) / counts[i]) * 1000;
            }
            below += counts[i];
        }
        return bounds[bounds.length - 1] * 1000;
    }

    /** {@code quantileMillis(0.99)}: the dashboard's latency p99. */
    public double p99Millis() {
        return quantileMillis(0.99);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatencySnapshot s && sumNanos == s.sumNanos && Arrays.equals(counts, s.counts);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(counts) + Long.hashCode(sumNanos);
    }

    @Override
    public String toString() {
        return "LatencySnapshot" + Arrays.toString(counts) + " sum " + sumNanos + " ns";
    }
}
