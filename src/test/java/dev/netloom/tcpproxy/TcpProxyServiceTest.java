package dev.netloom.tcpproxy;

import dev.netloom.core.AbstractService;
import dev.netloom.core.ConnectionInfo;
import dev.netloom.core.HostPort;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceException;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpProxyServiceTest {

    /** Echoes every byte, then half-closes when the client has. */
    private static final Target.Handler ECHO = s -> {
        s.getInputStream().transferTo(s.getOutputStream());
        s.shutdownOutput();
    };

    private static Service proxy(String routes, String... more) {
        return Net.start(TcpProxyService.type(),
                Stream.concat(Stream.of("routes=" + routes), Stream.of(more)).toArray(String[]::new));
    }

    @Test
    void largeTransferComesBackByteIdentical() throws Exception {
        long size = 256L << 20;
        try (Target target = new Target(ECHO); Service proxy = proxy(target.route()); Socket s = Net.connect(proxy)) {
            CompletableFuture<byte[]> sent = CompletableFuture.supplyAsync(() -> send(s, size, 16));
            MessageDigest received = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            InputStream in = s.getInputStream();
            long total = 0;
            for (int n; (n = in.read(buf)) >= 0; total += n) {
                received.update(buf, 0, n);
            }
            assertEquals(size, total);
            assertEquals(HexFormat.of().formatHex(sent.get()), HexFormat.of().formatHex(received.digest()));
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.stats().active() == 0);
            assertEquals(size, proxy.stats().bytesIn());
            assertEquals(size, proxy.stats().bytesOut());
            assertTrue(proxy.details().getFirst().endsWith(": 0 active, 1 total, 0 failed to connect; up " + size
                    + " bytes, down " + size + " bytes"), proxy.details().toString());
        }
    }

    /** Writes {@code size} seeded random bytes and half-closes; returns their SHA-256. */
    private static byte[] send(Socket s, long size, int seed) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            Random random = new Random(seed);
            byte[] chunk = new byte[1 << 20];
            OutputStream out = s.getOutputStream();
            for (long left = size; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                int n = (int) Math.min(chunk.length, left);
                md.update(chunk, 0, n);
                out.write(chunk, 0, n);
            }
            s.shutdownOutput();
            return md.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void clientHalfCloseReachesTheTargetWhichCanStillAnswer() throws Exception {
        Target.Handler countThenAnswer = s -> {
            int n = s.getInputStream().readAllBytes().length;
            s.getOutputStream().write(Net.utf8("got " + n + "\n"));
        };
        try (Target target = new Target(countThenAnswer); Service proxy = proxy(target.route());
             Socket s = Net.connect(proxy)) {
            s.getOutputStream().write(Net.utf8("hello"));
            s.shutdownOutput();
            assertEquals("got 5", Net.readLine(s.getInputStream()));
            assertEquals(-1, s.getInputStream().read());
        }
    }

    @Test
    void targetHalfCloseReachesTheClientWhichCanStillSend() throws Exception {
        CompletableFuture<String> late = new CompletableFuture<>();
        Target.Handler bannerThenRead = s -> {
            s.getOutputStream().write(Net.utf8("banner\n"));
            s.shutdownOutput();
            late.complete(new String(s.getInputStream().readAllBytes()));
        };
        try (Target target = new Target(bannerThenRead); Service proxy = proxy(target.route());
             Socket s = Net.connect(proxy)) {
            assertEquals("banner", Net.readLine(s.getInputStream()));
            assertEquals(-1, s.getInputStream().read());
            s.getOutputStream().write(Net.utf8("late data"));
            s.shutdownOutput();
            assertEquals("late data", late.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void refusedTargetClosesTheClientAtOnce() throws Exception {
        int closed;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = free.getLocalPort();
        }
        try (Service proxy = proxy("0=127.0.0.1:" + closed); Socket s = Net.connect(proxy)) {
            assertEquals(-1, s.getInputStream().read());
            assertTrue(proxy.details().getFirst().contains("1 total, 1 failed to connect"), proxy.details().toString());
            assertEquals(1, proxy.stats().errors());
        }
        try (Service proxy = proxy("0=127.0.0.1:" + closed, "reset=true"); Socket s = Net.connect(proxy)) {
            assertThrows(SocketException.class, () -> s.getInputStream().read());
        }
    }

    /**
     * A blackhole: a listener with backlog 1 that never accepts, filled until a connect to it
     * times out; Linux then drops further SYNs, so a connect hangs until its timeout.
     */
    @Test
    void connectTimeoutClosesTheClient() throws Exception {
        try (ServerSocket hole = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> filling = new ArrayList<>();
            try {
                fill(hole, filling);
                try (Service proxy = proxy("0=127.0.0.1:" + hole.getLocalPort(), "connect-timeout=300ms");
                     Socket s = Net.connect(proxy)) {
                    long start = System.nanoTime();
                    assertEquals(-1, s.getInputStream().read());
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    assertTrue(millis >= 200 && millis < 5000, millis + " ms");
                    assertTrue(proxy.details().getFirst().contains("1 failed to connect"), proxy.details().toString());
                }
            } finally {
                for (Socket f : filling) {
                    f.close();
                }
            }
        }
    }

    private static void fill(ServerSocket hole, List<Socket> filling) throws IOException {
        for (int i = 0; i < 20; i++) {
            Socket f = new Socket();
            try {
                f.connect(hole.getLocalSocketAddress(), 200);
                filling.add(f);
            } catch (SocketTimeoutException full) {
                f.close();
                return;
            }
        }
        throw new IllegalStateException("the backlog never filled");
    }

    @Test
    void thousandConcurrentConnections() throws Exception {
        int clients = 1000;
        try (Target target = new Target(ECHO); Service proxy = proxy(target.route(), "backlog=2048");
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Socket> sockets = new ArrayList<>();
            try {
                List<Future<Socket>> connecting = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    connecting.add(pool.submit(() -> Net.connect(proxy)));
                }
                for (Future<Socket> f : connecting) {
                    sockets.add(f.get());
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> proxy.stats().active() == clients);
                List<Future<String>> replies = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    Socket s = sockets.get(i);
                    String msg = "client " + i;
                    replies.add(pool.submit(() -> {
                        s.getOutputStream().write(Net.utf8(msg + "\n"));
                        return Net.readLine(s.getInputStream());
                    }));
                }
                for (int i = 0; i < clients; i++) {
                    assertEquals("client " + i, replies.get(i).get());
                }
                assertEquals(clients, proxy.connections().size());
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> proxy.stats().active() == 0);
            assertEquals(clients, proxy.stats().total());
        }
    }

    @Test
    void delayIsAddedBeforeEachForwardedRead() throws Exception {
        try (Target target = new Target(ECHO); Service proxy = proxy(target.route(), "delay=150ms");
             Socket s = Net.connect(proxy)) {
            long start = System.nanoTime();
            s.getOutputStream().write(Net.utf8("ping\n"));
            assertEquals("ping", Net.readLine(s.getInputStream()));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis >= 300, "once each way: " + millis + " ms");
        }
    }

    @Test
    void dropAfterClosesBothEndsAfterThatManyBytes() throws Exception {
        for (boolean reset : new boolean[] {false, true}) {
            CompletableFuture<Integer> arrived = new CompletableFuture<>();
            Target.Handler count = s -> arrived.complete(s.getInputStream().readAllBytes().length);
            try (Target target = new Target(count);
                 Service proxy = proxy(target.route(), "drop-after=10", "reset=" + reset);
                 Socket s = Net.connect(proxy)) {
                s.getOutputStream().write(new byte[100]);
                assertEquals(10, arrived.get(5, TimeUnit.SECONDS));
                if (reset) {
                    assertThrows(SocketException.class, () -> s.getInputStream().read());
                } else {
                    assertEquals(-1, s.getInputStream().read());
                }
            }
        }
    }

    @Test
    void connsShowBothEndsAndStatusEachRoute() throws Exception {
        try (Target target = new Target(ECHO); Service proxy = proxy(target.route() + ",0=127.0.0.1:1");
             Socket s = Net.connect(proxy)) {
            s.getOutputStream().write(Net.utf8("hello\n"));
            assertEquals("hello", Net.readLine(s.getInputStream()));
            String activity = "-> 127.0.0.1:" + target.port() + " (up 6 B, down 6 B)";
            // the proxy counts a write once it returns, which may be after the client has read it
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.connections().getFirst().activity().equals(activity));
            ConnectionInfo c = proxy.connections().getFirst();
            assertEquals(s.getLocalSocketAddress(), c.remote());
            assertEquals(6, c.bytesIn());
            assertEquals(6, c.bytesOut());
            List<String> details = proxy.details();
            assertEquals(2, details.size());
            assertEquals("route " + HostPort.format(proxy.address()) + " -> 127.0.0.1:" + target.port()
                    + ": 1 active, 1 total, 0 failed to connect; up 6 bytes, down 6 bytes", details.get(0));
            assertTrue(details.get(1).endsWith(" -> 127.0.0.1:1: 0 active, 0 total, 0 failed to connect; up 0 bytes,"
                    + " down 0 bytes"), details.get(1));
            assertTrue(proxy.kill(c.id()));
            assertEquals(-1, s.getInputStream().read());
        }
    }

    /** After the client's half-close only the target's direction is left, blocked on a silent target. */
    @Test
    void killAndIdleTimeoutCloseTheTargetEndToo() throws Exception {
        for (String how : new String[] {"kill", "idle-timeout"}) {
            CompletableFuture<Integer> targetSaw = new CompletableFuture<>();
            CountDownLatch done = new CountDownLatch(1);
            Target.Handler silent = s -> {
                targetSaw.complete(s.getInputStream().readAllBytes().length);
                awaitQuietly(done); // keeps its end open and says nothing
            };
            try (Target target = new Target(silent);
                 Service proxy = proxy(target.route(), "idle-timeout=" + (how.equals("kill") ? "1h" : "500ms"));
                 Socket s = Net.connect(proxy)) {
                s.getOutputStream().write(Net.utf8("bye"));
                s.shutdownOutput();
                assertEquals(3, targetSaw.get(5, TimeUnit.SECONDS)); // the half-close reached it
                if (how.equals("kill")) {
                    assertTrue(proxy.kill(proxy.connections().getFirst().id()));
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> proxy.stats().active() == 0);
                assertEquals(-1, s.getInputStream().read(), how);
            } finally {
                done.countDown();
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void oneListeningLinePerRouteAndAddressIsTheFirst() throws Exception {
        try (Service proxy = proxy("0=127.0.0.1:6379, 0=[::1]:80")) {
            List<String> lines = AbstractService.listening(proxy);
            assertEquals(2, lines.size());
            assertEquals("tcp-proxy listening on " + HostPort.format(proxy.address()) + " (tcp) -> 127.0.0.1:6379",
                    lines.get(0));
            assertTrue(lines.get(1).matches("tcp-proxy listening on 127\\.0\\.0\\.1:\\d+ \\(tcp\\) -> \\[::1]:80"), lines.get(1));
            assertTrue(lines.get(0).matches("tcp-proxy listening on [^ ]+:[0-9]+ \\(tcp\\) -> .*"), "what scripts read");
        }
    }

    @Test
    void aListenPortInUseNamesTheRoute() throws Exception {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = busy.getLocalPort();
            ServiceException e = assertThrows(ServiceException.class, () -> proxy("0=127.0.0.1:7, " + port + "=127.0.0.1:6379"));
            assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + port + " for route " + port
                    + "=127.0.0.1:6379: address already in use (change it in tcp-proxy.routes)"), e.getMessage());
        }
    }
}
