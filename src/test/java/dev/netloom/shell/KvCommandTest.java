package dev.netloom.shell;

import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.kv.KvService;
import dev.netloom.testing.Net;
import dev.netloom.testing.NetloomProcess;
import dev.netloom.testing.NetloomProcess.Result;
import org.jline.terminal.Terminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kv} and {@code kv-check-aof} through the shell against a real kv: one-shot commands in a
 * script (their output checked against redis-cli's where it is installed), the interactive
 * prompt on a JLine terminal, and both as {@code netloom COMMAND ...} processes.
 */
class KvCommandTest {

    private static final String RECORD = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n";

    @TempDir
    Path home;
    private Service kv;
    private String port;
    private ServiceRegistry registry;
    private ScriptShell shell;

    @BeforeEach
    void start() {
        kv = Net.start(KvService.type(), "dir=" + home.resolve("kv"));
        port = String.valueOf(kv.address().getPort());
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty());
        shell = new ScriptShell(registry, home.resolve("logs"), false);
    }

    @AfterEach
    void stop() {
        kv.close();
        registry.stopAll();
    }

    /** Runs {@code line} in the script shell, checks its exit code, returns what it printed and clears the outputs. */
    private String run(int expectedCode, String line) {
        return shell.runOut(expectedCode, line);
    }

    @Test
    void oneShotCommandsPrintTheReplyAsRedisCliDoes() {
        String at = "kv 127.0.0.1:" + port + " ";
        assertEquals("OK\n", run(0, at + "set a hello"));
        assertEquals("\"hello\"\n", run(0, at + "get a"));
        assertEquals("(nil)\n", run(0, "kv " + port + " get nope"), "PORT alone is 127.0.0.1:PORT");
        assertEquals("(integer) 1\n", run(0, at + "incr n"));
        assertEquals("(integer) -4\n", run(0, at + "incrby n -5"), "-5 is an argument, not an option");
        assertEquals("(error) ERR value is not an integer or out of range\n", run(1, at + "incr a"));
        assertEquals("OK\n", run(0, at + "set 'two words' 'tab\there'"));
        assertEquals("1) \"hello\"\n2) (nil)\n3) \"tab\\there\"\n", run(0, at + "mget a nope 'two words'"));
        assertEquals("(empty array)\n", run(0, at + "keys 'zz*'"));
        assertEquals("1) \"0\"\n2) 1) \"two words\"\n", run(0, at + "scan 0 match two*"));
        assertEquals("hello\n\ntab\there\n", run(0, at + "--raw mget a nope 'two words'"));
        assertEquals("-4\n", run(0, "kv --raw " + port + " get n"));
        assertEquals("OK\n", run(0, at + "-- set opt --raw"), "after --, --raw is a word of the command");
        assertEquals("\"--raw\"\n", run(0, at + "get opt"));
        assertEquals("OK\n", run(0, at + "set empty ''"), "a quoted '' is an empty argument");
        assertEquals("\"\"\n", run(0, at + "get empty"));
    }

    @Test
    void failuresSayWhatWentWrong() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        List<String[]> cases = List.of(
                new String[] {"kv 127.0.0.1:" + closed + " ping",
                        "error: cannot connect to 127.0.0.1:" + closed + ": Connection refused\n"},
                new String[] {"kv nope:x ping", "error: 'nope:x' is not HOST:PORT or PORT (a port is 1-65535)\n"},
                new String[] {"kv 70000 ping", "error: '70000' is not HOST:PORT or PORT (a port is 1-65535)\n"},
                new String[] {"kv no-such-host.invalid:6380 ping", "error: unknown host no-such-host.invalid\n"},
                new String[] {"kv " + port + " --timeout 0 ping", "error: --timeout must be more than 0\n"},
                new String[] {"kv " + port, "error: kv without a COMMAND needs an interactive terminal; in scripts give one: kv "
                        + port + " COMMAND [ARG...]\n"});
        for (String[] c : cases) {
            boolean usage = c[1].contains("is not HOST:PORT") || c[1].contains("--timeout");
            assertEquals(usage ? 2 : 1, shell.shell.execute(c[0]), c[0] + " (a usage error exits 2)");
            assertEquals(c[1], shell.err.toString(), c[0]);
            shell.err.getBuffer().setLength(0);
        }
        assertEquals(1, shell.shell.execute("kv [::1]:" + closed + " ping"));
        assertTrue(shell.err.toString().startsWith("error: cannot connect to [::1]:" + closed + ": "), shell.err.toString());
        assertEquals("", shell.out.toString());
    }

    @Test
    void redisCliPrintsTheSameReplies() throws Exception {
        Path redisCli = Stream.of(System.getenv("PATH").split(":")).map(d -> Path.of(d, "redis-cli"))
                .filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(redisCli != null, "redis-cli is not installed");
        run(0, "kv " + port + " mset a 1 b 'x\ty\"z'");
        List<List<String>> commands = List.of(List.of("get", "b"), List.of("get", "nope"), List.of("strlen", "b"),
                List.of("incr", "b"), List.of("mget", "a", "nope", "b"), List.of("keys", "zz*"), List.of("scan", "0", "match", "b"),
                List.of("ping"), List.of("echo", "é\u0001"));
        for (List<String> command : commands) {
            for (String mode : List.of("--no-raw", "--raw")) {
                List<String> cli = new ArrayList<>(List.of(redisCli.toString(), "-p", port, mode));
                cli.addAll(command);
                Process p = new ProcessBuilder(cli).redirectErrorStream(true).start();
                String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                String line = "kv " + port + (mode.equals("--raw") ? " --raw " : " ")
                        + String.join(" ", command.stream().map(w -> "'" + w + "'").toList());
                int code = shell.shell.execute(line);
                assertEquals(expected, shell.out.toString(), line);
                assertEquals(expected.startsWith("(error)") || expected.startsWith("ERR") ? 1 : 0, code, line);
                shell.out.getBuffer().setLength(0);
                shell.err.getBuffer().setLength(0);
            }
        }
    }

    @Test
    void theInteractivePromptSendsTypedLinesUntilQuit() throws Exception {
        try (TerminalSession s = new TerminalSession(registry, home.resolve("logs"))) {
            String prompt = "127.0.0.1:" + port + "> ";
            s.type("kv " + port + "\n");
            s.awaitScreen("connected to 127.0.0.1:" + port + "; quit, exit or Ctrl-D returns to the shell");
            s.awaitPrompt(prompt);
            s.type("set greeting \"hello\\tworld\\x21\" ex 1000!\n");
            s.awaitScreen("(error) ERR value is not an integer or out of range");
            s.type("set greeting \"hello\\tworld\\x21\"\n");
            s.awaitScreen("OK");
            s.type("get greeting\n");
            s.awaitScreen("\"hello\\tworld!\"");
            s.type("MGET greeting nope\n");
            s.awaitScreen("1) \"hello\\tworld!\"");
            s.awaitScreen("2) (nil)");
            s.type("set 'unbalanced x\n");
            s.awaitScreen("Invalid argument(s)");
            s.type("frobnicate x\n");
            s.awaitScreen("(error) ERR unknown command 'frobnicate'");
            s.awaitPrompt(prompt);
            s.type("   \n");
            s.awaitPrompt(prompt);
            s.type("QUIT\n");
            s.awaitScreen("left 127.0.0.1:" + port);
            s.awaitPrompt(Shell.PROMPT);

            s.type("kv 127.0.0.1:" + port + "\n");
            s.awaitPrompt(prompt);
            s.terminal().raise(Terminal.Signal.INT); // Ctrl-C at the prompt leaves, as in redis-cli
            s.awaitPrompt(Shell.PROMPT);

            s.type("kv " + port + "\n");
            s.awaitPrompt(prompt);
            kv.close();
            s.type("ping\n");
            s.awaitScreen("error: connection lost: ");
            s.awaitPrompt(Shell.PROMPT);
        }
    }

    @Test
    void checkAofFindsACutLastRecordAndFixCutsIt() throws IOException {
        Path valid = Files.writeString(home.resolve("valid.aof"), RECORD + RECORD);
        String o = run(0, "kv-check-aof " + valid);
        assertTrue(o.startsWith("AOF " + valid + " is valid: 2 commands"), o);

        Path cut = Files.writeString(home.resolve("cut.aof"), RECORD + RECORD + RECORD.substring(0, 20));
        o = run(1, "kv-check-aof " + cut);
        assertTrue(o.startsWith("AOF " + cut + " is truncated at offset 54: "), o);
        assertTrue(o.contains("run with --fix"), o);
        o = run(0, "kv-check-aof --fix " + cut);
        assertTrue(o.contains("fixed: " + cut + " now ends at offset 54 (2 commands); the 20 bytes cut are kept in "
                + cut + ".cut-"), o);
        assertEquals(RECORD + RECORD, Files.readString(cut));
        List<Path> copies;
        try (Stream<Path> files = Files.list(home)) {
            copies = files.filter(p -> p.getFileName().toString().startsWith("cut.aof.cut-")).toList();
        }
        assertEquals(1, copies.size(), copies.toString());
        assertEquals(RECORD.substring(0, 20), Files.readString(copies.get(0)), "the bytes cut are kept");
        assertTrue(run(0, "kv-check-aof " + cut).startsWith("AOF " + cut + " is valid: 2 commands"));

        o = run(2, "kv-check-aof " + home.resolve("missing.aof"));
        assertEquals("kv-check-aof: " + home.resolve("missing.aof") + ": no such file\n", o);
    }

    @Test
    void bothRunFromTheCommandLineWithTheirExitCodes() throws Exception {
        Path cut = Files.writeString(home.resolve("cut.aof"), RECORD + RECORD + RECORD.substring(0, 20));
        assertEquals(1, launch("kv-check-aof", cut.toString()).code());
        Result fixed = launch("kv-check-aof", "--fix", cut.toString());
        assertEquals(0, fixed.code(), fixed.err());
        assertTrue(fixed.out().contains("fixed: " + cut), fixed.out());
        assertEquals(RECORD + RECORD, Files.readString(cut));

        Result set = launch("kv", port, "set", "k", "-1");
        assertEquals(0, set.code(), set.err());
        assertEquals("OK\n", set.out());
        Result raw = launch("kv", "--raw", port, "incrby", "k", "-2");
        assertEquals("-3\n", raw.out());
        Result error = launch("kv", port, "frobnicate");
        assertEquals(1, error.code());
        assertTrue(error.out().startsWith("(error) ERR unknown command 'frobnicate'"), error.out());
    }

    private Result launch(String... args) throws Exception {
        return NetloomProcess.in(home).stdin("").run(args);
    }
}
