package dev.netloom.tcpproxy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one route, for {@code status tcp-proxy}: connections and bytes each way. */
final class RouteStats {

    final Route route;
    final AtomicInteger active = new AtomicInteger();
    final LongAdder total = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder up = new LongAdder();
    final LongAdder down = new LongAdder();

    RouteStats(Route route) {
        this.route = route;
    }

    /**
     * {@code route 127.0.0.1:9000 -> 127.0.0.1:6379: 1 active, 12 total, 2 failed to connect;
     * up 5120 bytes, down 1048576 bytes} (up: client to target).
     */
    String describe(String listen) {
        return "route " + listen + " -> " + route.target() + ": " + active.get() + " active, " + total.sum()
                + " total, " + failed.sum() + " failed to connect; up " + up.sum() + " bytes, down " + down.sum() + " bytes";
    }
}
