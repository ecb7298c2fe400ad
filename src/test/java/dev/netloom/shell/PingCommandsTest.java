package dev.netloom.shell;

import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.ping.PingService;
import dev.netloom.testing.Net;
import dev.netloom.testing.NetloomProcess;
import dev.netloom.tools.IcmpPing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * udpping, tcpping and ping through the shell against real servers on 127.0.0.1: the ping
 * service with loss and delay, a UDP socket that never answers, a listening and a closed TCP
 * port, ICMP to 127.0.0.1 where this process may send it, usage errors, Ctrl-C, and
 * {@code netloom udpping ...} as a separate process.
 */
class PingCommandsTest {

    private static final Pattern SUMMARY = Pattern.compile("(?m)^(\\d+) packets transmitted, (\\d+) received"
            + "(?:, \\+(\\d+) duplicates)?(?:, \\+(\\d+) late)?(?:, \\+(\\d+) errors)?, ([\\d.]+)% packet loss, time \\d+ms$");
    private static final Pattern RTT = Pattern.compile(
            "(?m)^rtt min/avg/max/mdev = (\\d+\\.\\d{3})/(\\d+\\.\\d{3})/(\\d+\\.\\d{3})/(\\d+\\.\\d{3}) ms$");

    @TempDir
    Path home;
    private ServiceRegistry registry;
    private ScriptShell shell;

    /** transmitted, received, duplicates, late, errors, loss % of a summary line. */
    private record Summary(int transmitted, int received, int duplicates, int late, int errors, double loss) {
        static Summary of(String output) {
            Matcher m = SUMMARY.matcher(output);
            assertTrue(m.find(), "no summary line in:\n" + output);
            return new Summary(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), count(m.group(3)),
                    count(m.group(4)), count(m.group(5)), Double.parseDouble(m.group(6)));
        }

        private static int count(String group) {
            return group == null ? 0 : Integer.parseInt(group);
        }
    }

    @BeforeEach
    void shell() {
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty());
        shell = new ScriptShell(registry, home.resolve("logs"));
    }

    @AfterEach
    void stop() {
        registry.stopAll();
    }

    /** Runs {@code line}, checks its exit code, returns what it printed and clears the outputs. */
    private String run(int expectedCode, String line) {
        return shell.run(expectedCode, line);
    }

    private static long lines(String output, String regex) {
        return output.lines().filter(l -> l.matches(regex)).count();
    }

    private static double minRtt(String output) {
        Matcher m = RTT.matcher(output);
        assertTrue(m.find(), "no rtt line in:\n" + output);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void udppingWithoutLossGetsEveryReply() {
        try (Service s = Net.start(PingService.type())) {
            String target = "127.0.0.1:" + s.address().getPort();
            String o = run(0, "udpping " + target + " -c 20 -i 0.01");
            assertTrue(o.startsWith("UDPPING " + target + ": 56 data bytes\n"), o);
            assertEquals(20, lines(o, "56 bytes from " + Pattern.quote(target) + ": seq=\\d+ time=\\d+(\\.\\d+)? ms"), o);
            assertTrue(o.contains("\n--- " + target + " udpping statistics ---\n"), o);
            assertEquals(new Summary(20, 20, 0, 0, 0, 0), Summary.of(o));
            assertTrue(o.contains("20 packets transmitted, 20 received, 0% packet loss, time "), o);
            minRtt(o);
        }
    }

    @Test
    void udppingCountsExactlyWhatTheServerDid() {
        try (Service s = Net.start(PingService.type(), "loss=0.5")) {
            String o = run(0, "udpping 127.0.0.1:" + s.address().getPort() + " -c 40 -i 0.01 -W 0.5 -s 100");
            Summary sum = Summary.of(o);
            long dropped = ((PingService) s).dropped();
            assertEquals(40, sum.transmitted(), o);
            assertEquals(40 - dropped, sum.received(), "received = transmitted - dropped by the server:\n" + o);
            assertEquals(dropped, lines(o, "Request timeout for seq \\d+"), o);
            assertEquals(100.0 * dropped / 40, sum.loss(), 0.001, o);
            assertEquals(sum.received(), lines(o, "100 bytes from .* time=.* ms"), o);
        }
    }

    @Test
    void udppingRttsReflectTheServersDelay() {
        try (Service s = Net.start(PingService.type(), "delay=30ms")) {
            String o = run(0, "udpping 127.0.0.1:" + s.address().getPort() + " -c 5 -i 0.01");
            assertEquals(5, Summary.of(o).received(), o);
            assertTrue(minRtt(o) >= 30, "min rtt under the 30 ms delay:\n" + o);
        }
    }

    @Test
    void udppingToASocketThatNeverAnswersTimesOutAndExitsOne() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            String o = run(1, "udpping 127.0.0.1:" + silent.getLocalPort() + " -c 3 -i 0.01 -W 0.1");
            assertEquals(List.of("Request timeout for seq 1", "Request timeout for seq 2", "Request timeout for seq 3"),
                    o.lines().filter(l -> l.startsWith("Request")).toList(), o);
            assertEquals(new Summary(3, 0, 0, 0, 0, 100), Summary.of(o));
            assertTrue(!RTT.matcher(o).find(), "no rtt line without replies:\n" + o);
        }
    }

    @Test
    void lateRepliesAreReportedNotCounted() {
        try (Service s = Net.start(PingService.type(), "delay=300ms")) {
            // 50 probes 10 ms apart keep the run going past 300 ms, when the first answers come back
            String o = run(1, "udpping 127.0.0.1:" + s.address().getPort() + " -c 50 -i 0.01 -W 0.1");
            Summary sum = Summary.of(o);
            assertEquals(0, sum.received(), o);
            assertTrue(sum.late() > 0, o);
            assertEquals(sum.late(), lines(o, "56 bytes from .*: seq=\\d+ late reply after \\d{3,}\\.\\d ms \\(not counted\\)"), o);
            assertEquals(50, lines(o, "Request timeout for seq \\d+"), o);
        }
    }

    @Test
    void duplicatesAreReportedNotCounted() throws Exception {
        try (DatagramSocket twice = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                try {
                    while (true) {
                        twice.receive(p);
                        p.getData()[1] = 'O';
                        twice.send(p);
                        twice.send(p);
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            String o = run(0, "udpping 127.0.0.1:" + twice.getLocalPort() + " -c 3 -i 0.05");
            // the run ends at the last probe's first answer, so the last duplicate is not read
            assertEquals(new Summary(3, 3, 2, 0, 0, 0), Summary.of(o));
            assertEquals(List.of(1, 2), o.lines().filter(l -> l.endsWith(" ms (DUP!)"))
                    .map(l -> Integer.parseInt(l.replaceAll(".*seq=(\\d+) .*", "$1"))).toList(), o);
        }
    }

    @Test
    void ctrlCStopsEarlyAndStillPrintsTheSummary() throws Exception {
        try (Service s = Net.start(PingService.type())) {
            AtomicInteger code = new AtomicInteger(-1);
            Thread t = Thread.ofPlatform().start(
                    () -> code.set(shell.shell.execute("udpping 127.0.0.1:" + s.address().getPort() + " -c 1000 -i 0.02")));
            await().atMost(Duration.ofSeconds(10)).until(() -> shell.out.toString().contains("seq=3 "));
            shell.shell.interruptCommand();
            t.join(5000);
            assertEquals(0, code.get(), shell.out.toString());
            Summary sum = Summary.of(shell.out.toString());
            assertTrue(sum.transmitted() >= 3 && sum.transmitted() < 1000, shell.out.toString());
        }
    }

    @Test
    void tcppingTimesConnectsAndTellsRefusalsApart() throws Exception {
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String target = "127.0.0.1:" + listening.getLocalPort();
            String o = run(0, "tcpping 127.0.0.1 " + listening.getLocalPort() + " -c 3 -i 0.01");
            assertTrue(o.startsWith("TCPPING " + target + "\n"), o);
            assertEquals(3, lines(o, "connected to " + Pattern.quote(target) + ": seq=\\d time=\\d+(\\.\\d+)? ms"), o);
            assertTrue(o.contains("\n--- " + target + " tcpping statistics ---\n"), o);
            assertEquals(new Summary(3, 3, 0, 0, 0, 0), Summary.of(o));
        }
        int closed;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = gone.getLocalPort();
        }
        String o = run(1, "tcpping 127.0.0.1 " + closed + " -c 2 -i 0.01");
        assertEquals(2, lines(o, "seq=\\d refused \\(Connection refused\\)"), o);
        assertEquals(new Summary(2, 0, 0, 0, 2, 100), Summary.of(o));
    }

    @Test
    void pingSendsIcmpEchoWhereThisProcessMay() {
        Assumptions.assumeTrue(IcmpPing.privileged(), "needs root or CAP_NET_RAW to send ICMP");
        String o = run(0, "ping 127.0.0.1 -c 2 -i 0.01");
        assertTrue(o.startsWith("PING 127.0.0.1 (127.0.0.1): ICMP echo\n"), o);
        assertEquals(2, lines(o, "reply from 127\\.0\\.0\\.1: seq=\\d time=\\d+(\\.\\d+)? ms"), o);
        assertTrue(o.contains("\n--- 127.0.0.1 ping statistics ---\n"), o);
        assertEquals(new Summary(2, 2, 0, 0, 0, 0), Summary.of(o));
    }

    @Test
    void pingWithoutThePrivilegeSaysWhatIsNeeded() {
        Assumptions.assumeFalse(IcmpPing.privileged(), "this process may send ICMP");
        String o = run(2, "ping 127.0.0.1 -c 2");
        assertTrue(o.contains("error: ping sends ICMP echo, which needs raw sockets") && o.contains("setcap cap_net_raw+ep")
                && o.contains("tcpping HOST PORT and udpping HOST[:PORT] need no privilege"), o);
    }

    @ParameterizedTest
    @ValueSource(strings = {"udpping", "udpping 127.0.0.1 -c 0", "udpping 127.0.0.1 -c 1000001",
            "udpping 127.0.0.1 -i -1", "udpping 127.0.0.1 -i 0", "udpping 127.0.0.1 -i abc", "udpping 127.0.0.1 -W 0",
            "udpping 127.0.0.1 -W NaN", "udpping 127.0.0.1 -s -1", "udpping 127.0.0.1 -s 70000",
            "udpping 127.0.0.1:99999", "udpping 127.0.0.1:x", "udpping [::1]x", "udpping 127.0.0.1 -x",
            "udpping host.invalid", "tcpping 127.0.0.1", "tcpping 127.0.0.1 0", "tcpping 127.0.0.1 http",
            "tcpping 127.0.0.1 80 -c -1", "ping", "ping 127.0.0.1 -c 0"})
    void usageErrorsExitTwo(String line) {
        String o = run(2, line);
        assertTrue(o.contains("error: ") || o.contains("Usage: "), o);
    }

    @Test
    void helpDescribesEachCommand() {
        for (String command : List.of("udpping", "tcpping", "ping")) {
            String o = run(0, command + " --help");
            assertTrue(o.startsWith("Usage:") && o.contains(" " + command + " [-h] [-c=COUNT] [-i=INTERVAL] "), o);
            assertTrue(o.contains("-c=COUNT") && o.contains("-i=INTERVAL") && o.contains("-W=TIMEOUT"), o);
        }
    }

    // --- netloom udpping as its own process, as scripts run it

    private NetloomProcess launch(String... args) throws IOException {
        return NetloomProcess.in(home).mergeErr().start(args);
    }

    @Test
    void netloomUdppingProcessExitCodes() throws Exception {
        try (Service s = Net.start(PingService.type()); DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            NetloomProcess ok = launch("udpping", "127.0.0.1:" + s.address().getPort(), "-c", "3", "-i", "0.01");
            assertEquals(0, ok.waitFor(), ok.out());
            String o = ok.out();
            assertEquals(new Summary(3, 3, 0, 0, 0, 0), Summary.of(o));

            NetloomProcess none = launch("udpping", "127.0.0.1:" + silent.getLocalPort(), "-c", "2", "-i", "0.01", "-W", "0.1");
            assertEquals(1, none.waitFor(), none.out());
            o = none.out();
            assertEquals(new Summary(2, 0, 0, 0, 0, 100), Summary.of(o));

            NetloomProcess usage = launch("udpping", "127.0.0.1", "-c", "0");
            assertEquals(2, usage.waitFor(), usage.out());
            o = usage.out();
            assertTrue(o.contains("-c (count) must be 1-1000000, not 0"), o);
        }
    }

    @Test
    void netloomUdppingPrintsItsSummaryWhenTheProcessIsStopped() throws Exception {
        try (Service s = Net.start(PingService.type())) {
            NetloomProcess p = launch("udpping", "127.0.0.1:" + s.address().getPort(), "-c", "1000", "-i", "0.02");
            p.awaitOut("seq=3 ");
            p.stop(); // SIGTERM, which takes Ctrl-C's shutdown path
            String o = p.out();
            Summary sum = Summary.of(o);
            assertTrue(sum.transmitted() >= 3 && sum.transmitted() < 1000, o);
        }
    }
}
