package dev.netloom.tools;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * When the ping tools ({@link UdpPing}, {@link TcpPing}, {@link IcmpPing}) send: {@code count}
 * probes, probe N at {@code (N - 1) × interval} after the first, each given up after
 * {@code timeout}. Ping's own defaults are 10 probes, 1 s apart, 1 s to answer.
 *
 * @throws IllegalArgumentException for a count not from 1 to 1,000,000 (udpping keeps a send
 *                                  time per probe), or an interval or timeout that is not more
 *                                  than 0 and at most a day; the message names the option
 */
public record PingSchedule(int count, Duration interval, Duration timeout) {

    public static final int DEFAULT_COUNT = 10;
    public static final int MAX_COUNT = 1_000_000;
    /** The longest interval or timeout taken. */
    public static final Duration MAX = Duration.ofDays(1);

    public PingSchedule {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("-c (count) must be 1-" + MAX_COUNT + ", not " + count);
        }
        check("-i (interval)", interval);
        check("-W (timeout)", timeout);
    }

    /** Seconds as ping takes them ({@code 0.2}, {@code 1}), as a duration; null when not a number of seconds. */
    public static Duration seconds(String text) {
        try {
            double s = Double.parseDouble(text.strip());
            return Double.isFinite(s) && Math.abs(s) <= MAX.toSeconds() ? Duration.ofNanos(Math.round(s * 1e9)) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Sleeps until probe {@code seq} is due ({@code startNanos} being when probe 1 went out);
     * false when the thread was interrupted first (the run stops, its summary still printed).
     */
    boolean awaitProbe(long startNanos, int seq) {
        long due = startNanos + (seq - 1) * interval.toNanos();
        long wait = due - System.nanoTime();
        try {
            if (wait > 0) {
                Thread.sleep(Duration.ofNanos(wait));
            }
            return !Thread.currentThread().isInterrupted();
        } catch (InterruptedException e) {
            return false;
        }
    }

    private static void check(String option, Duration d) {
        if (d.isNegative() || d.isZero() || d.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(option + " must be more than 0 and at most " + MAX.toSeconds()
                    + " seconds, not " + BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString());
        }
    }
}
