package dev.netloom.lb;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The last {@value #SIZE} response times of a server, in microseconds, for the p50 and p99 that
 * {@code lb} shows: a ring written without a lock, sorted only when asked.
 */
final class ResponseTimes {

    static final int SIZE = 1024;
    private final AtomicLongArray ring = new AtomicLongArray(SIZE);
    private final AtomicInteger next = new AtomicInteger();

    void record(long micros) {
        ring.set(next.getAndIncrement() & (SIZE - 1), micros + 1); // 0 marks an empty slot
    }

    /** The {@code p}-th percentile (0-100) in microseconds, or -1 with no sample yet. */
    long percentile(double p) {
        long[] v = new long[SIZE];
        int n = 0;
        for (int i = 0; i < SIZE; i++) {
            long x = ring.get(i);
            if (x != 0) {
                v[n++] = x - 1;
            }
        }
        if (n == 0) {
            return -1;
        }
        Arrays.sort(v, 0, n);
        int idx = (int) Math.ceil(p / 100 * n) - 1;
        return v[Math.max(0, Math.min(n - 1, idx))];
    }
}
