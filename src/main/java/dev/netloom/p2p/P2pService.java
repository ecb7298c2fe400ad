package dev.netloom.p2p;

import dev.netloom.core.Connection;
import dev.netloom.core.HostPort;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.StopResult;
import dev.netloom.core.TcpServer;
import dev.netloom.core.TlsUpgrade;
import dev.netloom.core.WireSocket;
import dev.netloom.p2p.seal.RecordCipher;
import dev.netloom.p2p.seal.SealKeys;
import dev.netloom.p2p.seal.SealedInputStream;
import dev.netloom.p2p.seal.SealedOutputStream;
import dev.netloom.p2p.wire.ErrorCode;
import dev.netloom.p2p.wire.Frame;
import dev.netloom.p2p.wire.FrameReader;
import dev.netloom.p2p.wire.FrameWriter;
import dev.netloom.p2p.wire.Link;
import dev.netloom.p2p.wire.WireException;

import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code p2p} service: a peer of netloom's file-sharing protocol (docs/protocol.md). It
 * listens for other peers (TLS 1.3, both sides' keys pinned by peer id), seeds what is shared
 * ({@link #share}), downloads links ({@link #download}) from every peer it finds (the link's own
 * addresses, the rendezvous services of {@code p2p.rendezvous} and the link, the LAN), and keeps
 * seeding what it downloaded. One {@link Swarm} per root hash holds a share's state; one
 * {@link PeerLink} per connection moves its frames.
 *
 * <p>A connection starts with TLS (the dialler is the TLS client), then the dialler's HELLO,
 * answered by the listener's HELLO or an ERROR (an unknown root, a banned peer, no common
 * version, a HELLO whose peer id is not the key TLS saw).
 */
public final class P2pService extends TcpServer {

    private static final System.Logger LOG = System.getLogger(P2pService.class.getName());
    private static final int HELLO_MILLIS = 10_000;
    private static final int CONNECT_MILLIS = 3_000;
    private static final int OUT_BUFFER = 64 * 1024;
    private static final int IN_BUFFER = 64 * 1024;
    private static final long SLOT_ROTATION_NANOS = 30_000_000_000L;
    private static final long REDIAL_NANOS = 5_000_000_000L;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final P2pConfig p2p;
    private final Map<String, Swarm> swarms = new ConcurrentHashMap<>();
    /** Where each share's files are, to hash it again when they change: root hex → path shared. */
    private final Map<String, Path> sharedPaths = new ConcurrentHashMap<>();
    /** Addresses to dial per root hex, with when each was last tried. */
    private final Map<String, Map<InetSocketAddress, Long>> candidates = new ConcurrentHashMap<>();
    private final Set<String> banned = ConcurrentHashMap.newKeySet();
    private volatile PeerIdentity identity;
    private volatile TlsUpgrade tls;
    private volatile Rendezvous rendezvous;
    private volatile LanDiscovery lan;
    private volatile int maxVersion = Frame.MAX_VERSION;
    private Thread ticker;

    public static ServiceType type() {
        return new ServiceType("p2p", "peer-to-peer file sharing on netloom's own protocol: share a path, get a link",
                ServiceType.Transport.TCP, P2pConfig.DEFAULT_PORT, P2pConfig.keys(), P2pService::new);
    }

    /** @throws dev.netloom.core.ConfigException naming the key at fault */
    public P2pService(Settings settings) {
        super(settings);
        this.p2p = P2pConfig.from(settings);
    }

    @Override
    protected InetSocketAddress open() throws IOException {
        identity = p2p.identity() == null ? PeerIdentity.generate() : PeerIdentity.loadOrCreate(p2p.identity());
        tls = new TlsUpgrade(identity.context(), true);
        InetSocketAddress bound = super.open();
        rendezvous = new Rendezvous(this, p2p.rendezvous());
        if (p2p.lan()) {
            lan = LanDiscovery.start(this);
        }
        ticker = Thread.ofVirtual().name(name() + "-ticker").start(this::tick);
        LOG.log(Level.INFO, "p2p: peer id {0}", identity.idHex());
        return bound;
    }

    /** The listener shares its port with outgoing sockets: the rendezvous connection and punches leave from it. */
    @Override
    protected void beforeBind(ServerSocket listener) throws IOException {
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        } catch (UnsupportedOperationException e) {
            LOG.log(Level.DEBUG, "p2p: no SO_REUSEPORT here: punching will not work, the relay will");
        }
    }

    @Override
    protected StopResult shutdown(Duration grace) {
        if (ticker != null) {
            ticker.interrupt();
        }
        if (lan != null) {
            lan.close();
        }
        if (rendezvous != null) {
            rendezvous.close();
        }
        swarms.values().forEach(s -> s.close("this peer is stopping"));
        return super.shutdown(grace);
    }

    /** This peer's id in hex (after start). */
    public String peerId() {
        return identity.idHex();
    }

    /** Whether LAN discovery runs (asked for, and the machine has an interface that multicasts). */
    boolean lanOn() {
        return lan != null;
    }

    byte[] peerIdBytes() {
        return identity.id();
    }

    P2pConfig p2pConfig() {
        return p2p;
    }

    int uploadSlots() {
        return p2p.uploadSlots();
    }

    int window() {
        return p2p.window();
    }

    // ---- sharing and downloading ----

    /**
     * Hashes {@code path} (a file or a folder) and seeds it; returns its link, naming this peer's
     * address and the configured rendezvous services. Sharing what is already shared returns the
     * same link.
     *
     * @throws IOException when the path cannot be read
     */
    public Link share(Path path) throws IOException {
        Hasher.Result hashed = Hasher.hash(path, p2p.chunkSize());
        Swarm s = Swarm.seed(this, hashed);
        Swarm was = swarms.putIfAbsent(s.rootHex, s);
        if (was != null) {
            s.close("shared already");
            s = was;
        } else {
            sharedPaths.put(s.rootHex, path.toAbsolutePath().normalize());
            rendezvous.announce(s, Frame.AnnounceEvent.COMPLETED);
            LOG.log(Level.INFO, "p2p: sharing {0} as {1}", path, s.rootHex);
        }
        return linkFor(s);
    }

    /**
     * Starts downloading {@code link} into {@code dir} (resuming what an earlier download left
     * there) and returns its progress; {@link Download#completion()} completes when every chunk is
     * verified. A link already here (shared or downloading) returns that one.
     *
     * @throws IOException when the directory cannot be written
     */
    public Download download(Link link, Path dir) throws IOException {
        String root = link.rootHex();
        Swarm s = swarms.get(root);
        if (s == null) {
            Swarm made = Swarm.download(this, link, dir);
            s = swarms.putIfAbsent(root, made);
            if (s == null) {
                s = made;
                for (HostPort p : link.peers()) {
                    addCandidate(root, new InetSocketAddress(p.host(), p.port()));
                }
                rendezvous.use(link.rendezvous());
                if (!s.completion().isDone()) {
                    rendezvous.announce(s, Frame.AnnounceEvent.STARTED);
                }
                dialCandidates(s);
                LanDiscovery l = lan;
                if (l != null) {
                    l.lookup(s.root);
                }
            } else {
                made.close("downloading already");
            }
        }
        return new Download(s);
    }

    /** The link of a share here: its root, name, this peer's address and the rendezvous services. */
    Link linkFor(Swarm s) {
        InetSocketAddress a = address();
        List<HostPort> peers = new ArrayList<>();
        if (a != null && !a.getAddress().isAnyLocalAddress()) {
            peers.add(new HostPort(a.getAddress().getHostAddress(), a.getPort()));
        }
        return new Link(s.root, s.name(), p2p.rendezvous(), peers);
    }

    /** Status of every share and download. */
    public List<ShareStatus> status() {
        return swarms.values().stream().map(Swarm::status).sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    @Override
    public List<String> details() {
        List<String> lines = new ArrayList<>();
        lines.add("peer id " + (identity == null ? "-" : identity.idHex()));
        for (ShareStatus st : status()) {
            lines.add(st.role() + " " + st.name() + " " + st.root().substring(0, 16) + " " + st.have() + "/" + st.size()
                    + " bytes, " + st.peers() + " peers, down " + st.downloaded() + " up " + st.uploaded());
        }
        return lines;
    }

    // ---- events from swarms ----

    void ban(byte[] peerId, String why) {
        if (banned.add(HexFormat.of().formatHex(peerId))) {
            LOG.log(Level.WARNING, "p2p: banned peer {0} for this session: {1}", HexFormat.of().formatHex(peerId, 0, 8), why);
        }
    }

    boolean isBanned(byte[] peerId) {
        return banned.contains(HexFormat.of().formatHex(peerId));
    }

    void completed(Swarm s) {
        Rendezvous r = rendezvous;
        if (r != null) {
            r.announce(s, Frame.AnnounceEvent.COMPLETED);
        }
    }

    /** A shared file changed: the old root is dropped and the path shared again (a new link, logged). */
    void shareChanged(Swarm s) {
        swarms.remove(s.rootHex, s);
        Path path = sharedPaths.remove(s.rootHex);
        rendezvous.announce(s, Frame.AnnounceEvent.STOPPED);
        Thread.ofVirtual().name(name() + "-rehash").start(() -> {
            s.close("the shared file changed; this root is no longer served");
            if (path == null || stopping()) {
                return;
            }
            try {
                Link l = share(path);
                LOG.log(Level.WARNING, "p2p: {0} changed under its share; {1} is no longer served, it is now {2}",
                        path, s.rootHex, l);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "p2p: {0} changed under its share and cannot be hashed again: {1}", path,
                        e.getMessage());
            }
        });
    }

    /** Addresses learnt for {@code rootHex} (a link, a rendezvous, the LAN): dialled while downloading. */
    void addCandidate(String rootHex, InetSocketAddress a) {
        InetSocketAddress self = address();
        if (self != null && a.getPort() == self.getPort() && (a.getAddress() == null || a.getAddress().isLoopbackAddress()
                || a.getAddress().equals(self.getAddress()))) {
            return; // this peer
        }
        candidates.computeIfAbsent(rootHex, k -> new ConcurrentHashMap<>()).putIfAbsent(a, 0L);
        Swarm s = swarms.get(rootHex);
        if (s != null && s.downloading()) {
            dialCandidates(s);
        }
    }

    Swarm swarm(String rootHex) {
        return swarms.get(rootHex);
    }

    List<Swarm> swarms() {
        return List.copyOf(swarms.values());
    }

    // ---- connections ----

    @Override
    protected void serve(Connection c) throws IOException {
        c.readTimeout(Duration.ofMillis(HELLO_MILLIS));
        byte[] theirId = PeerIdentity.idOf(c.startTls(tls));
        InputStream in = c.in();
        OutputStream out = new BufferedOutputStream(c.out(), OUT_BUFFER);
        FrameWriter w = new FrameWriter(out);
        FrameReader r = new FrameReader(in);
        Frame first;
        try {
            first = r.read();
            if (!(first instanceof Frame.Hello hello)) {
                throw new WireException(ErrorCode.PROTOCOL, "the first frame must be HELLO, not "
                        + (first == null ? "the end of the stream" : Frame.typeName(first.type())));
            }
            Swarm s = checkHello(hello, theirId, null);
            if (s == null || s.stale()) {
                throw new WireException(ErrorCode.UNKNOWN_FILE, "this peer does not share root " + HexFormat.of().formatHex(hello.root()));
            }
            w.send(hello(s.root));
            if (sealed(hello)) {
                SealKeys keys = exchangeSeals(r, w, false, theirId);
                c.leaveTls();
                in = new SealedInputStream(c.in(), RecordCipher.of(keys.readKey(false), false));
                out = new SealedOutputStream(c.out(), c::write, RecordCipher.of(keys.writeKey(false), true));
            }
            c.readTimeout(P2pConfig.KEEPALIVE.multipliedBy(4));
            c.busy("peer " + HexFormat.of().formatHex(theirId, 0, 8) + " " + s.name());
            new PeerLink(s, theirId, HostPort.format(c.remote()), in, out, c::close).run();
        } catch (WireException e) {
            LOG.log(Level.DEBUG, "p2p: refusing {0}: {1}", HostPort.format(c.remote()), e.getMessage());
            w.send(e.toFrame());
        }
    }

    /**
     * Checks a HELLO: magic and versions (the decoder checked the magic), the peer id against the
     * key TLS saw and the one expected, the ban list. Returns the swarm of its root, or null.
     */
    private Swarm checkHello(Frame.Hello h, byte[] tlsId, byte[] expected) throws WireException {
        if (h.maxVersion() < Frame.MIN_VERSION || h.minVersion() > maxVersion) {
            throw new WireException(ErrorCode.UNSUPPORTED_VERSION, "this peer speaks versions " + Frame.MIN_VERSION + ".."
                    + maxVersion + ", not " + h.minVersion() + ".." + h.maxVersion());
        }
        if (!MessageDigest.isEqual(h.peerId(), tlsId) || (expected != null && !MessageDigest.isEqual(tlsId, expected))) {
            throw new WireException(ErrorCode.AUTH, "the HELLO's peer id is not the key this connection proved");
        }
        if (isBanned(tlsId)) {
            throw new WireException(ErrorCode.BANNED, "this peer has banned you for this session");
        }
        if (MessageDigest.isEqual(tlsId, identity.id())) {
            throw new WireException(ErrorCode.PROTOCOL, "a peer cannot connect to itself");
        }
        return swarms.get(HexFormat.of().formatHex(h.root()));
    }

    private Frame.Hello hello(byte[] root) {
        InetSocketAddress a = address();
        return new Frame.Hello(Frame.MIN_VERSION, maxVersion, identity.id(), root, a == null ? 0 : a.getPort());
    }

    /** Whether the connection whose other side sent {@code theirs} speaks version 2 or later: sealed records. */
    private boolean sealed(Frame.Hello theirs) {
        return Math.min(theirs.maxVersion(), maxVersion) >= Frame.SEALED_VERSION;
    }

    /**
     * Version 2's switch (docs/protocol.md, "Sealed records"): sends this side's SEAL over TLS,
     * reads the other's, and derives the keys. After it, neither side uses TLS again.
     */
    private SealKeys exchangeSeals(FrameReader r, FrameWriter w, boolean dialler, byte[] theirId) throws IOException {
        byte[] mine = new byte[Frame.ID_LENGTH];
        RANDOM.nextBytes(mine);
        w.send(new Frame.Seal(mine));
        Frame f = r.read();
        if (!(f instanceof Frame.Seal theirs)) {
            throw new WireException(ErrorCode.PROTOCOL, "expected SEAL, not "
                    + (f == null ? "the end of the stream" : Frame.typeName(f.type())));
        }
        return dialler ? SealKeys.derive(mine, theirs.secret(), identity.id(), theirId)
                : SealKeys.derive(theirs.secret(), mine, theirId, identity.id());
    }

    /** Offers versions up to {@code version} from now on (tests: a version-1 peer meeting a version-2 one). */
    void speakUpTo(int version) {
        maxVersion = version;
    }

    /** Dials every candidate of {@code s} not tried in the last few seconds, each on a thread of its own. */
    void dialCandidates(Swarm s) {
        if (p2p.relayOnly()) {
            return;
        }
        Map<InetSocketAddress, Long> known = candidates.get(s.rootHex);
        if (known == null) {
            return;
        }
        long now = System.nanoTime();
        for (Map.Entry<InetSocketAddress, Long> e : known.entrySet()) {
            if (s.links().size() >= p2p.maxPeers()) {
                return;
            }
            long last = e.getValue();
            if ((last == 0 || now - last > REDIAL_NANOS) && known.replace(e.getKey(), last, now)) {
                Thread.ofVirtual().name(name() + "-dial").start(() -> dial(s, e.getKey()));
            }
        }
    }

    private void dial(Swarm s, InetSocketAddress to) {
        Socket raw;
        try {
            // a channel's socket: once sealed, records are read through the channel (SealedInputStream)
            raw = SocketChannel.open().socket();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "p2p: no socket for {0}: {1}", HostPort.format(to), e.getMessage());
            return;
        }
        try {
            raw.connect(to, CONNECT_MILLIS);
            connectOver(raw, true, s, null, HostPort.format(to));
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "p2p: dialling {0}: {1}", HostPort.format(to), e.getMessage());
            closeQuietly(raw);
            if (!raw.isConnected() || e instanceof SocketTimeoutException) {
                rendezvous.dialFailed(s, to);
            }
        }
    }

    /**
     * Runs the protocol over a connected socket (dialled, punched, or relayed): TLS in the given
     * role, then the HELLOs (the TLS client's first), then the link until it ends. Blocks.
     *
     * @param s        the share, or null on the TLS server's side of a punch (the HELLO names it)
     * @param expected the peer id that must answer, or null for any
     */
    void connectOver(Socket raw, boolean tlsClient, Swarm s, byte[] expected, String remote) throws IOException {
        Swarm swarm = s;
        try {
            raw.setTcpNoDelay(true);
            raw.setSoTimeout(HELLO_MILLIS);
            // a buffer under TLS: the record layer reads each record's header and body apart, which
            // would be two read calls per 16 KiB record; through the buffer, one per 64 KiB
            ReadAhead plainIn = new ReadAhead(raw.getInputStream());
            Socket buffered = new WireSocket(raw, plainIn, raw.getOutputStream());
            SSLSocket ssl = (SSLSocket) identity.context().getSocketFactory().createSocket(buffered,
                    raw.getInetAddress().getHostAddress(), raw.getPort(), true);
            ssl.setUseClientMode(tlsClient);
            if (!tlsClient) {
                ssl.setNeedClientAuth(true);
            }
            ssl.startHandshake();
            byte[] theirId = PeerIdentity.idOf(ssl.getSession());
            InputStream in = ssl.getInputStream();
            OutputStream out = new BufferedOutputStream(ssl.getOutputStream(), OUT_BUFFER);
            Frame.Hello theirHello;
            FrameWriter w = new FrameWriter(out);
            FrameReader r = new FrameReader(in);
            try {
                if (tlsClient) {
                    w.send(hello(swarm.root));
                }
                Frame f = r.read();
                if (f instanceof Frame.ErrorFrame e) {
                    throw new IOException(remote + " refused: " + e.describe());
                }
                if (!(f instanceof Frame.Hello h)) {
                    throw new WireException(ErrorCode.PROTOCOL, "expected HELLO");
                }
                theirHello = h;
                Swarm named = checkHello(h, theirId, expected);
                if (swarm == null) {
                    swarm = named;
                }
                if (swarm == null || named != swarm || swarm.stale()) {
                    throw new WireException(ErrorCode.UNKNOWN_FILE, "this peer does not share root "
                            + HexFormat.of().formatHex(h.root()));
                }
                if (!tlsClient) {
                    w.send(hello(swarm.root));
                }
            } catch (WireException e) {
                w.send(e.toFrame());
                throw e;
            }
            if (swarm.connectedTo(theirId)) {
                ssl.close();
                return;
            }
            Closeable transport = ssl;
            if (sealed(theirHello)) {
                SealKeys keys = exchangeSeals(r, w, tlsClient, theirId);
                RecordCipher opening = RecordCipher.of(keys.readKey(tlsClient), false);
                SocketChannel channel = raw.getChannel();
                in = channel == null ? new SealedInputStream(plainIn, opening)
                        : new SealedInputStream(plainIn.takeHeld(), channel, opening);
                RecordCipher sealing = RecordCipher.of(keys.writeKey(tlsClient), true);
                out = channel == null ? new SealedOutputStream(raw.getOutputStream(), sealing)
                        : new SealedOutputStream(raw.getOutputStream(), record -> writeFully(channel, record), sealing);
                transport = raw; // never ssl.close(): its close_notify would land among the records
            }
            raw.setSoTimeout((int) P2pConfig.KEEPALIVE.multipliedBy(4).toMillis());
            new PeerLink(swarm, theirId, remote, in, out, transport).run();
        } finally {
            closeQuietly(raw);
        }
    }

    /** The buffer under TLS, which can give up what it holds when the records that follow are read from the channel. */
    private static final class ReadAhead extends BufferedInputStream {

        ReadAhead(InputStream in) {
            super(in, IN_BUFFER);
        }

        /** The bytes read from the socket and not yet from this stream, taken from it. */
        byte[] takeHeld() {
            byte[] held = Arrays.copyOfRange(buf, pos, count);
            pos = count;
            return held;
        }
    }

    private static void writeFully(SocketChannel channel, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b); // a blocking channel: parks while the socket is full
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to add to a socket that failed
        }
    }

    /** Once a second: keep-alives, silent peers closed, upload slots rotated, candidates dialled again. */
    private void tick() {
        long lastRotation = System.nanoTime();
        while (!stopping()) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            boolean rotate = now - lastRotation >= SLOT_ROTATION_NANOS;
            if (rotate) {
                lastRotation = now;
            }
            for (Swarm s : swarms.values()) {
                for (PeerLink l : s.links()) {
                    long quiet = l.quietNanos();
                    if (quiet > P2pConfig.KEEPALIVE.multipliedBy(4).toNanos()) {
                        l.fail(ErrorCode.TIMEOUT, "nothing heard for " + quiet / 1_000_000_000L + " s");
                    } else if (quiet > P2pConfig.KEEPALIVE.toNanos()) {
                        l.send(new Frame.Ping(now));
                    }
                }
                if (rotate) {
                    s.rotateSlots();
                }
                if (s.downloading()) {
                    dialCandidates(s);
                }
            }
            rendezvous.tick();
        }
    }
}
