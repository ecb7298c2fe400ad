package dev.netloom.core;

import java.util.concurrent.CountDownLatch;

/**
 * Holds every listener's first accept (and a UDP server's first receive) until the process says
 * so: {@code serve --user} binds its ports as root, then drops to the user, and only then may a
 * connection be served, so that nothing is ever read or written with root's rights. Open unless
 * {@link #hold()} was called; a service started after {@link #open()} never waits.
 */
public final class AcceptGate {

    private static volatile CountDownLatch held;

    private AcceptGate() {
    }

    /** Makes listeners started from now on wait before their first accept, until {@link #open()}. */
    public static void hold() {
        held = new CountDownLatch(1);
    }

    /** Lets every waiting listener accept. */
    public static void open() {
        CountDownLatch latch = held;
        held = null;
        if (latch != null) {
            latch.countDown();
        }
    }

    /** Returns at once when the gate is open, else when it opens. */
    static void await() throws InterruptedException {
        CountDownLatch latch = held;
        if (latch != null) {
            latch.await();
        }
    }
}
