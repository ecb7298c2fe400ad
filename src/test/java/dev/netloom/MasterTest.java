package dev.netloom;

import dev.netloom.testing.NetloomProcess;
import dev.netloom.testing.NetloomProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code serve --workers}: a master process and its worker JVMs, as an operator runs them. */
class MasterTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path home;

    /** The pids of the "N workers ready (pids A, B)" or "reload: N new workers ready (pids A, B)" line matched. */
    private static long[] pids(Matcher m) {
        return List.of(m.group(1).split(", ")).stream().mapToLong(Long::parseLong).toArray();
    }

    private static void echoes(int port, String text) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            assertEquals(text + "\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static void signal(long pid, String sig) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor());
    }

    private static boolean gone(long pid) {
        return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }

    @Test
    void aKilledWorkerComesBackAndHupReplacesEveryWorkerWithoutARefusedConnection() throws Exception {
        Path config = home.resolve("serve.properties");
        Files.writeString(config, "echo.port=0\necho.grace=2s\n");
        try (NetloomProcess master = NetloomProcess.in(home)
                .start("serve", "--workers", "2", "--allow-root", "--config", config.toString(), "echo")) {
            long[] first = pids(master.awaitMatch("2 workers ready \\(pids (\\d+, \\d+)\\)"));
            int port = master.port("echo");
            echoes(port, "hello");

            ProcessHandle.of(first[0]).orElseThrow().destroyForcibly();
            master.awaitMatch("worker 1 \\(pid " + first[0] + "\\) exited with 137; restart 1 in 100 ms");
            long again = Long.parseLong(master.awaitMatch("worker 1 \\(pid (\\d+)\\) ready \\(restart 1\\)").group(1));
            assertNotEquals(first[0], again);
            echoes(port, "after the restart");

            // a client connecting over and over all through the reload: never refused, every echo whole
            AtomicBoolean run = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            List<Throwable> failures = new ArrayList<>();
            Thread client = Thread.ofPlatform().start(() -> {
                while (run.get()) {
                    try {
                        echoes(port, "during " + ok.get());
                        ok.incrementAndGet();
                    } catch (IOException | AssertionError e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                }
            });
            signal(master.process().pid(), "HUP");
            long[] reloaded = pids(master.awaitMatch("reload: 2 new workers ready \\(pids (\\d+, \\d+)\\)"));
            await().atMost(WAIT).until(() -> gone(again) && gone(first[1]));
            int before = ok.get();
            await().atMost(WAIT).until(() -> ok.get() > before + 20);
            run.set(false);
            client.join(10_000);
            assertTrue(failures.isEmpty(), failures.size() + " failed exchanges in " + ok.get() + ", first: "
                    + (failures.isEmpty() ? "" : failures.getFirst()));
            for (long pid : reloaded) {
                assertFalse(gone(pid), "new worker " + pid + " runs");
            }

            // a config that does not check: the reload says why, the workers stay
            Files.writeString(config, "echo.port=0\necho.backlog=lots\n");
            signal(master.process().pid(), "HUP");
            master.awaitMatch("reload failed: .*echo\\.backlog.*; the old workers keep serving");
            for (long pid : reloaded) {
                assertFalse(gone(pid), "worker " + pid + " still serves");
            }
            echoes(port, "still here");
            assertEquals(0, master.stop(), master.err());
            for (long pid : reloaded) {
                assertTrue(gone(pid), "worker " + pid + " stopped with the master");
            }
        }
    }

    @Test
    void servicesThatCannotShareAndRootWithoutAUserAreRefused() throws Exception {
        Result kv = NetloomProcess.in(home).stdin("").run("serve", "--workers", "2", "--allow-root", "kv", "echo");
        assertEquals(2, kv.code(), kv.err());
        assertTrue(kv.err().contains("kv cannot run in worker processes: its dataset lives in one process's memory"),
                kv.err());
        Result udp = NetloomProcess.in(home).stdin("").run("serve", "--workers=1", "--allow-root", "udp-echo");
        assertEquals(2, udp.code(), udp.err());
        assertTrue(udp.err().contains("udp-echo cannot run in worker processes: it is a UDP service"), udp.err());
        Result bad = NetloomProcess.in(home).stdin("").run("serve", "--workers", "0", "echo");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("option --workers '0': expected a number in 1-64"), bad.err());
        assumeTrue(Privileges.root(), "the refusal of root needs root");
        Result root = NetloomProcess.in(home).stdin("").run("serve", "--workers", "2", "echo", "echo.port=0");
        assertEquals(2, root.code(), root.err());
        assertTrue(root.err().contains("--workers as root: name an unprivileged user the workers drop to after binding"
                + " (--user NAME), or say --allow-root to keep root"), root.err());
        Result nobody = NetloomProcess.in(home).stdin("").run("serve", "--user", "no-such-user-here", "echo");
        assertEquals(2, nobody.code(), nobody.err());
        assertTrue(nobody.err().contains("--user: no user named 'no-such-user-here'"), nobody.err());
    }

    @Test
    void workersBindAsRootThenServeAsTheUser() throws Exception {
        assumeTrue(Privileges.root(), "binding as root and dropping to nobody needs root");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path www = Files.createDirectories(home.resolve("www"));
        Files.writeString(www.resolve("public.txt"), "for everyone\n");
        Path secret = Files.writeString(www.resolve("secret.txt"), "root only\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Privileges.User nobody = Privileges.lookup("nobody");
        try (NetloomProcess master = NetloomProcess.in(home).start("serve", "--workers", "1", "--user", "nobody",
                "http", "http.port=0", "http.root=" + www)) {
            long worker = pids(master.awaitMatch("1 workers ready \\(pids (\\d+)\\)"))[0];
            int port = master.port("http");
            String status = Files.readString(Path.of("/proc", Long.toString(worker), "status"));
            assertTrue(status.matches("(?s).*\\nUid:\\s+" + nobody.uid() + "\\s+" + nobody.uid() + "\\s+" + nobody.uid()
                    + "\\s+" + nobody.uid() + "\\n.*"), status);
            assertTrue(status.matches("(?s).*\\nGid:\\s+" + nobody.gid() + "\\s+" + nobody.gid() + "\\s.*"), status);
            Matcher groups = Pattern.compile("\\nGroups:([^\\n]*)\\n").matcher(status);
            assertTrue(groups.find(), status);
            assertArrayEquals(nobody.groups(), List.of(groups.group(1).trim().split("\\s+")).stream()
                    .filter(g -> !g.isEmpty()).mapToInt(Integer::parseInt).sorted().toArray(), status);
            String masterStatus = Files.readString(Path.of("/proc", Long.toString(master.process().pid()), "status"));
            assertTrue(masterStatus.matches("(?s).*\\nUid:\\s+0\\s.*"), "the master stays root to start workers on reload");

            assertEquals(200, get(port, "/public.txt"));
            int code = get(port, "/secret.txt");
            assertTrue(code == 403 || code == 404, "a file only root may read is not served to nobody: " + code);
            assertEquals(0, master.stop(), master.err());
        }
    }

    private static int get(int port, String path) throws Exception {
        try (HttpClient c = HttpClient.newHttpClient()) {
            return c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }
}
