package dev.netloom.monitor;

import dev.netloom.core.Service;
import dev.netloom.echo.UdpEchoService;
import dev.netloom.ping.PingService;
import dev.netloom.testing.Net;
import dev.netloom.tools.IcmpPing;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Probes against real servers on 127.0.0.1: answered ones, and ones that cannot be. */
class ProbeRunTest {

    private static final Duration INTERVAL = Duration.ofMillis(20);
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private static List<ProbeStats.Snapshot> probe(int count, String... targets) throws Exception {
        List<ProbeTarget> parsed = Arrays.stream(targets).map(ProbeTarget::parse).toList();
        try (ProbeRun run = new ProbeRun(parsed, count, INTERVAL, TIMEOUT)) {
            run.start();
            assertTrue(run.await(Duration.ofSeconds(20)), "the run ended");
            return run.snapshots();
        }
    }

    private static void allAnswered(ProbeStats.Snapshot s, int count) {
        assertEquals(count, s.sent(), s.toString());
        assertEquals(count, s.received(), s.toString());
        assertEquals(0, s.lossPercent(), s.toString());
        assertTrue(s.minMs() > 0 && s.minMs() <= s.p50Ms() && s.p50Ms() <= s.p99Ms() && s.p99Ms() <= s.maxMs(), s.toString());
        assertTrue(s.avgMs() >= s.minMs() && s.avgMs() <= s.maxMs() && s.maxMs() < TIMEOUT.toMillis(), s.toString());
        assertTrue(s.jitterMs() >= 0 && s.jitterMs() <= s.maxMs(), s.toString());
    }

    @Test
    void udpAndTcpTargetsAnswerEveryProbe() throws Exception {
        try (Service echo = Net.start(UdpEchoService.type()); Service ping = Net.start(PingService.type());
             ServerSocket tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<ProbeStats.Snapshot> all = probe(10, "udp://127.0.0.1:" + echo.address().getPort(),
                    "udp://127.0.0.1:" + ping.address().getPort(), "tcp://127.0.0.1:" + tcp.getLocalPort());
            assertEquals(3, all.size());
            all.forEach(s -> allAnswered(s, 10));
            assertEquals("udp://127.0.0.1:" + echo.address().getPort(), all.getFirst().target());
        }
    }

    @Test
    void icmpToLoopback() throws Exception {
        Assumptions.assumeTrue(IcmpPing.privileged(), "this process may not send ICMP echo (no CAP_NET_RAW)");
        allAnswered(probe(5, "icmp://127.0.0.1").getFirst(), 5);
    }

    @Test
    void aClosedTcpPortAndASilentUdpPortLoseEverything() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            List<ProbeStats.Snapshot> all = probe(3, "tcp://127.0.0.1:" + closed, "udp://127.0.0.1:" + silent.getLocalPort());
            ProbeStats.Snapshot tcp = all.get(0);
            assertEquals(3, tcp.sent(), tcp.toString());
            assertEquals(0, tcp.received());
            assertEquals(3, tcp.errors(), "a refusal is an error");
            assertEquals(100, tcp.lossPercent());
            assertTrue(tcp.lastError().contains("refused"), tcp.lastError());
            assertNull(tcp.avgMs());
            ProbeStats.Snapshot udp = all.get(1);
            assertEquals(3, udp.sent(), udp.toString());
            assertEquals(0, udp.received());
            assertEquals(0, udp.errors(), "no answer is a loss, not an error");
            assertEquals(100, udp.lossPercent());
        }
    }

    @Test
    void anUnknownHostFailsAtStart() {
        ProbeRun run = new ProbeRun(List.of(ProbeTarget.parse("tcp://no-such-host.invalid:80")), 1, INTERVAL, TIMEOUT);
        Exception e = assertThrows(IOException.class, run::start);
        assertTrue(e.getMessage().contains("unknown host no-such-host.invalid"), e.getMessage());
        run.close();
    }
}
