package dev.netloom.echo;

import dev.netloom.core.Service;
import dev.netloom.core.StatsSnapshot;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UdpServicesTest {

    private static byte[] exchange(DatagramSocket client, Service s, byte[] data) throws IOException {
        client.send(new DatagramPacket(data, data.length, s.address()));
        byte[] buf = new byte[70_000];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        client.receive(p);
        return Arrays.copyOf(buf, p.getLength());
    }

    @Test
    void udpEchoReturnsEachDatagramAndCounts() throws IOException {
        byte[] big = new byte[60_000];
        new Random(7).nextBytes(big);
        try (Service echo = Net.start(UdpEchoService.type()); DatagramSocket client = new DatagramSocket()) {
            client.setSoTimeout(5000);
            assertArrayEquals(Net.utf8("hi"), exchange(client, echo, Net.utf8("hi")));
            assertArrayEquals(big, exchange(client, echo, big));
            StatsSnapshot st = echo.stats();
            assertEquals(2, st.datagramsIn());
            assertEquals(2, st.datagramsOut());
            assertEquals(60_002, st.bytesIn());
            assertEquals(1, st.peers());
            assertEquals(client.getLocalPort(), ((InetSocketAddress) echo.connections().get(0).remote()).getPort());
        }
    }

    @Test
    void udpEchoDropsOversizedDatagrams() throws IOException {
        try (Service echo = Net.start(UdpEchoService.type(), "max-datagram=100"); DatagramSocket client = new DatagramSocket()) {
            client.setSoTimeout(500);
            byte[] big = new byte[101];
            client.send(new DatagramPacket(big, big.length, echo.address()));
            assertThrows(SocketTimeoutException.class, () -> client.receive(new DatagramPacket(new byte[200], 200)));
            assertEquals(1, echo.stats().errors());
            client.setSoTimeout(5000);
            assertArrayEquals(new byte[100], exchange(client, echo, new byte[100]), "exactly the limit passes");
        }
    }

    @Test
    void udpUpperUpperCasesAndRefusesOversized() throws IOException {
        try (Service upper = Net.start(UdpUpperService.type(), "max-datagram=10"); DatagramSocket client = new DatagramSocket()) {
            client.setSoTimeout(5000);
            assertEquals("STRASSE", new String(exchange(client, upper, Net.utf8("straße")), StandardCharsets.UTF_8));
            assertEquals("ERR datagram too large (max 10 bytes)",
                    new String(exchange(client, upper, Net.utf8("0123456789A")), StandardCharsets.UTF_8));
        }
    }
}
