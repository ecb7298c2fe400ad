package dev.netloom.shell;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs a client's blocking network work on a virtual thread of its own, so that Ctrl-C (which
 * interrupts the shell's command thread) ends the wait at once: the worker is interrupted too,
 * which closes its sockets, and the command fails with a message saying what that means.
 */
final class Interruptible {

    private Interruptible() {
    }

    /** The result of {@code work}; its IOException as is; a ShellException with {@code onInterrupt} on Ctrl-C. */
    static <T> T call(String threadName, Callable<T> work, String onInterrupt) throws IOException {
        FutureTask<T> task = new FutureTask<>(work);
        Thread worker = Thread.ofVirtual().name(threadName).start(task);
        try {
            return task.get();
        } catch (InterruptedException e) {
            worker.interrupt();
            try {
                worker.join(5000);
            } catch (InterruptedException again) {
                // a second Ctrl-C: stop waiting for the worker to wind down
            }
            throw new ShellException(onInterrupt);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        }
    }
}
