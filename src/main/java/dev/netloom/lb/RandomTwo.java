package dev.netloom.lb;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random with two choices: two servers drawn at random in proportion to their weights, and the
 * one with fewer connections in progress per unit of weight taken (the power of two choices:
 * nearly least-connections' balance without a scan, and no herd on one idle server).
 */
public final class RandomTwo implements Balancer {

    @Override
    public Backend pick(List<Backend> up, String key) {
        Backend a = draw(up);
        Backend b = draw(up);
        if (a == null || b == null) {
            return a;
        }
        return (long) b.active() * a.weight() < (long) a.active() * b.weight() ? b : a;
    }

    private static Backend draw(List<Backend> up) {
        long total = 0;
        for (Backend b : up) {
            total += b.weight();
        }
        if (total == 0) {
            return null;
        }
        long r = ThreadLocalRandom.current().nextLong(total);
        for (Backend b : up) {
            r -= b.weight();
            if (r < 0) {
                return b;
            }
        }
        return null;
    }
}
