package dev.netloom.shell;

import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.testing.ApacheFtp;
import dev.netloom.testing.NetloomProcess;
import dev.netloom.testing.NetloomProcess.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shell's {@code ftp} against Apache FtpServer: one-shot get and put (byte-identical by
 * SHA-256, passive and active, resumed with -c after a cut), the server's 550 as the error, usage
 * errors, the {@code ftp HOST>} prompt through a JLine terminal on streams, and
 * {@code netloom ftp get ...} as its own process with its exit codes.
 */
class FtpCommandTest {

    private static final String SUMMARY = "226 Transfer complete: [\\d,]+ bytes in \\d+\\.\\d\\d s \\([\\d.]+ [KMG]?i?B/s\\)";

    @TempDir
    Path home;
    @TempDir
    Path local;
    private ApacheFtp server;
    private String base;
    private ServiceRegistry registry;
    private ScriptShell shell;

    @BeforeEach
    void start() throws Exception {
        server = ApacheFtp.start(home);
        base = "ftp://" + ApacheFtp.USER + ":s3cret%20pass@127.0.0.1:" + server.port() + "/";
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty());
        shell = new ScriptShell(registry, home.resolve("logs"));
    }

    @AfterEach
    void stop() {
        server.close();
        registry.stopAll();
    }

    private String run(int expectedCode, String line) {
        return shell.run(expectedCode, line);
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void oneShotGetAndPutAreByteIdenticalInBothModes() throws Exception {
        Path mb = Files.write(local.resolve("mb.bin"), random(1024 * 1024));
        Path empty = Files.write(local.resolve("empty.bin"), new byte[0]);
        String o = run(0, "ftp put " + mb + " " + base);
        assertTrue(o.matches(SUMMARY.replace("[\\d,]+", "1,048,576") + "\n"), o);
        run(0, "ftp put --active " + empty + " " + base + "e.bin");
        assertEquals(sha256(mb), sha256(home.resolve("mb.bin")));
        assertEquals(0, Files.size(home.resolve("e.bin")));
        for (String mode : List.of("", "--active ")) {
            Path back = local.resolve("back" + mode.length() + ".bin");
            o = run(0, "ftp get " + mode + base + "mb.bin " + back);
            assertTrue(o.contains("226 Transfer complete: 1,048,576 bytes in "), o);
            assertEquals(sha256(mb), sha256(back));
            Path none = local.resolve("none" + mode.length() + ".bin");
            run(0, "ftp get " + mode + base + "e.bin " + none);
            assertEquals(0, Files.size(none));
        }
    }

    @Test
    void getAndPutResumeWithDashC() throws Exception {
        Path mb = Files.write(local.resolve("mb.bin"), random(1024 * 1024));
        Files.copy(mb, home.resolve("mb.bin"));
        Path part = local.resolve("part.bin");
        Files.write(part, Files.readAllBytes(mb));
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
            ch.truncate(300_000); // as a download cut at 300,000 bytes leaves it
        }
        String o = run(0, "ftp get -c " + base + "mb.bin " + part);
        assertTrue(o.contains(": 748,576 bytes in ") && o.contains(", resumed at byte 300,000"), o);
        assertEquals(sha256(mb), sha256(part));
        assertTrue(run(0, "ftp get -c " + base + "mb.bin " + part).contains("is already complete (1,048,576 bytes)"));

        Files.write(home.resolve("up.bin"), Files.readAllBytes(mb), StandardOpenOption.CREATE);
        try (FileChannel ch = FileChannel.open(home.resolve("up.bin"), StandardOpenOption.WRITE)) {
            ch.truncate(500_000); // as an upload cut at 500,000 bytes leaves it on the server
        }
        o = run(0, "ftp put -c " + mb + " " + base + "up.bin");
        assertTrue(o.contains(": 548,576 bytes in ") && o.contains(", resumed at byte 500,000"), o);
        assertEquals(sha256(mb), sha256(home.resolve("up.bin")));
    }

    @Test
    void errorsCarryTheServersReplyAndUsageIsExitTwo() {
        String o = run(1, "ftp get " + base + "missing.bin " + local.resolve("m.bin"));
        assertTrue(o.startsWith("error: get missing.bin: 550 "), o);
        assertFalse(Files.exists(local.resolve("m.bin")), "no empty file left behind");
        o = run(1, "ftp get ftp://alice:wrong@127.0.0.1:" + server.port() + "/x.bin " + local.resolve("x.bin"));
        assertTrue(o.startsWith("error: 127.0.0.1:" + server.port() + ": login as alice failed: 530 "), o);
        o = run(1, "ftp put " + local.resolve("nope.bin") + " " + base);
        assertTrue(o.startsWith("error: no such file: "), o);
        assertTrue(run(2, "ftp get http://127.0.0.1/x").contains("'http://127.0.0.1/x' is not an ftp:// URL"));
        assertTrue(run(2, "ftp get " + base).contains("the URL names no file"));
        assertTrue(run(2, "ftp get ftp://127.0.0.1:99999/x").contains("is not a port"));
        assertEquals(2, shell.shell.execute("ftp"));
        o = run(1, "ftp open 127.0.0.1:" + server.port());
        assertTrue(o.contains("ftp open needs an interactive terminal; in scripts use ftp get URL [LOCAL]"), o);
    }

    @Test
    void thePromptRunsFtpCommandsUntilClose() throws Exception {
        Path text = Files.writeString(local.resolve("notes.txt"), "line one\nline two\n");
        try (TerminalSession s = new TerminalSession(registry, home.resolve("logs"))) {
            String prompt = "ftp 127.0.0.1> ";
            s.type("ftp open 127.0.0.1:" + server.port() + " --user alice\n");
            s.awaitPrompt("Password for alice@127.0.0.1: ");
            s.type(ApacheFtp.PASSWORD + "\n");
            s.awaitScreen("connected to 127.0.0.1:" + server.port() + "; help lists the commands");
            s.awaitPrompt(prompt);
            assertFalse(s.screen().contains("s3cret"), "the password is not echoed");
            s.type("pwd\n");
            s.awaitScreen("/\n" + prompt); // answer and next prompt: a dumb terminal shows no typed text
            s.type("mkdir docs\n");
            s.awaitScreen("257 ");
            s.type("cd docs\n");
            s.awaitScreen("250 ");
            s.type("ascii\n");
            s.awaitScreen("200 ");
            s.type("active\n");
            s.awaitScreen("active mode: the server connects to us");
            s.type("put " + text + "\n");
            s.awaitScreen("226 Transfer complete: ");
            s.awaitPrompt(prompt);
            s.type("ls\n");
            s.awaitScreen("notes.txt");
            s.type("binary\n");
            s.awaitPrompt(prompt);
            s.type("size notes.txt\n");
            s.awaitScreen("18\n" + prompt);
            s.type("rename notes.txt n.txt\n");
            s.awaitScreen("250 ");
            s.type("passive\n");
            s.awaitPrompt(prompt);
            s.type("get n.txt " + local.resolve("copy.txt") + "\n");
            s.awaitScreen("226 Transfer complete: 18 bytes in ");
            s.awaitPrompt(prompt);
            s.type("rm nope.txt\n");
            s.awaitScreen("error: 450 Can't delete file /docs/nope.txt.");
            s.type("get nope.txt " + local.resolve("nope.txt") + "\n");
            s.awaitScreen("error: 550 ");
            s.type("frob\n");
            s.awaitScreen("error: unknown command 'frob'; help lists the commands");
            s.type("cd\n");
            s.awaitScreen("error: usage: cd PATH");
            s.awaitPrompt(prompt);
            s.type("close\n");
            s.awaitScreen("left 127.0.0.1:" + server.port());
            s.awaitPrompt(Shell.PROMPT);
        }
        assertEquals("line one\nline two\n", Files.readString(local.resolve("copy.txt")));
        assertFalse(Files.exists(local.resolve("nope.txt")));
        assertEquals("line one\nline two\n", Files.readString(home.resolve("docs/n.txt")));
    }

    @Test
    void netloomFtpGetRunsAsItsOwnProcess() throws Exception {
        byte[] data = random(200_000);
        Files.write(home.resolve("f.bin"), data);
        String url = "ftp://alice@127.0.0.1:" + server.port() + "/f.bin";
        Path to = local.resolve("f.bin");
        Result ok = launch(ApacheFtp.PASSWORD + "\n", "ftp", "get", url, to.toString(), "--password-stdin");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().matches(SUMMARY.replace("[\\d,]+", "200,000") + "\n"), ok.out());
        assertEquals(sha256(home.resolve("f.bin")), sha256(to));
        Result missing = launch(ApacheFtp.PASSWORD + "\n", "ftp", "get", url.replace("f.bin", "g.bin"), "--password-stdin");
        assertEquals(1, missing.code());
        assertTrue(missing.err().startsWith("error: get g.bin: 550 "), missing.err());
        Result noPassword = launch("", "ftp", "get", url, to.toString());
        assertEquals(1, noPassword.code());
        assertTrue(noPassword.err().contains("a password for alice@127.0.0.1 is needed: give it with --password-stdin"),
                noPassword.err());
        assertEquals(2, launch("", "ftp", "get", "nonsense").code());
    }

    private Result launch(String stdin, String... args) throws Exception {
        return NetloomProcess.in(home.resolve("nl")).directory(local).stdin(stdin).run(args);
    }
}
