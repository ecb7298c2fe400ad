package dev.netloom.lb;

import java.util.List;

/**
 * nginx's smooth weighted round-robin: each pick adds every server's weight to its current
 * value, takes the server with the largest, and subtracts the total from it; weights 5:1:1 give
 * a a b a c a a rather than a a a a a b c. Servers added, removed or reweighted between picks
 * simply join the sums (a server's sum is kept in it, {@link Backend#smoothCurrent}). One lock around
 * a pick (a few additions per server).
 */
public final class SmoothRoundRobin implements Balancer {

    /** The list of the last pick: a server not in it starts afresh when it joins (back). */
    private List<Backend> last = List.of();

    @Override
    public synchronized Backend pick(List<Backend> up, String key) {
        if (up != last) {
            for (Backend b : up) {
                if (!last.contains(b)) {
                    b.smoothCurrent = 0;
                }
            }
            last = up;
        }
        Backend best = null;
        long total = 0;
        for (int i = 0; i < up.size(); i++) { // indexed: no iterator per pick
            Backend b = up.get(i);
            int w = b.weight();
            if (w == 0) {
                continue;
            }
            b.smoothCurrent += w;
            total += w;
            if (best == null || b.smoothCurrent > best.smoothCurrent) {
                best = b;
            }
        }
        if (best != null) {
            best.smoothCurrent -= total;
        }
        return best;
    }
}
