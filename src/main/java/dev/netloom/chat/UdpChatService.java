package dev.netloom.chat;

import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.StopResult;
import dev.netloom.core.UdpConfig;
import dev.netloom.core.UdpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/*
 * udp-chat, one datagram per line, UTF-8:
 *
 *   first datagram from an address   registers it as guestN (or as NAME if it is "/nick NAME"):
 *                                    "* you are guest1; /nick NAME, /who, /quit", others "* guest1 joined"
 *   any other text                   to every other peer as "<nick> text"
 *   /nick NAME   /who   /quit        "* a is now b" to the others; "* here: a, b"; "* bye", others "* a left"
 *
 * A peer silent for peer-expiry (5m) is dropped and the others told "* a left (timed out)".
 * Errors come back as "ERR ..." datagrams. Control characters are defused as in chat.
 */

/** {@code udp-chat}: the chat relayed between registered UDP peers. */
public final class UdpChatService extends UdpServer {

    public static final int DEFAULT_PORT = 7012;

    private record Peer(InetSocketAddress address, String nick, long lastSeenNanos) {
    }

    private final Map<InetSocketAddress, Peer> peers = new ConcurrentHashMap<>();
    private final Map<String, InetSocketAddress> nicks = new ConcurrentHashMap<>();
    private final AtomicLong guests = new AtomicLong();
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    private final Duration expiry;
    private volatile Thread sweeper;

    public static ServiceType type() {
        return new ServiceType("udp-chat", "chat relayed between UDP peers (nc -u works)", ServiceType.Transport.UDP,
                DEFAULT_PORT, UdpConfig.keys(DEFAULT_PORT), UdpChatService::new);
    }

    public UdpChatService(Settings settings) {
        super(settings);
        this.expiry = config.peerExpiry();
    }

    @Override
    protected InetSocketAddress open() throws IOException {
        InetSocketAddress bound = super.open();
        sweeper = Thread.ofVirtual().name(name() + "-expiry").start(this::sweep);
        return bound;
    }

    @Override
    protected StopResult shutdown(Duration grace) {
        Thread s = sweeper;
        if (s != null) {
            s.interrupt();
        }
        return super.shutdown(grace);
    }

    @Override
    protected void handle(byte[] data, int length, InetSocketAddress from) throws IOException {
        // one datagram at a time against the expiry sweep: registrations and renames are whole
        lock.lock();
        try {
            handleLocked(data, length, from);
        } finally {
            lock.unlock();
        }
    }

    private void handleLocked(byte[] data, int length, InetSocketAddress from) throws IOException {
        String text = ChatSession.clean(new String(data, 0, length, StandardCharsets.UTF_8).strip());
        Peer peer = peers.get(from);
        if (peer == null) {
            String nick = text.startsWith("/nick ") ? text.substring(6).strip() : "guest" + guests.incrementAndGet();
            if (!ChatRooms.NICK.matcher(nick).matches()) {
                reply(from, "ERR a nick is a letter, then letters, digits, _ or -, at most 20 in all");
                return;
            }
            if (nicks.putIfAbsent(nick.toLowerCase(Locale.ROOT), from) != null) {
                reply(from, "ERR the nick " + nick + " is taken");
                return;
            }
            peer = new Peer(from, nick, System.nanoTime());
            peers.put(from, peer);
            reply(from, "* you are " + nick + "; /nick NAME, /who, /quit; anything else goes to everyone");
            relay(from, "* " + nick + " joined");
            if (text.isEmpty() || text.startsWith("/")) {
                return;
            }
        } else {
            peer = new Peer(from, peer.nick(), System.nanoTime());
            peers.put(from, peer);
        }
        if (!text.startsWith("/")) {
            if (!text.isEmpty()) {
                relay(from, "<" + peer.nick() + "> " + text);
            }
            return;
        }
        int space = text.indexOf(' ');
        String command = (space < 0 ? text : text.substring(0, space)).toLowerCase(Locale.ROOT);
        String arg = space < 0 ? "" : text.substring(space + 1).strip();
        switch (command) {
            case "/who" -> reply(from, "* here: " + String.join(", ", peers.values().stream().map(Peer::nick)
                    .sorted(String.CASE_INSENSITIVE_ORDER).toList()));
            case "/nick" -> rename(peer, arg);
            case "/quit" -> {
                reply(from, "* bye");
                forget(peer, null);
            }
            default -> reply(from, "ERR unknown command " + command + " (/nick NAME, /who, /quit)");
        }
    }

    private void rename(Peer peer, String nick) throws IOException {
        if (!ChatRooms.NICK.matcher(nick).matches()) {
            reply(peer.address(), "ERR a nick is a letter, then letters, digits, _ or -, at most 20 in all");
        } else if (nicks.putIfAbsent(nick.toLowerCase(Locale.ROOT), peer.address()) != null) {
            reply(peer.address(), nick.equalsIgnoreCase(peer.nick()) ? "* you are already " + peer.nick()
                    : "ERR the nick " + nick + " is taken");
        } else {
            nicks.remove(peer.nick().toLowerCase(Locale.ROOT), peer.address());
            peers.put(peer.address(), new Peer(peer.address(), nick, peer.lastSeenNanos()));
            reply(peer.address(), "* you are now " + nick);
            relay(peer.address(), "* " + peer.nick() + " is now " + nick);
        }
    }

    private void forget(Peer peer, String why) throws IOException {
        peers.remove(peer.address());
        nicks.remove(peer.nick().toLowerCase(Locale.ROOT), peer.address());
        relay(peer.address(), "* " + peer.nick() + " left" + (why == null ? "" : " (" + why + ")"));
    }

    private void reply(InetSocketAddress to, String line) throws IOException {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        send(b, Math.min(b.length, UdpConfig.MAX_UDP_PAYLOAD), to);
    }

    private void relay(InetSocketAddress from, String line) throws IOException {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(b.length, UdpConfig.MAX_UDP_PAYLOAD);
        for (InetSocketAddress to : peers.keySet()) {
            if (!to.equals(from)) {
                send(b, n, to);
            }
        }
    }

    private void sweep() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(Math.max(50, Math.min(1000, expiry.toMillis() / 4)));
                long now = System.nanoTime();
                for (Peer p : List.copyOf(peers.values())) {
                    if (!expiry.isZero() && now - p.lastSeenNanos() > expiry.toNanos()) {
                        lock.lock();
                        try {
                            if (peers.get(p.address()) == p) {
                                forget(p, "timed out");
                            }
                        } finally {
                            lock.unlock();
                        }
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                // a send failed: the socket is closing; the next round or the stop ends this
            }
        }
    }

    @Override
    protected void oversized(InetSocketAddress from) throws IOException {
        reply(from, "ERR datagram too large (max " + config.maxDatagram() + " bytes)");
    }

    @Override
    public List<String> details() {
        return List.of(peers.size() + " peer(s): " + String.join(", ", peers.values().stream().map(Peer::nick).sorted().toList()));
    }
}
