package dev.netloom.core;

import java.io.ByteArrayOutputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The threads that write connections' queued output to their sockets: a small pool shared by
 * every connection of a service, instead of one writer thread per connection (chat's members,
 * kv's pub/sub subscribers). A broadcast to N connections then puts N {@link Outbox}es on one
 * ready queue and wakes one writer, which writes to them one after the other, rather than waking
 * N threads (each wake-up cost more CPU than the write itself). The producer (a chat line, a
 * PUBLISH) only queues and never blocks on a slow reader; the outbox owns its queue and its
 * limits.
 *
 * <p>A blocking socket has no "would block" test, so a writer may get stuck in a write to a
 * connection that stopped reading. A ticker checks every {@value #TICK_MILLIS} ms: when members are
 * waiting and every writer has been inside one write for longer than that, it starts another
 * writer, so a stalled member holds up the others for at most about two ticks, and holds one
 * (virtual) thread until it reads again or is closed. Writers beyond the base count end after a
 * second without work.
 */
public final class WriterPool implements AutoCloseable {

    /**
     * A connection's queued output. It is on the ready queue at most once ({@link #schedule}
     * when it goes from idle to having output), and a writer then calls {@link #drain}.
     */
    public interface Outbox {
        /**
         * Writes a turn of the queued output (about 64 KiB) in one write, then schedules itself
         * again if more is waiting. {@code batch} is the writer's own buffer, reset by the callee.
         */
        void drain(ByteArrayOutputStream batch);
    }


    public static final int TICK_MILLIS = 20;
    private static final long STUCK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);

    private final String name;
    private final int base;
    private final LinkedBlockingQueue<Outbox> ready = new LinkedBlockingQueue<>();
    private final Set<Writer> writers = ConcurrentHashMap.newKeySet();
    private final AtomicLong started = new AtomicLong();
    private final AtomicInteger count = new AtomicInteger();
    private final Thread ticker;
    private volatile boolean closed;

    /** One writer: the time its current write began, 0 while it is not writing. */
    private final class Writer implements Runnable {
        volatile long writingSince;
        private final ByteArrayOutputStream batch = new ByteArrayOutputStream();

        @Override
        public void run() {
            try {
                while (!closed) {
                    Outbox m = ready.poll(1, TimeUnit.SECONDS);
                    if (m == null) {
                        if (retire()) {
                            return;
                        }
                        continue;
                    }
                    writingSince = System.nanoTime() | 1;
                    try {
                        m.drain(batch); // the batch stays under a turn (64 KiB) plus one message
                    } finally {
                        writingSince = 0;
                    }
                }
            } catch (InterruptedException e) {
                // closing
            } finally {
                writers.remove(this);
            }
        }
    }

    /** Starts {@code base} writers (at least one) and the ticker; thread names start with {@code name}. */
    public WriterPool(String name, int base) {
        this.name = name;
        this.base = Math.max(1, base);
        for (int i = 0; i < this.base; i++) {
            startWriter();
        }
        this.ticker = Thread.ofVirtual().name(name + "-writers").start(this::tick);
    }

    /** Whether an idle writer may end: only while more than the base count are left. */
    private boolean retire() {
        for (int n = count.get(); n > base; n = count.get()) {
            if (count.compareAndSet(n, n - 1)) {
                return true;
            }
        }
        return false;
    }

    /** Puts an outbox with output to write on the ready queue (the outbox sees that it is there once). */
    public void schedule(Outbox outbox) {
        ready.offer(outbox);
    }

    private void startWriter() {
        Writer w = new Writer();
        count.incrementAndGet();
        writers.add(w);
        Thread.ofVirtual().name(name + "-out-" + started.incrementAndGet()).start(w);
    }

    private void tick() {
        try {
            while (!closed) {
                Thread.sleep(TICK_MILLIS);
                if (!ready.isEmpty() && allStuck()) {
                    startWriter();
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    private boolean allStuck() {
        long now = System.nanoTime();
        for (Writer w : writers) {
            long since = w.writingSince;
            if (since == 0 || now - since < STUCK_NANOS) {
                return false;
            }
        }
        return true;
    }

    /** How many writer threads there are now (the base count, plus those started past stuck ones). */
    public int size() {
        return writers.size();
    }

    /** Stops the ticker; the writers end within a second (the connections' sockets are closed by then). */
    @Override
    public void close() {
        closed = true;
        ticker.interrupt();
    }
}
