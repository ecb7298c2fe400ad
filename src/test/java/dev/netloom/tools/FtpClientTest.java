package dev.netloom.tools;

import dev.netloom.testing.ApacheFtp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FtpClient} against Apache FtpServer: binary transfers byte-identical (SHA-256) in passive
 * and active mode, ASCII line ends, directory commands, the server's 550 as the error, and
 * resuming a download and an upload cut midway. A scripted raw-socket server checks multi-line
 * replies, a refused login, and the fall back from EPSV to PASV.
 */
class FtpClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path home;
    @TempDir
    Path local;
    private ApacheFtp server;

    @BeforeEach
    void start() throws Exception {
        server = ApacheFtp.start(home);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private FtpClient login() throws IOException {
        FtpClient client = FtpClient.connect("127.0.0.1", server.port(), TIMEOUT);
        client.login(ApacheFtp.USER, ApacheFtp.PASSWORD);
        return client;
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @ParameterizedTest(name = "passive={0}")
    @ValueSource(booleans = {true, false})
    void binaryFilesGoUpAndComeBackByteIdentical(boolean passive) throws Exception {
        try (FtpClient client = login()) {
            client.setPassive(passive);
            for (int size : new int[] {1024 * 1024, 0}) {
                byte[] data = random(size, size);
                String name = "blob-" + size + ".bin";
                AtomicLong sent = new AtomicLong();
                FtpClient.Reply stored = client.store(name, new ByteArrayInputStream(data), 0, sent::set);
                assertEquals(226, stored.code(), stored.toString());
                assertEquals(size, sent.get());
                assertEquals(sha256(data), sha256(Files.readAllBytes(home.resolve(name))), "stored as sent");
                assertEquals(size, client.size(name));
                ByteArrayOutputStream back = new ByteArrayOutputStream();
                assertEquals(226, client.retrieve(name, back, 0, null).code());
                assertEquals(sha256(data), sha256(back.toByteArray()), "came back as stored");
            }
            client.quit();
        }
    }

    @Test
    void asciiTurnsCrlfOnTheWireIntoLfAndBack() throws Exception {
        Files.writeString(home.resolve("lines.txt"), "one\ntwo\n\nthree\n");
        try (FtpClient client = login()) {
            assertEquals(200, client.setBinary(false).code());
            AtomicLong wire = new AtomicLong();
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            client.retrieve("lines.txt", text, 0, wire::set);
            assertEquals("one\ntwo\n\nthree\n", text.toString(StandardCharsets.UTF_8));
            assertEquals(15 + 4, wire.get(), "the server sent four CRLF line ends");
            client.store("up.txt", new ByteArrayInputStream("a\nb\r\nc".getBytes(StandardCharsets.UTF_8)), 0, null);
            assertEquals("a\nb\nc", Files.readString(home.resolve("up.txt")), "the server stored its own line ends");
            client.setBinary(true);
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            client.retrieve("lines.txt", raw, 0, null);
            assertEquals("one\ntwo\n\nthree\n", raw.toString(StandardCharsets.UTF_8), "binary leaves bytes alone");
        }
    }

    @Test
    void directoryCommandsAndTheServersErrors() throws Exception {
        try (FtpClient client = login()) {
            assertEquals("/", client.pwd());
            assertEquals(257, client.mkdir("docs").code());
            assertEquals(250, client.cwd("docs").code());
            assertEquals("/docs", client.pwd());
            client.store("a.txt", new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)), 0, null);
            assertEquals(List.of("a.txt"), client.list(null, true));
            assertTrue(client.list(".", false).get(0).matches(".*\\b5\\b.*a\\.txt"), client.list(".", false).toString());
            assertEquals(250, client.rename("a.txt", "b.txt").code());
            assertEquals(5, client.size("b.txt"));
            FtpClient.ReplyException missing = assertThrows(FtpClient.ReplyException.class,
                    () -> client.retrieve("a.txt", OutputStream.nullOutputStream(), 0, null));
            assertTrue(missing.getMessage().startsWith("550 "), missing.getMessage());
            assertEquals(550, missing.reply().code());
            assertTrue(client.isOpen(), "a refusal leaves the connection usable");
            assertThrows(FtpClient.ReplyException.class, () -> client.cwd("nowhere"));
            assertEquals(250, client.delete("b.txt").code());
            assertEquals(250, client.cwd("..").code());
            assertEquals(250, client.rmdir("docs").code());
            assertFalse(Files.exists(home.resolve("docs")));
        }
    }

    @Test
    void aDownloadCutMidwayResumesWithRest() throws Exception {
        byte[] data = random(1024 * 1024, 7);
        Files.write(home.resolve("big.bin"), data);
        Path partial = local.resolve("big.bin");
        try (FtpClient client = login(); OutputStream file = Files.newOutputStream(partial)) {
            IOException cut = assertThrows(IOException.class,
                    () -> client.retrieve("big.bin", new Cut(file, 300_000), 0, null));
            assertEquals("cut", cut.getMessage());
            assertFalse(client.isOpen(), "a broken transfer closes the client");
        }
        long have = Files.size(partial);
        assertEquals(300_000, have);
        try (FtpClient client = login(); OutputStream file = Files.newOutputStream(partial, StandardOpenOption.APPEND)) {
            assertEquals(226, client.retrieve("big.bin", file, have, null).code());
        }
        assertEquals(sha256(data), sha256(Files.readAllBytes(partial)));
    }

    @Test
    void anUploadCutMidwayResumesFromTheServersSize() throws Exception {
        byte[] data = random(1024 * 1024, 8);
        try (FtpClient client = login()) {
            assertThrows(IOException.class, () -> client.store("up.bin",
                    new CutIn(new ByteArrayInputStream(data), 400_000), 0, null));
            assertFalse(client.isOpen());
        }
        await().atMost(TIMEOUT).until(() -> Files.exists(home.resolve("up.bin")) && Files.size(home.resolve("up.bin")) > 0);
        try (FtpClient client = login()) {
            await().atMost(TIMEOUT).until(() -> client.size("up.bin") == Files.size(home.resolve("up.bin")));
            long have = client.size("up.bin");
            assertTrue(have > 0 && have <= 400_000, "partial: " + have);
            InputStream rest = new ByteArrayInputStream(data);
            rest.skipNBytes(have);
            assertEquals(226, client.store("up.bin", rest, have, null).code());
        }
        assertEquals(sha256(data), sha256(Files.readAllBytes(home.resolve("up.bin"))));
    }

    /** Writes through until {@code limit} bytes, then fails as a broken disk or a lost link would. */
    private static final class Cut extends FilterOutputStream {
        private long left;

        Cut(OutputStream out, long limit) {
            super(out);
            this.left = limit;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int n = (int) Math.min(len, left);
            out.write(b, off, n);
            left -= n;
            if (n < len) {
                throw new IOException("cut");
            }
        }
    }

    /** Reads through until {@code limit} bytes, then fails. */
    private static final class CutIn extends FilterInputStream {
        private long left;

        CutIn(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                throw new IOException("cut");
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            left -= Math.max(0, n);
            return n;
        }
    }

    @Test
    void multiLineRepliesARefusedLoginAndPasvWhenEpsvIsRefused() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket data = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<String> heard = new ArrayList<>();
            Thread fake = Thread.ofVirtual().start(() -> {
                try (Socket s = listener.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    Writer out = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
                    out.write("220-Welcome\r\n 220 padded, so not the end\r\nmore text\r\n220 ready\r\n");
                    out.flush();
                    String[] answers = {
                            "331-Password\r\n please\r\n331 required\r\n", "530 Login incorrect.\r\n",
                            "331 ok\r\n", "230 in\r\n", "200 Type I\r\n", "502 EPSV not implemented\r\n",
                            "227 Entering Passive Mode (10,9,8,7," + (data.getLocalPort() >> 8) + ","
                                    + (data.getLocalPort() & 0xff) + ")\r\n",
                            "150 Here it comes\r\n"};
                    for (String answer : answers) {
                        heard.add(in.readLine());
                        out.write(answer);
                        out.flush();
                    }
                    try (Socket d = data.accept()) {
                        d.getOutputStream().write("x\r\ny\r\n".getBytes(StandardCharsets.UTF_8));
                    }
                    out.write("226 Done\r\n");
                    out.flush();
                    heard.add(in.readLine());
                    out.write("221 Bye\r\n");
                    out.flush();
                } catch (IOException e) {
                    heard.add(e.toString());
                }
            });
            try (FtpClient client = FtpClient.connect("127.0.0.1", listener.getLocalPort(), TIMEOUT)) {
                FtpClient.ReplyException refused = assertThrows(FtpClient.ReplyException.class, () -> client.login("bob", "bad"));
                assertEquals("530 Login incorrect.", refused.getMessage());
                client.login("bob", "good");
                // the 227's address (10.9.8.7) is ignored: the data connection goes to the control peer
                assertEquals(List.of("x", "y"), client.list(null, true));
                client.quit();
            }
            fake.join(10_000);
            assertEquals(List.of("USER bob", "PASS bad", "USER bob", "PASS good", "TYPE I", "EPSV", "PASV", "NLST", "QUIT"),
                    heard);
        }
    }
}
