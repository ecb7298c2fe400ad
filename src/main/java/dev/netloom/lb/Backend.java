package dev.netloom.lb;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server as the balancer sees it while traffic runs: its spec, the weight it has now (changed
 * by {@code lb weight}, ramped by slow start) and its connections in progress.
 */
public class Backend {

    private final ServerSpec spec;
    private final AtomicInteger active = new AtomicInteger();
    private volatile int weight;
    private volatile long rampStart;
    private volatile long rampNanos;
    /** {@link SmoothRoundRobin}'s running sum for this server, under its lock. */
    long smoothCurrent;

    public Backend(ServerSpec spec) {
        this.spec = spec;
        this.weight = spec.weight();
    }

    public String name() {
        return spec.name();
    }

    public ServerSpec spec() {
        return spec;
    }

    /** The weight the balancer uses now: the configured one, or less while slow start ramps it up. */
    public int weight() {
        int w = weight;
        long ramp = rampNanos;
        if (ramp == 0 || w == 0) {
            return w;
        }
        long elapsed = System.nanoTime() - rampStart;
        if (elapsed >= ramp) {
            rampNanos = 0;
            return w;
        }
        return (int) Math.max(1, (w * elapsed + ramp - 1) / ramp);
    }

    /** The weight set by the config or {@code lb weight}, whatever slow start does. */
    public int configuredWeight() {
        return weight;
    }

    public void weight(int w) {
        if (w < 0 || w > ServerSpec.MAX_WEIGHT) {
            throw new IllegalArgumentException("weight " + w + " is not 0-" + ServerSpec.MAX_WEIGHT);
        }
        this.weight = w;
    }

    /** Starts slow start: the weight grows from about nothing to the full one over {@code d} (zero: no ramp). */
    public void ramp(Duration d) {
        rampStart = System.nanoTime();
        rampNanos = d.toNanos();
    }

    /** Connections (tcp) or requests (http) in progress on it. */
    public int active() {
        return active.get();
    }

    /** One more in progress; pair with {@link #release}. */
    public void acquire() {
        active.incrementAndGet();
    }

    /** One more in progress unless {@code max} already are (0: no limit); pair a true with {@link #release}. */
    public boolean tryAcquire(int max) {
        if (max <= 0) {
            active.incrementAndGet();
            return true;
        }
        while (true) {
            int n = active.get();
            if (n >= max) {
                return false;
            }
            if (active.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public void release() {
        active.decrementAndGet();
    }

    @Override
    public String toString() {
        return spec.toString();
    }
}
