package dev.netloom.p2p.rendezvous;

import dev.netloom.core.Connection;
import dev.netloom.core.HostPort;
import dev.netloom.core.Key;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.StopResult;
import dev.netloom.core.TcpConfig;
import dev.netloom.core.TcpServer;
import dev.netloom.p2p.wire.ErrorCode;
import dev.netloom.p2p.wire.Frame;
import dev.netloom.p2p.wire.FrameCodec;
import dev.netloom.p2p.wire.FrameReader;
import dev.netloom.p2p.wire.FrameWriter;
import dev.netloom.p2p.wire.Link;
import dev.netloom.p2p.wire.WireException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code p2p-rendezvous} service (docs/protocol.md, "Rendezvous"): a tracker, a hole-punching
 * coordinator and a relay for netloom peers, on one port, TCP and UDP (default 7013).
 *
 * <ul>
 * <li>A peer's control connection (TCP, HELLO first) announces roots and asks who has one (PEERS:
 * each peer at the address and port its control connection came from, which is how its NAT maps
 * its listening port, since the peer connects from that port). Its announcements last as long as
 * the connection. Over UDP, one datagram per frame, ANNOUNCE and LOOKUP work too, the
 * announcement kept {@value #UDP_TTL_SECONDS} s, the address the datagram came from with the
 * announced port.</li>
 * <li>PUNCH_REQUEST names a peer with a control connection here: both are sent PUNCH at once,
 * each with the other's mapped address and one token.</li>
 * <li>RELAY with a token, as the second frame of a new connection from either side of a punch:
 * when the other side comes too (within {@value #RELAY_WAIT_SECONDS} s), both get RELAY_OK and
 * from then on the bytes of one are the bytes of the other, rate-limited per pair
 * ({@code relay-rate}); the peers speak TLS through it, so it sees only ciphertext.</li>
 * </ul>
 */
public final class RendezvousService extends TcpServer {

    public static final int DEFAULT_PORT = Link.RENDEZVOUS_PORT;
    public static final Key<Integer> RELAY_RATE = Key.size("relay-rate", 10 * 1024 * 1024, 1024, Integer.MAX_VALUE,
            "bytes per second a relayed pair may move each way");
    public static final Key<Integer> MAX_RELAYS = Key.integer("max-relays", 64, 0, 100_000,
            "relayed pairs at once; more are refused (ERROR BUSY)");
    static final int UDP_TTL_SECONDS = 180;
    static final int RELAY_WAIT_SECONDS = 10;
    private static final System.Logger LOG = System.getLogger(RendezvousService.class.getName());
    private static final int MAX_PEERS_TCP = 200;
    private static final int MAX_PEERS_UDP = 20;
    private static final int CONTROL_MAX_FRAME = 256 * 1024;

    private final int relayRate;
    private final int maxRelays;
    /** root hex → peer id hex → where it is. */
    private final Map<String, Map<String, Entry>> roots = new ConcurrentHashMap<>();
    /** peer id hex → its control connection. */
    private final Map<String, Control> controls = new ConcurrentHashMap<>();
    /** token → the punch it names (its two peers), and the first side of its relay once it comes. */
    private final Map<Long, Pairing> pairings = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger relays = new AtomicInteger();
    private final AtomicLong relayedBytes = new AtomicLong();
    private final AtomicLong punches = new AtomicLong();
    private volatile DatagramSocket udp;

    /** A peer that announced a root: its id, address, port, and the control connection it came on (null: UDP). */
    private record Entry(byte[] peerId, InetAddress address, int port, Control control, long expiresNanos) {
    }

    /** A punch's two peers, and its relay's first side while it waits for the second (guarded by itself). */
    private static final class Pairing {
        final String a;
        final String b;
        final long madeNanos = System.nanoTime();
        final CountDownLatch matched = new CountDownLatch(1);
        final CompletableFuture<Void> done = new CompletableFuture<>();
        RelayPump.Half waiting;
        String waitingId;
        boolean gone;

        Pairing(String a, String b) {
            this.a = a;
            this.b = b;
        }
    }

    /** A peer's control connection: its id, address as seen, and writer. */
    private static final class Control {
        final String id;
        final byte[] peerId;
        final InetSocketAddress seen;
        final FrameWriter writer;
        final ReentrantLock lock = new ReentrantLock();

        Control(byte[] peerId, InetSocketAddress seen, FrameWriter writer) {
            this.peerId = peerId;
            this.id = HexFormat.of().formatHex(peerId);
            this.seen = seen;
            this.writer = writer;
        }

        void send(Frame f) throws IOException {
            lock.lock();
            try {
                writer.send(f);
            } finally {
                lock.unlock();
            }
        }
    }

    public static ServiceType type() {
        List<Key<?>> keys = new ArrayList<>(TcpConfig.keys(DEFAULT_PORT));
        keys.addAll(List.of(RELAY_RATE, MAX_RELAYS));
        return new ServiceType("p2p-rendezvous", "tracker, hole-punching coordinator and relay for p2p peers (TCP and UDP)",
                ServiceType.Transport.TCP, DEFAULT_PORT, keys, RendezvousService::new);
    }

    public RendezvousService(Settings settings) {
        super(settings);
        this.relayRate = settings.get(RELAY_RATE);
        this.maxRelays = settings.get(MAX_RELAYS);
    }

    @Override
    protected InetSocketAddress open() throws IOException {
        InetSocketAddress bound = super.open();
        try {
            udp = new DatagramSocket(bound);
        } catch (SocketException e) {
            super.shutdown(Duration.ZERO);
            throw new IOException("cannot listen on " + HostPort.format(bound) + " (udp): " + e.getMessage(), e);
        }
        Thread.ofVirtual().name(name() + "-udp").start(this::udpLoop);
        return bound;
    }

    @Override
    protected StopResult shutdown(Duration grace) {
        DatagramSocket u = udp;
        if (u != null) {
            u.close();
        }
        return super.shutdown(grace);
    }

    @Override
    public List<String> listeners() {
        String at = HostPort.format(address());
        return List.of(at + " (tcp)", at + " (udp)");
    }

    @Override
    public List<String> details() {
        int announced = roots.values().stream().mapToInt(Map::size).sum();
        return List.of(roots.size() + " roots, " + announced + " announcements, " + controls.size()
                + " control connections", punches.get() + " punches, " + relays.get() + " relays open, "
                + relayedBytes.get() + " bytes relayed");
    }

    // ---- TCP ----

    @Override
    protected void serve(Connection c) throws IOException {
        c.readTimeout(Duration.ofSeconds(10));
        InputStream in = c.in();
        FrameReader r = new FrameReader(in, CONTROL_MAX_FRAME);
        FrameWriter w = new FrameWriter(new BufferedOutputStream(c.out(), 8192));
        try {
            Frame first = r.read();
            if (!(first instanceof Frame.Hello hello)) {
                throw new WireException(ErrorCode.PROTOCOL, "the first frame must be HELLO");
            }
            if (hello.maxVersion() < Frame.MIN_VERSION || hello.minVersion() > Frame.MAX_VERSION) {
                throw new WireException(ErrorCode.UNSUPPORTED_VERSION, "this rendezvous speaks version "
                        + Frame.MIN_VERSION + ".." + Frame.MAX_VERSION);
            }
            w.send(new Frame.Hello(Frame.MIN_VERSION, Frame.MAX_VERSION, new byte[32], new byte[32], 0));
            Frame second = r.read();
            if (second instanceof Frame.Relay relay) {
                relay(c, HexFormat.of().formatHex(hello.peerId()), relay.token(), w);
                return;
            }
            c.readTimeout(Duration.ZERO); // a control connection is quiet while nothing changes
            Control ctl = new Control(hello.peerId(), c.remote(), w);
            Control was = controls.put(ctl.id, ctl);
            if (was != null) {
                dropAnnouncements(was);
            }
            try {
                c.busy("control " + ctl.id.substring(0, 16));
                Frame f = second;
                while (f != null) {
                    control(ctl, f);
                    f = r.read();
                }
            } finally {
                controls.remove(ctl.id, ctl);
                dropAnnouncements(ctl);
            }
        } catch (WireException e) {
            w.send(e.toFrame());
        }
    }

    private void control(Control ctl, Frame f) throws IOException {
        switch (f) {
            case Frame.Announce a -> {
                if (!HexFormat.of().formatHex(a.peerId()).equals(ctl.id)) {
                    throw new WireException(ErrorCode.AUTH, "ANNOUNCE for a peer id other than the HELLO's");
                }
                announce(a, ctl.seen.getAddress(), ctl.seen.getPort(), ctl);
            }
            case Frame.Lookup l -> ctl.send(peers(l.root(), ctl.id, MAX_PEERS_TCP));
            case Frame.PunchRequest p -> punch(ctl, HexFormat.of().formatHex(p.target()));
            case Frame.Ping p -> ctl.send(new Frame.Pong(p.nonce()));
            case Frame.Pong p -> { }
            default -> throw new WireException(ErrorCode.PROTOCOL, Frame.typeName(f.type()) + " on a control connection");
        }
    }

    private void announce(Frame.Announce a, InetAddress address, int port, Control ctl) {
        String peer = HexFormat.of().formatHex(a.peerId());
        long expires = ctl != null ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(UDP_TTL_SECONDS);
        for (byte[] root : a.roots()) {
            String hex = HexFormat.of().formatHex(root);
            if (a.event() == Frame.AnnounceEvent.STOPPED) {
                Map<String, Entry> m = roots.get(hex);
                if (m != null) {
                    m.remove(peer);
                }
            } else {
                roots.computeIfAbsent(hex, k -> new ConcurrentHashMap<>())
                        .put(peer, new Entry(a.peerId(), address, port, ctl, expires));
            }
        }
    }

    private Frame.Peers peers(byte[] root, String asker, int max) {
        Map<String, Entry> m = roots.getOrDefault(HexFormat.of().formatHex(root), Map.of());
        long now = System.nanoTime();
        List<Frame.PeerAddress> out = new ArrayList<>();
        for (Map.Entry<String, Entry> e : m.entrySet()) {
            if (e.getValue().expiresNanos() < now) {
                m.remove(e.getKey(), e.getValue());
            } else if (!e.getKey().equals(asker) && out.size() < max) {
                out.add(new Frame.PeerAddress(e.getValue().peerId(), e.getValue().address(), e.getValue().port()));
            }
        }
        return new Frame.Peers(root, out);
    }

    private void dropAnnouncements(Control ctl) {
        for (Map<String, Entry> m : roots.values()) {
            m.computeIfPresent(ctl.id, (k, e) -> e.control() == ctl ? null : e);
        }
        roots.values().removeIf(Map::isEmpty);
    }

    private void punch(Control asker, String target) throws IOException {
        Control other = controls.get(target);
        if (other == null || other == asker) {
            return; // not connected here: nothing to punch; the asker tries again later
        }
        long token = random.nextLong();
        pairings.put(token, new Pairing(asker.id, other.id));
        pairings.values().removeIf(p -> System.nanoTime() - p.madeNanos > TimeUnit.MINUTES.toNanos(1));
        punches.incrementAndGet();
        LOG.log(Level.DEBUG, "{0}: punch {1} <-> {2}", name(), asker.seen, other.seen);
        asker.send(new Frame.Punch(new Frame.PeerAddress(other.peerId, other.seen.getAddress(), other.seen.getPort()),
                token, true));
        try {
            other.send(new Frame.Punch(new Frame.PeerAddress(asker.peerId, asker.seen.getAddress(), asker.seen.getPort()),
                    token, false));
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "{0}: telling {1} of a punch: {2}", name(), other.seen, e.getMessage());
        }
    }

    // ---- the relay ----

    private void relay(Connection c, String peer, long token, FrameWriter w) throws IOException {
        Pairing p = pairings.get(token);
        if (p == null || !(peer.equals(p.a) || peer.equals(p.b))) {
            throw new WireException(ErrorCode.NO_PEER, "no punch with this token for this peer");
        }
        RelayPump.Half mine = new RelayPump.Half(c, w);
        RelayPump.Half other;
        synchronized (p) { // no I/O inside: only who came first is decided
            if (p.gone) {
                throw new WireException(ErrorCode.NO_PEER, "the relay's other side gave up waiting");
            }
            if (p.waiting == null) {
                p.waiting = mine;
                p.waitingId = peer;
                other = null;
            } else if (p.waitingId.equals(peer)) {
                throw new WireException(ErrorCode.PROTOCOL, "this side of the relay is here already");
            } else {
                other = p.waiting;
                p.waiting = null;
            }
        }
        if (other == null) {
            c.busy("relay " + Long.toUnsignedString(token, 16) + " waiting");
            boolean matched;
            try {
                matched = p.matched.await(RELAY_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                matched = false;
            }
            synchronized (p) {
                if (!matched && p.waiting == mine) {
                    p.waiting = null;
                    p.gone = true;
                    throw new WireException(ErrorCode.NO_PEER, "the other side of the relay did not come");
                }
            }
            p.done.join(); // the second side's thread runs the relay; this one keeps its connection open
            return;
        }
        pairings.remove(token);
        if (relays.incrementAndGet() > maxRelays) {
            relays.decrementAndGet();
            p.matched.countDown();
            p.done.complete(null);
            other.writer().send(new Frame.ErrorFrame(ErrorCode.BUSY, "relay limit reached"));
            throw new WireException(ErrorCode.BUSY, "this rendezvous relays " + maxRelays + " pairs already");
        }
        p.matched.countDown();
        try {
            c.busy("relay " + Long.toUnsignedString(token, 16));
            LOG.log(Level.DEBUG, "{0}: relaying {1} <-> {2}", name(), HostPort.format(c.remote()),
                    HostPort.format(other.connection().remote()));
            RelayPump.run(mine, other, relayRate, relayedBytes);
        } finally {
            relays.decrementAndGet();
            p.done.complete(null);
        }
    }

    // ---- UDP ----

    private void udpLoop() {
        byte[] buf = new byte[2048];
        DatagramSocket u = udp;
        while (!u.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                u.receive(p);
            } catch (IOException e) {
                continue; // closed: the loop ends
            }
            stats.request();
            try {
                Frame f = FrameReader.datagram(p.getData(), p.getOffset(), p.getLength());
                Frame reply = switch (f) {
                    case Frame.Announce a -> {
                        announce(a, p.getAddress(), a.port(), null);
                        yield null;
                    }
                    case Frame.Lookup l -> peers(l.root(), "", MAX_PEERS_UDP);
                    case Frame.Ping ping -> new Frame.Pong(ping.nonce());
                    default -> throw new WireException(ErrorCode.PROTOCOL, Frame.typeName(f.type()) + " over UDP");
                };
                if (reply != null) {
                    byte[] out = FrameCodec.encode(reply);
                    u.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                }
            } catch (WireException e) {
                byte[] out = FrameCodec.encode(e.toFrame());
                try {
                    u.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                } catch (IOException ignored) {
                    // the asker is gone
                }
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "{0}: udp reply to {1}: {2}", name(), p.getSocketAddress(), e.getMessage());
            }
        }
    }
}
