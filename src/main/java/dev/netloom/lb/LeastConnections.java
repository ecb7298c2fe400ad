package dev.netloom.lb;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Weighted least-connections: the server with the fewest connections in progress per unit of
 * weight ({@code active / weight}, compared without division); among equals, the next in
 * round-robin order, so idle servers share a light load evenly.
 */
public final class LeastConnections implements Balancer {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Backend pick(List<Backend> up, String key) {
        int n = up.size();
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(next.getAndIncrement(), n);
        Backend best = null;
        for (int i = 0; i < n; i++) {
            Backend b = up.get((start + i) % n);
            if (b.weight() == 0) {
                continue;
            }
            if (best == null || (long) b.active() * best.weight() < (long) best.active() * b.weight()) {
                best = b;
            }
        }
        return best;
    }
}
