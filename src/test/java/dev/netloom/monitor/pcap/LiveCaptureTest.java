package dev.netloom.monitor.pcap;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Live capture on lo through libpcap while the test makes TCP traffic: what is sent shows up,
 * the filter keeps other ports out, the snapshot length and a count limit hold, a close from
 * another thread ends a waiting {@code next}, and libpcap's own messages reach the caller.
 * Skipped (with the reason) where libpcap is missing or capture is not permitted.
 */
@Timeout(60)
class LiveCaptureTest {

    /** Threads of their own: the common pool has one worker on two cores, and a reader blocks it. */
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().factory());
    private static final ScheduledExecutorService GUARD = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().factory());

    @TempDir
    Path dir;

    @Test
    void capturesWhatIsSentAndTheFilterKeepsOtherPortsOut() throws Exception {
        try (EchoTraffic watched = new EchoTraffic(); EchoTraffic other = new EchoTraffic();
                LiveCapture capture = open("lo", 262_144, "tcp port " + watched.port());
                AutoCloseable guard = guard(capture)) {
            long before = System.currentTimeMillis() * 1_000_000L;
            List<RawPacket> packets = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> readAll(capture, packets), THREADS);
            other.exchange("bravo", 5);
            watched.exchange("alpha", 5);
            await().atMost(Duration.ofSeconds(10)).until(() -> countHolding(packets, "alpha-") == 10);
            CaptureStats stats = capture.stats();
            capture.close();
            reader.get(5, TimeUnit.SECONDS);
            long after = System.currentTimeMillis() * 1_000_000L;

            assertEquals(0, countHolding(packets, "bravo-"), "traffic on another port passed the filter");
            assertTrue(packets.size() >= 13, "handshake, lines and echoes: " + packets.size());
            for (RawPacket p : packets) {
                assertEquals(LinkType.ETHERNET, p.linkType());
                assertEquals(p.originalLength(), p.capturedLength());
                assertTrue(p.epochNanos() >= before - 1_000_000_000L && p.epochNanos() <= after + 1_000_000_000L,
                        "timestamp " + p.epochNanos() + " outside the test's time");
            }
            // pcap_stats(3PCAP): ps_recv may count packets the filter turned away, and on lo the
            // kernel sees each one twice (out and in); so: at least what was handed over, and few.
            assertTrue(stats.received() >= 10 && stats.received() < 1000, stats + " for " + packets.size() + " packets");
            assertEquals(0, stats.dropped(), stats.toString());
        }
    }

    @Test
    void snapLengthCutsAndACountLimitStops() throws Exception {
        try (EchoTraffic echo = new EchoTraffic(); LiveCapture capture = open("lo", 96, "tcp port " + echo.port());
                AutoCloseable guard = guard(capture)) {
            capture.stopAfter(6);
            assertEquals(96, capture.snapLength());
            echo.exchange("x".repeat(400), 5);
            List<RawPacket> packets = new CopyOnWriteArrayList<>();
            readAll(capture, packets);
            assertEquals(6, packets.size());
            assertEquals(6, capture.delivered());
            assertTrue(packets.stream().allMatch(p -> p.capturedLength() <= 96));
            assertTrue(packets.stream().anyMatch(p -> p.truncated() && p.originalLength() > 400),
                    "a 400-byte line cut to 96 bytes");
            assertNull(capture.next(), "still at the end");
        }
    }

    @Test
    void closeFromAnotherThreadEndsAWaitingNext() throws Exception {
        int quiet;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            quiet = s.getLocalPort();
        }
        LiveCapture capture = open("lo", 96, "tcp port " + quiet);
        CompletableFuture<RawPacket> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return capture.next();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, THREADS);
        // Give the reader time to be inside pcap_next_ex, blocked on a port nobody uses.
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        assertFalse(waiting.isDone());
        CompletableFuture<Void> closing = CompletableFuture.runAsync(capture::close, THREADS);
        assertNull(waiting.get(1, TimeUnit.SECONDS), "next() ends within a second of close()");
        closing.get(1, TimeUnit.SECONDS);
        assertNull(capture.next());
        capture.close();
        assertThrows(CaptureException.class, capture::stats);
    }

    @Test
    void libpcapsOwnMessagesForABadFilterAndAMissingInterface() throws Exception {
        open("lo", 96, null).close();
        CaptureException bad = assertThrows(CaptureException.class,
                () -> LiveCapture.open("lo", 96, false, "tcp port", 0));
        assertEquals(CaptureException.Reason.BAD_FILTER, bad.reason());
        assertTrue(bad.getMessage().startsWith("bad filter \"tcp port\": ") && bad.getMessage().contains("syntax error"),
                bad.getMessage());
        CaptureException missing = assertThrows(CaptureException.class,
                () -> LiveCapture.open("nosuchif0", 96, false, null, 0));
        assertEquals(CaptureException.Reason.NO_SUCH_INTERFACE, missing.reason(), missing.getMessage());
        assertTrue(missing.getMessage().contains("nosuchif0"), missing.getMessage());
    }

    @Test
    void interfacesListLoWithItsAddressAndFlags() throws Exception {
        open("lo", 96, null).close();
        assertTrue(LiveCapture.libraryVersion().startsWith("libpcap version "), LiveCapture.libraryVersion());
        List<CaptureInterface> all = LiveCapture.interfaces();
        CaptureInterface lo = all.stream().filter(i -> i.name().equals("lo")).findFirst()
                .orElseThrow(() -> new AssertionError("no lo among " + all));
        assertTrue(lo.loopback() && lo.up(), lo.toString());
        assertTrue(lo.addresses().contains(InetAddress.getByName("127.0.0.1")), lo.toString());
    }

    @Test
    void withoutTheCapabilitiesTheMessageSaysWhatToGrant() throws Exception {
        open("lo", 96, null).close();
        Peers.require("setpriv", "util-linux");
        Assumptions.assumeTrue(Files.readString(Path.of("/proc/self/status")).contains("CapEff:\t000001ff"),
                "the test drops CAP_NET_RAW and CAP_NET_ADMIN from a root with all capabilities");
        String java = ProcessHandle.current().info().command().orElseThrow();
        String out = Peers.run(dir, Duration.ofSeconds(30), "setpriv", "--bounding-set=-net_raw,-net_admin",
                "--inh-caps=-net_raw,-net_admin", java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), CaptureProbe.class.getName(), "lo").strip();
        String realJava = Path.of(java).toRealPath().toString();
        assertTrue(out.startsWith("NOT_PERMITTED capture on lo is not permitted ("), out);
        assertTrue(out.contains("run as root, or grant this java binary the two capabilities once with: "
                + "sudo setcap cap_net_raw,cap_net_admin=eip " + realJava + " "), out);
    }

    /** Opens a capture, or skips the test saying why capture cannot run here. */
    private static LiveCapture open(String device, int snapLength, String filter) throws CaptureException {
        try {
            return LiveCapture.open(device, snapLength, false, filter, 0);
        } catch (CaptureException e) {
            if (e.reason() == CaptureException.Reason.NOT_PERMITTED || e.reason() == CaptureException.Reason.NO_LIBRARY) {
                Assumptions.abort(e.getMessage());
            }
            throw e;
        }
    }

    /** Closes the capture after 20 s whatever happens, so that no reading loop outlives the test. */
    private static AutoCloseable guard(LiveCapture capture) {
        ScheduledFuture<?> close = GUARD.schedule(capture::close, 20, TimeUnit.SECONDS);
        return () -> close.cancel(false);
    }

    private static void readAll(LiveCapture capture, List<RawPacket> into) {
        try {
            for (RawPacket p = capture.next(); p != null; p = capture.next()) {
                into.add(p);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long countHolding(List<RawPacket> packets, String text) {
        byte[] needle = text.getBytes(StandardCharsets.US_ASCII);
        return packets.stream().filter(p -> indexOf(p.data(), needle) >= 0).count();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
