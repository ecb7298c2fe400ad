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
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/*
 * udp-chat, one datagram per line, UTF-8; every datagram the server sends ends with "\n", and a
 * peer's may or may not (nc -u sends one, a program need not):
 *
 *   an unknown address, any datagram of 15+ bytes   "/join 1a2b3c4d\n": no bigger than what it sent,
 *                                                   and nothing is kept for the address
 *   /join COOKIE [NICK]      (the cookie back)      joins as NICK or guestN: "* you are guest1; ...",
 *                                                   the others "* guest1 joined"
 *   any other text                                  to every other peer as "<nick> text"
 *   /nick NAME   /who [PAGE]   /quit                "* a is now b" to the others; "* here (1-40 of 57):
 *                                                   a, b, ...; /who 2 for more"; "* bye", others "* a left"
 *
 * Before the cookie comes back an address gets at most as many bytes as it sent, so udp-chat
 * cannot be used to reflect or amplify traffic towards a spoofed address. A joined peer is bounded
 * by relay-rate: the bytes sent on its behalf (a line times the peers it reaches, its /who pages).
 * A peer silent for peer-expiry (5m) is dropped and the others told "* a left (timed out)".
 * Errors come back as "ERR ..." datagrams. Control characters are defused as in chat.
 */

/** {@code udp-chat}: the chat relayed between UDP peers that have proven their address. */
public final class UdpChatService extends UdpServer {

    public static final int DEFAULT_PORT = 7012;
    /** A /who page, and any reply, stays under this: one datagram on any path, no IP fragments. */
    static final int PAGE_BYTES = 1200;
    private static final Pattern JOIN = Pattern.compile("/join ([0-9a-f]{8})(?: +(\\S+))?");

    private static final class Peer {
        final InetSocketAddress address;
        String nick;
        long lastSeenNanos;
        double tokens;
        long refilledNanos;
        long warnedNanos;

        Peer(InetSocketAddress address, String nick, double tokens) {
            this.address = address;
            this.nick = nick;
            this.tokens = tokens;
            this.lastSeenNanos = this.refilledNanos = System.nanoTime();
        }
    }

    private final Map<InetSocketAddress, Peer> peers = new ConcurrentHashMap<>();
    private final Map<String, InetSocketAddress> nicks = new ConcurrentHashMap<>();
    private final AtomicLong guests = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final JoinCookie cookies = new JoinCookie();
    private final UdpChatConfig chat;
    private final Duration expiry;
    private volatile Thread sweeper;

    public static ServiceType type() {
        return new ServiceType("udp-chat", "chat relayed between UDP peers (nc -u works)", ServiceType.Transport.UDP,
                DEFAULT_PORT, UdpChatConfig.keys(DEFAULT_PORT), UdpChatService::new);
    }

    public UdpChatService(Settings settings) {
        super(settings);
        this.chat = UdpChatConfig.from(settings);
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
            stranger(text, length, from);
            return;
        }
        peer.lastSeenNanos = System.nanoTime();
        if (!text.startsWith("/")) {
            if (!text.isEmpty()) {
                relay(peer, "<" + peer.nick + "> " + text);
            }
            return;
        }
        int space = text.indexOf(' ');
        String command = (space < 0 ? text : text.substring(0, space)).toLowerCase(Locale.ROOT);
        String arg = space < 0 ? "" : text.substring(space + 1).strip();
        switch (command) {
            case "/who" -> who(peer, arg);
            case "/nick" -> rename(peer, arg);
            case "/join" -> reply(peer.address, "* you are already here as " + peer.nick);
            case "/quit" -> {
                reply(peer.address, "* bye");
                forget(peer, null);
            }
            default -> reply(peer.address, "ERR unknown command " + command + " (/nick NAME, /who [PAGE], /quit)");
        }
    }

    /**
     * A datagram from an address that has not joined. Until it sends back the cookie, it gets
     * one datagram no bigger than its own (the cookie line), or nothing if that does not fit.
     */
    private void stranger(String text, int length, InetSocketAddress from) throws IOException {
        Matcher m = JOIN.matcher(text);
        if (!m.matches() || !cookies.valid(from, m.group(1))) {
            byte[] hint = ChatMember.encode("/join " + cookies.issue(from));
            if (hint.length <= length) {
                send(hint, hint.length, from);
            }
            return;
        }
        // the address is proven: replies may now be larger than what it sent
        String nick = m.group(2) != null ? m.group(2) : "guest" + guests.incrementAndGet();
        if (peers.size() >= chat.maxPeers()) {
            reply(from, "ERR udp-chat is full (max " + chat.maxPeers() + " peers); try again later");
        } else if (!ChatRooms.NICK.matcher(nick).matches()) {
            reply(from, "ERR a nick is a letter, then letters, digits, _ or -, at most 20 in all");
        } else if (nicks.putIfAbsent(nick.toLowerCase(Locale.ROOT), from) != null) {
            reply(from, "ERR the nick " + nick + " is taken");
        } else {
            Peer peer = new Peer(from, nick, chat.relayRate());
            peers.put(from, peer);
            reply(from, "* you are " + nick + "; /nick NAME, /who [PAGE], /quit; anything else goes to everyone");
            notice(peer, "* " + nick + " joined");
        }
    }

    private void who(Peer peer, String arg) throws IOException {
        int page;
        try {
            page = arg.isEmpty() ? 1 : Integer.parseInt(arg);
        } catch (NumberFormatException e) {
            page = 0;
        }
        if (page < 1) {
            reply(peer.address, "ERR usage: /who [PAGE] (a page number from 1)");
            return;
        }
        List<String> all = peers.values().stream().map(p -> p.nick).sorted(String.CASE_INSENSITIVE_ORDER).toList();
        WhoPage p = WhoPage.of(all, page, PAGE_BYTES);
        if (p == null) {
            reply(peer.address, "ERR no page " + page + " (" + all.size() + " peers)");
        } else if (charge(peer, p.text().length())) {
            reply(peer.address, p.text());
        }
    }

    private void rename(Peer peer, String nick) throws IOException {
        if (!ChatRooms.NICK.matcher(nick).matches()) {
            reply(peer.address, "ERR a nick is a letter, then letters, digits, _ or -, at most 20 in all");
        } else if (nicks.putIfAbsent(nick.toLowerCase(Locale.ROOT), peer.address) != null) {
            reply(peer.address, nick.equalsIgnoreCase(peer.nick) ? "* you are already " + peer.nick
                    : "ERR the nick " + nick + " is taken");
        } else {
            String old = peer.nick;
            nicks.remove(old.toLowerCase(Locale.ROOT), peer.address);
            peer.nick = nick;
            reply(peer.address, "* you are now " + nick);
            relay(peer, "* " + old + " is now " + nick);
        }
    }

    private void forget(Peer peer, String why) throws IOException {
        peers.remove(peer.address);
        nicks.remove(peer.nick.toLowerCase(Locale.ROOT), peer.address);
        notice(peer, "* " + peer.nick + " left" + (why == null ? "" : " (" + why + ")"));
    }

    private void reply(InetSocketAddress to, String line) throws IOException {
        byte[] b = ChatMember.encode(line);
        send(b, Math.min(b.length, UdpConfig.MAX_UDP_PAYLOAD), to);
    }

    /** Sends {@code line} to every other peer, if {@code from}'s relay-rate allows all of them. */
    private void relay(Peer from, String line) throws IOException {
        relay(from, line, true);
    }

    /** Sends the server's own notice of a join or leave to every other peer (not charged). */
    private void notice(Peer about, String line) throws IOException {
        relay(about, line, false);
    }

    private void relay(Peer from, String line, boolean charged) throws IOException {
        byte[] b = ChatMember.encode(line);
        int n = Math.min(b.length, UdpConfig.MAX_UDP_PAYLOAD);
        List<InetSocketAddress> to = peers.keySet().stream().filter(a -> !a.equals(from.address)).toList();
        if (to.isEmpty() || (charged && !charge(from, (long) n * to.size()))) {
            return;
        }
        for (InetSocketAddress a : to) {
            send(b, n, a);
        }
    }

    /**
     * Takes {@code bytes} from the peer's allowance (a token bucket of relay-rate bytes, refilled at
     * relay-rate a second); when it has too little, the peer is told (at most once a second).
     */
    private boolean charge(Peer peer, long bytes) throws IOException {
        long now = System.nanoTime();
        double rate = chat.relayRate();
        peer.tokens = Math.min(rate, peer.tokens + (now - peer.refilledNanos) / 1e9 * rate);
        peer.refilledNanos = now;
        if (bytes <= peer.tokens) {
            peer.tokens -= bytes;
            return true;
        }
        if (now - peer.warnedNanos > 1_000_000_000L && peers.containsKey(peer.address)) {
            peer.warnedNanos = now;
            reply(peer.address, "ERR not relayed: " + bytes + " bytes to send, over relay-rate (" + chat.relayRate()
                    + " bytes a second per peer); send less, or less often");
        }
        return false;
    }

    private void sweep() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(Math.max(50, Math.min(1000, expiry.toMillis() / 4)));
                if (expiry.isZero()) {
                    continue;
                }
                lock.lock();
                try {
                    long now = System.nanoTime();
                    for (Peer p : List.copyOf(peers.values())) {
                        if (now - p.lastSeenNanos > expiry.toNanos()) {
                            forget(p, "timed out");
                        }
                    }
                } finally {
                    lock.unlock();
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
        if (peers.containsKey(from)) { // a stranger gets nothing: with a small max-datagram, this could be larger
            reply(from, "ERR datagram too large (max " + config.maxDatagram() + " bytes)");
        }
    }

    /** One page of /who: as many nicks as fit in {@code budget} bytes with the header and footer. */
    record WhoPage(String text) {
        static WhoPage of(List<String> nicks, int page, int budget) {
            int from = 0;
            for (int p = 1; ; p++) {
                StringBuilder names = new StringBuilder();
                int to = from;
                // room for the header and footer: "* here (12345-12345 of 12345): " + "; /who 12345 for more\n"
                int room = budget - 60;
                while (to < nicks.size()) {
                    String next = (to > from ? ", " : "") + nicks.get(to);
                    if (names.length() + next.length() > room && to > from) {
                        break;
                    }
                    names.append(next);
                    to++;
                }
                if (p == page) {
                    if (from >= nicks.size() && page > 1) {
                        return null;
                    }
                    String range = nicks.isEmpty() ? "0" : (from + 1) + "-" + to;
                    return new WhoPage("* here (" + range + " of " + nicks.size() + "): " + names
                            + (to < nicks.size() ? "; /who " + (p + 1) + " for more" : ""));
                }
                if (to >= nicks.size()) {
                    return null;
                }
                from = to;
            }
        }
    }

    @Override
    public List<String> details() {
        return List.of(peers.size() + " peer(s) (max " + chat.maxPeers() + "): "
                + String.join(", ", peers.values().stream().map(p -> p.nick).sorted().toList()));
    }
}
