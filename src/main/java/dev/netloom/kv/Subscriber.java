package dev.netloom.kv;

import dev.netloom.core.Connection;
import dev.netloom.core.WriterPool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The output of a client that subscribed (once it has, for the rest of its connection): pushed
 * messages and the replies to its own commands, in one queue of whole frames written to its
 * socket by the service's {@link WriterPool} (as chat's members are), so a frame is never cut by
 * another and a PUBLISH only queues: the publisher never waits for a slow subscriber. Frames are
 * copied into the open chunk at the queue's tail (a client's output buffer, as Redis's), so a
 * message costs a copy of its bytes, not a queue node, and a chunk goes out in one write.
 *
 * <p>A reply is queued under the store lock right after its command ran (see
 * {@link KvStore#run}), so it keeps its place among the messages published before and after it;
 * one that acknowledges a write the append-only file does not hold yet waits for it in the
 * writer, as {@code KvService.reply} does.
 *
 * <p>Redis's {@code client-output-buffer-limit pubsub 32mb 8mb 60} applies while the client has
 * a subscription ({@link Limit}): past the hard limit of queued bytes it is disconnected at
 * once; above the soft limit for longer than its seconds, too.
 */
final class Subscriber implements WriterPool.Outbox {

    /**
     * An output limit: {@code hard} bytes (0 = none), or {@code soft} bytes (0 = none) for more
     * than {@code softSeconds}. Redis's syntax is {@code <hard> <soft> <seconds>}.
     */
    record Limit(long hard, long soft, long softSeconds) {
        /** Redis's default for the pubsub class: 32mb 8mb 60. */
        static final Limit PUBSUB = new Limit(32L << 20, 8L << 20, 60);

        /** Parses {@code "32mb 8mb 60"} (sizes as Redis's memtoull: b, k, kb, m, mb, g, gb). */
        static Limit parse(String s) {
            String[] p = s.trim().split("\\s+");
            if (p.length != 3) {
                throw new IllegalArgumentException("expected <hard> <soft> <seconds>, as 32mb 8mb 60");
            }
            long seconds;
            try {
                seconds = Long.parseLong(p[2]);
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            long hard = bytes(p[0]);
            long soft = bytes(p[1]);
            if (hard < 0 || soft < 0 || seconds < 0) {
                throw new IllegalArgumentException("expected <hard> <soft> <seconds>, as 32mb 8mb 60");
            }
            return new Limit(hard, soft, seconds);
        }

        private static long bytes(String s) {
            Long n = KvParams.memory(s);
            return n == null ? -1 : n;
        }

        /** As CONFIG GET shows it: {@code pubsub 33554432 8388608 60}. */
        @Override
        public String toString() {
            return hard + " " + soft + " " + softSeconds;
        }
    }

    /** Frames queued one after the other, written in one write; up to a turn's bytes plus one frame. */
    private static final class Chunk {
        byte[] bytes = new byte[256];
        int length;

        void append(byte[] frame) {
            if (length + frame.length > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + frame.length));
            }
            System.arraycopy(frame, 0, bytes, length, frame.length);
            length += frame.length;
        }
    }

    /** A reply that may go out only once the append-only file holds everything up to {@code offset}. */
    private record Logged(byte[] bytes, long offset) {
    }

    private static final System.Logger LOG = System.getLogger(Subscriber.class.getName());
    private static final Object END = new Object();
    private static final int TURN_BYTES = 64 * 1024;

    private final Client client;
    private final Connection connection;
    private final OutputStream out;
    private final WriterPool writers;
    /** Guards {@link #queue}, {@link #tail} and {@link #scheduled}. */
    private final Object lock = new Object();
    /** {@link Chunk}s of frames, {@link Logged} replies and {@link #END}, in order. */
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    /** The queue's last item while it is a chunk that takes more frames; null otherwise. */
    private Chunk tail;
    /** Whether this outbox is on the writers' ready queue or being drained. */
    private boolean scheduled;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch ended = new CountDownLatch(1);
    /** When the queue last went over the soft limit (nanoTime), 0 while under it. */
    private volatile long softSince;

    Subscriber(Client client, Connection connection, OutputStream out, WriterPool writers) {
        this.client = client;
        this.connection = connection;
        this.out = out;
        this.writers = writers;
    }

    /** Queues a pushed message (encoded once, shared by every subscriber); never blocks. */
    void message(byte[] frame) {
        enqueue(frame, frame.length);
    }

    /** Moves what {@code c.out} holds (replies to the client's own commands) to the queue, in order. */
    void reply(Reply replies, long aofOffset) {
        if (replies.size() == 0 && !replies.streaming()) {
            return;
        }
        byte[] b = replies.take();
        Aof aof = client.store.aof;
        enqueue(aof == null || aof.written(aofOffset) ? b : new Logged(b, aofOffset), b.length);
    }

    private void enqueue(Object item, int size) {
        if (closed.get()) {
            return;
        }
        long total = queued.addAndGet(size);
        boolean schedule;
        synchronized (lock) {
            if (item instanceof byte[] frame) {
                if (tail == null || tail.length >= TURN_BYTES) {
                    tail = new Chunk();
                    queue.add(tail);
                }
                tail.append(frame);
            } else {
                queue.add(item);
                tail = null;
            }
            schedule = !scheduled;
            scheduled = true;
        }
        if (client.subscriptions() > 0 && overLimit(total)) {
            LOG.log(Level.WARNING, "kv: client " + client.id + " (" + client.address + ") closed for overcoming"
                    + " the pubsub output buffer limit (" + total + " bytes queued)");
            close();
            return;
        }
        if (schedule) {
            writers.schedule(this);
        }
    }

    private boolean overLimit(long total) {
        Limit l = client.store.pubsubLimit;
        if (l.hard() > 0 && total >= l.hard()) {
            return true;
        }
        if (l.soft() == 0 || total < l.soft()) {
            softSince = 0;
            return false;
        }
        long now = System.nanoTime() | 1;
        if (softSince == 0) {
            softSince = now;
            return false;
        }
        return now - softSince > TimeUnit.SECONDS.toNanos(l.softSeconds());
    }

    /** Bytes queued and not yet written (CLIENT LIST's omem). */
    long queued() {
        return queued.get();
    }

    @Override
    public void drain(ByteArrayOutputStream batch) {
        boolean end = false;
        long taken = 0;
        try {
            while (taken < TURN_BYTES) {
                Object item;
                synchronized (lock) {
                    item = queue.poll();
                    if (item == tail) {
                        tail = null; // taken: the next frame starts a chunk of its own
                    }
                }
                if (item == null) {
                    break;
                }
                if (item == END) {
                    end = true;
                    break;
                }
                if (item instanceof Logged l) {
                    client.store.aof.await(l.offset());
                    taken += l.bytes().length;
                    write(l.bytes(), l.bytes().length);
                } else {
                    Chunk c = (Chunk) item;
                    taken += c.length;
                    write(c.bytes, c.length);
                }
            }
        } catch (IOException e) {
            end = true; // the socket (or the AOF) failed: nothing more goes out
        }
        queued.addAndGet(-taken);
        if (end || closed.get()) {
            synchronized (lock) {
                queue.clear();
                tail = null;
            }
            ended.countDown();
            return;
        }
        boolean again;
        synchronized (lock) {
            again = !queue.isEmpty();
            scheduled = again;
        }
        if (again) {
            writers.schedule(this);
        }
    }

    private void write(byte[] bytes, int length) throws IOException {
        if (!closed.get()) {
            out.write(bytes, 0, length);
        }
    }

    /** Lets what is queued go out (for at most a second): before the socket closes after QUIT. */
    void finish() {
        if (closed.get()) {
            return;
        }
        enqueue(END, 0);
        try {
            ended.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Drops what is queued and closes the connection (its reader ends, a write in progress fails). */
    void close() {
        if (closed.compareAndSet(false, true)) {
            connection.close();
        }
    }
}
