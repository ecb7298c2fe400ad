package dev.netloom.lb;

import dev.netloom.core.Connection;
import dev.netloom.core.ReadTimeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.LockSupport;

/**
 * An http-mode socket (a client's or a server connection's) kept non-blocking on one {@link
 * IoLoop} for its whole life, usable two ways. On the loop's thread a {@link Handler} is told
 * when it is ready and a read with nothing there throws {@link #WOULD_BLOCK} (the fast path, see
 * {@link FastPath}). On a virtual thread (the session's slow path) its streams block: the thread
 * asks the loop to watch the socket and parks until the loop unparks it, within the read timeout
 * ({@link ReadTimeout}, which {@link dev.netloom.core.DataReader} deadlines set). A socket closed
 * from outside (the reaper, {@code kill}, the watchdog, a stop) is noticed on the loop's tick: a
 * parked thread wakes and its read fails, a handler is told with no ready operations.
 */
final class LoopChannel implements IoLoop.Task, ReadTimeout {

    /** Thrown on the loop's thread for a read that would wait: nothing is lost, try again when ready. */
    static final IOException WOULD_BLOCK = new WouldBlock();

    final IoLoop loop;
    final SocketChannel channel;
    private final Connection counted;
    private final SelectionKey key;
    private final InputStream in = new In();
    private final OutputStream out = new Out();
    private volatile Thread waiter;
    private volatile Handler handler;
    private int timeoutMillis;
    private long uncountedIn;  // loop thread only
    private long uncountedOut; // loop thread only

    /** Told on the loop's thread that its socket is ready ({@code ops} 0: closed from outside). */
    interface Handler {
        void ready(LoopChannel ch, int ops);
    }

    private static final class WouldBlock extends IOException {
        WouldBlock() {
            super("would block", null);
            setStackTrace(new StackTraceElement[0]);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * @param counted the client connection whose bytes these are (counted, keeping the reaper
     *                off), or null for a server connection
     */
    private LoopChannel(IoLoop loop, SocketChannel channel, Connection counted) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.counted = counted;
        channel.configureBlocking(false);
        try {
            this.key = channel.register(loop.selector(), 0, this);
        } catch (ClosedSelectorException e) {
            throw new IOException("the lb is stopping", e);
        }
        loop.execute(() -> loop.track(this));
    }

    /** Puts {@code channel} on {@code loop}, non-blocking from now on. */
    static LoopChannel register(IoLoop loop, SocketChannel channel, Connection counted) throws IOException {
        return new LoopChannel(loop, channel, counted);
    }

    InputStream in() {
        return in;
    }

    OutputStream out() {
        return out;
    }

    /** Who is told when the socket is ready; null while a virtual thread or nobody uses it. */
    void handler(Handler h) {
        handler = h;
    }

    /** What the loop watches for the handler; call on the loop's thread. */
    void interest(int ops) {
        try {
            if (key.interestOps() != ops) {
                key.interestOps(ops);
            }
        } catch (CancelledKeyException e) {
            // closed: the tick tells the handler
        }
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    @Override
    public void ready(SelectionKey k) {
        Thread w = waiter;
        if (w != null) {
            waiter = null;
            interest(0);
            LockSupport.unpark(w);
            return;
        }
        Handler h = handler;
        if (h != null) {
            h.ready(this, k.readyOps());
        } else {
            interest(0);
        }
    }

    @Override
    public boolean tick(long nowNanos) {
        if (counted != null) {
            count();
        }
        if (channel.isOpen()) {
            return true;
        }
        abort();
        return false;
    }

    @Override
    public void abort() {
        if (counted != null && loop.inLoop()) {
            count();
        }
        close();
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
        Handler h = handler;
        if (h != null) {
            h.ready(this, 0);
        }
    }

    /** Reads into {@code b}: what is there, -1 at the end, {@link #WOULD_BLOCK} on the loop, or waits on a virtual thread. */
    int read(byte[] b, int off, int len) throws IOException {
        if (!loop.inLoop()) {
            return read(ByteBuffer.wrap(b, off, len));
        }
        ByteBuffer d = loop.readScratch;
        d.clear().limit(Math.min(len, d.capacity()));
        int n = read(d);
        if (n > 0) {
            d.get(0, b, off, n);
        }
        return n;
    }

    /** Reads what is there: -1 at the end, {@link #WOULD_BLOCK} on the loop, or waits on a virtual thread. */
    int read(ByteBuffer dst) throws IOException {
        while (true) {
            int n = channel.read(dst);
            if (n != 0 || !dst.hasRemaining()) {
                if (n > 0 && counted != null) {
                    if (loop.inLoop()) {
                        uncountedIn += n; // added on the loop's tick: no atomic add per read
                    } else {
                        counted.countReceived(n);
                    }
                }
                return n;
            }
            if (loop.inLoop()) {
                throw WOULD_BLOCK;
            }
            await(SelectionKey.OP_READ, timeoutMillis);
        }
    }

    /**
     * Writes what the socket takes now (the loop's way), advancing {@code srcs}; returns the bytes
     * written. Heap buffers go out through the loop's direct buffer: one copy and one write,
     * without the JDK's per-thread buffer cache.
     */
    long tryWrite(ByteBuffer... srcs) throws IOException {
        if (!loop.inLoop()) {
            return counted(channel.write(srcs));
        }
        ByteBuffer d = loop.writeScratch;
        d.clear();
        for (ByteBuffer b : srcs) {
            int r = Math.min(b.remaining(), d.remaining());
            d.put(d.position(), b, b.position(), r);
            d.position(d.position() + r);
        }
        d.flip();
        int n = channel.write(d);
        for (int i = 0, left = n; left > 0; i++) {
            int k = Math.min(left, srcs[i].remaining());
            srcs[i].position(srcs[i].position() + k);
            left -= k;
        }
        return counted(n);
    }

    private long counted(long sent) {
        if (sent > 0 && counted != null) {
            if (loop.inLoop()) {
                uncountedOut += sent;
            } else {
                counted.countSent(sent);
            }
        }
        return sent;
    }

    /** Adds the bytes the loop moved since the last tick to the connection's counts (keeping the reaper off). */
    private void count() {
        if (uncountedIn > 0) {
            counted.countReceived(uncountedIn);
            uncountedIn = 0;
        }
        if (uncountedOut > 0) {
            counted.countSent(uncountedOut);
            uncountedOut = 0;
        }
    }

    /** Writes all of {@code src}, waiting for room (a virtual thread's way). */
    void writeFully(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            if (tryWrite(src) == 0) {
                await(SelectionKey.OP_WRITE, 0);
            }
        }
    }

    /** Parks this (virtual) thread until the loop sees the socket ready for {@code ops}. */
    private void await(int ops, int millis) throws IOException {
        if (loop.inLoop()) {
            throw new IllegalStateException("the loop's thread must not wait");
        }
        long deadline = millis > 0 ? System.nanoTime() + millis * 1_000_000L : 0;
        Thread me = Thread.currentThread();
        waiter = me;
        loop.execute(() -> {
            if (waiter == me) {
                interest(ops); // on the loop's thread, as every change of the key's interest
            }
        });
        while (waiter == me) {
            if (!channel.isOpen()) {
                waiter = null;
                throw new ClosedChannelException();
            }
            if (deadline == 0) {
                LockSupport.park(this);
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    waiter = null;
                    loop.execute(() -> {
                        if (waiter == null && handler == null) {
                            interest(0);
                        }
                    });
                    throw new SocketTimeoutException("read timed out");
                }
                LockSupport.parkNanos(this, left);
            }
        }
    }

    @Override
    public int get() {
        return timeoutMillis;
    }

    @Override
    public void set(int millis) {
        timeoutMillis = millis;
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return LoopChannel.this.read(b, off, len);
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writeFully(ByteBuffer.wrap(b, off, len));
        }
    }
}
