package dev.netloom.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Live counters of one service instance, updated from many threads without contention. */
public final class ServiceStats {
    final AtomicInteger active = new AtomicInteger();
    final LongAdder total = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder datagramsIn = new LongAdder();
    final LongAdder datagramsOut = new LongAdder();
    final AtomicInteger peers = new AtomicInteger();
    private volatile LatencyHistogram latency;

    /** One request (a line, a command, an echoed chunk, a datagram) handled. */
    public void request() {
        requests.increment();
    }

    /** One protocol or handling error, whatever the protocol answered. */
    public void error() {
        errors.increment();
    }

    /** Bytes read from clients by a server that does not use {@link Connection} streams. */
    public void received(long n) {
        bytesIn.add(n);
    }

    /** Bytes written to clients by a server that does not use {@link Connection} streams. */
    public void sent(long n) {
        bytesOut.add(n);
    }

    /**
     * The service's request latencies, made at the first call: a service that times its requests
     * takes it when it starts (so its histogram is exposed, empty, before the first request) and
     * records each request in it; the others never call this and have none.
     */
    public LatencyHistogram latency() {
        LatencyHistogram h = latency;
        if (h == null) {
            synchronized (this) {
                h = latency;
                if (h == null) {
                    h = new LatencyHistogram();
                    latency = h;
                }
            }
        }
        return h;
    }

    public StatsSnapshot snapshot(Duration uptime) {
        LatencyHistogram h = latency;
        return new StatsSnapshot(uptime, active.get(), total.sum(), rejected.sum(), bytesIn.sum(), bytesOut.sum(),
                requests.sum(), errors.sum(), datagramsIn.sum(), datagramsOut.sum(), peers.get(),
                h == null ? null : h.snapshot());
    }
}
