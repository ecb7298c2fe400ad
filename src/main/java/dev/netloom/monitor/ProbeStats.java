package dev.netloom.monitor;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The running statistics of one target's probes: sent, received, errors, loss, the round-trip
 * time's min/avg/p50/p99/max and its jitter. A probe counts as sent once its outcome is known,
 * so a probe in flight is never shown as lost.
 *
 * <p>Jitter is RFC 3550's interarrival jitter estimate (section 6.4.1) applied to round-trip
 * times: for consecutive answers {@code D = rtt(i) - rtt(i-1)} and {@code J += (|D| - J) / 16},
 * a smoothed mean deviation that follows the recent past. p50 and p99 are nearest-rank
 * percentiles of the last {@value #KEPT} answers (about 28 hours at one probe a second); min,
 * avg and max are over every answer. Safe for one thread adding and others reading.
 */
public final class ProbeStats {

    /** How many round-trip times are kept for the percentiles. */
    static final int KEPT = 100_000;

    private final String target;
    private final ReentrantLock lock = new ReentrantLock();
    private final long[] rtts = new long[KEPT];
    private long sent;
    private long received;
    private long errors;
    private long sumNanos;
    private long minNanos = Long.MAX_VALUE;
    private long maxNanos;
    private long lastNanos = -1;
    private double jitterNanos;
    private String lastError;

    public ProbeStats(String target) {
        this.target = target;
    }

    /** Counts one probe's outcome. */
    public void add(ProbeResult r) {
        lock.lock();
        try {
            sent++;
            switch (r.outcome()) {
                case ANSWERED -> answered(r.rtt().toNanos());
                case ERROR -> {
                    errors++;
                    lastError = r.error();
                }
                case LOST -> {
                    // counted as sent and not received
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void answered(long nanos) {
        rtts[(int) (received % KEPT)] = nanos;
        received++;
        sumNanos += nanos;
        minNanos = Math.min(minNanos, nanos);
        maxNanos = Math.max(maxNanos, nanos);
        if (lastNanos >= 0) {
            jitterNanos += (Math.abs(nanos - lastNanos) - jitterNanos) / 16.0;
        }
        lastNanos = nanos;
    }

    /** The statistics as they are now. */
    public Snapshot snapshot() {
        lock.lock();
        try {
            double loss = sent == 0 ? 0 : (sent - received) * 100.0 / sent;
            if (received == 0) {
                return new Snapshot(target, sent, received, errors, loss, null, null, null, null, null, null, lastError);
            }
            long[] sorted = Arrays.copyOf(rtts, (int) Math.min(received, KEPT));
            Arrays.sort(sorted);
            return new Snapshot(target, sent, received, errors, loss, ms(minNanos), ms(sumNanos / (double) received),
                    ms(rank(sorted, 50)), ms(rank(sorted, 99)), ms(maxNanos), ms(jitterNanos), lastError);
        } finally {
            lock.unlock();
        }
    }

    private static long rank(long[] sorted, int percent) {
        int i = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.clamp(i, 0, sorted.length - 1)];
    }

    private static double ms(double nanos) {
        return nanos / 1e6;
    }

    /**
     * One target's statistics; the times in milliseconds, null when nothing was answered.
     *
     * @param lossPercent the share of sent probes not answered, 0 to 100 (0 before any was sent)
     * @param lastError   the last error's text (connection refused, port unreachable), or null
     */
    public record Snapshot(String target, long sent, long received, long errors, double lossPercent, Double minMs,
                           Double avgMs, Double p50Ms, Double p99Ms, Double maxMs, Double jitterMs, String lastError) {
    }
}
