package dev.netloom.shell;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netloom.core.Service;
import dev.netloom.echo.UdpEchoService;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * monitor, monitor bw and monitor probe through the shell as scripts run it (no terminal): the
 * history in the test's home filled by the command's own readings, probes against real servers
 * on 127.0.0.1, {@code --json} read with Jackson, Ctrl-C ending a run without {@code -c}.
 */
class MonitorCommandTest extends ShellInHome {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aloneItPrintsItsUsage() {
        String o = shell.run(0, "monitor");
        assertTrue(o.contains("Usage:  monitor [COMMAND]") && o.contains("bw") && o.contains("probe"), o);
    }

    @Test
    void bandwidthFirstWithoutHistoryThenWithIt() throws Exception {
        String first = shell.run(0, "monitor bw lo");
        assertTrue(first.startsWith("no bandwidth history per minute yet for lo in "), first);
        assertTrue(first.contains("now (over 3.0 s):"), first);
        assertTrue(first.lines().anyMatch(l -> l.startsWith("lo ")), first);
        assertTrue(home.resolve("data/monitor/bandwidth.db").toFile().isFile());

        JsonNode doc = JSON.readTree(shell.runOut(0, "monitor bw lo --json"));
        assertEquals("minute", doc.get("resolution").asText());
        JsonNode lo = doc.get("history").get(0);
        assertEquals("lo", lo.get("interface").asText());
        JsonNode row = lo.get("rows").get(0);
        assertTrue(row.get("seconds").asDouble() > 2.5, row.toString());
        assertTrue(row.get("rx_bytes").asLong() >= 0 && row.has("tx_drops") && row.has("rx_bytes_per_s"), row.toString());
        JsonNode rate = doc.get("rates").get(0);
        assertEquals("lo", rate.get("interface").asText());
        assertTrue(rate.get("seconds").asDouble() >= 0.9, rate.toString());
        assertTrue(rate.has("rx_packets_per_s") && rate.has("tx_errors_per_s"), rate.toString());

        String text = shell.run(0, "monitor bw lo --minutes");
        assertTrue(text.startsWith("lo, per minute (times in "), text);
        assertTrue(text.lines().anyMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  rx .*")), text);
        assertTrue(text.lines().anyMatch(l -> l.matches(" +tx .*")), text);
        assertTrue(text.contains("total: rx "), text);
        assertTrue(text.contains("now (over 1.0 s):"), text);
        String days = shell.run(0, "monitor bw lo --days -n 1");
        assertTrue(days.startsWith("lo, per day"), days);
    }

    @Test
    void bandwidthUsageErrors() {
        shell.run(2, "monitor bw no-such-interface0");
        assertTrue(shell.lastErr.contains("no interface 'no-such-interface0'"), shell.lastErr);
        shell.run(2, "monitor bw --hours --days");
        shell.run(2, "monitor bw -n 0");
    }

    @Test
    void probesAnsweredAndNot() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (Service echo = Net.start(UdpEchoService.type());
             ServerSocket tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String udp = "udp://127.0.0.1:" + echo.address().getPort();
            String listening = "tcp://127.0.0.1:" + tcp.getLocalPort();
            String o = shell.run(0, "monitor probe " + udp + " " + listening + " -c 5 -i 0.02");
            assertTrue(o.startsWith("TARGET"), o);
            assertTrue(o.lines().anyMatch(l -> l.matches(Pattern.quote(udp)
                    + " +5 +5 +0 +0% +\\d+\\.\\d{3}( +\\d+\\.\\d{3}){5}")), o);
            assertTrue(o.lines().anyMatch(l -> l.startsWith(listening) && l.contains(" 0% ")), o);

            String gone = "tcp://127.0.0.1:" + closed;
            JsonNode doc = JSON.readTree(shell.runOut(1, "monitor probe " + listening + " " + gone
                    + " -c 3 -i 0.02 --json"));
            assertEquals("rfc3550", doc.get("jitter").asText());
            JsonNode ok = doc.get("targets").get(0);
            assertEquals(listening, ok.get("target").asText());
            assertEquals(3, ok.get("received").asInt());
            assertEquals(0, ok.get("loss_percent").asDouble());
            JsonNode rtt = ok.get("rtt_ms");
            assertTrue(rtt.get("min").asDouble() > 0 && rtt.get("p99").asDouble() <= rtt.get("max").asDouble(), rtt.toString());
            JsonNode lost = doc.get("targets").get(1);
            assertEquals(3, lost.get("sent").asInt());
            assertEquals(0, lost.get("received").asInt());
            assertEquals(100, lost.get("loss_percent").asDouble());
            assertTrue(lost.get("rtt_ms").get("avg").isNull(), lost.toString());
            assertTrue(lost.get("last_error").asText().contains("refused"), lost.toString());
        }
    }

    @Test
    void withoutCountItPrintsLinesUntilCtrlC() throws Exception {
        try (ServerSocket tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String target = "tcp://127.0.0.1:" + tcp.getLocalPort();
            AtomicInteger code = new AtomicInteger(-1);
            Thread t = Thread.ofVirtual().start(() -> code.set(shell.shell.execute("monitor probe " + target + " -i 0.1")));
            await().atMost(Duration.ofSeconds(10)).until(() -> shell.out.toString().lines()
                    .filter(l -> l.startsWith(target + ": sent ")).count() >= 2);
            shell.shell.interruptCommand();
            t.join(Duration.ofSeconds(10));
            assertEquals(0, code.get(), shell.out + "" + shell.err);
            String o = shell.out.toString();
            assertTrue(o.lines().anyMatch(l -> l.matches(Pattern.quote(target)
                    + ": sent \\d+, received \\d+, loss 0%, rtt min/avg/p50/p99/max = [\\d./]+ ms, jitter [\\d.]+ ms")), o);
            assertTrue(o.contains("\nTARGET "), "the final table after Ctrl-C:\n" + o);
        }
    }

    @Test
    void probeUsageErrors() {
        shell.run(2, "monitor probe");
        shell.run(2, "monitor probe http://127.0.0.1:80");
        shell.run(2, "monitor probe tcp://127.0.0.1:80 -i abc");
        shell.run(2, "monitor probe tcp://no-such-host.invalid:80 -c 1");
        assertTrue(shell.lastErr.contains("unknown host no-such-host.invalid"), shell.lastErr);
    }
}
