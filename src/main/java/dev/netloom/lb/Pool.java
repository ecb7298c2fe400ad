package dev.netloom.lb;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A running pool: its servers, the balancer over those that may take new traffic, the queue of
 * clients waiting for a server slot ({@code maxconn-per-server}), the health checks (one virtual
 * thread per server), and the runtime changes of {@code lb add|remove|weight|drain|maint|ready}.
 * The list the balancer sees is rebuilt on every change of state, so picking takes no lock
 * (except round-robin's own and, with a maxconn, the queue's when every server is full).
 */
final class Pool {

    private static final System.Logger LOG = System.getLogger(Pool.class.getName());
    private static final int EVENTS = 20;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    final PoolConfig config;
    private final Balancer balancer;
    private final List<Server> servers = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition slotFreed = lock.newCondition();
    private final Deque<String> events = new ArrayDeque<>();
    private final AtomicInteger queued = new AtomicInteger();
    private volatile List<Backend> eligible = List.of();
    private volatile boolean running;

    /** No server can take the request: none is up, the queue is full, or the wait in it timed out. */
    static final class NoServerException extends Exception {
        /** HAProxy's termination flags for it: {@code SC} none up, {@code sQ} queue timeout, {@code PQ} queue full. */
        final String flags;

        NoServerException(String message, String flags) {
            super(message, null, false, false);
            this.flags = flags;
        }
    }

    Pool(PoolConfig config) {
        this.config = config;
        this.balancer = config.algorithm().balancer();
        config.servers().forEach(s -> servers.add(new Server(s)));
        rebuild();
    }

    void start() {
        running = true;
        servers.forEach(this::startChecks);
    }

    void stop() {
        running = false;
        for (Server s : servers) {
            s.closeIdle();
        }
        lock.lock();
        try {
            slotFreed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    String name() {
        return config.name();
    }

    List<Server> servers() {
        return List.copyOf(servers);
    }

    int queued() {
        return queued.get();
    }

    Server server(String name) {
        for (Server s : servers) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /**
     * A server for a request hashed by {@code key}, with a slot taken (pair with {@link #release}),
     * avoiding {@code exclude} while another can take it; waits in the queue while every server
     * is at its maxconn.
     */
    Server acquire(String key, Set<Server> exclude) throws NoServerException, InterruptedException {
        int max = config.maxconn();
        Server s = tryPick(key, exclude, max);
        if (s != null) {
            return s;
        }
        if (!anyTakesTraffic()) {
            throw new NoServerException("no server of pool " + name() + " is up", "SC");
        }
        if (queued.get() >= config.queueSize()) {
            throw new NoServerException("the queue of pool " + name() + " is full (" + config.queueSize() + ")", "PQ");
        }
        long deadline = System.nanoTime() + config.queueTimeout().toNanos();
        queued.incrementAndGet();
        lock.lock();
        try {
            while (true) {
                s = tryPick(key, exclude, max);
                if (s != null) {
                    return s;
                }
                long left = deadline - System.nanoTime();
                if (!running || !anyTakesTraffic() || left <= 0) {
                    throw new NoServerException("no server of pool " + name() + " had a free slot within "
                            + config.queueTimeout().toMillis() + " ms", "sQ");
                }
                slotFreed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        } finally {
            lock.unlock();
            queued.decrementAndGet();
        }
    }

    /** Whether a server is UP, ready and of a weight above 0. */
    private boolean anyTakesTraffic() {
        for (Backend b : eligible) {
            if (b.weight() > 0) {
                return true;
            }
        }
        return false;
    }

    private Server tryPick(String key, Set<Server> exclude, int max) {
        List<Backend> up = eligible;
        if (!exclude.isEmpty() || max > 0) {
            List<Backend> free = new ArrayList<>(up.size());
            for (Backend b : up) {
                if (!exclude.contains(b) && (max <= 0 || b.active() < max)) {
                    free.add(b);
                }
            }
            if (free.isEmpty() && max <= 0) {
                free = up; // every one was tried: try again rather than fail
            }
            up = free;
        }
        for (int attempt = 0; attempt < 4; attempt++) {
            Server s = (Server) balancer.pick(up, key);
            if (s == null) {
                return null;
            }
            if (s.tryAcquire(max)) {
                return s;
            }
        }
        return null;
    }

    /** Takes a slot on {@code s} itself (a sticky client's server), if it may take traffic and has one. */
    /** A server for a request hashed by {@code key} with a slot taken, or null when it would have to queue. */
    Server tryAcquire(String key) {
        return tryPick(key, Set.of(), config.maxconn());
    }

    boolean acquireOn(Server s) {
        return s.eligible() && s.tryAcquire(config.maxconn());
    }

    void release(Server s) {
        s.release();
        if (config.maxconn() > 0 && queued.get() > 0) {
            lock.lock();
            try {
                slotFreed.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Rebuilds the list the balancer picks from; call after any change of state or membership. */
    private void rebuild() {
        List<Backend> up = new ArrayList<>();
        for (Server s : servers) {
            if (s.eligible()) {
                up.add(s);
            }
        }
        eligible = List.copyOf(up);
        lock.lock();
        try {
            slotFreed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Logs a change of a server's state and keeps it for {@code lb}. */
    void event(Server s, String what) {
        String line = LocalTime.now().format(CLOCK) + " " + s.name() + " " + what;
        LOG.log(what.startsWith("DOWN") ? Level.WARNING : Level.INFO, "lb: pool {0}: server {1} {2}", name(), s.name(), what);
        lock.lock();
        try {
            events.addLast(line);
            while (events.size() > EVENTS) {
                events.removeFirst();
            }
        } finally {
            lock.unlock();
        }
    }

    List<String> events() {
        lock.lock();
        try {
            return List.copyOf(events);
        } finally {
            lock.unlock();
        }
    }

    // ---- health -------------------------------------------------------------------------

    private void startChecks(Server s) {
        if (config.check().enabled()) {
            Thread.ofVirtual().name("lb-" + name() + "-check-" + s.name()).start(() -> checkLoop(s));
        }
    }

    private void checkLoop(Server s) {
        long inter = config.checkInterval().toMillis();
        while (running && !s.removed) {
            if (s.admin != Server.Admin.MAINT) {
                Checker.Result r = Checker.run(s, config);
                checked(s, r);
            }
            try {
                Thread.sleep(inter);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Applies one check's result: DOWN after {@code fall} failures in a row, UP after {@code rise} successes. */
    void checked(Server s, Checker.Result r) {
        boolean changed = false;
        lock.lock();
        try {
            s.lastCheck = r.text();
            s.lastCheckMillis = System.currentTimeMillis();
            if (r.ok()) {
                s.checkRun = Math.max(0, s.checkRun) + 1;
                if (!s.healthy && s.checkRun >= config.rise()) {
                    s.healthy = true;
                    s.resetErrors();
                    s.ramp(config.slowstart());
                    changed = true;
                }
            } else {
                s.checkFailures.increment();
                s.checkRun = Math.min(0, s.checkRun) - 1;
                if (s.healthy && -s.checkRun >= config.fall()) {
                    s.healthy = false;
                    changed = true;
                }
            }
        } finally {
            lock.unlock();
        }
        if (changed) {
            rebuild();
            if (s.healthy) {
                event(s, "UP (" + config.rise() + " good checks: " + r.text() + ")");
            } else {
                s.closeIdle();
                event(s, "DOWN (" + config.fall() + " failed checks: " + r.text() + ")");
            }
        }
    }

    /** A connection error or a 5xx from {@code s}: {@code error-limit} in a row take it DOWN until checks pass. */
    void failed(Server s, String why) {
        if (s.failed(config.errorLimit()) && config.check().enabled() && s.healthy) {
            lock.lock();
            try {
                s.healthy = false;
                s.checkRun = 0;
            } finally {
                lock.unlock();
            }
            rebuild();
            s.closeIdle();
            event(s, "DOWN (" + config.errorLimit() + " errors in a row, last: " + why + ")");
        }
    }

    // ---- runtime changes ------------------------------------------------------------------

    /** {@code lb add}: a new server, UP at once (its checks begin), ramping up with slow start. */
    Server add(ServerSpec spec) {
        Server s = new Server(spec);
        lock.lock();
        try {
            if (server(spec.name()) != null) {
                throw new IllegalArgumentException("pool " + name() + " already has a server " + spec.name());
            }
            servers.add(s);
        } finally {
            lock.unlock();
        }
        s.ramp(config.slowstart());
        rebuild();
        if (running) {
            startChecks(s);
        }
        event(s, "added as " + spec);
        return s;
    }

    /**
     * {@code lb remove}: drains {@code s} (no new traffic), waits up to {@code wait} for what it
     * carries to finish, then removes it; false when it still had work after the wait (it stays,
     * drained).
     */
    boolean remove(Server s, Duration wait) throws InterruptedException {
        setAdmin(s, Server.Admin.DRAIN);
        long deadline = System.nanoTime() + wait.toNanos();
        while (s.active() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (s.active() > 0) {
            return false;
        }
        s.removed = true;
        servers.remove(s);
        rebuild();
        s.closeIdle();
        event(s, "removed");
        return true;
    }

    /** {@code lb drain|maint|ready}. */
    void setAdmin(Server s, Server.Admin admin) {
        Server.Admin before = s.admin;
        s.admin = admin;
        if (before == Server.Admin.MAINT && admin == Server.Admin.READY) {
            s.ramp(config.slowstart());
        }
        rebuild();
        if (admin != Server.Admin.READY) {
            s.closeIdle();
        }
        if (before != admin) {
            event(s, admin == Server.Admin.READY ? "READY" : admin.name());
        }
    }

    /** {@code lb weight}. */
    void weight(Server s, int w) {
        s.weight(w);
        rebuild();
        event(s, "weight " + w);
    }
}
