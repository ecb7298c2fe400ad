package dev.netloom.p2p;

import dev.netloom.core.HostPort;
import dev.netloom.p2p.wire.Frame;
import dev.netloom.p2p.wire.FrameReader;
import dev.netloom.p2p.wire.FrameWriter;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This peer's side of the rendezvous services (docs/protocol.md, "Rendezvous"): one control
 * connection to each, kept open (and made again, with backoff, when it drops), over which the
 * peer announces its shares and downloads, asks who has what it downloads, asks for a punch
 * when a peer it learnt of cannot be dialled, and hears of punches asked by others.
 *
 * <p>The control connection leaves from this peer's own listening port (SO_REUSEPORT), so the
 * address the rendezvous sees is the one a NAT maps that port to: the address other peers are
 * told, and the one both sides of a punch connect from and to. A punch is a TCP simultaneous
 * open: both sides connect from their listening port to the other's mapped address at once,
 * retrying for {@value #PUNCH_MILLIS} ms; the NATs let the crossing SYNs through as replies to
 * their own. When that fails (a symmetric NAT maps each destination to another port), both sides
 * open a new connection to the rendezvous and ask it to relay, naming the punch's token; the peer
 * protocol (TLS first) then runs through it, so the relay sees only ciphertext.
 */
final class Rendezvous implements Closeable {

    static final int PUNCH_MILLIS = 5_000;
    private static final System.Logger LOG = System.getLogger(Rendezvous.class.getName());
    private static final long LOOKUP_NANOS = 15_000_000_000L;
    private static final long PUNCH_AGAIN_NANOS = 30_000_000_000L;
    private static final int RELAY_WAIT_MILLIS = 15_000;

    private final P2pService node;
    private final Map<HostPort, Control> controls = new ConcurrentHashMap<>();
    /** Peers learnt from PEERS: address → id (to ask a punch when a dial fails). */
    private final Map<InetSocketAddress, byte[]> idsByAddress = new ConcurrentHashMap<>();
    /** Punches this peer asked for: target id hex → the swarm, and when. */
    private final Map<String, Swarm> asked = new ConcurrentHashMap<>();
    private final Map<String, Long> askedAt = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private long lastLookup;

    Rendezvous(P2pService node, List<HostPort> servers) {
        this.node = node;
        use(servers);
    }

    /** Adds rendezvous services (a link's); those known already are kept as they are. */
    void use(List<HostPort> servers) {
        for (HostPort h : servers) {
            controls.computeIfAbsent(h, Control::new);
        }
    }

    /** Tells every rendezvous about {@code s}. */
    void announce(Swarm s, Frame.AnnounceEvent event) {
        Frame f = announcement(s, event);
        controls.values().forEach(c -> c.send(f));
    }

    private Frame.Announce announcement(Swarm s, Frame.AnnounceEvent event) {
        InetSocketAddress a = node.address();
        return new Frame.Announce(node.peerIdBytes(), a == null ? 0 : a.getPort(), event, List.of(s.root));
    }

    /** Every second from the node: asks again who has what is downloading, now and then. */
    void tick() {
        long now = System.nanoTime();
        if (now - lastLookup < LOOKUP_NANOS) {
            return;
        }
        lastLookup = now;
        for (Swarm s : node.swarms()) {
            if (s.downloading()) {
                controls.values().forEach(c -> c.send(new Frame.Lookup(s.root)));
            }
        }
    }

    /** A dial to {@code to} failed: if a rendezvous told of a peer there, ask it for a punch. */
    void dialFailed(Swarm s, InetSocketAddress to) {
        byte[] id = idsByAddress.get(to);
        if (id != null) {
            askPunch(s, id);
        }
    }

    private void askPunch(Swarm s, byte[] target) {
        String hex = HexFormat.of().formatHex(target);
        long now = System.nanoTime();
        Long last = askedAt.get(hex);
        if (last != null && now - last < PUNCH_AGAIN_NANOS || s.connectedTo(target)) {
            return;
        }
        askedAt.put(hex, now);
        asked.put(hex, s);
        controls.values().forEach(c -> c.send(new Frame.PunchRequest(target)));
    }

    @Override
    public void close() {
        closed = true;
        controls.values().forEach(Control::close);
    }

    /** The connection to one rendezvous, and the thread that keeps it. */
    private final class Control {
        private final HostPort server;
        private final ReentrantLock writeLock = new ReentrantLock();
        private volatile Socket socket;
        private volatile FrameWriter writer;

        Control(HostPort server) {
            this.server = server;
            Thread.ofVirtual().name("p2p-rendezvous-" + server).start(this::keep);
        }

        void send(Frame f) {
            FrameWriter w = writer;
            if (w == null) {
                return; // sent again as a whole when the connection is made
            }
            writeLock.lock();
            try {
                w.send(f);
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "p2p: rendezvous {0}: {1}", server, e.getMessage());
                closeSocket();
            } finally {
                writeLock.unlock();
            }
        }

        private void keep() {
            long backoff = 500;
            while (!closed) {
                try {
                    session();
                    backoff = 500;
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "p2p: rendezvous {0}: {1}", server, e.getMessage());
                } finally {
                    writer = null;
                    closeSocket();
                }
                if (closed) {
                    return;
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    return;
                }
                backoff = Math.min(backoff * 2, 30_000);
            }
        }

        private void session() throws IOException {
            Socket s = fromListeningPort();
            socket = s;
            s.connect(new InetSocketAddress(server.host(), server.port()), 5_000);
            s.setTcpNoDelay(true);
            FrameReader r = new FrameReader(s.getInputStream());
            FrameWriter w = new FrameWriter(new BufferedOutputStream(s.getOutputStream(), 8192));
            w.send(new Frame.Hello(Frame.MIN_VERSION, Frame.MAX_VERSION, node.peerIdBytes(), new byte[32],
                    localPort()));
            s.setSoTimeout(10_000);
            if (!(r.read() instanceof Frame.Hello)) {
                throw new IOException("the rendezvous did not answer HELLO");
            }
            s.setSoTimeout(0);
            writer = w;
            send(new Frame.Ping(0)); // the frame after HELLO makes this a control connection, even with nothing to announce
            for (Swarm sw : node.swarms()) {
                send(announcement(sw, sw.downloading() ? Frame.AnnounceEvent.STARTED : Frame.AnnounceEvent.COMPLETED));
                if (sw.downloading()) {
                    send(new Frame.Lookup(sw.root));
                }
            }
            LOG.log(Level.DEBUG, "p2p: connected to rendezvous {0}", server);
            while (!closed) {
                Frame f = r.read();
                if (f == null) {
                    return;
                }
                switch (f) {
                    case Frame.Peers p -> peers(p);
                    case Frame.Punch p -> punch(p);
                    case Frame.ErrorFrame e -> LOG.log(Level.INFO, "p2p: rendezvous {0} sent {1}", server, e.describe());
                    case Frame.Ping p -> send(new Frame.Pong(p.nonce()));
                    default -> { } // nothing else is sent to a peer; a later version's frame is ignored
                }
            }
        }

        private void peers(Frame.Peers p) {
            String root = HexFormat.of().formatHex(p.root());
            Swarm s = node.swarm(root);
            for (Frame.PeerAddress a : p.peers()) {
                if (Arrays.equals(a.peerId(), node.peerIdBytes())) {
                    continue;
                }
                InetSocketAddress addr = new InetSocketAddress(a.address(), a.port());
                idsByAddress.put(addr, a.peerId());
                if (s != null && node.p2pConfig().relayOnly()) {
                    askPunch(s, a.peerId());
                } else {
                    node.addCandidate(root, addr);
                }
            }
        }

        private void punch(Frame.Punch p) {
            String id = HexFormat.of().formatHex(p.peer().peerId());
            Swarm s = p.tlsClient() ? asked.remove(id) : null;
            if (p.tlsClient() && s == null) {
                return; // not asked by this peer (or asked long ago and done)
            }
            Thread.ofVirtual().name("p2p-punch").start(() -> {
                InetSocketAddress to = new InetSocketAddress(p.peer().address(), p.peer().port());
                if (!node.p2pConfig().relayOnly()) {
                    Socket direct = simultaneousOpen(to, p.tlsClient());
                    if (direct != null) {
                        run(direct, p, s, "punched " + HostPort.format(to));
                        return;
                    }
                }
                try {
                    run(relay(p.token()), p, s, "relay " + server);
                } catch (IOException e) {
                    LOG.log(Level.INFO, "p2p: relay through {0} for peer {1} failed: {2}", server, id.substring(0, 16),
                            e.getMessage());
                }
            });
        }

        private void run(Socket sock, Frame.Punch p, Swarm s, String how) {
            try {
                node.connectOver(sock, p.tlsClient(), s, p.peer().peerId(), how);
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "p2p: {0}: {1}", how, e.getMessage());
            }
        }

        /**
         * Connects from the listening port to {@code to} while the other side does the same; null
         * when it never took. The TLS client tries again at once after a failed attempt: should the
         * other side's SYN come while it has no connecting socket, its listener would take it as a
         * plain inbound connection, and both sides would wait as TLS servers (until the relay).
         */
        private Socket simultaneousOpen(InetSocketAddress to, boolean tlsClient) {
            long deadline = System.nanoTime() + PUNCH_MILLIS * 1_000_000L;
            while (System.nanoTime() < deadline && !closed) {
                Socket s = null;
                try {
                    s = fromListeningPort();
                    s.connect(to, 1000);
                    return s;
                } catch (IOException e) {
                    closeQuietly(s);
                    try {
                        Thread.sleep(tlsClient ? 1 : 100);
                    } catch (InterruptedException ie) {
                        return null;
                    }
                }
            }
            return null;
        }

        /** A new connection to this rendezvous, joined to the other side of punch {@code token}. */
        private Socket relay(long token) throws IOException {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(server.host(), server.port()), 5_000);
                s.setTcpNoDelay(true);
                FrameWriter w = new FrameWriter(s.getOutputStream());
                w.send(new Frame.Hello(Frame.MIN_VERSION, Frame.MAX_VERSION, node.peerIdBytes(), new byte[32], 0));
                w.send(new Frame.Relay(token));
                s.setSoTimeout(RELAY_WAIT_MILLIS);
                FrameReader r = new FrameReader(s.getInputStream());
                if (!(r.read() instanceof Frame.Hello)) {
                    throw new IOException("the rendezvous did not answer HELLO");
                }
                Frame f = r.read();
                if (!(f instanceof Frame.RelayOk)) {
                    throw new IOException("the rendezvous answered the relay with "
                            + (f == null ? "a close" : f.describe()));
                }
                return s;
            } catch (IOException e) {
                closeQuietly(s);
                throw e;
            }
        }

        private void closeSocket() {
            closeQuietly(socket);
        }

        void close() {
            closeSocket();
        }
    }

    /** A socket bound to this peer's listening port (SO_REUSEPORT beside the listener), not connected. */
    private Socket fromListeningPort() throws IOException {
        Socket s = new Socket();
        try {
            s.setReuseAddress(true);
            s.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            InetSocketAddress a = node.address();
            s.bind(new InetSocketAddress(a.getAddress(), a.getPort()));
            return s;
        } catch (IOException | UnsupportedOperationException e) {
            closeQuietly(s);
            Socket plain = new Socket(); // no SO_REUSEPORT here: the rendezvous sees another port, punching fails, the relay works
            return plain;
        }
    }

    private int localPort() {
        InetSocketAddress a = node.address();
        return a == null ? 0 : a.getPort();
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing to add
            }
        }
    }

    /** Rendezvous services in use (for status). */
    List<String> servers() {
        return new ArrayList<>(controls.keySet().stream().map(HostPort::toString).toList());
    }
}
