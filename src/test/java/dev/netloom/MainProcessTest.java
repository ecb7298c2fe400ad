package dev.netloom;

import dev.netloom.testing.Net;
import dev.netloom.testing.NetloomProcess;
import dev.netloom.testing.NetloomProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** netloom as a separate process with piped streams and no terminal, as scripts and CI run it. */
class MainProcessTest {

    @TempDir
    Path home;

    /** Environment variables for the next launch (NETLOOM_LOG). */
    private final Map<String, String> env = new HashMap<>();

    private NetloomProcess launch(String... args) throws IOException {
        return NetloomProcess.in(home).env(env).start(args);
    }

    private Result run(String stdin, String... args) throws Exception {
        return NetloomProcess.in(home).env(env).stdin(stdin).run(args);
    }

    @Test
    void dashCRunsCommandsInOrder() throws Exception {
        Result r = run("", "-c", "start echo port=0; start udp-upper port=0; status");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s)echo listening on 127\\.0\\.0\\.1:\\d+ \\(tcp\\)\\nudp-upper listening on .*"), r.out());
        assertTrue(r.out().matches("(?s).*udp-upper\\s+RUNNING.*"), r.out());
    }

    @Test
    void dashCStopsAtTheFirstFailingCommandAndNamesIt() throws Exception {
        Result r = run("", "-c", "start echo port=0; stop upper; status");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("error: upper is not running"), r.err());
        assertTrue(r.err().contains("netloom: -c:2: command failed: stop upper"), r.err());
        assertTrue(!r.out().contains("SERVICE"), "status must not run after the failure");
    }

    @Test
    void restartLogsAndSourceWork() throws Exception {
        Path script = home.resolve("more.nl");
        Files.writeString(script, "start udp-echo port=0\nsend udp://127.0.0.1:1 never\n");
        Result r = run("", "-c", "start echo port=0; restart echo; logs echo -n 3; source " + script + "; status");
        assertEquals(1, r.code(), "the sourced script's failing send fails the whole run");
        String[] out = r.out().split("\n");
        assertTrue(out[0].startsWith("echo listening on") && out[1].startsWith("echo listening on"), r.out());
        // the last three log lines of echo: the first instance stopping, stopped, the second listening
        assertTrue(out[2].contains(" INFO  [main] echo: stopping (grace 5s)"), r.out());
        assertTrue(out[3].matches(".* INFO  \\[main\\] echo: stopped, graceful, \\d+ ms"), r.out());
        assertTrue(out[4].endsWith("echo: listening on " + out[1].substring("echo listening on ".length())), r.out());
        assertTrue(r.out().contains("udp-echo listening on"), r.out());
        assertTrue(r.err().contains(script + ":2: command failed: send udp://127.0.0.1:1 never"), r.err());
        assertTrue(r.err().contains("netloom: -c:4: command failed: source " + script), r.err());
    }

    @Test
    void scriptFileFailureNamesFileAndLine() throws Exception {
        Path script = home.resolve("setup.nl");
        Files.writeString(script, "# set up\nstart upper port=0\n\nstart upper port=nope\nstatus\n");
        Result r = run("", "-f", script.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("error: upper is already running"), r.err());
        assertTrue(r.err().contains(script + ":4: command failed: start upper port=nope"), r.err());
    }

    @Test
    void stdinLinesRunWithoutATerminal() throws Exception {
        Result ok = run("start echo port=0\nservices\nstatus echo\n");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("TCP echo (RFC 862)"), ok.out());
        Result bad = run("services\nbogus command\nstatus\n");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("error: unknown command 'bogus'"), bad.err());
        assertTrue(bad.err().contains("netloom: stdin:2: command failed: bogus command"), bad.err());
    }

    @Test
    void versionAndServeHelp() throws Exception {
        Result version = run("", "--version");
        assertEquals(0, version.code(), version.err());
        // the commit is git's when the build was given it (make), else unknown (mvn alone, no git)
        assertTrue(version.out().matches("netloom \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit ([0-9a-f]{7,40}|unknown)\\)\n"),
                version.out());
        for (String[] args : new String[][] {{"serve", "--help"}, {"serve", "-h"}, {"help", "serve"}}) {
            Result help = run("", args);
            assertEquals(0, help.code(), String.join(" ", args) + ": " + help.err());
            assertTrue(help.out().startsWith("usage: netloom serve SVC... [--config FILE] [SVC.key=value...]\n"), help.out());
        }
        Result shellHelp = run("", "help", "start");
        assertEquals(0, shellHelp.code());
        assertTrue(shellHelp.out().contains("Start a service; KEY=VALUE pairs override its config."), shellHelp.out());
    }

    @Test
    void aCommandsOwnDashCAtTheEndIsNotTakenForNetlooms() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Result get = run("", "ftp", "get", "ftp://u:p@127.0.0.1:" + closed + "/f.bin", home.resolve("f.bin").toString(), "-c");
        assertEquals(1, get.code(), get.err());
        assertTrue(get.err().startsWith("error: "), get.err());
        assertFalse(get.err().contains("needs a value"), "ftp get's -c (resume), not netloom's -c: " + get.err());
    }

    @Test
    void usageErrorsExitTwoOnTheCommandLineAndInDashC() throws Exception {
        Result oneShot = run("", "kill", "echo", "abc");
        assertEquals(2, oneShot.code());
        assertTrue(oneShot.err().startsWith("error: CONN-ID: 'abc' is not a whole number\nusage: kill SERVICE CONN-ID\n"),
                oneShot.err());
        Result dashC = run("", "-c", "start echo port=0; restart echo colour=blue");
        assertEquals(2, dashC.code());
        assertTrue(dashC.err().startsWith("error: echo.colour: unknown key"), dashC.err());
        assertTrue(dashC.err().contains("netloom: -c:2: command failed: restart echo colour=blue"), dashC.err());
        assertEquals(2, run("", "start", "ecko").code(), "an unknown service is a usage error");
    }

    @Test
    void debugLoggingPrintsNoStackTraceAtExit() throws Exception {
        env.put("NETLOOM_LOG", "debug");
        NetloomProcess server = launch("serve", "echo", "echo.port=0");
        server.port("echo");
        assertEquals(0, server.stop());
        String log = Files.readString(home.resolve("logs/netloom.0.log")); // stderr gets the same lines
        assertTrue(log.contains("echo: stopped, graceful"), log);
        assertTrue(!log.contains("Runtime.exit") && !log.contains("\tat "), log);
    }

    @Test
    void ftpPasswdSavesToTheLocalFileFromStdin() throws Exception {
        Result r = run("pw one\n", "ftp-passwd", "--user", "alice", "--save");
        assertEquals(0, r.code(), r.err());
        Path local = home.resolve("netloom.local.properties");
        assertEquals("saved ftp.user.alice.password and ftp.users=alice to " + local
                + " (mode 0600, not tracked); `restart ftp` uses it\n", r.out());
        Result bob = run("pw two\n", "smtp-passwd", "--user", "bob", "--save");
        assertEquals(0, bob.code(), bob.err());
        String text = Files.readString(local);
        assertTrue(text.contains("\nftp.users=alice\nftp.user.alice.password=pbkdf2-sha256$")
                && text.contains("\nsmtp.users=bob\nsmtp.user.bob.password=pbkdf2-sha256$"), text);
        assertTrue(!text.contains("pw one") && !Files.exists(home.resolve("netloom.properties")), text);
        Result config = run("", "config", "smtp");
        assertTrue(config.out().matches("(?s).*smtp\\.users\\s+bob\\s+local.*"), config.out());
    }

    @Test
    void oneShotSendTalksToAServer() throws Exception {
        NetloomProcess server = launch("serve", "upper", "upper.port=0");
        try {
            int port = server.port("upper");
            Result r = run("", "send", "tcp://127.0.0.1:" + port, "hello", "there");
            assertEquals(0, r.code(), r.err());
            assertEquals("HELLO THERE\n", r.out());
            Result refused = run("", "send", "--timeout", "500ms", "udp://127.0.0.1:" + port, "anyone?");
            assertEquals(1, refused.code());
            assertTrue(refused.err().startsWith("error: udp://127.0.0.1:" + port + ": "), refused.err());
        } finally {
            server.stop();
        }
    }

    @Test
    void serveStopsGracefullyOnSigtermAndExitsZero() throws Exception {
        NetloomProcess server = launch("serve", "echo", "udp-echo", "echo.port=0", "udp-echo.port=0");
        int port = server.port("echo");
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
            assertEquals('x', s.getInputStream().read());
        }
        assertEquals(0, server.stop()); // SIGTERM
        String log = Files.readString(home.resolve("logs/netloom.0.log"));
        assertTrue(log.contains("echo: stopped, graceful"), log);
        assertTrue(log.contains("udp-echo: stopped, graceful"), log);
    }

    @Test
    void serveRefusesBadConfigBeforeStartingAnything() throws Exception {
        Result r = run("", "serve", "echo", "echo.port=0", "echo.max-connections=lots");
        assertEquals(2, r.code());
        assertEquals("netloom serve: echo.max-connections: 'lots' is not valid: expected an integer 1-1000000\n", r.err());
        assertEquals("", r.out());

        Files.writeString(home.resolve("netloom.properties"), "echo.colour=blue\n");
        Result file = run("", "serve", "echo");
        assertEquals(2, file.code());
        assertTrue(file.err().startsWith("netloom: echo.colour: unknown key"), file.err());
    }

    @Test
    void serveReportsAPortInUse() throws Exception {
        try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Result r = run("", "serve", "echo", "echo.port=" + taken.getLocalPort());
            assertEquals(1, r.code());
            assertTrue(r.err().contains("netloom serve: echo: address already in use: 127.0.0.1:" + taken.getLocalPort()
                    + " (another process listens there; pick another with port=)"), r.err());
            assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }

    @Test
    void outOfFileDescriptorsClientsAreRefusedNotLeftHanging() throws Exception {
        // the limit leaves room for the test classpath's jars (each open jar takes a descriptor)
        NetloomProcess server = NetloomProcess.in(home).fdLimit(160).start("serve", "upper", "upper.port=0");
        List<Socket> clients = new ArrayList<>();
        try {
            int port = server.port("upper");
            // one exchange first: classes load from target/classes, a directory, and loading one
            // takes a descriptor, which a server at its limit would not have (a jar stays open)
            try (Socket warm = new Socket("127.0.0.1", port)) {
                warm.getOutputStream().write("warm\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("WARM", Net.readLine(warm.getInputStream()));
            }
            // Each client gets its answer before the next connects, and every client stays
            // connected, so the served ones hold the server's descriptors until it runs out. (A
            // refused client is closed after a second of lingering; one that only wrote later
            // would get a reset that discards the refusal it had not read yet.)
            int served = 0;
            int refused = 0;
            for (int i = 0; i < 250; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(10_000);
                clients.add(s);
                s.getOutputStream().write("x\n".getBytes(StandardCharsets.US_ASCII));
                String reply = Net.readLine(s.getInputStream());
                if ("X".equals(reply)) {
                    served++;
                } else {
                    assertEquals("ERR server busy: too many connections (max 10000)", reply);
                    refused++;
                }
            }
            assertEquals(250, served + refused);
            assertTrue(served > 50 && refused > 0, served + " served, " + refused + " refused");
        } finally {
            for (Socket s : clients) {
                s.close();
            }
            assertEquals(0, server.stop());
        }
    }
}
