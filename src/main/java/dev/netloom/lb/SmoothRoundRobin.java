package dev.netloom.lb;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * nginx's smooth weighted round-robin: each pick adds every server's weight to its current
 * value, takes the server with the largest, and subtracts the total from it; weights 5:1:1 give
 * a a b a c a a rather than a a a a a b c. Servers added, removed or reweighted between picks
 * simply join the sums. One lock around a pick (a few additions per server).
 */
public final class SmoothRoundRobin implements Balancer {

    private final Map<String, Long> current = new HashMap<>();

    @Override
    public synchronized Backend pick(List<Backend> up, String key) {
        Backend best = null;
        long bestCurrent = 0;
        long total = 0;
        for (Backend b : up) {
            int w = b.weight();
            if (w == 0) {
                continue;
            }
            long c = current.getOrDefault(b.name(), 0L) + w;
            current.put(b.name(), c);
            total += w;
            if (best == null || c > bestCurrent) {
                best = b;
                bestCurrent = c;
            }
        }
        if (best != null) {
            current.put(best.name(), bestCurrent - total);
        }
        if (current.size() > up.size()) {
            // forget servers gone from the list (removed, down, drained): one that comes back starts afresh
            current.keySet().retainAll(up.stream().map(Backend::name).toList());
        }
        return best;
    }
}
