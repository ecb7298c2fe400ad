package dev.netloom.core;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Base of every TCP server: a blocking accept loop on its own platform thread for each port it
 * listens on (one, or several: see {@link #ports()}), one virtual thread per connection named
 * {@code <service>-<n>}, the connection registry, the connection limit answered by
 * {@link #refuse}, the idle timeout, and a graceful stop.
 *
 * <p>Subclasses implement {@link #serve(Connection)}: read requests, write replies, mark each
 * exchange busy/idle, and return when the client is done or the connection should end.
 */
public abstract class TcpServer extends AbstractService {

    private static final System.Logger LOG = System.getLogger(TcpServer.class.getName());
    private static final long MAX_BACKOFF_MS = 1000;
    /** How often connections are checked for idleness: the precision of idle timeouts. */
    private static final long REAP_MILLIS = 250;

    protected final TcpConfig config;
    private final Map<Long, Connection> connections = new ConcurrentHashMap<>();
    private final ReentrantLock drainLock = new ReentrantLock();
    private final Condition drained = drainLock.newCondition();
    private final AtomicLong nextId = new AtomicLong();
    private volatile List<Acceptor> acceptors = List.of();
    /** Set by a stop when it starts closing idle connections: from then on none goes back to idle. */
    private volatile boolean closingIdle;
    private Thread reaper;

    protected TcpServer(Settings settings) {
        super(settings);
        this.config = TcpConfig.from(settings);
    }

    /** Serves one connection until the client is done; an IOException just ends it. */
    protected abstract void serve(Connection c) throws IOException;

    /**
     * Answers a client over the connection limit in the protocol's way (HTTP 503, SMTP 421, an
     * error line) before it is closed. The default sends nothing.
     */
    protected void refuse(OutputStream out) throws IOException {
    }

    @Override
    public ServiceType.Transport transport() {
        return ServiceType.Transport.TCP;
    }

    /**
     * The ports to listen on, each on {@code host}, in order: the configured {@code port}. A service
     * with several listeners (tcp-proxy's routes) returns one per listener; {@link #address()} is
     * the first one's, {@link #addresses()} all of them, and a handler tells them apart by
     * {@link Connection#local()}.
     */
    protected List<Integer> ports() {
        return List.of(config.port());
    }

    @Override
    protected InetSocketAddress open() throws IOException {
        List<Acceptor> opened = new ArrayList<>();
        try {
            for (int port : ports()) {
                opened.add(new Acceptor(bind(port)));
            }
        } catch (IOException | RuntimeException e) {
            opened.forEach(Acceptor::close);
            throw e;
        }
        acceptors = List.copyOf(opened); // every address known before the first accept
        for (Acceptor a : acceptors) {
            String suffix = acceptors.size() > 1 ? "-accept-" + a.address.getPort() : "-accept";
            a.thread = Thread.ofPlatform().name(name() + suffix).daemon().start(a::acceptLoop);
        }
        reaper = Thread.ofVirtual().name(name() + "-reaper").start(this::reapIdle);
        return acceptors.getFirst().address;
    }

    /**
     * Binds one listener on {@code host:port}. A subclass may wrap it to word a failure itself
     * (the route a port belongs to).
     */
    protected ServerSocket bind(int port) throws IOException {
        // a channel's socket adaptor: accepted sockets then have a channel, which FileChannel.transferTo
        // needs for zero-copy sends, while handlers keep the plain blocking stream API
        ServerSocket ss = ServerSocketChannel.open().socket();
        try {
            ss.setReuseAddress(true);
            if (config.reusePort()) {
                ss.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            beforeBind(ss);
            ss.bind(new InetSocketAddress(InetAddress.getByName(config.host()), port), config.backlog());
        } catch (IOException e) {
            ss.close();
            throw e;
        }
        return ss;
    }

    /** Sets options a listener needs before it binds (p2p: SO_REUSEPORT); the default sets none. */
    protected void beforeBind(ServerSocket listener) throws IOException {
    }

    @Override
    public InetSocketAddress address() {
        List<Acceptor> a = acceptors;
        return a.isEmpty() ? null : a.getFirst().address;
    }

    /** Every address listened on, in the order of {@link #ports()}; empty before the service is RUNNING. */
    public List<InetSocketAddress> addresses() {
        return acceptors.stream().map(a -> a.address).toList();
    }

    private static boolean outOfFiles(IOException e) {
        return e.getMessage() != null && e.getMessage().contains("Too many open files");
    }

    private static RandomAccessFile openSpare() {
        try {
            return new RandomAccessFile("/dev/null", "r");
        } catch (IOException e) {
            return null; // no /dev/null, or still out of descriptors: try again next time
        }
    }

    private long backOff(long previous, IOException e) throws InterruptedException {
        long next = previous == 0 ? 10 : Math.min(MAX_BACKOFF_MS, previous * 2);
        stats.error();
        LOG.log(next == 10 ? Level.WARNING : Level.DEBUG, "{0}: accept failed ({1}); retrying in {2} ms",
                name(), e.getMessage(), next);
        Thread.sleep(next);
        return next;
    }

    private void admit(Socket socket) {
        try {
            socket.setTcpNoDelay(config.tcpNoDelay());
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "{0}: TCP_NODELAY: {1}", name(), e.getMessage()); // the client is gone already
        }
        // one accepted while a stop closes the listener is served too (its answer the last): the
        // kernel took it, and a refusal would be an error for a client a reload should not touch
        if (stats.active.get() >= config.maxConnections()) {
            stats.rejected.increment();
            Thread.ofVirtual().name(name() + "-refuse").start(() -> refuseAndClose(socket, true));
            return;
        }
        long id = nextId.incrementAndGet();
        Connection c = new Connection(id, socket, this);
        stats.active.incrementAndGet();
        stats.total.increment();
        connections.put(id, c);
        Thread.ofVirtual().name(name() + "-" + id).start(c);
    }

    /**
     * Sends the protocol's refusal and closes. With {@code linger}, the close waits briefly for
     * what the client is still sending, so that the refusal is not lost to a reset (see
     * {@link Linger}); without it (out of descriptors, on the accept thread) it closes at once.
     */
    private void refuseAndClose(Socket socket, boolean linger) {
        try {
            socket.setSoTimeout(1000);
            refuse(socket.getOutputStream());
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "{0}: refusing {1}: {2}", name(), socket.getRemoteSocketAddress(), e.getMessage());
        }
        if (linger) {
            Linger.close(socket);
        } else {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed is all we wanted
            }
        }
    }

    /** Closes connections silent past their idle limit, a few times a second, until the service stops. */
    private void reapIdle() {
        while (!stopping()) {
            try {
                Thread.sleep(REAP_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.currentTimeMillis();
            for (Connection c : connections.values()) {
                if (c.idleTooLong(now)) {
                    LOG.log(Level.DEBUG, "{0}: connection {1} idle past its limit, closing", name(), c.id());
                    c.closeNow();
                }
            }
        }
    }

    /** Called by a connection's thread as its last act: forget it and wake a waiting stop. */
    void closed(Connection c) {
        connections.remove(c.id());
        stats.active.decrementAndGet();
        drainLock.lock();
        try {
            drained.signalAll();
        } finally {
            drainLock.unlock();
        }
    }

    /**
     * True when a connection that just answered must end now: the service is stopping and its
     * {@code drain-idle} window (if any) is over. Inside the window a connection goes back to
     * wait for its client's next request, which the protocol answers as the last (HTTP:
     * {@code Connection: close}); closing it after an answer that promised more would meet the
     * client's next request with a closed socket.
     */
    boolean endsAfterAnswer() {
        return stopping() && (closingIdle || !config.drainIdle().isPositive());
    }

    /** The configured idle timeout in milliseconds (0 = none). */
    int idleTimeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, config.idleTimeout().toMillis());
    }

    @Override
    protected StopResult shutdown(Duration grace) {
        long start = System.nanoTime();
        acceptors.forEach(Acceptor::close);
        acceptors.forEach(Acceptor::join);
        if (reaper != null) {
            reaper.interrupt();
        }
        long deadline = start + grace.toNanos();
        if (config.drainIdle().isPositive()) { // idle ones may send one more request, answered as the last
            awaitEmpty(Math.min(deadline, start + config.drainIdle().toNanos()));
        }
        closingIdle = true;
        connections.values().forEach(Connection::closeIfIdle);
        boolean graceful = awaitEmpty(deadline);
        int forced = 0;
        if (!graceful) {
            forced = connections.size();
            connections.values().forEach(Connection::closeNow);
            awaitEmpty(System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
        }
        return new StopResult(graceful, forced, Duration.ofNanos(System.nanoTime() - start));
    }

    private boolean awaitEmpty(long deadlineNanos) {
        drainLock.lock();
        try {
            while (!connections.isEmpty()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                drained.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return connections.isEmpty();
        } finally {
            drainLock.unlock();
        }
    }

    @Override
    public List<ConnectionInfo> connections() {
        return connections.values().stream().map(Connection::info)
                .sorted(Comparator.comparingLong(ConnectionInfo::id)).toList();
    }

    @Override
    public boolean kill(long id) {
        Connection c = connections.get(id);
        if (c == null) {
            return false;
        }
        LOG.log(Level.INFO, "{0}: connection {1} killed from the shell", name(), id);
        c.closeNow();
        return true;
    }

    /** One listener and its accept loop, on a platform thread of its own. */
    private final class Acceptor {
        private final ServerSocket listener;
        private final InetSocketAddress address;
        private Thread thread;
        /** A descriptor held in reserve by the accept thread; see {@link #refuseWithSpareDescriptor}. */
        private RandomAccessFile spare;

        Acceptor(ServerSocket listener) {
            this.listener = listener;
            this.address = (InetSocketAddress) listener.getLocalSocketAddress();
        }

        private void acceptLoop() {
            long backoff = 0;
            spare = openSpare();
            try {
                AcceptGate.await();
                while (!listener.isClosed()) {
                    Socket socket;
                    try {
                        socket = listener.accept();
                        backoff = 0;
                    } catch (IOException e) {
                        if (listener.isClosed()) {
                            return; // stop closed the listener
                        }
                        if (outOfFiles(e) && refuseWithSpareDescriptor()) {
                            continue; // a client was answered; the next may be too, without waiting
                        }
                        backoff = backOff(backoff, e); // e.g. out of descriptors: wait for some to close
                        continue;
                    }
                    admit(socket);
                }
            } catch (Throwable t) {
                failed(t);
                acceptors.forEach(Acceptor::close);
            } finally {
                closeSpare();
            }
        }

        private void closeSpare() {
            try {
                if (spare != null) {
                    spare.close();
                }
            } catch (IOException ignored) {
                // a read-only /dev/null handle has nothing to flush
            }
            spare = null;
        }

        /**
         * Out of file descriptors the pending client would wait in the backlog with no answer. A
         * descriptor kept in reserve is given up so that one client can be accepted, refused in the
         * protocol's way and closed; then the reserve is taken again. Returns whether a client was
         * refused and the reserve is back (else the caller backs off, so the loop never spins).
         */
        private boolean refuseWithSpareDescriptor() {
            if (spare == null) {
                spare = openSpare();
                return false;
            }
            boolean refused = false;
            try {
                spare.close();
                spare = null;
                Socket socket = listener.accept();
                stats.rejected.increment();
                refuseAndClose(socket, false);
                refused = true;
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "{0}: refusing with the spare descriptor: {1}", name(), e.getMessage());
                stats.error();
            } finally {
                spare = openSpare();
            }
            return refused && spare != null;
        }

        private void close() {
            try {
                listener.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "{0}: closing listener: {1}", name(), e.getMessage());
            }
        }

        private void join() {
            Thread t = thread;
            if (t != null && t != Thread.currentThread()) {
                try {
                    t.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
