package dev.netloom.ping;

import dev.netloom.core.ConfigException;
import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ping service over a raw datagram socket: the reply format, errors, loss and delay. */
class PingServiceTest {

    private static DatagramSocket client(int timeoutMs) throws IOException {
        DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setSoTimeout(timeoutMs);
        return socket;
    }

    private static void send(DatagramSocket socket, Service s, byte[] data) throws IOException {
        socket.send(new DatagramPacket(data, data.length, s.address()));
    }

    private static byte[] receive(DatagramSocket socket) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
        socket.receive(p);
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void pingsComeBackAsPongsWithThePayloadByteForByte() throws Exception {
        try (Service s = Net.start(PingService.type()); DatagramSocket c = client(5000)) {
            send(c, s, ascii("PING 1 hello"));
            assertEquals("PONG 1 hello", new String(receive(c), StandardCharsets.ISO_8859_1));
            send(c, s, ascii("PING 42"));
            assertEquals("PONG 42", new String(receive(c), StandardCharsets.ISO_8859_1));
            send(c, s, ascii("PING 7\n"));
            assertEquals("PONG 7\n", new String(receive(c), StandardCharsets.ISO_8859_1), "nc's newline comes back");
            byte[] binary = new byte[3000];
            for (int i = 0; i < binary.length; i++) {
                binary[i] = (byte) (i * 31);
            }
            byte[] ping = ascii("PING 3 ");
            byte[] request = Arrays.copyOf(ping, ping.length + binary.length);
            System.arraycopy(binary, 0, request, ping.length, binary.length);
            send(c, s, request);
            byte[] reply = receive(c);
            assertEquals("PONG 3 ", new String(reply, 0, 7, StandardCharsets.ISO_8859_1));
            assertArrayEquals(binary, Arrays.copyOfRange(reply, 7, reply.length), "payload byte for byte, NULs and all");
        }
    }

    @Test
    void anythingElseGetsAnError() throws Exception {
        try (Service s = Net.start(PingService.type()); DatagramSocket c = client(5000)) {
            for (String junk : new String[] {"hello", "PING", "PING ", "PING x", "PING 1x", "ping 1", "PONG 1",
                    "PING 12345678901234567890"}) {
                send(c, s, ascii(junk));
                assertEquals("ERR expected: PING <seq> [payload]", new String(receive(c), StandardCharsets.ISO_8859_1), junk);
            }
            send(c, s, ascii("PING 9 still serving"));
            assertEquals("PONG 9 still serving", new String(receive(c), StandardCharsets.ISO_8859_1));
            assertTrue(s.details().get(0).startsWith("loss 0.0, delay 0, jitter 0"), s.details().toString());
        }
    }

    @Test
    void lossDropsAboutThatFractionAndCountsEachDrop() throws Exception {
        int n = 400;
        try (Service s = Net.start(PingService.type(), "loss=0.5"); DatagramSocket c = client(500)) {
            // sent in groups of 20, each drained before the next, so no reply is lost to a full buffer
            Set<String> back = new HashSet<>();
            for (int group = 0; group < n / 20; group++) {
                for (int i = 1; i <= 20; i++) {
                    send(c, s, ascii("PING " + (group * 20 + i)));
                }
                long deadline = System.nanoTime() + 2_000_000_000L;
                while (back.size() + ((PingService) s).dropped() < (group + 1) * 20L && System.nanoTime() < deadline) {
                    try {
                        back.add(new String(receive(c), StandardCharsets.ISO_8859_1));
                    } catch (SocketTimeoutException quiet) {
                        // the rest of this group was dropped (or is still on its way)
                    }
                }
            }
            long dropped = ((PingService) s).dropped();
            assertEquals(n - back.size(), dropped, "every datagram that did not come back was counted as dropped");
            assertTrue(dropped > 120 && dropped < 280, "about half of " + n + " dropped, not " + dropped);
            assertTrue(s.details().get(1).startsWith("dropped " + dropped + " datagram(s)"), s.details().toString());
        }
    }

    @Test
    void lossOfOneAnswersNothing() throws Exception {
        try (Service s = Net.start(PingService.type(), "loss=1"); DatagramSocket c = client(300)) {
            send(c, s, ascii("PING 1 hello"));
            send(c, s, ascii("junk"));
            Assertions.assertThrows(SocketTimeoutException.class, () -> receive(c));
            assertEquals(2, ((PingService) s).dropped());
        }
    }

    @Test
    void delayWithJitterHoldsEachAnswerBackWithoutBlockingTheOthers() throws Exception {
        try (Service s = Net.start(PingService.type(), "delay=1s", "jitter=100ms"); DatagramSocket c = client(10000)) {
            int n = 10;
            long[] sent = new long[n + 1];
            for (int i = 1; i <= n; i++) {
                sent[i] = System.nanoTime();
                send(c, s, ascii("PING " + i));
            }
            long first = sent[1];
            for (int i = 1; i <= n; i++) {
                String reply = new String(receive(c), StandardCharsets.ISO_8859_1);
                long now = System.nanoTime();
                int seq = Integer.parseInt(reply.substring(5));
                long rttMs = (now - sent[seq]) / 1_000_000;
                assertTrue(rttMs >= 900, "seq " + seq + " came back after " + rttMs + " ms, under delay - jitter");
                if (i == n) {
                    // one after another, ten answers delayed at least 900 ms each would take 9 s; held
                    // side by side they take about 1 s, and the margin up to 5 s absorbs a loaded machine
                    long allMs = (now - first) / 1_000_000;
                    assertTrue(allMs < 5000, "answers were delayed one after another: " + allMs + " ms for " + n);
                }
            }
        }
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        var type = PingService.type();
        var e = Assertions.assertThrows(ConfigException.class,
                () -> type.settings(Map.of(), Map.of("loss", "1.5")));
        assertTrue(e.getMessage().contains("ping.loss: '1.5' is not valid: expected a fraction from 0 to 1"), e.getMessage());
    }
}
