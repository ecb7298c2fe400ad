package dev.netloom.monitor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sampler on this machine's /proc/net/dev: real bytes sent over loopback show up on lo, and the thread samples. */
class BandwidthSamplerTest {

    private static final int SIZE = 4 << 20;

    @TempDir
    Path home;

    @Test
    void seesBytesSentOverLoopback() throws Exception {
        try (BandwidthSampler s = new BandwidthSampler(BandwidthHistory.open(BandwidthSampler.database(home)),
                InterfaceCounters.PROC_NET_DEV, Clock.systemUTC())) {
            Map<String, InterfaceCounters> before = s.sample();
            long received = sendOverLoopback(SIZE);
            assertEquals(SIZE, received);
            Map<String, InterfaceCounters> after = s.sample();
            InterfaceCounters lo = after.get("lo").minus(before.get("lo"));
            // every byte crosses lo once, counted as sent and as received, plus the TCP/IP headers
            assertTrue(lo.rxBytes() >= SIZE && lo.txBytes() >= SIZE, lo.toString());
            assertTrue(s.rates().get("lo").rxBytes() > 0, s.rates().toString());
            long stored = s.history().rows("lo", Resolution.MINUTE, 10).stream()
                    .mapToLong(r -> r.traffic().rxBytes()).sum();
            assertTrue(stored >= SIZE, "the history holds lo's bytes: " + stored);
            assertEquals(stored, s.history().rows("lo", Resolution.DAY, 10).stream()
                    .mapToLong(r -> r.traffic().rxBytes()).sum());
        }
    }

    @Test
    void theThreadSamplesOnItsOwn() throws Exception {
        try (BandwidthSampler s = BandwidthSampler.start(home, Duration.ofMillis(100))) {
            sendOverLoopback(1 << 20);
            await().atMost(Duration.ofSeconds(10)).until(() -> !s.history().rows("lo", Resolution.MINUTE, 10).isEmpty());
        }
        assertTrue(home.resolve("data/monitor/bandwidth.db").toFile().isFile());
    }

    /** Sends {@code n} bytes to a loopback listener; returns how many it read. */
    private static long sendOverLoopback(int n) throws IOException, InterruptedException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            long[] got = new long[1];
            Thread reader = Thread.ofVirtual().start(() -> {
                try (Socket in = server.accept(); InputStream is = in.getInputStream()) {
                    got[0] = is.transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    got[0] = -1;
                }
            });
            try (Socket out = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                 OutputStream os = out.getOutputStream()) {
                os.write(new byte[n]);
            }
            reader.join(Duration.ofSeconds(10));
            return got[0];
        }
    }
}
