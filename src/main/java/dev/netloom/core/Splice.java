package dev.netloom.core;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * A client {@link Connection} spliced to a socket of its own (tcp-proxy's target, the proxy's
 * CONNECT tunnel) by two virtual threads, one per direction, each with a 64 KiB direct buffer
 * on blocking channels. The end of one direction's stream is passed on as a half-close
 * ({@code shutdownOutput}) and the other direction goes on; an error either way (a reset, the
 * idle reaper, {@code kill}, a stop past its grace) closes both ends. Its {@code toString} is
 * what {@code conns} shows: the target end and the bytes each way.
 */
public final class Splice {

    private static final System.Logger LOG = System.getLogger(Splice.class.getName());
    private static final int BUFFER = 64 * 1024;

    private final Connection client;
    private final SocketChannel target;
    private final String targetName;
    private final LongAdder upTotal;
    private final LongAdder downTotal;
    private final Faults faults;
    private volatile long up;
    private volatile long down;
    private volatile boolean ended;

    /**
     * Faults injected on purpose (tcp-proxy's test features).
     *
     * @param delay     wait this long before passing on each read
     * @param dropAfter close both ends once this many bytes passed one way (0 = never)
     * @param reset     end the client with a reset (RST) rather than a close
     */
    public record Faults(Duration delay, long dropAfter, boolean reset) {
        public static final Faults NONE = new Faults(Duration.ZERO, 0, false);
    }

    /**
     * @param targetName how {@code conns} names the other end
     * @param upTotal    counts bytes from the client to the target (with others' splices)
     * @param downTotal  counts bytes from the target to the client
     */
    public Splice(Connection client, SocketChannel target, String targetName, LongAdder upTotal, LongAdder downTotal,
                  Faults faults) {
        this.client = client;
        this.target = target;
        this.targetName = targetName;
        this.upTotal = upTotal;
        this.downTotal = downTotal;
        this.faults = faults;
    }

    /** Relays both ways until both have ended or one failed; returns on the client's thread. */
    public void relay() throws InterruptedException {
        Thread downward = Thread.ofVirtual().name(Thread.currentThread().getName() + "-down").start(() -> pump(false));
        pump(true);
        downward.join();
    }

    /** Bytes relayed from the client to the target so far. */
    public long up() {
        return up;
    }

    /** Bytes relayed from the target to the client so far. */
    public long down() {
        return down;
    }

    /** Copies one direction until its end of stream, a drop, or an error (which closes both ends). */
    private void pump(boolean upward) {
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
        long delayMillis = faults.delay().toMillis();
        try {
            while (true) {
                buf.clear();
                int n = upward ? client.read(buf) : target.read(buf);
                if (n < 0) {
                    halfClose(upward);
                    return;
                }
                if (delayMillis > 0) {
                    Thread.sleep(delayMillis);
                }
                buf.flip();
                long relayed = upward ? up : down;
                boolean drop = faults.dropAfter() > 0 && relayed + n >= faults.dropAfter();
                if (drop) {
                    buf.limit((int) (faults.dropAfter() - relayed));
                }
                write(upward, buf);
                if (drop) {
                    LOG.log(Level.DEBUG, "connection {0}: dropped after {1} bytes", client.id(), faults.dropAfter());
                    abort();
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            if (!ended) {
                LOG.log(Level.DEBUG, "connection {0} {1}: {2}", client.id(), upward ? "up" : "down", e.toString());
            }
            abort();
        }
    }

    private void write(boolean upward, ByteBuffer buf) throws IOException {
        int n = buf.remaining();
        if (upward) {
            while (buf.hasRemaining()) {
                target.write(buf); // a blocking channel: parks while the socket is full
            }
            up += n; // one writer per direction: no lost update
            upTotal.add(n);
        } else {
            client.write(buf);
            down += n;
            downTotal.add(n);
        }
    }

    private void halfClose(boolean upward) throws IOException {
        if (upward) {
            target.shutdownOutput();
        } else {
            client.shutdownOutput();
        }
    }

    /** Closes both ends, the client with a reset when the faults say so; the other direction then ends. */
    public void abort() {
        ended = true;
        try {
            target.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
        if (faults.reset()) {
            client.reset();
        } else {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "-> " + targetName + " (up " + up + " B, down " + down + " B)";
    }
}
