package dev.netloom.shell;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * monitor capture and monitor analyze through the shell: a live capture on lo of exchanges with
 * netloom's echo service, written with -w and judged by tshark, read back with -r, analysed with --json;
 * the filter holds, -c stops, Ctrl-C ends a capture that sees nothing, a bad filter says why.
 * Skipped where this process may not capture (not root, no CAP_NET_RAW) or tshark is missing.
 */
class MonitorCaptureCommandTest extends ShellInHome {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Echo exchanges on a loopback server until {@code stop}; returns the server's port. */
    private static int traffic(ServerSocket server, AtomicBoolean stop) {
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException e) {
                    return;
                }
            }
        });
        clients(server.getLocalPort(), stop);
        return server.getLocalPort();
    }

    /** A paced loop of connections to {@code port}, each sending a line and reading the echo, until {@code stop}. */
    private static void clients(int port, AtomicBoolean stop) {
        Thread.ofVirtual().start(() -> {
            while (!stop.get()) {
                try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    c.getOutputStream().write("hello capture\n".getBytes(StandardCharsets.US_ASCII));
                    c.shutdownOutput();
                    c.getInputStream().readAllBytes();
                    Thread.sleep(20); // a paced loop of real connections, not a wait for a condition
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        });
    }

    @Test
    void aFilteredCaptureToAFileThatTsharkReadsAndTheAnalysisOfIt() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tshark")), "tshark is not installed (tests/ensure-tools.sh)");
        AtomicBoolean stop = new AtomicBoolean();
        try (ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            traffic(other, stop); // on another port: the filter must keep it out
            shell.run(0, "start echo port=0"); // the packets captured are a netloom service's
            int port = registry.running("echo").address().getPort();
            clients(port, stop);
            Path file = home.resolve("lo.pcap");
            int code = shell.shell.execute("monitor capture -i lo -c 40 -s 96 -w " + file + " tcp port " + port);
            shell.lastErr = shell.err.toString();
            shell.err.getBuffer().setLength(0);
            assumeTrue(code != 1 || !shell.lastErr.contains("CAP_NET_RAW"), "capturing is not permitted here: " + shell.lastErr);
            assertEquals(0, code, shell.lastErr);
            assertTrue(shell.lastErr.contains("listening on lo, link-type EN10MB, snapshot length 96 bytes"), shell.lastErr);
            assertTrue(shell.lastErr.contains("40 packets captured"), shell.lastErr);
            assertTrue(shell.lastErr.matches("(?s).*\\d+ packets received by filter.*\\d+ packets dropped by kernel.*"),
                    shell.lastErr);
            stop.set(true);

            Process p = new ProcessBuilder("tshark", "-r", file.toString(), "-T", "fields", "-e", "tcp.port")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            List<String> ports = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
            assertEquals(0, p.waitFor());
            assertEquals(40, ports.size(), "tshark reads the 40 packets");
            assertTrue(ports.stream().allMatch(l -> List.of(l.split(",")).contains(Integer.toString(port))), ports.toString());

            String lines = shell.runOut(0, "monitor capture -r " + file + " -c 3");
            assertEquals(3, lines.lines().count(), lines);
            assertTrue(lines.lines().allMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{6} IP 127\\.0\\.0\\.1\\.\\d+ > .*")),
                    lines);

            JsonNode r = JSON.readTree(shell.runOut(0, "monitor analyze " + file + " --json"));
            assertEquals(40, r.get("packets").asInt());
            assertTrue(r.get("conversations").size() >= 1, r.toString());
            for (JsonNode c : r.get("conversations")) {
                assertEquals("tcp", c.get("protocol").asText());
                assertTrue(c.get("portA").asInt() == port || c.get("portB").asInt() == port, c.toString());
            }
            assertTrue(r.get("tcpTotals").has("retransmission"), r.toString());
            String text = shell.runOut(0, "monitor analyze " + file);
            assertTrue(text.contains("Conversations (") && text.contains("Protocol hierarchy")
                    && text.contains("TCP analysis (as tcp.analysis.*)"), text);
        } finally {
            stop.set(true);
        }
    }

    @Test
    void aLiveAnalysisUntilACountOrADuration() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = traffic(server, stop);
            int code = shell.shell.execute("monitor analyze -i lo -c 30 --json tcp port " + port);
            String out = shell.out.toString();
            String err = shell.err.toString();
            shell.out.getBuffer().setLength(0);
            shell.err.getBuffer().setLength(0);
            assumeTrue(code != 1 || !err.contains("CAP_NET_RAW"), "capturing is not permitted here: " + err);
            assertEquals(0, code, err);
            JsonNode r = JSON.readTree(out);
            assertEquals(30, r.get("packets").asInt(), out);
            assertTrue(r.get("conversations").size() >= 1, out);
            String text = shell.runOut(0, "monitor analyze -i lo --duration 1s tcp port " + port);
            assertTrue(text.startsWith("live capture on lo (tcp port " + port + "): "), text);
            shell.run(2, "monitor analyze " + home.resolve("a.pcap") + " -c 3");
            shell.run(2, "monitor analyze");
        } finally {
            stop.set(true);
        }
    }

    @Test
    void topFromACaptureAndFromNetloomsOwnConnections() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = traffic(server, stop);
            int code = shell.shell.execute("monitor top -i lo -n 3 tcp port " + port);
            String out = shell.out.toString();
            String err = shell.err.toString();
            shell.out.getBuffer().setLength(0);
            shell.err.getBuffer().setLength(0);
            if (!err.contains("cannot capture")) {
                assertEquals(0, code, err);
                assertTrue(out.contains("monitor top: capture on lo (tcp port " + port + ")"), out);
                assertTrue(out.lines().anyMatch(l -> l.startsWith("tcp 127.0.0.1:") && l.contains(":" + port)), out);
            }
        } finally {
            stop.set(true);
        }
        shell.run(0, "start echo port=0");
        int echoPort = registry.running("echo").address().getPort();
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), echoPort)) {
            c.getOutputStream().write(new byte[64 * 1024]);
            c.getInputStream().readNBytes(64 * 1024);
            String out = shell.runOut(0, "monitor top --connections -n 2");
            assertTrue(out.contains("monitor top: netloom's connections"), out);
            assertTrue(out.lines().anyMatch(l -> l.startsWith("echo /127.0.0.1:")), out);
            assertTrue(out.contains("total (2 s): A>B "), out);
        }
    }

    @Test
    void ctrlCEndsACaptureThatSeesNothingAndABadFilterSaysWhy() throws Exception {
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = Thread.ofVirtual().start(() -> code.set(shell.shell.execute("monitor capture -i lo tcp port 1")));
        await().atMost(Duration.ofSeconds(10)).until(() -> shell.err.toString().contains("listening on lo")
                || code.get() >= 0);
        assumeTrue(code.get() < 0, "capturing is not permitted here: " + shell.err);
        shell.shell.interruptCommand();
        t.join(Duration.ofSeconds(10));
        assertEquals(0, code.get(), shell.err.toString());
        assertTrue(shell.err.toString().contains("0 packets captured"), shell.err.toString());
        shell.err.getBuffer().setLength(0);
        shell.run(1, "monitor capture -i lo -c 1 tcp port nonsense");
        assertTrue(shell.lastErr.contains("nonsense"), "libpcap's words about the filter: " + shell.lastErr);
        shell.run(2, "monitor capture -c 0");
        shell.run(2, "monitor capture -r " + home.resolve("x.pcap") + " tcp");
        shell.run(1, "monitor analyze " + home.resolve("missing.pcap"));
        assertTrue(shell.lastErr.contains("cannot read"), shell.lastErr);
    }
}
