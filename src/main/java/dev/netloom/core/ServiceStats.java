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

    public StatsSnapshot snapshot(Duration uptime) {
        return new StatsSnapshot(uptime, active.get(), total.sum(), rejected.sum(), bytesIn.sum(), bytesOut.sum(),
                requests.sum(), errors.sum(), datagramsIn.sum(), datagramsOut.sum(), peers.get());
    }
}
