package dev.netloom.chat;

import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** udp-chat among peers on real datagram sockets. */
class UdpChatServiceTest {

    static final class Peer implements AutoCloseable {
        final DatagramSocket socket;
        final Service server;

        Peer(Service server) throws IOException {
            this.server = server;
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            socket.setSoTimeout(5000);
        }

        void say(String text) throws IOException {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(b, b.length, server.address()));
        }

        /** The next datagram, which must end with a newline (for nc -u), without it. */
        String next() throws IOException {
            String d = raw();
            assertTrue(d.endsWith("\n") && d.indexOf('\n') == d.length() - 1, "one line ending with \\n: " + d);
            return d.substring(0, d.length() - 1);
        }

        String raw() throws IOException {
            DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
            socket.receive(p);
            return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
        }

        /** Says hello, sends the cookie back (with a nick, or none for a guest name); returns the welcome. */
        String join(String nick) throws IOException {
            say("hello, udp-chat\n");
            String cookie = next();
            assertTrue(cookie.matches("/join [0-9a-f]{8}"), cookie);
            say(cookie + (nick == null ? "" : " " + nick));
            return next();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    @Test
    void datagramsAreRelayedAmongJoinedPeers() throws Exception {
        try (Service s = Net.start(UdpChatService.type()); Peer a = new Peer(s); Peer b = new Peer(s); Peer c = new Peer(s)) {
            assertTrue(a.join("alice").startsWith("* you are alice;"));
            assertTrue(b.join(null).startsWith("* you are guest1;"));
            assertEquals("* guest1 joined", a.next());
            b.say("hi all"); // without a newline
            assertEquals("<guest1> hi all", a.next());
            assertTrue(c.join("carol").startsWith("* you are carol;"));
            assertEquals("* carol joined", a.next());
            assertEquals("* carol joined", b.next());
            b.say("/nick bob\n"); // with one, as nc -u sends it
            assertEquals("* you are now bob", b.next());
            assertEquals("* guest1 is now bob", a.next());
            assertEquals("* guest1 is now bob", c.next());
            c.say("/nick ALICE");
            assertEquals("ERR the nick ALICE is taken", c.next());
            a.say("hello \u001b[31mred\u202Eder");
            assertEquals("<alice> hello \uFFFD[31mred\uFFFDder", b.next());
            assertEquals("<alice> hello \uFFFD[31mred\uFFFDder", c.next());
            c.say("/who");
            assertEquals("* here (1-3 of 3): alice, bob, carol", c.next());
            c.say("/dance");
            assertTrue(c.next().startsWith("ERR unknown command /dance"));
            b.say("/quit");
            assertEquals("* bye", b.next());
            assertEquals("* bob left", a.next());
            assertEquals("* bob left", c.next());
        }
    }

    @Test
    void anUnprovenAddressGetsNoMoreBytesThanItSentAndIsNotAPeer() throws Exception {
        try (Service s = Net.start(UdpChatService.type()); Peer a = new Peer(s); Peer spoofed = new Peer(s)) {
            assertTrue(a.join("alice").startsWith("* you are alice;"));
            // a big datagram from an address that never sent a cookie back: one short reply, no relay
            spoofed.say("x".repeat(60_000));
            String reply = spoofed.raw();
            assertTrue(reply.matches("/join [0-9a-f]{8}\n"), reply);
            // shorter than the cookie line: no answer at all; a wrong cookie: only the cookie line
            spoofed.say("/who");
            spoofed.say("/join 00000000 mallory");
            assertEquals(reply.length(), spoofed.raw().length());
            spoofed.socket.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, spoofed::raw);
            a.say("/who");
            assertEquals("* here (1-1 of 1): alice", a.next(), "nothing from the stranger reached alice");
            // a cookie is only good for the address it was sent to
            try (Peer other = new Peer(s)) {
                other.say(reply.strip() + " eve");
                assertTrue(other.next().matches("/join [0-9a-f]{8}"));
            }
        }
    }

    @Test
    void peersAndRelayedBytesAreCapped() throws Exception {
        try (Service s = Net.start(UdpChatService.type(), "max-peers=3", "relay-rate=4KiB");
             Peer a = new Peer(s); Peer b = new Peer(s); Peer c = new Peer(s); Peer d = new Peer(s)) {
            a.join("alice");
            b.join("bob");
            a.next();
            c.join("carol");
            a.next();
            b.next();
            assertEquals("ERR udp-chat is full (max 3 peers); try again later", d.join("dave"));
            // 1,500 bytes to 2 peers is 3,000 of alice's 4,096 a second; the next one is not relayed
            String big = "y".repeat(1500);
            a.say(big);
            assertEquals("<alice> " + big, b.next());
            assertEquals("<alice> " + big, c.next());
            a.say(big + "!");
            assertTrue(a.next().startsWith("ERR not relayed: 3020 bytes to send, over relay-rate (4096 bytes a second"));
            c.say("/quit");
            assertEquals("* bye", c.next());
            assertEquals("* carol left", b.next());
            assertTrue(d.join("dave").startsWith("* you are dave;"), "a place is free again");
        }
    }

    @Test
    void whoIsAnsweredInDatagramSizedPages() throws Exception {
        List<Peer> all = new ArrayList<>();
        try (Service s = Net.start(UdpChatService.type())) {
            for (int i = 0; i < 120; i++) {
                Peer p = new Peer(s);
                all.add(p);
                assertTrue(p.join(String.format("peer%015d", i)).startsWith("* you are "));
            }
            Peer me = all.getFirst();
            Set<String> seen = new TreeSet<>();
            String who = "/who";
            for (int page = 1; who != null; page++) {
                me.say(who);
                String line = me.next();
                while (line.endsWith(" joined")) {
                    line = me.next();
                }
                assertTrue(line.length() <= UdpChatService.PAGE_BYTES, line.length() + " bytes");
                Matcher m = Pattern.compile(
                        "\\* here \\((\\d+)-(\\d+) of 120\\): (.*?)(?:; /who (\\d+) for more)?").matcher(line);
                assertTrue(m.matches(), line);
                seen.addAll(List.of(m.group(3).split(", ")));
                who = m.group(4) == null ? null : "/who " + m.group(4);
                assertTrue(who == null || Integer.parseInt(m.group(4)) == page + 1);
            }
            assertEquals(120, seen.size());
            me.say("/who 99");
            assertEquals("ERR no page 99 (120 peers)", me.next());
        } finally {
            for (Peer p : all) {
                p.close();
            }
        }
    }

    @Test
    void silentPeersAreDropped() throws Exception {
        try (Service s = Net.start(UdpChatService.type(), "peer-expiry=300ms"); Peer a = new Peer(s); Peer b = new Peer(s)) {
            a.join("alice");
            b.join("bob");
            a.next();
            // alice keeps talking; bob stays silent until he is dropped
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        a.say("/who");
                        String l = a.next();
                        return l.equals("* bob left (timed out)") || l.equals("* here (1-1 of 1): alice");
                    });
        }
    }
}
