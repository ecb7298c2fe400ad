package dev.netloom.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * One accepted TCP connection: its socket, counting streams, and what the shell shows of it.
 *
 * <p>A handler marks each exchange with {@link #busy(String)} when a request starts arriving and
 * {@link #idle()} when its reply is written. A graceful stop closes idle connections at once and
 * lets busy ones finish their exchange: {@code busy} and {@code idle} return false once the
 * connection should end, and the handler returns.
 *
 * <p>Idle connections are closed by the server's reaper (see {@link #idleLimit}), not by read
 * timeouts: a timed read under a virtual thread schedules and cancels a timer for every read,
 * which costs more than the request itself in a fast protocol.
 *
 * <p>Fields are kept few, buffers are not held here, and the thread's stack is kept shallow
 * (its run method calls the handler directly), so an idle connection costs little heap.
 */
public final class Connection implements Runnable {

    private static final System.Logger LOG = System.getLogger(Connection.class.getName());

    private static final int IDLE = 0;
    private static final int BUSY = 1;
    private static final int CLOSING = 2;
    private static final AtomicIntegerFieldUpdater<Connection> PHASE =
            AtomicIntegerFieldUpdater.newUpdater(Connection.class, "phase");
    private static final AtomicLongFieldUpdater<Connection> BYTES_OUT =
            AtomicLongFieldUpdater.newUpdater(Connection.class, "bytesOut");

    private final long id;
    private final Socket socket;
    private final TcpServer server;
    private final long startedMillis;
    private volatile long lastActiveMillis;
    private volatile long bytesIn;
    private volatile long bytesOut;
    private volatile Object activity; // rendered with toString() only when the shell asks
    private volatile int phase = IDLE;
    private volatile long idleLimitMillis;
    private volatile Farewell farewell;
    private InputStream in;
    private OutputStream out;

    Connection(long id, Socket socket, TcpServer server) {
        this.id = id;
        this.socket = socket;
        this.server = server;
        this.startedMillis = System.currentTimeMillis();
        this.lastActiveMillis = startedMillis;
        this.idleLimitMillis = server.idleTimeoutMillis();
    }

    /** The connection's thread: serve, then always close the socket and leave the registry. */
    @Override
    public void run() {
        try {
            LOG.log(Level.DEBUG, "{0}: connection {1} from {2}", server.name(), id, socket.getRemoteSocketAddress());
            server.serve(this);
        } catch (SocketTimeoutException e) {
            LOG.log(Level.DEBUG, "{0}: connection {1}: read timed out", server.name(), id);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "{0}: connection {1}: {2}", server.name(), id, e.toString());
        } catch (Throwable t) {
            server.counters().error();
            LOG.log(Level.ERROR, server.name() + ": connection " + id + " failed", t);
        } finally {
            closeSocket();
            server.closed(this);
        }
    }

    public long id() {
        return id;
    }

    public Socket socket() {
        return socket;
    }

    public InetSocketAddress remote() {
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    /** The service's counters, to count requests and errors. */
    public ServiceStats stats() {
        return server.counters();
    }

    /** The socket's input, counting bytes; no buffering (wrap it if the protocol wants to). */
    public InputStream in() throws IOException {
        if (in == null) {
            in = new CountingInput(socket.getInputStream());
        }
        return in;
    }

    /** The socket's output, counting bytes; unbuffered, so each write is sent. */
    public OutputStream out() throws IOException {
        if (out == null) {
            out = new CountingOutput(socket.getOutputStream());
        }
        return out;
    }

    /**
     * Marks the start of an exchange (a request has begun to arrive), with what the shell shows
     * meanwhile: any object, its toString() called only when someone looks (so a live object,
     * such as a session, shows its state as it changes). Returns false if the connection is
     * being closed by a stop or kill; the handler should then return.
     */
    public boolean busy(Object what) {
        activity = what;
        return PHASE.compareAndSet(this, IDLE, BUSY) || phase == BUSY;
    }

    /**
     * Marks the end of an exchange. Returns false when the service is stopping, so the
     * handler ends the connection after the reply it just wrote.
     */
    public boolean idle() {
        activity = null;
        PHASE.compareAndSet(this, BUSY, IDLE);
        return !server.stopping() && phase == IDLE;
    }

    /**
     * Sets how long this connection may stay silent (nothing read or written) before the
     * server's reaper closes it; zero means never. Starts as the service's {@code idle-timeout};
     * a protocol may change it, e.g. to a keep-alive timeout between HTTP requests.
     */
    public void idleLimit(Duration limit) {
        idleLimitMillis = limit.toMillis();
    }

    /** True when the connection has been silent longer than its idle limit. */
    boolean idleTooLong(long nowMillis) {
        long limit = idleLimitMillis;
        return limit > 0 && nowMillis - lastActiveMillis > limit;
    }

    /**
     * Sets what the shell shows as this connection's activity, without changing busy/idle. Any
     * object: its toString() is called only when someone looks (a request head, a command).
     */
    public void activity(Object what) {
        activity = what;
    }

    /**
     * Marks the connection active now, for protocols whose bytes do not pass through
     * {@link #in()} and {@link #out()} (a TLS layer on the raw socket).
     */
    public void touch() {
        lastActiveMillis = System.currentTimeMillis();
    }

    /**
     * {@code in} (a TLS stream over this connection's socket, whose bytes {@link #in()} does not
     * see) marking the connection active on each read, so the reaper and {@code conns} see it.
     */
    public InputStream touching(InputStream in) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                touch();
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                touch();
                return n;
            }

            @Override
            public int available() throws IOException {
                return in.available();
            }
        };
    }

    /** Counts bytes sent around {@link #out()}, e.g. by FileChannel.transferTo to the socket's channel. */
    public void countSent(long n) {
        BYTES_OUT.addAndGet(this, n);
        lastActiveMillis = System.currentTimeMillis();
        server.counters().bytesOut.add(n);
    }

    /** Closes the connection now if it is between exchanges; returns whether it did. */
    boolean closeIfIdle() {
        if (PHASE.compareAndSet(this, IDLE, CLOSING)) {
            Farewell f = farewell;
            if (f == null) {
                closeSocket();
            } else {
                // on its own thread: a client that reads nothing must not hold up the stop
                Thread.ofVirtual().name("farewell-" + id).start(() -> {
                    try {
                        f.say();
                    } catch (IOException ignored) {
                        // the client is gone already
                    } finally {
                        closeSocket();
                    }
                });
            }
            return true;
        }
        return false;
    }

    /** What a protocol tells a waiting client when the server stops (SMTP: 421). */
    @FunctionalInterface
    public interface Farewell {
        void say() throws IOException;
    }

    /**
     * Sets what to send when a stop closes this connection while it waits for a request (it is
     * idle); the socket is closed after it. Not used by {@code kill}, which closes at once.
     */
    public void farewell(Farewell f) {
        farewell = f;
    }

    /** Closes the connection whatever it is doing (kill, or the end of the grace period). */
    void closeNow() {
        phase = CLOSING;
        closeSocket();
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all we wanted; the handler sees the closed socket and ends
        }
    }

    public ConnectionInfo info() {
        long now = System.currentTimeMillis();
        Object current = activity;
        String what = current != null ? current.toString() : phase == CLOSING ? "closing" : "idle";
        return new ConnectionInfo(id, socket.getRemoteSocketAddress(), Duration.ofMillis(now - startedMillis),
                Duration.ofMillis(Math.max(0, now - lastActiveMillis)), bytesIn, bytesOut, what);
    }

    private void countIn(int n) {
        if (n > 0) {
            bytesIn += n; // only the connection's own thread reads
            lastActiveMillis = System.currentTimeMillis();
            server.counters().bytesIn.add(n);
        }
    }

    private void countOut(int n) {
        BYTES_OUT.addAndGet(this, n); // writers may be several threads (e.g. a broadcast)
        lastActiveMillis = System.currentTimeMillis();
        server.counters().bytesOut.add(n);
    }

    private final class CountingInput extends InputStream {
        private final InputStream delegate;

        CountingInput(InputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public int read() throws IOException {
            // read(byte[]) directly: one stack frame less than the socket stream's read() while parked
            byte[] one = new byte[1];
            int n = delegate.read(one, 0, 1);
            countIn(n);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = delegate.read(b, off, len);
            countIn(n);
            return n;
        }

        @Override
        public int available() throws IOException {
            return delegate.available();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }

    private final class CountingOutput extends OutputStream {
        private final OutputStream delegate;

        CountingOutput(OutputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(int b) throws IOException {
            delegate.write(b);
            countOut(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            delegate.write(b, off, len);
            countOut(len);
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
