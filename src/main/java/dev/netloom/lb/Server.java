package dev.netloom.lb;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A server of a running pool: the {@link Backend} the balancer picks, its state (health from
 * checks and passive errors; the administrative state {@code lb drain|maint|ready} sets), its
 * counters and response times, and in http mode its idle keep-alive connections.
 */
final class Server extends Backend {

    /** What {@code lb drain|maint|ready} set. */
    enum Admin { READY, DRAIN, MAINT }

    /** What {@code lb} shows: MAINT, else DOWN when unhealthy, else DRAIN, else UP. */
    enum State { UP, DOWN, DRAIN, MAINT }

    static final int MAX_IDLE = 256;
    static final long IDLE_MILLIS = 10_000;

    final InetSocketAddress address;
    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    /** Health checks that failed, for {@code netloom_lb_server_check_failures_total}. */
    final LongAdder checkFailures = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final ResponseTimes times = new ResponseTimes();
    private final AtomicInteger consecutiveErrors = new AtomicInteger();
    private final ReentrantLock idleLock = new ReentrantLock();
    private final Deque<ServerConnection> idle = new ArrayDeque<>();
    volatile Admin admin = Admin.READY;
    volatile boolean healthy = true;
    /** Consecutive good (positive) or failed (negative) checks. */
    int checkRun;
    volatile String lastCheck = "-";
    volatile long lastCheckMillis;
    volatile boolean removed;

    Server(ServerSpec spec) {
        super(spec);
        this.address = new InetSocketAddress(spec.host(), spec.port());
    }

    State state() {
        if (admin == Admin.MAINT) {
            return State.MAINT;
        }
        if (!healthy) {
            return State.DOWN;
        }
        return admin == Admin.DRAIN ? State.DRAIN : State.UP;
    }

    /** Whether new traffic may go to it. */
    boolean eligible() {
        return healthy && admin == Admin.READY && !removed;
    }

    /** Counts a connection error or 5xx; true when that makes {@code limit} in a row (0: never). */
    boolean failed(int limit) {
        errors.increment();
        return limit > 0 && consecutiveErrors.incrementAndGet() == limit;
    }

    void succeeded() {
        if (consecutiveErrors.get() != 0) {
            consecutiveErrors.set(0);
        }
    }

    void resetErrors() {
        consecutiveErrors.set(0);
    }

    /** An idle connection on {@code loop} to reuse, or null; those idle too long are closed. */
    ServerConnection takeIdle(IoLoop loop) {
        long now = System.currentTimeMillis();
        while (true) {
            ServerConnection c = pollIdle(loop);
            if (c == null || now - c.idleSince < IDLE_MILLIS) {
                return c;
            }
            c.close();
        }
    }

    /** The most recently kept idle connection on {@code loop} (any loop when null). */
    private ServerConnection pollIdle(IoLoop loop) {
        idleLock.lock();
        try {
            for (Iterator<ServerConnection> it = idle.iterator(); it.hasNext(); ) {
                ServerConnection c = it.next();
                if (loop == null || c.loop() == loop) {
                    it.remove();
                    return c;
                }
            }
            return null;
        } finally {
            idleLock.unlock();
        }
    }

    /** Keeps {@code c} for the next request, or closes it (too many kept, or the server is going). */
    void giveIdle(ServerConnection c) {
        c.idleSince = System.currentTimeMillis();
        if (!removed && admin != Admin.MAINT) {
            idleLock.lock();
            try {
                if (idle.size() < MAX_IDLE) {
                    idle.addFirst(c);
                    return;
                }
            } finally {
                idleLock.unlock();
            }
        }
        c.close();
    }

    /** Closes every idle connection (removal, maintenance, stop). */
    void closeIdle() {
        for (ServerConnection c; (c = pollIdle(null)) != null; ) {
            c.close();
        }
    }

    String stateName() {
        return state().name().toLowerCase(Locale.ROOT);
    }
}
