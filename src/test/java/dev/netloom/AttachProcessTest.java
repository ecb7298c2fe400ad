package dev.netloom;

import dev.netloom.testing.NetloomProcess;
import dev.netloom.testing.NetloomProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code netloom attach} as a process against a headless {@code netloom serve} in another: the
 * commands' output and exit codes, the token found in the home or refused, {@code logs -f} in
 * {@code -c} until the served process ends, and the failures before any command runs.
 */
class AttachProcessTest {

    @TempDir
    Path home;
    @TempDir
    Path elsewhere;

    @Test
    void attachDrivesAHeadlessServeWithTheTokenOfItsHome() throws Exception {
        try (NetloomProcess serve = NetloomProcess.in(home).start("serve", "echo", "echo.port=0", "admin.port=0",
                "admin.auth=token")) {
            int echo = serve.port("echo");
            String admin = "127.0.0.1:" + serve.port("admin");
            assertTrue(Files.exists(home.resolve("admin.token")), "the listener made its token file");

            // this home: the token file is read; the commands print what the local shell prints
            Result r = NetloomProcess.in(home).stdin("").run("attach", admin, "-c", "status echo; logs echo -n 1");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().matches("(?s)SERVICE +STATE .*\\necho +RUNNING +127\\.0\\.0\\.1:" + echo + " .*"), r.out());
            assertTrue(r.out().matches("(?s).*\\n\\S+ INFO  \\[main\\] echo: listening on 127\\.0\\.0\\.1:" + echo
                    + " \\(tcp\\)\\n"), r.out());

            // a wrong token, and none from a home without the file
            Result wrong = NetloomProcess.in(home).stdin("").run("attach", admin, "--token", "not-the-right-token!", "-c",
                    "status");
            assertEquals(1, wrong.code());
            assertTrue(wrong.err().startsWith("netloom attach: the admin API at " + admin + " refused the token (HTTP 401)"),
                    wrong.err());
            Result none = NetloomProcess.in(elsewhere).stdin("").run("attach", admin, "-c", "status");
            assertEquals(1, none.code());
            assertTrue(none.err().startsWith("netloom attach: the admin API at " + admin + " needs a token (HTTP 401):"
                    + " --token TOKEN, or NETLOOM_ADMIN_TOKEN"), none.err());
            String token = Files.readString(home.resolve("admin.token")).strip();
            // the token from the environment; commands from stdin, stopping at the first that fails, named
            Result env = NetloomProcess.in(elsewhere).env("NETLOOM_ADMIN_TOKEN", token)
                    .stdin("stop echo\nstatus\nstop echo\nstatus\n").run("attach", admin);
            assertEquals(1, env.code(), env.err());
            assertTrue(env.out().matches("(?s)echo stopped \\(graceful, \\d+ ms\\)\\n.*\\necho +STOPPED .*"), env.out());
            assertTrue(env.err().endsWith("error: echo is not running\nnetloom: stdin:3: command failed: stop echo\n"),
                    env.err());
        }
    }

    @Test
    void logsFollowsInDashCUntilTheServedProcessEnds() throws Exception {
        try (NetloomProcess serve = NetloomProcess.in(home).start("serve", "echo", "echo.port=0", "admin.port=0")) {
            serve.port("echo");
            String admin = "127.0.0.1:" + serve.port("admin");
            try (NetloomProcess follow = NetloomProcess.in(elsewhere).stdin("").start("attach", admin, "-c",
                    "logs echo -f -n 0")) {
                follow.awaitOut("-- following the log of " + admin + "; Ctrl-C to stop --\n");
                Result restart = NetloomProcess.in(elsewhere).stdin("").run("attach", admin, "-c", "restart echo port=0");
                assertEquals(0, restart.code(), restart.err());
                String port = restart.out().replaceAll("(?s)echo listening on 127\\.0\\.0\\.1:(\\d+) .*", "$1");
                follow.awaitOut("echo: listening on 127.0.0.1:" + port + " (tcp)\n");
                assertEquals(0, serve.stop(), serve.err());
                assertEquals(0, follow.waitFor(), "the stream's end ends logs -f: " + follow.err());
                assertTrue(!follow.out().contains("admin:"), "only echo's lines: " + follow.out());
            }
        }
    }

    @Test
    void nothingListeningOrABadAddressFailsBeforeAnyCommand() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Result r = NetloomProcess.in(home).stdin("").run("attach", String.valueOf(closed), "-c", "status");
        assertEquals(1, r.code());
        assertEquals("netloom attach: cannot connect to the admin API at 127.0.0.1:" + closed + ": connection refused"
                + " (is netloom running there, with its admin listener on that port? admin.port, admin.enabled)\n", r.err());
        assertEquals("", r.out());
        Result bad = NetloomProcess.in(home).stdin("").run("attach", "127.0.0.1:99999");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("netloom attach: '127.0.0.1:99999' is not HOST:PORT or PORT"), bad.err());
        Result help = NetloomProcess.in(home).stdin("").run("attach", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().startsWith("usage: netloom attach [HOST:PORT] [--token TOKEN] [-c 'CMD; CMD' | -f SCRIPT]\n"),
                help.out());
    }
}
