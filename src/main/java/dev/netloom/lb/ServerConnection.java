package dev.netloom.lb;

import dev.netloom.core.DataReader;
import dev.netloom.http1.HeadReader;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * One connection from the lb to a server in http mode: a non-blocking socket on the client
 * session's {@link IoLoop} ({@link LoopChannel}), a {@link HeadReader} for responses and a
 * buffered output for requests (the slow path's; the fast path writes to the channel). Kept by its
 * {@link Server} between requests when the response left it reusable, for sessions on the same loop.
 *
 * <p>{@code timeout-server} is a deadline the {@link Watchdog} enforces, not a read timeout:
 * the watchdog looks at the deadlines every 100 ms and closes a connection past its own, marking
 * it {@link #timedOut}; the loop's tick then wakes whoever waits on it.
 */
final class ServerConnection implements Closeable {

    final LoopChannel channel;
    final HeadReader reader;
    final OutputStream out;
    private final Watchdog watchdog;
    /** Requests it has carried; more than 0 means a failure may be a stale keep-alive connection. */
    int uses;
    long idleSince;
    /** System.nanoTime() by which the server must have sent more, or 0 while the lb owes it nothing. */
    volatile long deadline;
    /** Set by the watchdog before it closes the connection for a missed deadline. */
    volatile boolean timedOut;

    private ServerConnection(LoopChannel channel, Watchdog watchdog) {
        this.channel = channel;
        this.watchdog = watchdog;
        this.reader = new HeadReader(new DataReader(channel.in(), 16 * 1024, channel), 8192, 64 * 1024, 200);
        this.out = new BufferedOutputStream(channel.out(), 16 * 1024);
    }

    /** Connects within {@code connectMillis} (blocking), then puts the socket on {@code loop}. */
    static ServerConnection open(InetSocketAddress to, int connectMillis, Watchdog watchdog, IoLoop loop)
            throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.socket().setTcpNoDelay(true);
            ch.socket().connect(to, connectMillis);
            ServerConnection c = new ServerConnection(LoopChannel.register(loop, ch, null), watchdog);
            watchdog.watch(c);
            return c;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Starts a connect without waiting (the fast path's): the socket is on {@code loop} at once,
     * and {@link #finishConnect} says when it is done. The watchdog holds it to {@code connectNanos}.
     */
    static ServerConnection startConnect(InetSocketAddress to, long connectNanos, Watchdog watchdog, IoLoop loop)
            throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.configureBlocking(false);
            ch.socket().setTcpNoDelay(true);
            ch.connect(to);
            ServerConnection c = new ServerConnection(LoopChannel.register(loop, ch, null), watchdog);
            c.expectWithin(connectNanos);
            watchdog.watch(c);
            return c;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /** True once a connect begun by {@link #startConnect} has completed; an exception when it failed. */
    boolean finishConnect() throws IOException {
        return !channel.channel.isConnectionPending() || channel.channel.finishConnect();
    }

    IoLoop loop() {
        return channel.loop;
    }

    /** The server must send something within {@code nanos} from now (timeout-server as inactivity). */
    void expectWithin(long nanos) {
        deadline = System.nanoTime() + nanos;
    }

    /** The lb owes the server nothing now (between requests). */
    void expectNothing() {
        deadline = 0;
    }

    @Override
    public void close() {
        watchdog.forget(this);
        channel.close();
    }
}
