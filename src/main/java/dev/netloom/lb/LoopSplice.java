package dev.netloom.lb;

import dev.netloom.core.Connection;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * A tcp-mode connection's bytes relayed both ways on an {@link IoLoop}: the client's channel and
 * the server's, non-blocking, each direction with a 16 KiB direct buffer. A read is written on
 * at once; what the other side does not take yet waits in the buffer, and the source is not read
 * again until it has gone (so a slow reader slows its writer, as with blocking sockets). The end
 * of one direction is passed on as a half-close and the other goes on; an error either way, or
 * either socket closed from outside (the idle reaper, {@code kill}, a stop), closes both. The
 * session's virtual thread waits in {@link #await} meanwhile. Its {@code toString} is what
 * {@code conns} shows, as {@link dev.netloom.core.Splice}'s.
 */
final class LoopSplice implements IoLoop.Task {

    private static final System.Logger LOG = System.getLogger(LoopSplice.class.getName());
    private static final int BUFFER = 16 * 1024;

    private final IoLoop loop;
    private final Connection conn;
    private final SocketChannel client;
    private final SocketChannel server;
    private final String serverName;
    private final Direction up;
    private final Direction down;
    private final CountDownLatch done = new CountDownLatch(1);
    private final InetSocketAddress address;
    private final long connectNanos;
    private final Runnable onConnected;
    private SelectionKey clientKey; // null until the server is connected
    private SelectionKey serverKey;
    private long started;
    private volatile long connectedAfter = -1;
    private volatile IOException connectError;
    private volatile boolean ended;

    /** One way: bytes read from {@code from} wait in {@code buf} until {@code to} has taken them. */
    private static final class Direction {
        final SocketChannel from;
        final SocketChannel to;
        final LongAdder total;
        final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
        volatile long bytes;
        /** Bytes relayed and not yet added to the counters (the loop adds them on its tick). */
        long uncounted;
        boolean eof;

        Direction(SocketChannel from, SocketChannel to, LongAdder total) {
            this.from = from;
            this.to = to;
            this.total = total;
            buf.flip(); // empty: nothing to write
        }

        boolean pending() {
            return buf.hasRemaining();
        }

        boolean finished() {
            return eof && !buf.hasRemaining();
        }
    }

    /**
     * @param upTotal   counts the bytes from the client to the server (with others' relays)
     * @param downTotal counts the bytes from the server to the client
     */
    LoopSplice(IoLoop loop, Connection conn, SocketChannel client, String serverName, InetSocketAddress address,
               Duration connectTimeout, Runnable onConnected, LongAdder upTotal, LongAdder downTotal) throws IOException {
        this.loop = loop;
        this.conn = conn;
        this.client = client;
        this.server = SocketChannel.open();
        this.serverName = serverName;
        this.address = address;
        this.connectNanos = connectTimeout.toNanos();
        this.onConnected = onConnected;
        this.up = new Direction(client, server, upTotal);
        this.down = new Direction(server, client, downTotal);
    }

    /**
     * Connects to the server from the loop, then relays both ways; returns once both directions
     * have ended or one failed, or the connect failed ({@link #connectError}: the client is then
     * left open, for another try).
     */
    void relay() throws InterruptedException {
        loop.execute(this::start);
        try {
            done.await();
        } catch (InterruptedException e) {
            loop.execute(this::abort);
            throw e;
        }
    }

    long down() {
        return down.bytes;
    }

    /** Why the connect failed, or null. */
    IOException connectError() {
        return connectError;
    }

    /** Milliseconds the connect took, or -1 before it completed. */
    long connectMillis() {
        return connectedAfter < 0 ? -1 : connectedAfter / 1_000_000;
    }

    private void start() {
        started = System.nanoTime();
        try {
            server.configureBlocking(false);
            server.socket().setTcpNoDelay(true);
            boolean now = server.connect(address);
            serverKey = server.register(loop.selector(), now ? 0 : SelectionKey.OP_CONNECT, this);
            loop.track(this);
            if (now) {
                connected();
            }
        } catch (IOException e) {
            connectFailed(e);
        } catch (ClosedSelectorException e) { // the service stopped
            abort();
        }
    }

    /** The server took the connection: the client's socket joins the loop and the relay begins. */
    private void connected() {
        connectedAfter = System.nanoTime() - started;
        onConnected.run();
        try {
            client.configureBlocking(false);
            clientKey = client.register(loop.selector(), SelectionKey.OP_READ, this);
        } catch (IOException e) { // the client went away meanwhile
            LOG.log(Level.DEBUG, "connection {0}: {1}", conn.id(), e.toString());
            abort();
            return;
        }
        serverKey.interestOps(SelectionKey.OP_READ);
    }

    /** The connect failed or timed out: only the server's socket is closed; the session may try again. */
    private void connectFailed(IOException e) {
        if (ended) {
            return;
        }
        ended = true;
        connectError = e;
        closeServer();
        done.countDown();
    }

    private void closeServer() {
        if (serverKey != null) {
            serverKey.cancel();
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    @Override
    public void ready(SelectionKey key) {
        if (ended) {
            return;
        }
        if (clientKey == null) {
            try {
                if (server.finishConnect()) {
                    connected();
                }
            } catch (IOException e) {
                connectFailed(e);
            }
            return;
        }
        boolean isClient = key == clientKey;
        Direction in = isClient ? up : down;   // read from this key's channel
        Direction out = isClient ? down : up;  // written to this key's channel
        int ops = key.readyOps();
        try {
            if ((ops & SelectionKey.OP_WRITE) != 0) {
                flush(out);
            }
            if ((ops & SelectionKey.OP_READ) != 0 && !in.eof && !in.pending()) {
                pump(in);
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "connection {0} {1}: {2}", conn.id(), isClient ? "client" : "server", e.toString());
            abort();
            return;
        }
        if (up.finished() && down.finished()) {
            finish();
            return;
        }
        interest();
    }

    /** Reads once from the direction's source and writes on what came. */
    private void pump(Direction d) throws IOException {
        ByteBuffer b = d.buf;
        b.clear();
        int n = d.from.read(b);
        b.flip();
        if (n < 0) {
            d.eof = true;
            d.to.shutdownOutput();
            return;
        }
        flush(d);
    }

    /** Writes what waits in the direction's buffer, as much as its destination takes now. */
    private void flush(Direction d) throws IOException {
        ByteBuffer b = d.buf;
        if (!b.hasRemaining()) {
            return;
        }
        int n = d.to.write(b);
        if (n > 0) {
            d.bytes += n; // one writer (the loop): no lost update
            d.uncounted += n;
        }
        if (!b.hasRemaining() && d.eof) {
            d.to.shutdownOutput();
        }
    }

    /** Each key wants to read while its direction's buffer is empty, and to write while the other's is not. */
    private void interest() {
        setInterest(clientKey, up, down);
        setInterest(serverKey, down, up);
    }

    private static void setInterest(SelectionKey key, Direction in, Direction out) {
        int want = (!in.eof && !in.pending() ? SelectionKey.OP_READ : 0)
                | (out.pending() ? SelectionKey.OP_WRITE : 0);
        if (key.isValid() && key.interestOps() != want) {
            key.interestOps(want);
        }
    }

    /** Adds what was relayed since the last time to the connection's and the server's counters. */
    private void count() {
        long in = up.uncounted;
        long out = down.uncounted;
        up.uncounted = 0;
        down.uncounted = 0;
        if (in > 0) {
            conn.countReceived(in); // also keeps the idle reaper off
            up.total.add(in);
        }
        if (out > 0) {
            conn.countSent(out);
            down.total.add(out);
        }
    }

    @Override
    public boolean tick(long nowNanos) {
        if (ended) {
            return false;
        }
        if (clientKey == null && nowNanos - started > connectNanos) {
            connectFailed(new SocketTimeoutException("connect timed out"));
            return false;
        }
        count();
        if (!client.isOpen() || !server.isOpen()) {
            abort(); // closed from outside: the reaper, kill, a stop
            return false;
        }
        return true;
    }

    @Override
    public void abort() {
        finish();
    }

    /** Both directions ended, or one failed: both sockets closed, the session's thread goes on. */
    private void finish() {
        if (ended) {
            return;
        }
        ended = true;
        count();
        if (clientKey != null) {
            clientKey.cancel();
        }
        closeServer();
        conn.close();
        done.countDown();
    }

    @Override
    public String toString() {
        return "-> " + serverName + " (up " + up.bytes + " B, down " + down.bytes + " B)";
    }
}
