package dev.netloom.chat;

import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** udp-chat among three peers on real datagram sockets. */
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

        String next() throws IOException {
            DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
            socket.receive(p);
            return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    @Test
    void datagramsAreRelayedAmongRegisteredPeers() throws Exception {
        try (Service s = Net.start(UdpChatService.type()); Peer a = new Peer(s); Peer b = new Peer(s); Peer c = new Peer(s)) {
            a.say("/nick alice");
            assertTrue(a.next().startsWith("* you are alice;"));
            b.say("hi all");
            assertTrue(b.next().startsWith("* you are guest1;"));
            assertEquals("* guest1 joined", a.next());
            assertEquals("<guest1> hi all", a.next(), "the registering datagram is relayed too");
            c.say("/nick carol");
            assertTrue(c.next().startsWith("* you are carol;"));
            assertEquals("* carol joined", a.next());
            assertEquals("* carol joined", b.next());
            b.say("/nick bob");
            assertEquals("* you are now bob", b.next());
            assertEquals("* guest1 is now bob", a.next());
            assertEquals("* guest1 is now bob", c.next());
            c.say("/nick ALICE");
            assertEquals("ERR the nick ALICE is taken", c.next());
            a.say("hello \u001b[31mred");
            assertEquals("<alice> hello \uFFFD[31mred", b.next());
            assertEquals("<alice> hello \uFFFD[31mred", c.next());
            c.say("/who");
            assertEquals("* here: alice, bob, carol", c.next());
            c.say("/dance");
            assertTrue(c.next().startsWith("ERR unknown command /dance"));
            b.say("/quit");
            assertEquals("* bye", b.next());
            assertEquals("* bob left", a.next());
            assertEquals("* bob left", c.next());
        }
    }

    @Test
    void silentPeersAreDropped() throws Exception {
        try (Service s = Net.start(UdpChatService.type(), "peer-expiry=300ms"); Peer a = new Peer(s); Peer b = new Peer(s)) {
            a.say("/nick alice");
            a.next();
            b.say("/nick bob");
            b.next();
            a.next();
            // alice keeps talking; bob stays silent until he is dropped
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .pollInterval(java.time.Duration.ofMillis(100)).until(() -> {
                        a.say("/who");
                        return a.next().equals("* bob left (timed out)");
                    });
        }
    }
}
