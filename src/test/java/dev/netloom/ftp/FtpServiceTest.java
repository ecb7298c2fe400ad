package dev.netloom.ftp;

import dev.netloom.core.ConfigException;
import dev.netloom.core.ConnectionInfo;
import dev.netloom.core.PasswordHash;
import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import dev.netloom.testing.Tap;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPConnectionClosedException;
import org.apache.commons.net.ftp.FTPFile;
import org.apache.commons.net.ftp.FTPReply;
import org.apache.commons.net.ftp.FTPSClient;
import org.apache.commons.net.util.TrustManagerUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ftp service against Apache Commons Net's FTPClient and FTPSClient: transfers in passive and
 * active mode, binary and ASCII, resume, file commands, MLSD, permissions, anonymous access, login
 * delay and failures, the 421 limits, ABOR, FTPS, and jail escapes through every path-taking command.
 */
class FtpServiceTest {

    private static String aliceHash;
    private static String bobHash;

    @TempDir
    Path dir;
    private Path root;
    private Path outside;

    @BeforeAll
    static void hashes() {
        aliceHash = PasswordHash.create("alice-pw".toCharArray());
        bobHash = PasswordHash.create("bob-pw".toCharArray());
    }

    @BeforeEach
    void tree() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("alice"));
        Files.writeString(Files.createDirectories(root.resolve("bob")).resolve("bob.txt"), "bob's");
        Files.writeString(Files.createDirectories(root.resolve("pub")).resolve("readme.txt"), "public\n");
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "TOP SECRET");
        Files.createSymbolicLink(root.resolve("alice/out"), outside);
        Files.createSymbolicLink(root.resolve("alice/link.txt"), outside.resolve("secret.txt"));
    }

    private Service start(String... extra) {
        List<String> o = new ArrayList<>(List.of("root=" + root, "users=alice,bob", "user.alice.password=" + aliceHash,
                "user.alice.write=true", "user.bob.password=" + bobHash, "anonymous=true", "login-delay=100ms",
                "passive-ports=0-0"));
        o.addAll(Arrays.asList(extra));
        return Net.start(FtpService.type(), o.toArray(String[]::new));
    }

    private static FTPClient client(Service s) throws IOException {
        FTPClient ftp = new FTPClient();
        ftp.setDefaultTimeout(10_000);
        ftp.setDataTimeout(Duration.ofSeconds(10));
        ftp.connect(s.address().getAddress(), s.address().getPort());
        ftp.setSoTimeout(10_000);
        return ftp;
    }

    private static FTPClient login(Service s, String user, String password) throws IOException {
        FTPClient ftp = client(s);
        assertTrue(ftp.login(user, password), ftp.getReplyString());
        ftp.enterLocalPassiveMode();
        ftp.setFileType(FTP.BINARY_FILE_TYPE);
        return ftp;
    }

    private static byte[] retrieve(FTPClient ftp, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ftp.retrieveFile(name, out), ftp.getReplyString());
        return out.toByteArray();
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void everyControlCommandIsARequest() throws Exception {
        try (Service s = start(); RawFtp ftp = RawFtp.login(s, "alice", "alice-pw")) {
            assertEquals(2, s.stats().requests(), "USER and PASS");
            assertEquals(200, ftp.send("NOOP"));
            assertEquals(502, ftp.send("FROB"), "an unknown command is a request too");
            assertEquals(257, ftp.send("PWD"));
            assertEquals(5, s.stats().requests());
        }
    }

    @Test
    void anUploadCountsAsBytesIn() throws Exception {
        byte[] data = random(300_000);
        try (Service s = start(); Tap tap = Tap.to(s.address())) {
            FTPClient ftp = new FTPClient();
            ftp.setDefaultTimeout(10_000);
            ftp.connect(InetAddress.getLoopbackAddress(), tap.port()); // the control connection through the relay
            assertTrue(ftp.login("alice", "alice-pw"), ftp.getReplyString());
            ftp.enterLocalPassiveMode();
            ftp.setFileType(FTP.BINARY_FILE_TYPE);
            assertTrue(ftp.storeFile("up.bin", new ByteArrayInputStream(data)), ftp.getReplyString());
            assertArrayEquals(data, retrieve(ftp, "up.bin"));
            assertTrue(ftp.sendNoOp());
            // the control connection's bytes are the relay's; the data connections' are the file's
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertEquals(tap.up() + data.length, s.stats().bytesIn(), "bytes in");
                assertEquals(tap.down() + data.length, s.stats().bytesOut(), "bytes out");
            });
            ftp.disconnect();
        }
    }

    @Test
    void binaryTransfersInPassiveAndActiveMode() throws Exception {
        try (Service s = start()) {
            FTPClient ftp = login(s, "alice", "alice-pw");
            byte[] data = random(3 * 1024 * 1024 + 17);
            assertTrue(ftp.storeFile("big.bin", new ByteArrayInputStream(data)), ftp.getReplyString());
            assertArrayEquals(data, Files.readAllBytes(root.resolve("alice/big.bin")));
            assertArrayEquals(data, retrieve(ftp, "big.bin"));
            assertEquals(String.valueOf(data.length), ftp.getSize("big.bin"));
            assertTrue(ftp.getModificationTime("big.bin").matches("\\d{14}"), ftp.getModificationTime("big.bin"));

            ftp.enterLocalActiveMode();
            ftp.setActiveExternalIPAddress("127.0.0.1");
            byte[] small = random(1000);
            assertTrue(ftp.storeFile("active.bin", new ByteArrayInputStream(small)), ftp.getReplyString());
            assertArrayEquals(small, retrieve(ftp, "active.bin"));
            assertTrue(Arrays.asList(ftp.listNames()).containsAll(List.of("active.bin", "big.bin")));
            FTPFile[] list = ftp.listFiles();
            assertTrue(Arrays.stream(list).anyMatch(f -> f.getName().equals("big.bin") && f.getSize() == data.length),
                    Arrays.toString(list));
            assertTrue(ftp.logout());
        }
    }

    @Test
    void asciiModeConvertsLineEndings() throws Exception {
        try (Service s = start()) {
            FTPClient ftp = login(s, "alice", "alice-pw");
            ftp.setFileType(FTP.ASCII_FILE_TYPE);
            assertTrue(ftp.storeFile("t.txt", new ByteArrayInputStream("one\ntwo\n".getBytes(StandardCharsets.UTF_8))));
            assertEquals("one\ntwo\n", Files.readString(root.resolve("alice/t.txt")), "stored with LF");
            assertEquals("one\ntwo\n", new String(retrieve(ftp, "t.txt"), StandardCharsets.UTF_8));
            ftp.setFileType(FTP.BINARY_FILE_TYPE);
            assertEquals("one\ntwo\n", new String(retrieve(ftp, "t.txt"), StandardCharsets.UTF_8), "binary is unchanged");
            assertEquals(200, ftp.sendCommand("TYPE A")); // the client stays binary, so it sees the wire form
            assertEquals("one\r\ntwo\r\n", new String(retrieve(ftp, "t.txt"), StandardCharsets.UTF_8));
        }
    }

    @Test
    void resumeAppendAndUniqueNames() throws Exception {
        try (Service s = start()) {
            FTPClient ftp = login(s, "alice", "alice-pw");
            byte[] data = random(100_000);
            Files.write(root.resolve("alice/r.bin"), data);
            ftp.setRestartOffset(60_000);
            assertArrayEquals(Arrays.copyOfRange(data, 60_000, data.length), retrieve(ftp, "r.bin"));

            assertTrue(ftp.storeFile("w.bin", new ByteArrayInputStream(Arrays.copyOf(data, 40_000))));
            ftp.setRestartOffset(30_000);
            assertTrue(ftp.storeFile("w.bin", new ByteArrayInputStream(Arrays.copyOfRange(data, 30_000, data.length))));
            assertArrayEquals(data, Files.readAllBytes(root.resolve("alice/w.bin")));

            assertTrue(ftp.appendFile("w.bin", new ByteArrayInputStream(new byte[] {1, 2, 3})));
            assertEquals(data.length + 3, Files.size(root.resolve("alice/w.bin")));

            assertTrue(ftp.storeUniqueFile("w.bin", new ByteArrayInputStream(new byte[] {9})), ftp.getReplyString());
            assertTrue(Files.exists(root.resolve("alice/w.bin.1")));
        }
    }

    @Test
    void directoriesRenameDeleteAndMachineListings() throws Exception {
        try (Service s = start()) {
            FTPClient ftp = login(s, "alice", "alice-pw");
            assertEquals("/", ftp.printWorkingDirectory());
            assertTrue(ftp.makeDirectory("docs"));
            assertTrue(ftp.changeWorkingDirectory("docs"));
            assertEquals("/docs", ftp.printWorkingDirectory());
            assertTrue(ftp.storeFile("a.txt", new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8))));
            assertTrue(ftp.rename("a.txt", "b.txt"));
            assertTrue(Files.exists(root.resolve("alice/docs/b.txt")));
            FTPFile[] ml = ftp.mlistDir();
            assertEquals(1, ml.length);
            assertEquals("b.txt", ml[0].getName());
            assertEquals(5, ml[0].getSize());
            assertTrue(ml[0].isFile());
            FTPFile one = ftp.mlistFile("b.txt");
            assertEquals(5, one.getSize());
            assertTrue(ftp.changeToParentDirectory());
            assertEquals("/", ftp.printWorkingDirectory());
            assertFalse(ftp.removeDirectory("docs"), "not empty");
            assertTrue(ftp.deleteFile("docs/b.txt"));
            assertTrue(ftp.removeDirectory("docs"));
            assertFalse(Files.exists(root.resolve("alice/docs")));
            assertEquals(503, ftp.sendCommand("RNTO x"), "RNTO without RNFR");
            assertEquals(550, ftp.sendCommand("RNFR nothing-here"));
            assertFalse(ftp.deleteFile("nothing-here"));
        }
    }

    @Test
    void readOnlyUsersAndAnonymousCannotChangeFiles() throws Exception {
        try (Service s = start()) {
            FTPClient bob = login(s, "bob", "bob-pw");
            assertEquals("bob's", new String(retrieve(bob, "bob.txt"), StandardCharsets.UTF_8));
            assertFalse(bob.storeFile("x", new ByteArrayInputStream(new byte[1])));
            assertEquals(550, bob.getReplyCode());
            assertFalse(bob.deleteFile("bob.txt"));
            assertFalse(bob.makeDirectory("d"));
            assertFalse(bob.rename("bob.txt", "c.txt"));
            assertTrue(Files.exists(root.resolve("bob/bob.txt")));

            FTPClient anon = login(s, "anonymous", "guest@example.com");
            assertEquals("public\n", new String(retrieve(anon, "readme.txt"), StandardCharsets.UTF_8));
            assertFalse(anon.storeFile("x", new ByteArrayInputStream(new byte[1])));
            assertFalse(anon.deleteFile("readme.txt"));
            assertFalse(anon.changeWorkingDirectory("../alice"));
        }
    }

    @Test
    void badUserConfigStopsTheStartNamingTheKey() {
        var type = FtpService.type();
        for (String[] row : new String[][] {
                {"users=carol", "user carol has no user.carol.password"},
                {"user.dave.password=" + aliceHash, "user.dave.password is set but dave is not in users"},
                {"user.alice.password=plain", "ftp.user.alice.password: 'plain' is not valid: expected a hash"},
                {"user.alice.home=../elsewhere", "user.alice.home '../elsewhere' must be a directory under root"}}) {
            Map<String, String> o = new HashMap<>(Map.of("users", "alice",
                    "user.alice.password", aliceHash));
            o.put(row[0].substring(0, row[0].indexOf('=')), row[0].substring(row[0].indexOf('=') + 1));
            ConfigException e = assertThrows(ConfigException.class, () -> type.create(type.settings(Map.of(), o)));
            assertTrue(e.getMessage().contains(row[1]), e.getMessage());
        }
    }

    @Test
    void anonymousIsOffUnlessConfigured() throws Exception {
        try (Service s = start("anonymous=false")) {
            FTPClient ftp = client(s);
            assertFalse(ftp.login("anonymous", "x@y"));
            assertEquals(530, ftp.getReplyCode());
        }
    }

    @Test
    void failedLoginsAreDelayedAndCloseTheConnectionAfterTheLimit() throws Exception {
        try (Service s = start("max-login-failures=2")) {
            FTPClient ftp = client(s);
            assertEquals(530, ftp.sendCommand("PWD"), "not logged in");
            assertEquals(503, ftp.sendCommand("PASS x"), "PASS before USER");
            long start = System.nanoTime();
            assertFalse(ftp.login("alice", "wrong"));
            assertEquals(530, ftp.getReplyCode());
            assertTrue(System.nanoTime() - start >= 100_000_000L, "delayed by login-delay");
            assertTrue(assertThrows(FTPConnectionClosedException.class, () -> ftp.login("nobody", "x"))
                    .getMessage().contains("421"));
        }
    }

    @Test
    void repliesForOddCommands() throws Exception {
        try (Service s = start()) {
            FTPClient ftp = login(s, "alice", "alice-pw");
            assertEquals(502, ftp.sendCommand("XYZZY"));
            assertEquals(502, ftp.sendCommand("ACCT x"));
            assertEquals(215, ftp.sendCommand("SYST"));
            assertEquals(200, ftp.sendCommand("OPTS UTF8 ON"));
            assertEquals(504, ftp.sendCommand("TYPE E"));
            assertEquals(504, ftp.sendCommand("MODE B"));
            assertEquals(504, ftp.sendCommand("STRU R"));
            assertEquals(200, ftp.sendCommand("NOOP"));
            assertEquals(214, ftp.sendCommand("HELP"));
            assertTrue(ftp.features());
            assertTrue(ftp.getReplyString().contains(" MLST type*;size*;modify*;perm*;"), ftp.getReplyString());
            assertTrue(ftp.hasFeature("EPSV") && ftp.hasFeature("REST") && ftp.hasFeature("AUTH", "TLS"));
            assertEquals(211, ftp.sendCommand("STAT"));
            assertEquals(213, ftp.sendCommand("STAT", "/"));
            assertEquals(425, ftp.sendCommand("LIST"), "no PASV or PORT first");
            assertEquals(500, ftp.sendCommand("PORT 10,0,0,1,200,10"), "no bounce to another host");
            assertEquals(500, ftp.sendCommand("EPRT |1|10.0.0.1|5000|"));
            assertEquals(501, ftp.sendCommand("PORT 1,2,3"));
            assertEquals(200, ftp.sendCommand("EPSV ALL"));
            assertEquals(503, ftp.sendCommand("PASV"));
            assertEquals(229, ftp.sendCommand("EPSV"));
            assertEquals(350, ftp.sendCommand("REST 10"));
            assertEquals(501, ftp.sendCommand("REST -1"));
            assertEquals(221, ftp.sendCommand("QUIT"));
        }
    }

    @Test
    void aPassiveConnectionFromAnotherAddressIsNotServed() throws Exception {
        try (Service s = start()) {
            FTPClient ftp = login(s, "alice", "alice-pw");
            Files.writeString(root.resolve("alice/f.txt"), "data");
            assertEquals(229, ftp.sendCommand("EPSV"));
            String r = ftp.getReplyString();
            int port = Integer.parseInt(r.substring(r.indexOf("|||") + 3, r.lastIndexOf('|')));
            try (Socket thief = new Socket()) {
                thief.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
                thief.connect(new InetSocketAddress(s.address().getAddress(), port));
                thief.setSoTimeout(5000);
                assertEquals(150, ftp.sendCommand("RETR f.txt"));
                assertEquals(-1, thief.getInputStream().read(), "closed without data");
                try (Socket mine = new Socket(s.address().getAddress(), port)) {
                    assertEquals("data", new String(mine.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                }
                assertEquals(226, ftp.getReply());
            }
        }
    }

    @Test
    void connectionLimitsAreAnsweredWith421() throws Exception {
        try (Service s = start("max-connections=1")) {
            FTPClient first = client(s);
            assertRefused(s);
            assertTrue(first.sendNoOp());
        }
        try (Service s = start("max-per-ip=1")) {
            FTPClient first = client(s);
            assertRefused(s);
            assertTrue(first.sendNoOp());
        }
    }

    private static void assertRefused(Service s) {
        FTPClient second = new FTPClient();
        FTPConnectionClosedException e = assertThrows(FTPConnectionClosedException.class,
                () -> second.connect(s.address().getAddress(), s.address().getPort()));
        assertTrue(e.getMessage().contains("421"), e.getMessage());
    }

    @Test
    void anIdleControlConnectionIsToldAndClosed() throws Exception {
        try (Service s = start("idle-timeout=300ms")) {
            FTPClient ftp = client(s);
            ftp.setSoTimeout(5000);
            assertTrue(assertThrows(FTPConnectionClosedException.class, ftp::getReply).getMessage().contains("421"));
        }
    }

    @Test
    void aborStopsARunningTransferAndConnsShowsIt() throws Exception {
        try (Service s = start()) {
            Files.write(root.resolve("alice/huge.bin"), new byte[64 * 1024 * 1024]);
            FTPClient ftp = login(s, "alice", "alice-pw");
            InputStream in = ftp.retrieveFileStream("huge.bin");
            assertEquals(150, ftp.getReplyCode());
            in.readNBytes(1024); // then stop reading: the server blocks on a full socket buffer
            await().atMost(Duration.ofSeconds(10)).until(() -> s.connections().stream().map(ConnectionInfo::activity)
                    .anyMatch(a -> a.startsWith("alice / RETR huge.bin ") && a.endsWith("/s")));
            assertEquals(211, ftp.sendCommand("STAT"));
            assertTrue(ftp.getReplyString().contains("RETR huge.bin"), ftp.getReplyString());
            assertEquals(426, ftp.sendCommand("ABOR"));
            assertEquals(226, ftp.getReply());
            in.close();
            assertTrue(ftp.sendNoOp());
            assertEquals(225, ftp.sendCommand("ABOR"), "nothing to abort");
        }
    }

    @Test
    void explicitFtpsProtectsControlAndData() throws Exception {
        try (Service s = start("keystore=" + dir.resolve("tls/netloom.p12"))) {
            FTPSClient ftp = new FTPSClient(false);
            ftp.setTrustManager(TrustManagerUtils.getAcceptAllTrustManager());
            ftp.setDefaultTimeout(10_000);
            ftp.connect(s.address().getAddress(), s.address().getPort());
            assertTrue(ftp.login("alice", "alice-pw"), ftp.getReplyString());
            ftp.execPBSZ(0);
            ftp.execPROT("P");
            ftp.enterLocalPassiveMode();
            ftp.setFileType(FTP.BINARY_FILE_TYPE);
            byte[] data = random(200_000);
            assertTrue(ftp.storeFile("tls.bin", new ByteArrayInputStream(data)), ftp.getReplyString());
            assertArrayEquals(data, Files.readAllBytes(root.resolve("alice/tls.bin")));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertTrue(ftp.retrieveFile("tls.bin", out), ftp.getReplyString());
            assertArrayEquals(data, out.toByteArray());
            assertTrue(Arrays.asList(ftp.listNames()).contains("tls.bin"));
            assertTrue(FTPReply.isPositiveCompletion(ftp.sendCommand("NOOP")));
        }
    }

    /** Names that try to leave alice's home: up, absolute, encoded, and through links pointing out. */
    private List<String> escapes() {
        return List.of("..", "../..", "../bob/bob.txt", "../../outside/secret.txt", "/../outside/secret.txt",
                "/../../etc/passwd", "%2e%2e/bob/bob.txt", outside.resolve("secret.txt").toString(), "/etc/passwd",
                "out", "out/secret.txt", "link.txt", "./out/../out/secret.txt");
    }

    @ParameterizedTest
    @ValueSource(strings = {"CWD", "RETR", "STOR", "DELE", "MKD", "RMD", "RNFR", "RNTO", "SIZE", "MDTM", "LIST", "MLST",
            "MLSD", "NLST", "APPE"})
    void noCommandReachesOutsideTheHome(String verb) throws Exception {
        try (Service s = start()) {
            FTPClient ftp = login(s, "alice", "alice-pw");
            Files.writeString(root.resolve("alice/mine.txt"), "mine");
            for (String path : escapes()) {
                ftp.enterLocalPassiveMode();
                String seen = switch (verb) {
                    case "RETR" -> {
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        assertFalse(ftp.retrieveFile(path, out), path);
                        yield out.toString(StandardCharsets.UTF_8);
                    }
                    case "STOR", "APPE" -> {
                        InputStream junk = new ByteArrayInputStream("PWNED".getBytes(StandardCharsets.UTF_8));
                        assertFalse(verb.equals("STOR") ? ftp.storeFile(path, junk) : ftp.appendFile(path, junk), path);
                        yield "";
                    }
                    case "LIST", "NLST", "MLSD" -> {
                        String[] names = verb.equals("LIST") ? Arrays.stream(ftp.listFiles(path)).map(FTPFile::toString)
                                .toArray(String[]::new) : verb.equals("NLST") ? ftp.listNames(path)
                                : Arrays.stream(ftp.mlistDir(path)).map(FTPFile::getName).toArray(String[]::new);
                        yield names == null ? "" : String.join(",", names);
                    }
                    case "CWD" -> {
                        ftp.changeWorkingDirectory(path);
                        String pwd = ftp.printWorkingDirectory();
                        String list = String.join(",", ftp.listNames());
                        assertTrue(ftp.changeWorkingDirectory("/"));
                        yield pwd + " " + list;
                    }
                    case "RNTO" -> {
                        assertEquals(350, ftp.sendCommand("RNFR mine.txt"));
                        assertTrue(ftp.sendCommand("RNTO " + path) >= 500, path);
                        yield ftp.getReplyString();
                    }
                    default -> {
                        int code = ftp.sendCommand(verb + " " + path);
                        // MLST of ".." is the home itself, "/": inside the jail
                        assertTrue(code >= 500 || verb.equals("MLST") && ftp.getReplyString().contains("; /\r\n"),
                                verb + " " + path + ": " + ftp.getReplyString());
                        yield ftp.getReplyString();
                    }
                };
                assertFalse(seen.contains("secret") || seen.contains("SECRET") || seen.contains("bob"),
                        verb + " " + path + " saw " + seen);
            }
            assertEquals(List.of(outside.resolve("secret.txt")), Files.list(outside).toList());
            assertEquals("TOP SECRET", Files.readString(outside.resolve("secret.txt")));
            assertEquals("bob's", Files.readString(root.resolve("bob/bob.txt")));
            assertTrue(Files.isSymbolicLink(root.resolve("alice/out")) && Files.isSymbolicLink(root.resolve("alice/link.txt")));
            try (var all = Files.walk(dir)) {
                assertTrue(all.filter(Files::isRegularFile).noneMatch(p -> !p.startsWith(root.resolve("alice"))
                        && readQuietly(p).contains("PWNED")), "nothing written outside the home");
            }
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
