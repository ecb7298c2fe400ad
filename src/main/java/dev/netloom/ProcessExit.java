package dev.netloom;

import dev.netloom.core.Libc;

import java.util.logging.LogManager;

/**
 * Ends the process once {@link Main#run} has returned, that is once netloom has stopped every
 * service and flushed what it printed.
 *
 * <p>The JVM's own exit ({@code System.exit} and {@code Runtime.halt} alike) ends with a VM
 * operation that waits up to 300 ms for every thread in native code to block, and the threads
 * that poll sockets for virtual threads sit in {@code epoll_wait} for as long as the JVM has done
 * network I/O: every command run from the command line that used the network paid 300 ms at its
 * end (a third of a second on each {@code netloom p2p get} of bench/p2p.sh). libc's {@code _exit}
 * ends the process at once. It is used only where JNA is loaded already (its property
 * {@code jna.loaded}: p2p and monitor commands load it): loading JNA just to exit costs about half
 * the wait. {@code -Dnetloom.jvm-exit=true} keeps the JVM's exit (for a flight recording, which
 * the JVM writes on exit); shutdown hooks do not run on the fast path, which is why the logging
 * is closed here first (its handlers flush and drop their lock files).
 */
final class ProcessExit {

    private ProcessExit() {
    }

    /** Exits with {@code code}. */
    static void exit(int code) {
        System.out.flush();
        System.err.flush();
        if (Boolean.getBoolean("jna.loaded") && !Boolean.getBoolean("netloom.jvm-exit")) {
            try {
                LogManager.getLogManager().reset();
                Libc.exitNow(code);
            } catch (LinkageError e) {
                // no libc _exit to bind: the JVM's exit below
            }
        }
        System.exit(code);
    }
}
