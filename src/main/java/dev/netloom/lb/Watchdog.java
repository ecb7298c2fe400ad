package dev.netloom.lb;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Enforces {@code timeout-server} on the lb's server connections (see {@link ServerConnection}):
 * one virtual thread looks at every open connection's deadline every {@value #TICK_MILLIS} ms and
 * closes those past it, so a session blocked reading gets an exception and answers 504. The
 * timeout is thus kept to within a tick, and costs a request two volatile writes instead of a timer.
 */
final class Watchdog {

    static final long TICK_MILLIS = 100;
    private final Set<ServerConnection> open = ConcurrentHashMap.newKeySet();
    private volatile Thread thread;

    void start(String name) {
        thread = Thread.ofVirtual().name(name).start(this::run);
    }

    void stop() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    void watch(ServerConnection c) {
        open.add(c);
    }

    void forget(ServerConnection c) {
        open.remove(c);
    }

    private void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (ServerConnection c : open) {
                long d = c.deadline;
                if (d != 0 && now - d > 0) {
                    c.timedOut = true;
                    c.close();
                }
            }
        }
    }
}
