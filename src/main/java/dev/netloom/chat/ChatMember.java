package dev.netloom.chat;

import dev.netloom.core.Connection;
import dev.netloom.core.WriterPool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One connected member: its nick and room, and its outbound lines. Lines for a member go into
 * a bounded queue that the service's writers ({@link WriterPool}) write to its socket, so a
 * member that reads slowly (or not at all) only ever delays itself. When the queue is full the
 * overflow policy applies: the member is disconnected, or the line is dropped for it.
 *
 * <p>Presence notices (joins, leaves, nick changes) never push a member out: they take at most
 * half of its queue; past that they are counted instead of queued, and the member is told
 * {@code * N join/leave/nick notices skipped while you were behind; /who lists your room} at
 * its next write. So a burst of joins to a big room costs each member a bounded queue.
 */
final class ChatMember implements WriterPool.Outbox {

    private static final byte[] END = new byte[0];
    private static final int TURN_BYTES = 64 * 1024;

    private final Connection connection;
    private final OutputStream out;
    private final WriterPool writers;
    private final Queue<byte[]> outbound = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final int capacity;
    private final int presenceCapacity;
    private final ChatConfig.Overflow overflow;
    private final Runnable onOverflow;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final LongAdder dropped = new LongAdder();
    volatile String nick;
    volatile ChatRooms.Room room;
    volatile boolean kicked;

    ChatMember(Connection connection, OutputStream out, ChatConfig config, WriterPool writers, Runnable onOverflow) {
        this.connection = connection;
        this.out = out;
        this.writers = writers;
        this.capacity = config.queue();
        this.presenceCapacity = Math.max(1, config.queue() / 2);
        this.overflow = config.overflow();
        this.onOverflow = onOverflow;
    }

    long id() {
        return connection.id();
    }

    /** A line as sent: UTF-8 with its newline (encode once, send to many). */
    static byte[] encode(String line) {
        return (line + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Queues one line (without its newline) for this member. Never blocks: a full queue
     * disconnects the member or drops the line, as configured.
     */
    void send(String line) {
        send(encode(line));
    }

    /** Queues one encoded line ({@link #encode}); never blocks. */
    void send(byte[] line) {
        if (closed.get()) {
            return;
        }
        if (queued.incrementAndGet() <= capacity) {
            enqueue(line);
            return;
        }
        queued.decrementAndGet();
        if (overflow == ChatConfig.Overflow.DROP) {
            dropped.increment();
            return;
        }
        if (closed.compareAndSet(false, true)) {
            onOverflow.run();
            close();
        }
    }

    /** Queues a presence notice, or counts it as skipped when half the queue is taken; never blocks. */
    void notice(byte[] line) {
        if (closed.get()) {
            return;
        }
        if (queued.incrementAndGet() <= presenceCapacity) {
            enqueue(line);
            return;
        }
        queued.decrementAndGet();
        skipped.incrementAndGet();
        wake(); // the writer may have just gone idle: it tells the member of the skipped notices
    }

    private void enqueue(byte[] line) {
        outbound.offer(line);
        wake();
    }

    private void wake() {
        if (scheduled.compareAndSet(false, true)) {
            writers.schedule(this);
        }
    }

    long dropped() {
        return dropped.sum();
    }

    /**
     * Writes up to {@value #TURN_BYTES} bytes of queued lines in one write (a writer's turn), then
     * puts the member back on the ready queue if more is waiting. Only one writer at a time runs
     * this for a member: it is on the ready queue at most once. {@code batch} is the writer's own
     * buffer (not the member's: a member keeps no buffer between turns).
     */
    @Override
    public void drain(ByteArrayOutputStream batch) {
        batch.reset();
        boolean end = false;
        int taken = 0;
        byte[] only = null;
        int n = skipped.get() == 0 ? 0 : skipped.getAndSet(0); // a read, not a locked exchange, per turn
        if (n > 0) {
            // before the lines queued since: it tells of notices older than them
            batch.writeBytes(encode("* " + n + " join/leave/nick notice" + (n == 1 ? "" : "s")
                    + " skipped while you were behind; /who lists your room"));
        }
        for (byte[] line; batch.size() < TURN_BYTES && (line = outbound.poll()) != null; ) {
            taken++;
            if (line == END) {
                end = true;
                break;
            }
            if (taken == 1 && n == 0) {
                only = line; // copied into the batch only if a second line follows
                continue;
            }
            if (only != null) {
                batch.writeBytes(only);
                only = null;
            }
            batch.writeBytes(line);
        }
        queued.addAndGet(-taken);
        if (!closed.get() || end) {
            try {
                if (only != null) {
                    out.write(only); // the common case: one line, the array shared by every member
                } else if (batch.size() > 0) {
                    batch.writeTo(out);
                }
            } catch (IOException e) {
                end = true; // the socket is gone: nothing more to write
            }
        }
        if (end || closed.get()) {
            outbound.clear();
            ended.countDown();
            return;
        }
        scheduled.set(false);
        if (!outbound.isEmpty() || skipped.get() > 0) {
            wake();
        }
    }

    /** Lets the lines already queued go out (for at most a second), then closes the socket. */
    void finish() {
        queued.incrementAndGet();
        enqueue(END);
        try {
            ended.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /** Closes the socket now; the member's reader ends, and a write in progress fails. */
    void close() {
        closed.set(true);
        connection.close();
    }

    @Override
    public String toString() {
        ChatRooms.Room r = room;
        return (nick == null ? "(no nick yet)" : nick) + (r == null ? "" : " in #" + r.name());
    }
}
