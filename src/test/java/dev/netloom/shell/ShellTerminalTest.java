package dev.netloom.shell;

import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.core.ServiceState;
import org.jline.reader.Candidate;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The interactive shell driven through a JLine terminal on streams, as a user at a keyboard. */
class ShellTerminalTest {

    @TempDir
    Path home;
    private ServiceRegistry registry;
    private PipedOutputStream keyboard;
    private PipedInputStream keys;
    private ByteArrayOutputStream screen;
    private Terminal terminal;
    private Shell shell;
    private Thread loop;

    @BeforeEach
    void openShell() throws IOException {
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty());
        keyboard = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keyboard, 64 * 1024);
        keys = in;
        screen = new ByteArrayOutputStream();
        terminal = TerminalBuilder.builder().system(false).streams(in, screen).type("dumb")
                .encoding(StandardCharsets.UTF_8).build();
        shell = Terminals.shell(registry, home.resolve("logs"), terminal, null);
        loop = Thread.ofPlatform().name("shell-under-test").start(shell::runInteractive);
    }

    @AfterEach
    void closeShell() throws Exception {
        type("quit\n");
        loop.join(10_000);
        registry.stopAll();
        terminal.close();
    }

    private void type(String keys) throws IOException {
        keyboard.write(keys.getBytes(StandardCharsets.UTF_8));
        keyboard.flush();
    }

    private String screen() {
        synchronized (screen) {
            return screen.toString(StandardCharsets.UTF_8);
        }
    }

    private void awaitScreen(String text) {
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> screen().contains(text));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("screen does not show '" + text + "':\n" + screen(), e);
        }
    }

    /** Waits until the shell shows {@code prompt} and waits for input (so a key is read by that prompt). */
    private void awaitPrompt(String prompt) {
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> screen().endsWith(prompt));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no prompt '" + prompt + "':\n" + screen(), e);
        }
    }

    @Test
    void startStatusConnsConfigStop() throws IOException {
        type("start echo port=0 max-connections=7\n");
        awaitScreen("echo listening on 127.0.0.1:");
        Service echo = registry.instance("echo").orElseThrow();
        try (Socket client = new Socket(echo.address().getAddress(), echo.address().getPort())) {
            client.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
            assertEquals('h', client.getInputStream().read());
            type("status\n");
            awaitScreen("CONNS");
            assertTrue(screen().matches("(?s).*echo\\s+RUNNING\\s+127\\.0\\.0\\.1:\\d+\\s+\\S+\\s+1/1.*"), screen());
            type("conns echo\n");
            awaitScreen("ACTIVITY");
            type("config echo\n");
            awaitScreen("echo.max-connections");
            assertTrue(screen().matches("(?s).*echo\\.max-connections\\s+7\\s+override.*"), screen());
            type("kill echo 1\n");
            awaitScreen("killed echo connection 1");
            assertEquals('i', client.getInputStream().read(), "the rest of the echo");
            assertEquals(-1, client.getInputStream().read(), "then the kill's close");
        }
        type("stop echo --grace 1s\n");
        awaitScreen("echo stopped (graceful");
        assertEquals(ServiceState.STOPPED, echo.state());
    }

    @Test
    void errorsAreReportedAndTheShellGoesOn() throws IOException {
        type("start nope\n");
        awaitScreen("error: unknown service 'nope'");
        type("start echo port=banana\n");
        awaitScreen("error: echo.port: 'banana' is not valid: expected an integer 0-65535");
        type("frobnicate\n");
        awaitScreen("error: unknown command 'frobnicate'");
        type("services\n");
        awaitScreen("udp-upper");
    }

    @Test
    void ctrlCCancelsTheLineAndLeavesServicesRunning() throws IOException {
        type("start upper port=0\n");
        awaitScreen("upper listening on");
        awaitPrompt(Shell.PROMPT);
        type("stop upp");
        await().atMost(Duration.ofSeconds(10)).until(() -> keys.available() == 0); // the prompt has read the keys
        terminal.raise(Terminal.Signal.INT); // what the terminal does on Ctrl-C
        await().atMost(Duration.ofSeconds(10)).until(() -> screen().split(java.util.regex.Pattern.quote(Shell.PROMPT), -1).length == 4);
        type("status\n");
        awaitScreen("REQUESTS");
        assertEquals(ServiceState.RUNNING, registry.instance("upper").orElseThrow().state());
    }

    @Test
    void connectIsAnInteractiveLineClient() throws IOException {
        type("start upper port=0\n");
        awaitScreen("upper listening on");
        int port = registry.instance("upper").orElseThrow().address().getPort();
        type("connect 127.0.0.1 " + port + "\n");
        awaitScreen("connected to 127.0.0.1:" + port);
        awaitPrompt("127.0.0.1:" + port + "> ");
        type("shout please\n");
        awaitScreen("SHOUT PLEASE");
        type("/leave\n");
        awaitScreen("left 127.0.0.1:" + port);
        type("status upper\n");
        awaitScreen("0/1");
    }

    @Test
    void chatJoinsWithANickOverTcpAndTls() throws Exception {
        type("start chat port=0\n");
        awaitScreen("chat listening on");
        int port = registry.instance("chat").orElseThrow().address().getPort();
        try (Socket bob = new Socket("127.0.0.1", port)) {
            bob.setSoTimeout(10_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(bob.getInputStream(), StandardCharsets.UTF_8));
            in.readLine();
            bob.getOutputStream().write("bob\n".getBytes(StandardCharsets.UTF_8));
            in.readLine();
            type("chat 127.0.0.1 " + port + " --nick alice\n");
            awaitScreen("* you are alice, in #lobby (2 members)");
            type("hi bob\n");
            assertEquals("* alice joined #lobby", in.readLine());
            assertEquals("<alice> hi bob", in.readLine());
            bob.getOutputStream().write("hello alice\n".getBytes(StandardCharsets.UTF_8));
            awaitScreen("<bob> hello alice");
            type("/quit\n");
            awaitScreen("-- connection closed by 127.0.0.1:" + port + " --");
            awaitScreen("left 127.0.0.1:" + port);
        }
        type("start chat-tls port=0 keystore=" + home.resolve("tls.p12") + "\n");
        awaitScreen("chat-tls listening on");
        int tls = registry.instance("chat-tls").orElseThrow().address().getPort();
        type("chat localhost " + tls + " --tls --nick carol\n");
        awaitScreen("error: cannot open TLS to localhost:" + tls);
        type("chat localhost " + tls + " --tls --insecure --nick carol\n");
        awaitScreen("* you are carol, in #lobby (1 member)");
        type("/leave\n");
        awaitScreen("left localhost:" + tls);
    }

    @Test
    void completesCommandsServicesKeysAndConnectionIds() throws IOException {
        LineReader reader = shell.lineReader().orElseThrow();
        ShellCompleter completer = new ShellCompleter(shell);
        assertTrue(complete(reader, completer, "sta").containsAll(List.of("start", "status")));
        assertTrue(complete(reader, completer, "start ").containsAll(List.of("echo", "upper", "udp-echo", "udp-upper")));
        assertTrue(complete(reader, completer, "start upper ").containsAll(List.of("port=", "max-line=", "idle-timeout=")));
        assertEquals(List.of(), complete(reader, completer, "stop "), "nothing runs yet");
        Service echo = registry.start("echo", Map.of("port", "0"));
        try (Socket client = new Socket(echo.address().getAddress(), echo.address().getPort())) {
            await().atMost(Duration.ofSeconds(5)).until(() -> client.isConnected() && echo.connections().size() == 1);
            assertEquals(List.of("echo"), complete(reader, completer, "stop "));
            assertEquals(List.of(String.valueOf(echo.connections().get(0).id())), complete(reader, completer, "kill echo "));
        }
    }

    private static List<String> complete(LineReader reader, ShellCompleter completer, String line) {
        ParsedLine parsed = reader.getParser().parse(line, line.length(), org.jline.reader.Parser.ParseContext.COMPLETE);
        List<Candidate> candidates = new ArrayList<>();
        completer.complete(reader, parsed, candidates);
        return candidates.stream().map(Candidate::value).map(v -> v.strip()).toList();
    }
}
