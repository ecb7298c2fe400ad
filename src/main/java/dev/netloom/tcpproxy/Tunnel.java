package dev.netloom.tcpproxy;

import dev.netloom.core.Connection;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One relayed connection: the client's {@link Connection} and the socket to its target, spliced
 * by two virtual threads, one per direction, each with a 64 KiB direct buffer on blocking
 * channels. The end of one direction's stream is passed on as a half-close
 * ({@code shutdownOutput}) and the other direction goes on; an error either way (a reset, the
 * idle reaper, {@code kill}, a stop past its grace) closes both ends. Its {@code toString} is
 * what {@code conns} shows: the target end and the bytes each way.
 */
final class Tunnel {

    private static final System.Logger LOG = System.getLogger(Tunnel.class.getName());
    private static final int BUFFER = 64 * 1024;

    private final Connection client;
    private final SocketChannel target;
    private final RouteStats stats;
    private final TcpProxyConfig config;
    private volatile long up;
    private volatile long down;
    private volatile boolean ended;

    Tunnel(Connection client, SocketChannel target, RouteStats stats, TcpProxyConfig config) {
        this.client = client;
        this.target = target;
        this.stats = stats;
        this.config = config;
    }

    /** Relays both ways until both have ended or one failed; returns on the client's thread. */
    void relay() throws InterruptedException {
        Thread downward = Thread.ofVirtual().name(Thread.currentThread().getName() + "-down").start(() -> pump(false));
        pump(true);
        downward.join();
    }

    /** Copies one direction until its end of stream, a drop, or an error (which closes both ends). */
    private void pump(boolean upward) {
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
        long delayMillis = config.delay().toMillis();
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
                boolean drop = config.dropAfter() > 0 && relayed + n >= config.dropAfter();
                if (drop) {
                    buf.limit((int) (config.dropAfter() - relayed));
                }
                write(upward, buf);
                if (drop) {
                    LOG.log(Level.DEBUG, "tcp-proxy: connection {0}: dropped after {1} bytes", client.id(), config.dropAfter());
                    abort();
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            if (!ended) {
                LOG.log(Level.DEBUG, "tcp-proxy: connection {0} {1}: {2}", client.id(), upward ? "up" : "down", e.toString());
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
            stats.up.add(n);
        } else {
            client.write(buf);
            down += n;
            stats.down.add(n);
        }
    }

    private void halfClose(boolean upward) throws IOException {
        if (upward) {
            target.shutdownOutput();
        } else {
            client.shutdownOutput();
        }
    }

    /** Closes both ends, the client with a reset when {@code tcp-proxy.reset} is on; the other direction then ends. */
    void abort() {
        ended = true;
        try {
            target.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
        if (config.reset()) {
            client.reset();
        } else {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "-> " + stats.route.target() + " (up " + up + " B, down " + down + " B)";
    }
}
