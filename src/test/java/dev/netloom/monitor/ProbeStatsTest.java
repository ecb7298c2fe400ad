package dev.netloom.monitor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The statistics on made-up outcomes, and the target notation. */
class ProbeStatsTest {

    private static ProbeResult ms(long ms) {
        return ProbeResult.answered(Duration.ofMillis(ms));
    }

    @Test
    void lossPercentilesAndJitter() {
        ProbeStats s = new ProbeStats("t");
        for (int i = 1; i <= 100; i++) {
            s.add(ms(i));
        }
        s.add(ProbeResult.lost());
        s.add(ProbeResult.error("Connection refused"));
        ProbeStats.Snapshot n = s.snapshot();
        assertEquals(102, n.sent());
        assertEquals(100, n.received());
        assertEquals(1, n.errors());
        assertEquals(200.0 / 102, n.lossPercent(), 1e-9);
        assertEquals(1, n.minMs(), 1e-9);
        assertEquals(50.5, n.avgMs(), 1e-9);
        assertEquals(50, n.p50Ms(), 1e-9);
        assertEquals(99, n.p99Ms(), 1e-9);
        assertEquals(100, n.maxMs(), 1e-9);
        // |D| is 1 ms each time: J goes 1/16, then toward 1 as 1 - (15/16)^99
        assertEquals(1 - Math.pow(15.0 / 16, 99), n.jitterMs(), 1e-9);
        assertEquals("Connection refused", n.lastError());
    }

    @Test
    void jitterFollowsRfc3550() {
        ProbeStats s = new ProbeStats("t");
        s.add(ms(10));
        assertEquals(0, s.snapshot().jitterMs(), 1e-9);
        s.add(ms(26));
        assertEquals(1, s.snapshot().jitterMs(), 1e-9); // 0 + (16 - 0) / 16
        s.add(ms(10));
        assertEquals(1 + 15 / 16.0, s.snapshot().jitterMs(), 1e-9); // 1 + (16 - 1) / 16
    }

    @Test
    void nothingAnswered() {
        ProbeStats s = new ProbeStats("t");
        assertEquals(0, s.snapshot().lossPercent());
        s.add(ProbeResult.lost());
        ProbeStats.Snapshot n = s.snapshot();
        assertEquals(100, n.lossPercent());
        assertNull(n.minMs());
        assertNull(n.jitterMs());
    }

    @ParameterizedTest
    @CsvSource({"icmp://example.org, icmp, example.org, 0, icmp://example.org",
            "example.org, icmp, example.org, 0, icmp://example.org",
            "icmp://[::1], icmp, ::1, 0, icmp://[::1]",
            "icmp://::1, icmp, ::1, 0, icmp://[::1]",
            "udp://127.0.0.1, udp, 127.0.0.1, 7009, udp://127.0.0.1:7009",
            "udp://127.0.0.1:7007, udp, 127.0.0.1, 7007, udp://127.0.0.1:7007",
            "TCP://[::1]:22/, tcp, ::1, 22, tcp://[::1]:22"})
    void targets(String text, String kind, String host, int port, String shown) {
        ProbeTarget t = ProbeTarget.parse(text);
        assertEquals(new ProbeTarget(kind, host, port), t);
        assertEquals(shown, t.toString());
    }

    @ParameterizedTest
    @CsvSource({"tcp://127.0.0.1", "icmp://127.0.0.1:80", "http://127.0.0.1:80", "udp://127.0.0.1:0", "tcp://:80"})
    void badTargets(String text) {
        assertThrows(IllegalArgumentException.class, () -> ProbeTarget.parse(text));
    }
}
