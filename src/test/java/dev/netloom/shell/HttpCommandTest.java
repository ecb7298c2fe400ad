package dev.netloom.shell;

import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.http.HttpService;
import dev.netloom.rest.RestService;
import dev.netloom.testing.Net;
import dev.netloom.testing.NetloomProcess;
import dev.netloom.testing.RawHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code http} command through the shell, in a script and as {@code netloom http ...}. */
class HttpCommandTest {

    @TempDir
    Path home;
    private Path root;
    private Service http;
    private String base;
    private ServiceRegistry registry;
    private ScriptShell shell;

    @BeforeEach
    void start() throws Exception {
        root = Files.createDirectories(home.resolve("www"));
        Files.writeString(root.resolve("hello.txt"), "Hello, netloom!\n");
        Files.createDirectory(root.resolve("dir"));
        Files.writeString(root.resolve("dir/index.html"), "<p>index</p>\n");
        http = Net.start(HttpService.type(), "root=" + root, "access-log=off");
        base = "http://127.0.0.1:" + http.address().getPort();
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty());
        shell = new ScriptShell(registry, home.resolve("logs"), false);
    }

    @AfterEach
    void stop() {
        http.close();
        registry.stopAll();
    }

    private String outAndClear() {
        String s = shell.out.toString();
        shell.out.getBuffer().setLength(0);
        return s;
    }

    @Test
    void printsStatusLineHeadersBlankLineAndBody() {
        assertEquals(0, shell.shell.execute("http get " + base + "/hello.txt"));
        String o = outAndClear();
        assertTrue(o.startsWith("HTTP/1.1 200 OK\nServer: netloom\nDate: "), o);
        assertTrue(o.endsWith("\nContent-Type: text/plain; charset=utf-8\nContent-Length: 16\n\nHello, netloom!\n"), o);
        assertEquals("", shell.err.toString());

        assertEquals(0, shell.shell.execute("http head " + base + "/hello.txt"));
        assertTrue(outAndClear().endsWith("Content-Length: 16\n\n"));
    }

    @Test
    void notFoundExitsZeroAndRedirectsAreFollowedWithL() {
        assertEquals(0, shell.shell.execute("http get " + base + "/missing"));
        assertTrue(outAndClear().startsWith("HTTP/1.1 404 Not Found\n"));
        assertEquals(0, shell.shell.execute("http get -L " + base + "/dir"));
        String o = outAndClear();
        assertTrue(o.matches("(?s)HTTP/1\\.1 301 Moved Permanently\n.*Location: /dir/\n.*\n\nHTTP/1\\.1 200 OK\n.*\n\n<p>index</p>\n"), o);
    }

    @Test
    void bodiesGoOutWithPostPutPatchAndDeleteAgainstRest() throws Exception {
        try (Service rest = Net.start(RestService.type(), "db=" + home.resolve("rest.db"), "seed=off",
                "access-log=off")) {
            String api = "http://127.0.0.1:" + rest.address().getPort();
            assertEquals(0, shell.shell.execute("http post -d '{\"name\":\"Ada\"}' " + api + "/users"));
            String o = outAndClear();
            assertTrue(o.startsWith("HTTP/1.1 201 Created\n"), o);
            assertTrue(o.contains("Location: /users/1\n") && o.endsWith("\n\n{\"id\":1,\"name\":\"Ada\"}"), o);
            String etag = o.replaceAll("(?s).*\nEtag: (\"\\d+\")\n.*", "$1");
            Files.writeString(home.resolve("patch.json"), "{\"role\":\"admin\"}");
            assertEquals(0, shell.shell.execute("http patch -H 'If-Match: " + etag + "' -d @" + home.resolve("patch.json")
                    + " " + api + "/users/1"), shell.err.toString());
            assertTrue(outAndClear().startsWith("HTTP/1.1 200 OK\n"));
            assertEquals(0, shell.shell.execute("http put -H 'If-Match: " + etag + "' -d '{}' " + api + "/users/1"));
            assertTrue(outAndClear().startsWith("HTTP/1.1 412 Precondition Failed\n"), "the ETag is stale now");
            assertEquals(0, shell.shell.execute("http post -v -H 'Content-Type: text/plain' -d 'x' " + api + "/users"));
            o = outAndClear();
            assertTrue(o.contains("Content-Type: text/plain\nContent-Length: 1\n\n") && o.contains("HTTP/1.1 415 "), o);
            assertEquals(0, shell.shell.execute("http delete " + api + "/users/1"));
            assertTrue(outAndClear().startsWith("HTTP/1.1 204 No Content\n"));
            assertEquals(0, shell.shell.execute("http get " + api + "/users"));
            assertTrue(outAndClear().endsWith("\n\n[]"));
        }
    }

    @Test
    void verboseShowsTheRequestAndHeadersReplaceDefaults() {
        assertEquals(0, shell.shell.execute("http get -v -H 'User-Agent: probe/2' -H 'X-Test: a b' " + base + "/hello.txt"));
        String o = outAndClear();
        assertTrue(o.startsWith("GET /hello.txt HTTP/1.1\nHost: 127.0.0.1:" + http.address().getPort()
                + "\nUser-Agent: probe/2\nAccept: */*\nConnection: close\nX-Test: a b\n\nHTTP/1.1 200 OK\n"), o);
        // the command object is reused: nothing of the last run's options is left
        assertEquals(0, shell.shell.execute("http get -v " + base + "/hello.txt"));
        o = outAndClear();
        assertTrue(o.contains("User-Agent: netloom\n") && !o.contains("X-Test"), o);
    }

    @Test
    void outputGoesToAFileWithoutAProgressBarInAScript() throws Exception {
        byte[] data = new byte[2_500_000];
        new Random(5).nextBytes(data);
        Files.write(root.resolve("data.bin"), data);
        Path file = home.resolve("saved.bin");
        assertEquals(0, shell.shell.execute("http get -o " + file + " " + base + "/data.bin"));
        assertArrayEquals(data, Files.readAllBytes(file));
        String o = outAndClear();
        assertTrue(o.endsWith("Content-Length: 2500000\n\n"), o);
        assertFalse(o.contains("\r"), "no progress bar without a terminal");
    }

    @Test
    void failuresPrintAnErrorAndExitOneUsageErrorsTwo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String[]> cases = List.of(
                new String[] {"http get http://127.0.0.1:" + port + "/", "error: cannot connect to 127.0.0.1:" + port + ": "},
                new String[] {"http get https://example.org/", "error: https is not supported; use curl\n"},
                new String[] {"http brew " + base + "/", "error: the method must be get, head, post, put, patch, delete or options, not 'brew'\n"},
                new String[] {"http get -d x " + base + "/", "error: --data goes with post, put, patch or delete, not get\n"},
                new String[] {"http post -d @" + home.resolve("missing.json") + " " + base + "/", "error: cannot read "},
                new String[] {"http get -H 'NoColon' " + base + "/", "error: header 'NoColon' is not NAME: VALUE\n"},
                new String[] {"http get --timeout 0 " + base + "/", "error: --timeout must be more than 0"},
                new String[] {"http get -o " + home.resolve("no/such/dir/f") + " " + base + "/hello.txt", "error: cannot write "});
        for (String[] c : cases) {
            shell.err.getBuffer().setLength(0);
            boolean usage = c[0].contains("brew") || c[0].contains("-d x") || c[0].contains("https:")
                    || c[0].contains("NoColon") || c[0].contains("--timeout 0");
            assertEquals(usage ? 2 : 1, shell.shell.execute(c[0]), c[0] + " (a usage error exits 2)");
            assertTrue(shell.err.toString().startsWith(c[1]), c[0] + " -> " + shell.err);
        }
        shell.err.getBuffer().setLength(0);
        assertEquals(2, shell.shell.execute("http get --timeout soon " + base + "/"), "a bad option value is a usage error");
        assertTrue(shell.err.toString().contains("'soon' is not a duration such as 500ms, 10s, 1m"), shell.err.toString());
        shell.err.getBuffer().setLength(0);
        assertEquals(2, shell.shell.execute("http get"));
        assertTrue(shell.err.toString().startsWith("error: missing URL (http://HOST[:PORT]"), shell.err.toString());
    }

    @Test
    void proxySendsEveryRequestThroughTheProxyInAbsoluteForm() throws Exception {
        // netloom's http service takes absolute-form targets, so it stands in for the proxy; the
        // target host does not resolve, so only a request that went to the proxy can be answered
        String proxy = "127.0.0.1:" + http.address().getPort();
        assertEquals(0, shell.shell.execute("http get --proxy http://" + proxy + " http://unreachable.invalid:1/hello.txt"),
                shell.err.toString());
        String o = outAndClear();
        assertTrue(o.startsWith("HTTP/1.1 200 OK\n") && o.endsWith("\n\nHello, netloom!\n"), o);

        assertEquals(0, shell.shell.execute("http get -v -L -x " + proxy + " http://unreachable.invalid:1/dir"), shell.err.toString());
        o = outAndClear();
        assertTrue(o.startsWith("GET http://unreachable.invalid:1/dir HTTP/1.1\nHost: unreachable.invalid:1\n"), o);
        assertTrue(o.contains("\nGET http://unreachable.invalid:1/dir/ HTTP/1.1\nHost: unreachable.invalid:1\n"),
                "the redirect went through the proxy too: " + o);
        assertTrue(o.endsWith("\n\n<p>index</p>\n"), o);
        assertEquals("", shell.err.toString());
    }

    @Test
    void proxyErrorsSaySo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String[]> cases = List.of(
                new String[] {"1", "http get -x 127.0.0.1:" + port + " http://example.org/",
                        "error: cannot connect to proxy 127.0.0.1:" + port + ": "},
                new String[] {"2", "http get --proxy 127.0.0.1:" + port + " https://example.org/",
                        "error: https through --proxy is not supported: the http client has no TLS, so no CONNECT tunnel; use curl\n"},
                new String[] {"2", "http get -x socks5://127.0.0.1:1080 " + base + "/",
                        "error: only an http:// proxy is supported, not socks5://\n"},
                new String[] {"2", "http get -x http://127.0.0.1:" + port + "/path " + base + "/",
                        "error: proxy 'http://127.0.0.1:" + port + "/path' has a path; give http://HOST[:PORT]\n"});
        for (String[] c : cases) {
            shell.err.getBuffer().setLength(0);
            assertEquals(Integer.parseInt(c[0]), shell.shell.execute(c[1]), c[1] + " -> " + shell.err);
            assertTrue(shell.err.toString().startsWith(c[2]), c[1] + " -> " + shell.err);
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a limit that fails must not hang the build
    void serversThatNeverStopAreStopped() throws Exception {
        try (RawHttpServer endless = new RawHttpServer(RawHttpServer.ENDLESS_CHUNKS, false);
             RawHttpServer continues = new RawHttpServer(RawHttpServer.ENDLESS_CONTINUE, false);
             RawHttpServer trickle = new RawHttpServer(RawHttpServer.trickle(100), false);
             RawHttpServer huge = new RawHttpServer("HTTP/1.1 200 OK\r\nContent-Length: 2147483648\r\n\r\n"
                     .getBytes(StandardCharsets.US_ASCII), true)) {
            Path file = home.resolve("endless.bin");
            assertEquals(1, shell.shell.execute("http get --max-filesize 1MiB -o " + file + " " + endless.url()));
            assertTrue(shell.err.toString().startsWith("error: 127.0.0.1:"), shell.err.toString());
            assertTrue(shell.err.toString().endsWith(": the body passed 1048576 bytes, over --max-filesize 1.0 MiB (1048576 bytes)\n"),
                    shell.err.toString());
            assertFalse(Files.exists(file), "the refused body is not left on disk");

            shell.err.getBuffer().setLength(0);
            assertEquals(1, shell.shell.execute("http get -o " + file + " " + huge.url()), "-o has a 1 GiB limit by default");
            assertTrue(shell.err.toString().endsWith(": the body announces 2147483648 bytes, over --max-filesize 1.0 GiB (1073741824 bytes)\n"),
                    shell.err.toString());
            assertFalse(Files.exists(file));
            shell.err.getBuffer().setLength(0);
            assertEquals(1, shell.shell.execute("http get --max-filesize 1m " + huge.url()), "without -o only when asked");
            assertTrue(shell.err.toString().contains("over --max-filesize 1.0 MiB"), shell.err.toString());

            shell.err.getBuffer().setLength(0);
            assertEquals(1, shell.shell.execute("http get " + continues.url()));
            assertTrue(shell.err.toString().endsWith(": more than 10 interim responses (the last 'HTTP/1.1 100 Continue') and no final one\n"),
                    shell.err.toString());

            shell.err.getBuffer().setLength(0);
            assertEquals(1, shell.shell.execute("http get --max-time 500ms -o " + file + " " + trickle.url()));
            assertTrue(shell.err.toString().matches("error: 127\\.0\\.0\\.1:\\d+: --max-time 500ms reached "
                            + "(after \\d+ bytes of the body|before the response was complete)\n"),
                    shell.err.toString());
            shell.err.getBuffer().setLength(0);
            assertEquals(1, shell.shell.execute("http get --speed-limit 50 --speed-time 500ms " + trickle.url()));
            assertTrue(shell.err.toString().contains(": the body came slower than --speed-limit 50 bytes/s over 500ms ("), shell.err.toString());

            shell.err.getBuffer().setLength(0);
            assertEquals(2, shell.shell.execute("http get --max-filesize lots " + trickle.url()));
            assertEquals("error: --max-filesize 'lots' is not a size such as 100MiB or 2GiB (0 = none)\n", shell.err.toString());
        }
    }

    @Test
    void interruptingTheCommandEndsAWaitForASilentServer() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int[] code = {-1};
            Thread runner = Thread.ofPlatform().start(() -> code[0] = shell.shell.execute(
                    "http get http://127.0.0.1:" + silent.getLocalPort() + "/"));
            try (Socket accepted = silent.accept()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> accepted.getInputStream().available() > 0);
                shell.shell.interruptCommand(); // what Ctrl-C does
                runner.join(10_000);
                assertFalse(runner.isAlive(), "the command still waits");
                assertEquals(1, code[0]);
                assertEquals("error: interrupted\n", shell.err.toString());
                accepted.setSoTimeout(10_000);
                accepted.getInputStream().readAllBytes(); // ends at the client's close; a timeout would throw
            }
        }
    }

    @Test
    void bytesGoOutUnchangedWhenTheShellHasTheRawStream() throws Exception {
        byte[] data = {0, (byte) 0xff, (byte) 0xc3, 0x28, '\r', '\n', 0x7f};
        Files.write(root.resolve("odd.bin"), data);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        shell.shell.bytesTo(raw);
        assertEquals(0, shell.shell.execute("http get " + base + "/odd.bin"));
        assertArrayEquals(data, raw.toByteArray());
        assertTrue(shell.out.toString().endsWith("Content-Length: 7\n\n"), shell.out.toString());
    }

    @Test
    void onATerminalABinaryBodyIsNotPrinted() throws Exception {
        Files.write(root.resolve("odd.bin"), new byte[] {'a', 0, 'b'});
        try (TerminalSession terminal = new TerminalSession(registry, home.resolve("logs"))) {
            terminal.type("http get " + base + "/odd.bin\n");
            terminal.awaitScreen("Content-Length: 3\n\n(binary body of 3 bytes not shown; save it with -o FILE)\n");
            terminal.type("http get " + base + "/hello.txt\n");
            terminal.awaitScreen("Content-Length: 16\n\nHello, netloom!\n");
        }
    }

    @Test
    void runsAsAOneShotCommandFromTheCommandLine() throws Exception {
        byte[] data = new byte[300_000];
        new Random(9).nextBytes(data);
        Files.write(root.resolve("data.bin"), data);
        NetloomProcess p = launch("http", "get", "-L", "-H", "Accept: application/octet-stream", base + "/data.bin");
        assertEquals(0, p.waitFor(), p.err());
        byte[] stdout = p.outBytes();
        String head = "Content-Length: 300000\n\n";
        String text = new String(stdout, StandardCharsets.ISO_8859_1);
        int bodyAt = text.indexOf(head) + head.length();
        assertTrue(text.startsWith("HTTP/1.1 200 OK\n") && bodyAt > head.length(), text.substring(0, 200));
        assertArrayEquals(data, Arrays.copyOfRange(stdout, bodyAt, stdout.length), "the body, byte for byte");

        NetloomProcess refused = launch("http", "head", "http://127.0.0.1:1/");
        assertEquals(1, refused.waitFor());
        String refusedErr = refused.err();
        assertTrue(refusedErr.startsWith("error: cannot connect to 127.0.0.1:1: "), refusedErr);
    }

    private NetloomProcess launch(String... args) throws Exception {
        return NetloomProcess.in(home).stdin("").start(args);
    }
}
