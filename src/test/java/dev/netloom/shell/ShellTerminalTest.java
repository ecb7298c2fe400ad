package dev.netloom.shell;

import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.PasswordHash;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.core.ServiceState;
import org.apache.commons.net.ftp.FTPClient;
import org.jline.reader.Candidate;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.terminal.Terminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The interactive shell driven through a JLine terminal on streams, as a user at a keyboard. */
class ShellTerminalTest {

    @TempDir
    Path home;
    private ServiceRegistry registry;
    private TerminalSession session;

    @BeforeEach
    void openShell() throws IOException {
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty());
        session = new TerminalSession(registry, home.resolve("logs"));
    }

    @AfterEach
    void closeShell() throws Exception {
        session.close();
        registry.stopAll();
    }

    @Test
    void startStatusConnsConfigStop() throws IOException {
        session.type("start echo port=0 max-connections=7\n");
        session.awaitScreen("echo listening on 127.0.0.1:");
        Service echo = registry.instance("echo").orElseThrow();
        try (Socket client = new Socket(echo.address().getAddress(), echo.address().getPort())) {
            client.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
            assertEquals('h', client.getInputStream().read());
            session.type("status\n");
            session.awaitScreen("CONNS");
            assertTrue(session.screen().matches("(?s).*echo\\s+RUNNING\\s+127\\.0\\.0\\.1:\\d+\\s+\\S+\\s+1/1.*"), session.screen());
            session.type("conns echo\n");
            session.awaitScreen("ACTIVITY");
            session.type("config echo\n");
            session.awaitScreen("echo.max-connections");
            assertTrue(session.screen().matches("(?s).*echo\\.max-connections\\s+7\\s+override.*"), session.screen());
            session.type("kill echo 1\n");
            session.awaitScreen("killed echo connection 1");
            assertEquals('i', client.getInputStream().read(), "the rest of the echo");
            assertEquals(-1, client.getInputStream().read(), "then the kill's close");
        }
        session.type("stop echo --grace 1s\n");
        session.awaitScreen("echo stopped (graceful");
        assertEquals(ServiceState.STOPPED, echo.state());
    }

    @Test
    void errorsAreReportedAndTheShellGoesOn() throws IOException {
        session.type("start nope\n");
        session.awaitScreen("error: unknown service 'nope'");
        session.type("start echo port=banana\n");
        session.awaitScreen("error: echo.port: 'banana' is not valid: expected an integer 0-65535");
        session.type("frobnicate\n");
        session.awaitScreen("error: unknown command 'frobnicate'");
        session.type("services\n");
        session.awaitScreen("udp-upper");
    }

    @Test
    void ftpPasswdSavesAUserToTheLocalFileAndTheNextStartLetsThemIn() throws Exception {
        Path ftpRoot = Files.createDirectories(home.resolve("ftp/alice"));
        Files.writeString(home.resolve("netloom.properties"), "ftp.port=0\nftp.root=" + home.resolve("ftp") + "\n");
        ServiceRegistry withHome = new ServiceRegistry(Catalogue.all(),
                ConfigFile.load(home.resolve("netloom.properties"), false, Catalogue.all(), home));
        try (TerminalSession s = new TerminalSession(withHome, home.resolve("logs"))) {
            s.type("start ftp\n");
            s.awaitScreen("warning: ftp: no user can log in");
            s.awaitPrompt(Shell.PROMPT);
            s.type("ftp-passwd --user alice --save\n");
            s.awaitPrompt("Password for the ftp user alice: ");
            s.type("s3cret pass\n");
            s.awaitPrompt("Again: ");
            s.type("s3cret pass\n");
            Path local = home.resolve(ConfigFile.LOCAL);
            s.awaitScreen("saved ftp.user.alice.password and ftp.users=alice to " + local + " (mode 0600, not tracked)");
            assertTrue(!s.screen().contains("s3cret"), "the password is not echoed");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(local)));
            assertTrue(!Files.readString(home.resolve("netloom.properties")).contains("password"), "the tracked file is untouched");
            s.type("restart ftp\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> s.screen().split("ftp listening on", -1).length == 3);
            s.type("config ftp\n");
            s.awaitScreen("ftp.users");
            assertTrue(s.screen().matches("(?s).*ftp\\.users\\s+alice\\s+local.*"), s.screen());
            int port = withHome.running("ftp").address().getPort();
            FTPClient ftp = new FTPClient();
            ftp.connect("127.0.0.1", port);
            try {
                assertTrue(ftp.login("alice", "s3cret pass"), ftp.getReplyString());
            } finally {
                ftp.disconnect();
            }
            assertTrue(Files.isDirectory(ftpRoot));
        } finally {
            withHome.stopAll();
        }
    }

    @Test
    void passwdAsksTwiceAtATerminalAndRefusesTwoDifferentPasswords() throws Exception {
        Path local = home.resolve(ConfigFile.LOCAL);
        Files.writeString(home.resolve("netloom.properties"), "");
        ServiceRegistry withHome = new ServiceRegistry(Catalogue.all(),
                ConfigFile.load(home.resolve("netloom.properties"), false, Catalogue.all(), home));
        try (TerminalSession s = new TerminalSession(withHome, home.resolve("logs"))) {
            s.awaitPrompt(Shell.PROMPT);
            s.type("smtp-passwd --user bob --save\n");
            s.awaitPrompt("Password for the smtp user bob: ");
            s.type("first try\n");
            s.awaitPrompt("Again: ");
            s.type("frist try\n");
            s.awaitScreen("error: the two passwords differ: nothing was hashed or saved");
            assertTrue(!Files.exists(local), "nothing saved");
            s.awaitPrompt(Shell.PROMPT);
            s.type("smtp-passwd --user bob\n");
            s.awaitPrompt("Password for the smtp user bob: ");
            s.type("same one\n");
            s.awaitPrompt("Again: ");
            s.type("same one\n");
            s.awaitScreen("smtp.user.bob.password=pbkdf2-sha256$");
            assertTrue(!s.screen().contains("try") && !s.screen().contains("same one"), "no password is echoed");
            String hash = s.screen().replace("\r\n", "\n").split("smtp\\.user\\.bob\\.password=", 2)[1].split("\n", 2)[0];
            assertTrue(PasswordHash.verify("same one".toCharArray(), hash), hash);
        } finally {
            withHome.stopAll();
        }
    }

    @Test
    void ctrlCCancelsTheLineAndLeavesServicesRunning() throws IOException {
        session.type("start upper port=0\n");
        session.awaitScreen("upper listening on");
        session.awaitPrompt(Shell.PROMPT);
        session.type("stop upp");
        await().atMost(Duration.ofSeconds(10)).until(() -> session.keysRead()); // the prompt has read the keys
        session.terminal().raise(Terminal.Signal.INT); // what the terminal does on Ctrl-C
        await().atMost(Duration.ofSeconds(10)).until(() -> session.screen().split(Pattern.quote(Shell.PROMPT), -1).length == 4);
        session.type("status\n");
        session.awaitScreen("REQUESTS");
        assertEquals(ServiceState.RUNNING, registry.instance("upper").orElseThrow().state());
    }

    @Test
    void connectIsAnInteractiveLineClient() throws IOException {
        session.type("start upper port=0\n");
        session.awaitScreen("upper listening on");
        int port = registry.instance("upper").orElseThrow().address().getPort();
        session.type("connect 127.0.0.1 " + port + "\n");
        session.awaitScreen("connected to 127.0.0.1:" + port);
        session.awaitPrompt("127.0.0.1:" + port + "> ");
        session.type("shout please\n");
        session.awaitScreen("SHOUT PLEASE");
        session.type("/leave\n");
        session.awaitScreen("left 127.0.0.1:" + port);
        session.type("status upper\n");
        session.awaitScreen("0/1");
    }

    @Test
    void chatJoinsWithANickOverTcpAndTls() throws Exception {
        session.type("start chat port=0\n");
        session.awaitScreen("chat listening on");
        int port = registry.instance("chat").orElseThrow().address().getPort();
        try (Socket bob = new Socket("127.0.0.1", port)) {
            bob.setSoTimeout(10_000);
            var in = new BufferedReader(new InputStreamReader(bob.getInputStream(), StandardCharsets.UTF_8));
            in.readLine();
            bob.getOutputStream().write("bob\n".getBytes(StandardCharsets.UTF_8));
            in.readLine();
            session.type("chat 127.0.0.1 " + port + " --nick alice\n");
            session.awaitScreen("* you are alice, in #lobby (2 members)");
            session.type("hi bob\n");
            assertEquals("* alice joined #lobby", in.readLine());
            assertEquals("<alice> hi bob", in.readLine());
            bob.getOutputStream().write("hello alice\n".getBytes(StandardCharsets.UTF_8));
            session.awaitScreen("<bob> hello alice");
            session.type("/quit\n");
            session.awaitScreen("-- connection closed by 127.0.0.1:" + port + " --");
            session.awaitScreen("left 127.0.0.1:" + port);
        }
        session.type("start chat-tls port=0 keystore=" + home.resolve("tls.p12") + "\n");
        session.awaitScreen("chat-tls listening on");
        int tls = registry.instance("chat-tls").orElseThrow().address().getPort();
        session.type("chat localhost " + tls + " --tls --nick carol\n");
        session.awaitScreen("error: cannot open TLS to localhost:" + tls);
        session.type("chat localhost " + tls + " --tls --insecure --nick carol\n");
        session.awaitScreen("* you are carol, in #lobby (1 member)");
        session.type("/leave\n");
        session.awaitScreen("left localhost:" + tls);
    }

    @Test
    void completesCommandsServicesKeysAndConnectionIds() throws IOException {
        LineReader reader = session.shell().lineReader().orElseThrow();
        ShellCompleter completer = new ShellCompleter(session.shell());
        assertTrue(complete(reader, completer, "sta").containsAll(List.of("start", "status")));
        assertTrue(complete(reader, completer, "start ").containsAll(List.of("echo", "upper", "udp-echo", "udp-upper")));
        assertTrue(complete(reader, completer, "start upper ").containsAll(List.of("port=", "max-line=", "idle-timeout=")));
        assertTrue(complete(reader, completer, "restart ping ").containsAll(List.of("loss=", "delay=")));
        assertTrue(complete(reader, completer, "config ").containsAll(List.of("reload", "echo")));
        assertEquals(List.of(), complete(reader, completer, "stop "), "nothing runs yet");
        Service echo = registry.start("echo", Map.of("port", "0"));
        try (Socket client = new Socket(echo.address().getAddress(), echo.address().getPort())) {
            await().atMost(Duration.ofSeconds(5)).until(() -> client.isConnected() && echo.connections().size() == 1);
            assertEquals(List.of("echo"), complete(reader, completer, "stop "));
            assertEquals(List.of(String.valueOf(echo.connections().get(0).id())), complete(reader, completer, "kill echo "));
        }
    }

    private static List<String> complete(LineReader reader, ShellCompleter completer, String line) {
        ParsedLine parsed = reader.getParser().parse(line, line.length(), Parser.ParseContext.COMPLETE);
        List<Candidate> candidates = new ArrayList<>();
        completer.complete(reader, parsed, candidates);
        return candidates.stream().map(Candidate::value).map(v -> v.strip()).toList();
    }
}
