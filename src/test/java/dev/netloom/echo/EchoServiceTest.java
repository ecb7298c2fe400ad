package dev.netloom.echo;

import dev.netloom.core.ConnectionInfo;
import dev.netloom.core.Service;
import dev.netloom.core.StatsSnapshot;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EchoServiceTest {

    @Test
    void binaryDataComesBackIdentical() throws Exception {
        byte[] data = new byte[4 * 1024 * 1024];
        new Random(862).nextBytes(data);
        for (int i = 0; i < 256; i++) {
            data[i] = (byte) i; // every byte value, NUL and CR/LF included
        }
        try (Service echo = Net.start(EchoService.type()); Socket s = Net.connect(echo)) {
            // write from another thread: the reply flows back while we are still sending
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int off = 0; off < data.length; off += 10_000) {
                        out.write(data, off, Math.min(10_000, data.length - off));
                    }
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] back = s.getInputStream().readAllBytes(); // the server closes after our half-close
            writer.join();
            assertArrayEquals(data, back);
            await().atMost(Duration.ofSeconds(5)).until(() -> echo.stats().active() == 0);
            StatsSnapshot st = echo.stats();
            assertEquals(data.length, st.bytesIn());
            assertEquals(data.length, st.bytesOut());
            assertEquals(1, st.total());
        }
    }

    @Test
    void twoThousandConcurrentClientsAllAnsweredCorrectly() throws Exception {
        int clients = 2000;
        try (Service echo = Net.start(EchoService.type(), "backlog=4096");
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Socket> sockets = new ArrayList<>();
            try {
                List<Future<Socket>> connecting = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    connecting.add(pool.submit(() -> Net.connect(echo)));
                }
                for (Future<Socket> f : connecting) {
                    sockets.add(f.get());
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> echo.stats().active() == clients);
                List<Future<String>> replies = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    Socket s = sockets.get(i);
                    String msg = "client " + i + " says hello\n";
                    replies.add(pool.submit(() -> {
                        s.getOutputStream().write(Net.utf8(msg));
                        return Net.readLine(s.getInputStream()) + "\n";
                    }));
                }
                for (int i = 0; i < clients; i++) {
                    assertEquals("client " + i + " says hello\n", replies.get(i).get());
                }
                assertEquals(clients, echo.connections().size());
                assertEquals(clients, echo.stats().total());
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> echo.stats().active() == 0);
        }
    }

    @Test
    void overTheLimitTheExtraClientIsClosedAtOnce() throws IOException {
        try (Service echo = Net.start(EchoService.type(), "max-connections=1");
             Socket first = Net.connect(echo)) {
            first.getOutputStream().write(Net.utf8("one\n"));
            assertEquals("one", Net.readLine(first.getInputStream()));
            try (Socket second = Net.connect(echo)) {
                assertEquals(-1, second.getInputStream().read(), "refused: closed without a byte");
            }
            assertEquals(1, echo.stats().rejected());
            first.getOutputStream().write(Net.utf8("still here\n"));
            assertEquals("still here", Net.readLine(first.getInputStream()));
        }
    }

    @Test
    void idleConnectionsTimeOut() throws IOException {
        try (Service echo = Net.start(EchoService.type(), "idle-timeout=300ms"); Socket s = Net.connect(echo)) {
            s.getOutputStream().write(Net.utf8("x"));
            InputStream in = s.getInputStream();
            assertEquals('x', in.read());
            long start = System.nanoTime();
            assertEquals(-1, in.read(), "the server closes the idle connection");
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(250).toNanos());
            await().atMost(Duration.ofSeconds(5)).until(() -> echo.connections().isEmpty());
        }
    }

    @Test
    void connectionsAreListedAndCanBeKilled() throws IOException {
        try (Service echo = Net.start(EchoService.type()); Socket s = Net.connect(echo)) {
            s.getOutputStream().write(Net.utf8("abc"));
            Net.readExactly(s.getInputStream(), 3);
            await().atMost(Duration.ofSeconds(5)).until(() -> echo.connections().size() == 1
                    && echo.connections().get(0).bytesOut() == 3);
            ConnectionInfo c = echo.connections().get(0);
            assertEquals(3, c.bytesIn());
            assertEquals("idle", c.activity());
            assertEquals(s.getLocalSocketAddress(), c.remote());
            assertTrue(echo.kill(c.id()));
            assertEquals(-1, s.getInputStream().read());
            await().atMost(Duration.ofSeconds(5)).until(() -> echo.connections().isEmpty());
            assertTrue(!echo.kill(c.id()));
        }
    }
}
