package dev.netloom.proxy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Idle keep-alive connections to origins, per host:port, at most {@code proxy.pool-idle} each,
 * none older than {@code proxy.pool-idle-timeout} (closed when next looked at, or by
 * {@link #expire}). The most recently used one is taken first (it is the least likely to have
 * been closed by the origin's own idle timeout). One lock, never held across I/O.
 */
final class OriginPool {

    private final int maxIdle;
    private final long idleMillis;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Deque<Origin>> idle = new HashMap<>();
    private int count;

    OriginPool(int maxIdle, long idleMillis) {
        this.maxIdle = maxIdle;
        this.idleMillis = idleMillis;
    }

    /** An idle connection to {@code key} (host:port), or null. */
    Origin take(String key) {
        long now = System.currentTimeMillis();
        List<Origin> expired = new ArrayList<>();
        Origin found = null;
        lock.lock();
        try {
            Deque<Origin> q = idle.get(key);
            while (q != null && !q.isEmpty()) {
                Origin o = q.pollFirst();
                count--;
                if (now - o.idleSince < idleMillis) {
                    found = o;
                    break;
                }
                expired.add(o);
            }
        } finally {
            lock.unlock();
        }
        expired.forEach(Origin::close);
        return found;
    }

    /** Keeps {@code o} for reuse, or closes it when its host already has enough idle ones. */
    void give(Origin o) {
        o.idleSince = System.currentTimeMillis();
        lock.lock();
        try {
            Deque<Origin> q = idle.computeIfAbsent(o.key, k -> new ArrayDeque<>());
            if (q.size() < maxIdle) {
                q.addFirst(o);
                count++;
                return;
            }
        } finally {
            lock.unlock();
        }
        o.close();
    }

    /** Closes the idle connections past their time. */
    void expire() {
        long now = System.currentTimeMillis();
        List<Origin> expired = new ArrayList<>();
        lock.lock();
        try {
            for (Deque<Origin> q : idle.values()) {
                q.removeIf(o -> {
                    boolean old = now - o.idleSince >= idleMillis;
                    if (old) {
                        expired.add(o);
                    }
                    return old;
                });
            }
            count -= expired.size();
            idle.values().removeIf(Deque::isEmpty);
        } finally {
            lock.unlock();
        }
        expired.forEach(Origin::close);
    }

    /** Idle connections kept now. */
    int size() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    /** Closes every idle connection (at stop). */
    void closeAll() {
        List<Origin> all = new ArrayList<>();
        lock.lock();
        try {
            idle.values().forEach(all::addAll);
            idle.clear();
            count = 0;
        } finally {
            lock.unlock();
        }
        all.forEach(Origin::close);
    }
}
