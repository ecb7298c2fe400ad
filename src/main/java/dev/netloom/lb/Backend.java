package dev.netloom.lb;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server as the balancer sees it while traffic runs: its spec, the weight it has now (changed
 * by {@code lb weight}, ramped by slow start) and its connections in progress.
 */
public final class Backend {

    private final ServerSpec spec;
    private final AtomicInteger active = new AtomicInteger();
    private volatile int weight;

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

    /** The weight the balancer uses now. */
    public int weight() {
        return weight;
    }

    public void weight(int w) {
        if (w < 0 || w > ServerSpec.MAX_WEIGHT) {
            throw new IllegalArgumentException("weight " + w + " is not 0-" + ServerSpec.MAX_WEIGHT);
        }
        this.weight = w;
    }

    /** Connections (tcp) or requests (http) in progress on it. */
    public int active() {
        return active.get();
    }

    /** One more in progress; pair with {@link #release}. */
    public void acquire() {
        active.incrementAndGet();
    }

    public void release() {
        active.decrementAndGet();
    }

    @Override
    public String toString() {
        return spec.toString();
    }
}
