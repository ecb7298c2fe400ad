package dev.netloom.ftp;

import dev.netloom.core.PasswordHash;
import dev.netloom.core.Service;
import dev.netloom.testing.Net;
import dev.netloom.tools.FtpClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * netloom's own FTP client against netloom's own FTP server, in passive and active mode: files
 * go up and come back byte-identical (SHA-256), and a download and an upload cut midway by a
 * broken connection are resumed with REST to the same bytes.
 */
class FtpClientAgainstNetloomTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path root;
    private Service ftp;

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(root.resolve("carol"));
        String hash = PasswordHash.create("carol-pw".toCharArray());
        ftp = Net.start(FtpService.type(), "root=" + root, "users=carol", "user.carol.password=" + hash,
                "user.carol.home=carol", "user.carol.write=true", "passive-ports=0-0", "login-delay=0ms");
    }

    @AfterEach
    void stop() {
        ftp.close();
    }

    private FtpClient login(boolean passive) throws IOException {
        FtpClient c = FtpClient.connect("127.0.0.1", ftp.address().getPort(), TIMEOUT);
        c.login("carol", "carol-pw");
        c.setPassive(passive);
        return c;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** A stream that fails after {@code cut} bytes, as a source that breaks mid-transfer. */
    private static InputStream breaksAfter(byte[] data, int cut) {
        return new InputStream() {
            private int pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= cut) {
                    throw new IOException("cut");
                }
                int n = Math.min(len, cut - pos);
                System.arraycopy(data, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    @ParameterizedTest(name = "passive={0}")
    @ValueSource(booleans = {true, false})
    void transfersAreByteIdenticalAndResumeAfterACut(boolean passive) throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(passive ? 1 : 2).nextBytes(data);
        try (FtpClient c = login(passive)) {
            assertEquals(226, c.store("whole.bin", new ByteArrayInputStream(data), 0, null).code());
            assertEquals(sha256(data), sha256(Files.readAllBytes(root.resolve("carol/whole.bin"))));
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            assertEquals(226, c.retrieve("whole.bin", back, 0, null).code());
            assertEquals(sha256(data), sha256(back.toByteArray()));
        }
        // an upload cut after 1 MiB: the server keeps what came, put -c continues from its SIZE
        int cut = 1024 * 1024;
        try (FtpClient c = login(passive)) {
            assertThrows(IOException.class, () -> c.store("resumed.bin", breaksAfter(data, cut), 0, null));
        }
        try (FtpClient c = login(passive)) {
            // the server finishes the cut transfer on its own thread: wait until what it kept is settled
            Path part = root.resolve("carol/resumed.bin");
            AtomicLong lastSize = new AtomicLong(-1); // the size one poll ago: settled when a poll finds it unchanged
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        long size = Files.exists(part) ? Files.size(part) : 0;
                        return size > 0 && size == lastSize.getAndSet(size);
                    });
            long have = c.size("resumed.bin");
            assertEquals(true, have > 0 && have <= cut, "part of the upload is there: " + have);
            c.store("resumed.bin", new ByteArrayInputStream(Arrays.copyOfRange(data, (int) have, data.length)), have, null);
            assertEquals(sha256(data), sha256(Files.readAllBytes(root.resolve("carol/resumed.bin"))), "put -c");
            // a download that got the first 777,777 bytes continues with REST from there
            int got = 777_777;
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            rest.write(data, 0, got);
            assertEquals(226, c.retrieve("resumed.bin", rest, got, null).code());
            assertEquals(sha256(data), sha256(rest.toByteArray()), "get -c");
        }
    }
}
