package dev.netloom.chat;

import dev.netloom.core.Connection;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * One connected member: its nick and room, and its outbound lines. Lines for a member go into
 * a bounded queue that its own virtual thread writes to the socket, so a member that reads
 * slowly (or not at all) only ever delays itself. When the queue is full the overflow policy
 * applies: the member is disconnected, or the line is dropped for it.
 */
final class ChatMember {

    private static final String END = "\u0000end";

    private final Connection connection;
    private final BlockingQueue<String> outbound;
    private final ChatConfig.Overflow overflow;
    private final Runnable onOverflow;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder dropped = new LongAdder();
    private final Thread writer;
    volatile String nick;
    volatile ChatRooms.Room room;
    volatile boolean kicked;

    ChatMember(Connection connection, OutputStream out, ChatConfig config, Runnable onOverflow) {
        this.connection = connection;
        // linked: a member's queue takes memory for the lines waiting, not for its capacity
        this.outbound = new LinkedBlockingQueue<>(config.queue() + 1);
        this.overflow = config.overflow();
        this.onOverflow = onOverflow;
        this.writer = Thread.ofVirtual().name("chat-out-" + connection.id()).start(() -> write(out));
    }

    long id() {
        return connection.id();
    }

    /**
     * Queues one line (without its newline) for this member. Never blocks: a full queue
     * disconnects the member or drops the line, as configured.
     */
    void send(String line) {
        if (closed.get()) {
            return;
        }
        if (outbound.remainingCapacity() > 1 && outbound.offer(line)) {
            return;
        }
        if (overflow == ChatConfig.Overflow.DROP) {
            dropped.increment();
            return;
        }
        if (closed.compareAndSet(false, true)) {
            onOverflow.run();
            close();
        }
    }

    long dropped() {
        return dropped.sum();
    }

    private void write(OutputStream out) {
        List<String> batch = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try {
            while (true) {
                batch.clear();
                batch.add(outbound.take());
                outbound.drainTo(batch, 255);
                text.setLength(0);
                boolean end = false;
                for (String line : batch) {
                    if (line == END) {
                        end = true;
                        break;
                    }
                    text.append(line).append('\n');
                }
                if (!text.isEmpty()) {
                    out.write(text.toString().getBytes(StandardCharsets.UTF_8));
                }
                if (end) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the socket is gone or the member is closing: nothing more to write
        }
    }

    /** Lets the lines already queued go out (for at most a second), then closes the socket. */
    void finish() {
        outbound.offer(END);
        try {
            writer.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /** Closes the socket now; the member's reader and writer threads end. */
    void close() {
        closed.set(true);
        writer.interrupt();
        try {
            connection.socket().close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    @Override
    public String toString() {
        ChatRooms.Room r = room;
        return (nick == null ? "(no nick yet)" : nick) + (r == null ? "" : " in #" + r.name());
    }
}
