package dev.netloom.core;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Base of every UDP server: one receive loop on its own thread that hands each datagram to
 * {@link #handle}, with the same lifecycle as TCP services, datagram and byte counters, and a
 * table of peers seen (shown by {@code conns}, forgotten after {@code peer-expiry} of silence).
 * Datagrams longer than {@code max-datagram} go to {@link #oversized} instead.
 */
public abstract class UdpServer extends AbstractService {

    private static final System.Logger LOG = System.getLogger(UdpServer.class.getName());
    /** At most this many peers are remembered; the table is for inspection, not for serving. */
    private static final int MAX_PEERS = 10_000;
    /** How often the receive loop looks up from a quiet socket to see whether a stop began. */
    private static final int POLL_MS = 100;

    protected final UdpConfig config;
    private final Map<InetSocketAddress, Peer> peers = new ConcurrentHashMap<>();
    private final AtomicLong nextPeerId = new AtomicLong();
    private volatile DatagramSocket socket;
    private volatile InetSocketAddress bound;
    private Thread receiveThread;

    protected UdpServer(Settings settings) {
        super(settings);
        this.config = UdpConfig.from(settings);
    }

    /** Handles one datagram of at most {@code max-datagram} bytes; reply with {@link #send}. */
    protected abstract void handle(byte[] data, int length, InetSocketAddress from) throws IOException;

    /** Handles a datagram over the size limit; the default drops it (counted as an error). */
    protected void oversized(InetSocketAddress from) throws IOException {
    }

    /** Sends one datagram to {@code to}, counting it. */
    protected final void send(byte[] data, int length, InetSocketAddress to) throws IOException {
        // counted before sending, so a peer that has its reply also sees it counted
        stats.datagramsOut.increment();
        stats.bytesOut.add(length);
        socket.send(new DatagramPacket(data, length, to));
        Peer p = peers.get(to);
        if (p != null) {
            p.bytesOut.addAndGet(length);
        }
    }

    @Override
    public ServiceType.Transport transport() {
        return ServiceType.Transport.UDP;
    }

    @Override
    protected InetSocketAddress open() throws IOException {
        DatagramSocket ds = new DatagramSocket(null);
        try {
            ds.setReuseAddress(false);
            ds.setSoTimeout(POLL_MS);
            ds.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()));
        } catch (IOException e) {
            ds.close();
            throw e;
        }
        socket = ds;
        bound = (InetSocketAddress) ds.getLocalSocketAddress();
        receiveThread = Thread.ofPlatform().name(name() + "-receive").daemon().start(this::receiveLoop);
        return bound;
    }

    @Override
    public InetSocketAddress address() {
        return bound;
    }

    private void receiveLoop() {
        // one byte more than the limit, so an oversized datagram is seen as such and not truncated silently
        byte[] buf = new byte[config.maxDatagram() + 1];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        try {
            AcceptGate.await();
        } catch (InterruptedException e) {
            return;
        }
        while (!stopping() && !socket.isClosed()) {
            try {
                packet.setLength(buf.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException quiet) {
                    continue;
                }
                InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
                int length = packet.getLength();
                stats.datagramsIn.increment();
                stats.bytesIn.add(length);
                seen(from, length);
                if (length > config.maxDatagram()) {
                    stats.error();
                    oversized(from);
                } else {
                    stats.request();
                    handle(buf, length, from);
                }
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
                stats.error();
                LOG.log(Level.DEBUG, "{0}: {1}", name(), e.toString());
            } catch (Throwable t) {
                stats.error();
                LOG.log(Level.ERROR, name() + ": handling a datagram failed", t);
            }
        }
    }

    private void seen(InetSocketAddress from, int length) {
        long now = System.currentTimeMillis();
        Peer p = peers.get(from);
        if (p == null) {
            if (peers.size() >= MAX_PEERS) {
                expirePeers(now);
            }
            if (peers.size() >= MAX_PEERS) {
                return;
            }
            p = peers.computeIfAbsent(from, a -> new Peer(nextPeerId.incrementAndGet(), a, now));
            stats.peers.set(peers.size());
        }
        p.lastSeen = now;
        p.datagrams++;
        p.bytesIn.addAndGet(length);
    }

    private void expirePeers(long now) {
        long limit = config.peerExpiry().toMillis();
        peers.values().removeIf(p -> now - p.lastSeen > limit);
        stats.peers.set(peers.size());
    }

    @Override
    protected StopResult shutdown(Duration grace) {
        long start = System.nanoTime();
        boolean graceful = true;
        if (receiveThread != null) { // it finishes the datagram in hand, then sees the stop
            try {
                receiveThread.join(Math.max(POLL_MS * 2L, grace.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            graceful = !receiveThread.isAlive();
        }
        DatagramSocket ds = socket;
        if (ds != null) {
            ds.close();
        }
        return new StopResult(graceful, graceful ? 0 : 1, Duration.ofNanos(System.nanoTime() - start));
    }

    @Override
    public List<ConnectionInfo> connections() {
        expirePeers(System.currentTimeMillis());
        return peers.values().stream().map(Peer::info).sorted(Comparator.comparingLong(ConnectionInfo::id)).toList();
    }

    /** Forgets a peer; for UDP there is nothing to close. */
    @Override
    public boolean kill(long id) {
        boolean removed = peers.values().removeIf(p -> p.id == id);
        stats.peers.set(peers.size());
        return removed;
    }

    private static final class Peer {
        final long id;
        final InetSocketAddress address;
        final long firstSeen;
        final AtomicLong bytesIn = new AtomicLong();
        final AtomicLong bytesOut = new AtomicLong();
        volatile long lastSeen;
        volatile long datagrams;

        Peer(long id, InetSocketAddress address, long now) {
            this.id = id;
            this.address = address;
            this.firstSeen = now;
            this.lastSeen = now;
        }

        ConnectionInfo info() {
            long now = System.currentTimeMillis();
            return new ConnectionInfo(id, address, Duration.ofMillis(now - firstSeen), Duration.ofMillis(now - lastSeen),
                    bytesIn.get(), bytesOut.get(), datagrams + " datagram(s)");
        }
    }
}
