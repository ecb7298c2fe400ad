package dev.netloom.lb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One thread and one {@link Selector} carrying the byte relays of many connections: the lb's data
 * path (see docs/design.md, "the lb's event loops"). A virtual thread per connection does the
 * control work (pick a server, connect, log) and hands the two sockets to a loop, which then
 * moves the bytes on readiness, never blocking, so a request costs the loop a read and a write
 * per direction and no thread switch. Anything else is done with {@link #execute}, on the loop's
 * thread; {@link Task#tick} runs every {@value #TICK_MILLIS} ms for timeouts and closes from
 * outside (the idle reaper, {@code kill}, a stop).
 */
final class IoLoop {

    static final long TICK_MILLIS = 100;
    private static final int SCRATCH = 64 * 1024;
    private static final System.Logger LOG = System.getLogger(IoLoop.class.getName());

    /** Direct buffers for the loop thread's reads into and writes from heap arrays (see {@link LoopChannel}). */
    final ByteBuffer readScratch = ByteBuffer.allocateDirect(SCRATCH);
    final ByteBuffer writeScratch = ByteBuffer.allocateDirect(SCRATCH);
    private final Selector selector;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Task> live = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closed;

    /** What a loop carries: told when its keys are ready, and on every tick. */
    interface Task {
        /** One of its keys is ready ({@code key.readyOps()}); runs on the loop's thread. */
        void ready(SelectionKey key);

        /** Every tick; false once the task has ended (it is then dropped). */
        boolean tick(long nowNanos);

        /** The loop is closing: end now. */
        void abort();
    }

    IoLoop(String name) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.thread = Thread.ofPlatform().daemon().name(name).start(this::run);
    }

    Selector selector() {
        return selector;
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs {@code r} on the loop's thread, soon; once the loop has closed, on the caller's (so
     * what waits on it, a session handing its connection over, still hears that it ended).
     */
    void execute(Runnable r) {
        tasks.add(r);
        selector.wakeup();
        if (closed) {
            runTasks();
        }
    }

    /** Ticks {@code t} until its tick returns false; call from a task. Once closed, aborts it. */
    void track(Task t) {
        if (closed) {
            t.abort();
        } else {
            live.add(t);
        }
    }

    void close() {
        closed = true;
        selector.wakeup();
    }


    private void run() {
        long nextTick = System.nanoTime() + TICK_MILLIS * 1_000_000;
        while (!closed) {
            try {
                selector.select(this::dispatch, TICK_MILLIS);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.ERROR, "lb event loop: select failed", e);
            }
            runTasks();
            long now = System.nanoTime();
            if (now - nextTick >= 0) {
                nextTick = now + TICK_MILLIS * 1_000_000;
                live.removeIf(t -> !tickSafely(t, now));
            }
        }
        for (Task t : live) {
            runSafely(t::abort);
        }
        live.clear();
        runTasks();
        try {
            selector.close();
        } catch (IOException ignored) {
            // the loop is gone either way
        }
    }

    private void runTasks() {
        for (Runnable r; (r = tasks.poll()) != null; ) {
            runSafely(r);
        }
    }

    private void dispatch(SelectionKey key) {
        try {
            ((Task) key.attachment()).ready(key);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "lb event loop: a relay failed", e);
            key.cancel();
        }
    }

    private static void runSafely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "lb event loop: a task failed", e);
        }
    }

    private static boolean tickSafely(Task t, long now) {
        try {
            return t.tick(now);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "lb event loop: a tick failed", e);
            return false;
        }
    }
}
