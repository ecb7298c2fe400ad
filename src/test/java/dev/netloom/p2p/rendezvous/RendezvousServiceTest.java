package dev.netloom.p2p.rendezvous;

import dev.netloom.core.Service;
import dev.netloom.p2p.wire.ErrorCode;
import dev.netloom.p2p.wire.Frame;
import dev.netloom.p2p.wire.FrameCodec;
import dev.netloom.p2p.wire.FrameReader;
import dev.netloom.p2p.wire.FrameWriter;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rendezvous with raw clients: control connections, lookups, punches, relays, and UDP. */
class RendezvousServiceTest {

    private static byte[] id(int b) {
        byte[] id = new byte[32];
        id[0] = (byte) b;
        return id;
    }

    /** A control connection: HELLO sent, HELLO read. */
    private record Client(Socket socket, FrameReader in, FrameWriter out) implements AutoCloseable {
        static Client open(Service rv, byte[] peer) throws IOException {
            Socket s = Net.connect(rv);
            Client c = new Client(s, new FrameReader(s.getInputStream()), new FrameWriter(s.getOutputStream()));
            c.out.send(new Frame.Hello(1, 1, peer, new byte[32], 7014));
            assertInstanceOf(Frame.Hello.class, c.in.read());
            assertEquals(3, ((Frame.Pong) c.ask(new Frame.Ping(3))).nonce(), "a frame other than RELAY: a control connection");
            return c;
        }

        Frame ask(Frame f) throws IOException {
            out.send(f);
            return in.read();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void announcementsLastAsLongAsTheControlConnection() throws Exception {
        byte[] root = id(9);
        try (Service rv = Net.start(RendezvousService.type()); Client a = Client.open(rv, id(1));
             Client b = Client.open(rv, id(2))) {
            a.out.send(new Frame.Announce(id(1), 7014, Frame.AnnounceEvent.COMPLETED, List.of(root)));
            assertEquals(0, ((Frame.Peers) a.ask(new Frame.Lookup(root))).peers().size(), "not the asker itself");
            Frame.Peers p = (Frame.Peers) b.ask(new Frame.Lookup(root));
            assertEquals(1, p.peers().size());
            assertEquals(a.socket.getLocalPort(), p.peers().getFirst().port(), "the port as the connection came from");
            a.close();
            await().until(() -> ((Frame.Peers) b.ask(new Frame.Lookup(root))).peers().isEmpty());
        }
    }

    @Test
    void aPunchTellsBothSidesAndItsTokenOpensARelay() throws Exception {
        try (Service rv = Net.start(RendezvousService.type()); Client a = Client.open(rv, id(1));
             Client b = Client.open(rv, id(2))) {
            a.out.send(new Frame.PunchRequest(id(2)));
            Frame.Punch toA = (Frame.Punch) a.in.read();
            Frame.Punch toB = (Frame.Punch) b.in.read();
            assertTrue(toA.tlsClient() && !toB.tlsClient());
            assertEquals(toA.token(), toB.token());
            assertEquals(b.socket.getLocalPort(), toA.peer().port());
            try (Socket ra = Net.connect(rv); Socket rb = Net.connect(rv)) {
                FrameWriter wa = new FrameWriter(ra.getOutputStream());
                FrameWriter wb = new FrameWriter(rb.getOutputStream());
                wa.send(new Frame.Hello(1, 1, id(1), new byte[32], 0));
                wa.send(new Frame.Relay(toA.token()));
                wb.send(new Frame.Hello(1, 1, id(2), new byte[32], 0));
                wb.send(new Frame.Relay(toB.token()));
                FrameReader fa = new FrameReader(ra.getInputStream());
                FrameReader fb = new FrameReader(rb.getInputStream());
                fa.read();
                fb.read();
                assertInstanceOf(Frame.RelayOk.class, fa.read());
                assertInstanceOf(Frame.RelayOk.class, fb.read());
                ra.getOutputStream().write("ciphertext, as far as the relay knows".getBytes());
                ra.shutdownOutput();
                assertEquals("ciphertext, as far as the relay knows", new String(rb.getInputStream().readAllBytes()));
            }
            try (Socket late = Net.connect(rv)) {
                FrameWriter w = new FrameWriter(late.getOutputStream());
                w.send(new Frame.Hello(1, 1, id(1), new byte[32], 0));
                w.send(new Frame.Relay(toA.token()));
                FrameReader r = new FrameReader(late.getInputStream());
                r.read();
                assertEquals(ErrorCode.NO_PEER, ((Frame.ErrorFrame) r.read()).errorCode(), "a token is good for one relay");
            }
        }
    }

    @Test
    void anAnnouncementForAnotherPeerIsRefused() throws Exception {
        try (Service rv = Net.start(RendezvousService.type()); Client a = Client.open(rv, id(1))) {
            Frame f = a.ask(new Frame.Announce(id(2), 7014, Frame.AnnounceEvent.STARTED, List.of(id(9))));
            assertEquals(ErrorCode.AUTH, ((Frame.ErrorFrame) f).errorCode());
            Client b = Client.open(rv, id(3));
            assertEquals(ErrorCode.PROTOCOL, ((Frame.ErrorFrame) b.ask(new Frame.Interested())).errorCode());
            b.close();
        }
    }

    @Test
    void udpAnnouncesAndLooksUpOneDatagramEach() throws Exception {
        byte[] root = id(7);
        try (Service rv = Net.start(RendezvousService.type()); DatagramSocket u = new DatagramSocket()) {
            u.setSoTimeout(5000);
            byte[] ann = FrameCodec.encode(new Frame.Announce(id(4), 5555, Frame.AnnounceEvent.STARTED, List.of(root)));
            u.send(new DatagramPacket(ann, ann.length, rv.address()));
            Frame reply = null;
            for (int i = 0; i < 50 && (reply == null || ((Frame.Peers) reply).peers().isEmpty()); i++) {
                byte[] look = FrameCodec.encode(new Frame.Lookup(root));
                u.send(new DatagramPacket(look, look.length, rv.address()));
                DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                u.receive(p);
                reply = FrameReader.datagram(p.getData(), 0, p.getLength());
            }
            Frame.PeerAddress peer = ((Frame.Peers) reply).peers().getFirst();
            assertEquals(5555, peer.port(), "the announced port, at the datagram's address");
            byte[] junk = {0, 0, 0, 9, 1, 2};
            u.send(new DatagramPacket(junk, junk.length, rv.address()));
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            u.receive(p);
            assertEquals(ErrorCode.MALFORMED, ((Frame.ErrorFrame) FrameReader.datagram(p.getData(), 0, p.getLength()))
                    .errorCode());
            assertTrue(rv.listeners().get(1).endsWith("(udp)"), rv.listeners().toString());
        }
    }
}
