package dev.netloom.core;

import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * One accepted TCP connection: it owns the socket (services never see it) and gives the handler
 * what it needs of it: {@link #in()} and {@link #out()}, {@link #startTls} (STARTTLS, AUTH TLS,
 * or TLS from the first byte), {@link #transferFrom} (sendfile), {@link #write(ByteBuffer...)}
 * (writev), {@link #readTimeout}, {@link #reader} (a buffered reader that reads against a
 * deadline), {@link #shutdownOutput}, the addresses, and what the shell shows of it.
 *
 * <p>Bytes in and out are <em>wire</em> bytes, counted under any TLS layer: handshakes and record
 * overhead included, what {@code ss -ti} and tcpdump see. A plain connection's wire bytes are its
 * protocol's bytes. Bytes of a service's auxiliary sockets (an FTP data connection) are added
 * with {@link #countReceived} and {@link #countSent}.
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
    private static final AtomicLongFieldUpdater<Connection> BYTES_IN =
            AtomicLongFieldUpdater.newUpdater(Connection.class, "bytesIn");
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
    private InputStream in;   // what the handler reads: the wire, or the TLS layer over it
    private OutputStream out;
    private InputStream wireIn; // the socket's streams, counting
    private OutputStream wireOut;
    private volatile SSLSocket tls;
    private volatile Closeable companion; // closed with the socket: see closeWith

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
            closeTls();
            closeSocket();
            server.closed(this);
        }
    }

    public long id() {
        return id;
    }

    /** The client's address. */
    public InetSocketAddress remote() {
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    /** The local address the client connected to (FTP's PASV answers with it). */
    public InetSocketAddress local() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** The service's counters, to count requests and errors. */
    public ServiceStats stats() {
        return server.counters();
    }

    /**
     * The connection's input, counting bytes; no buffering (wrap it if the protocol wants to).
     * After {@link #startTls} it is the TLS layer's plaintext: take it again then.
     */
    public InputStream in() throws IOException {
        if (in == null) {
            in = wireIn();
        }
        return in;
    }

    /** The connection's output, counting bytes; unbuffered, so each write is sent. After {@link #startTls}, TLS's. */
    public OutputStream out() throws IOException {
        if (out == null) {
            out = wireOut();
        }
        return out;
    }

    private InputStream wireIn() throws IOException {
        if (wireIn == null) {
            wireIn = new CountingStreams.In(this, socket.getInputStream());
        }
        return wireIn;
    }

    private OutputStream wireOut() throws IOException {
        if (wireOut == null) {
            wireOut = new CountingStreams.Out(this, socket.getOutputStream());
        }
        return wireOut;
    }

    /**
     * Starts TLS as the server (STARTTLS, AUTH TLS, or at once for a TLS-only service) and shakes
     * hands, within {@code upgrade}'s handshake time limit; after it {@link #in()} and {@link #out()}
     * are the TLS layer's (a reader made over the old {@code in()} must be made again), and the read
     * timeout is what it was. The TLS records pass through the counting streams: wire bytes are
     * counted. Called from the connection's own thread.
     *
     * @return the session, for its protocol and cipher suite
     * @throws IOException when the handshake fails or times out, or the server's key cannot be loaded
     * @throws IllegalStateException when TLS is already on
     */
    public SSLSession startTls(TlsUpgrade upgrade) throws IOException {
        if (tls != null) {
            throw new IllegalStateException("TLS is already on for connection " + id);
        }
        int timeout = socket.getSoTimeout();
        SSLSocket ssl = upgrade.wrap(new WireSocket(socket, wireIn(), wireOut()));
        tls = ssl; // from here the end of the connection closes the TLS layer too
        ssl.startHandshake();
        socket.setSoTimeout(timeout);
        in = ssl.getInputStream();
        out = ssl.getOutputStream();
        return ssl.getSession();
    }

    /**
     * Stops using the TLS layer without closing it, for a protocol that goes on with records of
     * its own keyed through TLS (p2p's version 2, docs/protocol.md): {@link #in()} and
     * {@link #out()} are the wire's counting streams again, and the connection's end sends no
     * close_notify among that protocol's bytes. JSSE reads exactly one record at a time from the
     * wire, so nothing the peer sent after its last TLS record has been taken.
     */
    public void leaveTls() {
        tls = null;
        in = wireIn;
        out = wireOut;
    }

    /** True once {@link #startTls} has begun (and {@link #leaveTls} has not been called). */
    public boolean secure() {
        return tls != null;
    }

    /**
     * Makes a read wait at most {@code timeout} (zero: forever); a read past it throws
     * {@link SocketTimeoutException}. Most services leave idleness to the reaper ({@link #idleLimit});
     * this is for protocols that answer a silent client themselves (FTP/SMTP 421) or bound one read.
     */
    public void readTimeout(Duration timeout) throws SocketException {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    /**
     * A buffered reader over {@link #in()} whose deadlines set this connection's read timeout
     * (see {@link DataReader#deadline}), the buffer starting at {@code initialSize} bytes. After
     * {@link #startTls} make it again.
     */
    public DataReader reader(int initialSize) throws IOException {
        return new DataReader(in(), initialSize, ReadTimeout.of(socket));
    }

    /** Ends the output (after TLS's close_notify when on): the client reads the end of stream; input stays open. */
    public void shutdownOutput() throws IOException {
        SSLSocket t = tls;
        if (t != null) {
            t.shutdownOutput();
        } else {
            socket.shutdownOutput();
        }
    }

    /** Whether TCP_NODELAY is on for this connection (the service's {@code tcp-no-delay}, set at accept). */
    public boolean tcpNoDelay() throws SocketException {
        return socket.getTcpNoDelay();
    }

    /**
     * Sends {@code count} bytes of {@code file} from {@code position}, counted: zero-copy with
     * sendfile ({@code FileChannel.transferTo}) on a plain connection, through {@link #out()} under
     * TLS. Under a virtual thread the socket is non-blocking underneath and transferTo returns 0
     * when the send buffer is full instead of waiting; then the next slice goes by a blocking
     * channel write, which parks until the socket drains, so the loop never spins.
     *
     * @throws EOFException when the file ends before {@code position + count}
     */
    public void transferFrom(FileChannel file, long position, long count) throws IOException {
        SocketChannel ch = channel();
        long pos = position;
        long end = position + count;
        ByteBuffer slice = null;
        while (pos < end) {
            long n = ch != null ? file.transferTo(pos, end - pos, ch) : 0;
            if (n > 0) {
                pos += n;
                countSent(n);
                continue;
            }
            if (slice == null) {
                slice = ByteBuffer.allocate((int) Math.min(64 * 1024, end - pos));
            }
            slice.clear().limit((int) Math.min(slice.capacity(), end - pos));
            int r = file.read(slice, pos);
            if (r <= 0) {
                throw new EOFException("file shrank while being sent"); // the client sees a short body and a close
            }
            slice.flip();
            if (ch != null) {
                while (slice.hasRemaining()) {
                    ch.write(slice);
                }
                countSent(r);
            } else {
                out().write(slice.array(), 0, r);
            }
            pos += r;
        }
    }

    /**
     * Reads into {@code dst}, counted: a channel read on a plain connection (a direct buffer is
     * filled without a copy through the heap), through {@link #in()} under TLS.
     *
     * @return the bytes read, or -1 at the end of the stream
     */
    public int read(ByteBuffer dst) throws IOException {
        SocketChannel ch = channel();
        if (ch == null) {
            byte[] bytes = new byte[dst.remaining()];
            int n = in().read(bytes);
            if (n > 0) {
                dst.put(bytes, 0, n);
            }
            return n;
        }
        int n = ch.read(dst);
        countReceived(n);
        return n;
    }

    /** Writes all of {@code parts}, counted: one gathering write (writev) on a plain connection, in turn under TLS. */
    public void write(ByteBuffer... parts) throws IOException {
        SocketChannel ch = channel();
        if (ch == null) {
            OutputStream o = out();
            for (ByteBuffer b : parts) {
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                o.write(bytes);
            }
            return;
        }
        long total = 0;
        for (ByteBuffer b : parts) {
            total += b.remaining();
        }
        long written = 0;
        while (written < total) {
            written += ch.write(parts); // a blocking channel: parks while the socket is full
        }
        countSent(total);
    }

    /** The socket's channel for direct writes, or null under TLS (they would bypass it). */
    private SocketChannel channel() {
        return tls == null ? socket.getChannel() : null;
    }

    /**
     * The socket's channel, for a handler that moves the bytes on an event loop of its own (the
     * lb); null under TLS. Such a handler counts what it moves with {@link #countReceived} and
     * {@link #countSent} (which keep the reaper off), and uses none of the streams meanwhile.
     */
    public SocketChannel plainChannel() {
        return channel();
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
     * Marks the end of an exchange. Returns false when the service is stopping (past its
     * {@code drain-idle} window, if it has one), so the handler ends the connection after the
     * reply it just wrote.
     */
    public boolean idle() {
        activity = null;
        PHASE.compareAndSet(this, BUSY, IDLE);
        return !server.endsAfterAnswer() && phase == IDLE;
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
     * Marks the connection active now without bytes passing (e.g. while an auxiliary socket
     * of it, such as an FTP data connection, is busy), so the reaper leaves it alone.
     */
    public void touch() {
        lastActiveMillis = System.currentTimeMillis();
    }

    /**
     * Counts {@code n} bytes received on an auxiliary socket of this connection (an FTP data
     * connection) as this connection's and the service's bytes in. Any thread may call it.
     */
    public void countReceived(long n) {
        if (n > 0) {
            BYTES_IN.addAndGet(this, n);
            lastActiveMillis = System.currentTimeMillis();
            server.counters().bytesIn.add(n);
        }
    }

    /** Counts {@code n} bytes sent around {@link #out()}: on an auxiliary socket, or by a channel write. Any thread. */
    public void countSent(long n) {
        if (n > 0) {
            BYTES_OUT.addAndGet(this, n);
            lastActiveMillis = System.currentTimeMillis();
            server.counters().bytesOut.add(n);
        }
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

    /**
     * Closes the socket now, from any thread, without TLS's close_notify: a read or write in
     * progress fails and the handler ends (a chat member kicked, or whose writer gave up).
     */
    public void close() {
        closeSocket();
    }

    /**
     * Closes without losing a reply the client may not have read yet: half-closes, drains what
     * the client is still sending for a short while, then closes (see {@link Linger}).
     */
    public void lingerClose() {
        SSLSocket t = tls;
        Linger.close(t != null ? t : socket);
    }

    /**
     * Closes at once with a reset (SO_LINGER 0): the client's next read fails with "connection
     * reset" instead of seeing an orderly end (a fault a proxy injects on purpose).
     */
    public void reset() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closed already: the close below is all there is to do
        }
        closeNow();
    }

    /** Sends TLS's close_notify if TLS is on and the socket still open; never throws. */
    private void closeTls() {
        SSLSocket t = tls;
        if (t != null && !socket.isClosed()) {
            try {
                t.close();
            } catch (IOException ignored) {
                // the client is gone: the socket is closed next anyway
            }
        }
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all we wanted; the handler sees the closed socket and ends
        }
        Closeable c = companion;
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // as above: a thread blocked on it sees it closed and ends
            }
        }
    }

    /**
     * Closes {@code other} (a socket the connection relays to, a data connection) whenever this
     * connection is closed from outside or at its end: {@code kill}, the idle reaper, a stop past
     * its grace, {@link #close()}. A thread blocked on {@code other} then ends too, though nothing
     * of this connection's own socket would wake it. One companion; a second replaces the first.
     */
    public void closeWith(Closeable other) {
        companion = other;
    }

    public ConnectionInfo info() {
        long now = System.currentTimeMillis();
        Object current = activity;
        String what = current != null ? current.toString() : phase == CLOSING ? "closing" : "idle";
        return new ConnectionInfo(id, socket.getRemoteSocketAddress(), Duration.ofMillis(now - startedMillis),
                Duration.ofMillis(Math.max(0, now - lastActiveMillis)), bytesIn, bytesOut, what);
    }
}
