package dev.netloom.ftp;

import dev.netloom.core.PasswordHash;
import dev.netloom.core.Service;
import dev.netloom.core.StatsSnapshot;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data side over real sockets ({@link RawFtp}): the service's stats count the bytes of data
 * connections (uploads in, downloads and listings out) and every command; an upload larger than
 * a background writeback step arrives whole; a stalled upload fails after the data timeout, in
 * binary (read from the socket's channel) and ASCII (from its stream), keeping what came.
 */
class FtpDataTest {

    private static String hash;

    @TempDir
    Path root;

    @BeforeAll
    static void hash() {
        hash = PasswordHash.create("erin-pw".toCharArray());
    }

    @BeforeEach
    void home() throws IOException {
        Files.createDirectories(root.resolve("erin"));
    }

    private Service start(String... extra) {
        List<String> o = new ArrayList<>(List.of("root=" + root, "users=erin", "user.erin.password=" + hash,
                "user.erin.write=true", "passive-ports=0-0", "login-delay=0ms"));
        o.addAll(Arrays.asList(extra));
        return Net.start(FtpService.type(), o.toArray(String[]::new));
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + (i >> 12));
        }
        return b;
    }

    @Test
    void statsCountDataBytesAndEveryCommand() throws IOException {
        try (Service s = start(); RawFtp f = RawFtp.login(s, "erin", "erin-pw")) {
            byte[] up = pattern(300_000);
            f.upload("STOR up.bin", up);
            assertArrayEquals(up, f.download("PASV", "RETR up.bin"));
            byte[] list = f.download("EPSV", "LIST");
            assertTrue(new String(list, StandardCharsets.UTF_8).contains("up.bin"));
            assertEquals(200, f.send("NOOP"));
            assertEquals(500, f.send("X".repeat(5000)), "a line too long is a command too");

            // totals since the start: this is the service's only client
            long commands = 2 + 2 + 2 + 2 + 1 + 1; // USER PASS, EPSV STOR, PASV RETR, EPSV LIST, NOOP, the long line
            long in = f.sent() + up.length;
            long out = f.received() + up.length + list.length;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                StatsSnapshot now = s.stats();
                assertEquals(commands, now.requests(), "requests");
                assertEquals(in, now.bytesIn(), "bytes in: commands and the upload");
                assertEquals(out, now.bytesOut(), "bytes out: replies, the download and the listing");
            });
        }
    }

    @Test
    void anUploadLargerThanAWritebackStepArrivesWhole() throws IOException {
        try (Service s = start(); RawFtp f = RawFtp.login(s, "erin", "erin-pw")) {
            byte[] up = pattern((int) (2 * Writeback.EVERY + 12_345));
            assertEquals(200, f.send("TYPE I"));
            f.upload("STOR big.bin", up);
            assertArrayEquals(up, Files.readAllBytes(root.resolve("erin/big.bin")));
            assertEquals(350, f.send("REST " + Writeback.EVERY));
            byte[] tail = Arrays.copyOfRange(up, (int) Writeback.EVERY, up.length);
            f.upload("STOR big.bin", tail);
            assertArrayEquals(up, Files.readAllBytes(root.resolve("erin/big.bin")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"I", "A"})
    void aStalledUploadFailsAfterTheDataTimeoutKeepingWhatCame(String type) throws IOException {
        try (Service s = start("data-timeout=300ms"); RawFtp f = RawFtp.login(s, "erin", "erin-pw")) {
            assertEquals(200, f.send("TYPE " + type));
            try (RawFtp.Data d = f.data("EPSV")) {
                assertEquals(150, f.send("STOR half.txt"));
                try (Socket data = d.open()) {
                    data.getOutputStream().write("first part\n".getBytes(StandardCharsets.US_ASCII));
                    data.getOutputStream().flush(); // then nothing more, the connection left open
                    assertEquals(426, f.reply(), f.text());
                }
            }
            assertEquals("first part\n", Files.readString(root.resolve("erin/half.txt")));
            assertEquals(200, f.send("NOOP"), "the session goes on");
        }
    }
}
