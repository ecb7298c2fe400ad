package dev.netloom.p2p;

import dev.netloom.p2p.wire.Frame;
import dev.netloom.p2p.wire.FrameCodec;
import dev.netloom.p2p.wire.FrameReader;
import dev.netloom.p2p.wire.WireException;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Finding peers on the local network without a rendezvous (docs/protocol.md, "LAN discovery"):
 * every peer joins the multicast group {@value #GROUP} on port {@value #PORT} on each interface
 * that can multicast (loopback included, so peers on one machine find each other), sends an
 * ANNOUNCE of its shares and downloads every {@value #PERIOD_MILLIS} ms and a LOOKUP when a
 * download starts, and answers a LOOKUP of a root it has with its ANNOUNCE at once. A downloader
 * that hears an ANNOUNCE of its root dials the sender's address at the announced port. Each
 * datagram is one frame, as on a stream. Best effort: where multicast does not work, the
 * rendezvous and the links' own addresses still do.
 */
final class LanDiscovery implements Closeable {

    static final String GROUP = "239.255.70.13";
    static final int PORT = 7014;
    static final int PERIOD_MILLIS = 5_000;
    private static final System.Logger LOG = System.getLogger(LanDiscovery.class.getName());

    private final P2pService node;
    private final MulticastSocket socket;
    private final InetAddress group;
    private final List<NetworkInterface> interfaces;
    private volatile boolean closed;

    private LanDiscovery(P2pService node, MulticastSocket socket, InetAddress group, List<NetworkInterface> interfaces) {
        this.node = node;
        this.socket = socket;
        this.group = group;
        this.interfaces = interfaces;
    }

    /** Joins the group and starts announcing; null (logged) where the machine gives no multicast. */
    static LanDiscovery start(P2pService node) {
        try {
            InetAddress group = InetAddress.getByName(GROUP);
            MulticastSocket s = new MulticastSocket(PORT);
            List<NetworkInterface> joined = new ArrayList<>();
            for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
                try {
                    if (nif.isUp() && (nif.supportsMulticast() || nif.isLoopback())) {
                        s.joinGroup(new InetSocketAddress(group, PORT), nif);
                        joined.add(nif);
                    }
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "p2p: LAN discovery cannot join on {0}: {1}", nif.getName(), e.getMessage());
                }
            }
            if (joined.isEmpty()) {
                s.close();
                LOG.log(Level.INFO, "p2p: LAN discovery off: no interface here can join {0}", GROUP);
                return null;
            }
            s.setTimeToLive(1);
            LanDiscovery d = new LanDiscovery(node, s, group, joined);
            Thread.ofVirtual().name("p2p-lan-listen").start(d::listen);
            Thread.ofVirtual().name("p2p-lan-announce").start(d::announceLoop);
            return d;
        } catch (IOException e) {
            LOG.log(Level.INFO, "p2p: LAN discovery off: {0}", e.getMessage());
            return null;
        }
    }

    /** Sends a LOOKUP for {@code root} now (a download started). */
    void lookup(byte[] root) {
        send(new Frame.Lookup(root));
    }

    private void announceLoop() {
        while (!closed) {
            announce();
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void announce() {
        List<byte[]> roots = node.swarms().stream().filter(s -> !s.stale()).map(s -> s.root).toList();
        InetSocketAddress a = node.address();
        if (roots.isEmpty() || a == null) {
            return;
        }
        send(new Frame.Announce(node.peerIdBytes(), a.getPort(), Frame.AnnounceEvent.STARTED, roots));
    }

    private void send(Frame f) {
        byte[] bytes = FrameCodec.encode(f);
        for (NetworkInterface nif : interfaces) {
            try {
                socket.setNetworkInterface(nif);
                socket.send(new DatagramPacket(bytes, bytes.length, group, PORT));
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "p2p: LAN discovery on {0}: {1}", nif.getName(), e.getMessage());
            }
        }
    }

    private void listen() {
        byte[] buf = new byte[65_536];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                continue;
            }
            try {
                switch (FrameReader.datagram(p.getData(), p.getOffset(), p.getLength())) {
                    case Frame.Announce a -> heard(a, p.getAddress());
                    case Frame.Lookup l -> {
                        if (node.swarm(HexFormat.of().formatHex(l.root())) != null) {
                            announce();
                        }
                    }
                    default -> { } // nothing else is sent to the group
                }
            } catch (WireException e) {
                LOG.log(Level.DEBUG, "p2p: LAN discovery: a bad datagram from {0}: {1}", p.getAddress(), e.getMessage());
            }
        }
    }

    private void heard(Frame.Announce a, InetAddress from) {
        if (Arrays.equals(a.peerId(), node.peerIdBytes()) || a.event() == Frame.AnnounceEvent.STOPPED) {
            return;
        }
        for (byte[] root : a.roots()) {
            String hex = HexFormat.of().formatHex(root);
            Swarm s = node.swarm(hex);
            if (s != null && s.downloading()) {
                node.addCandidate(hex, new InetSocketAddress(from, a.port()));
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
    }
}
