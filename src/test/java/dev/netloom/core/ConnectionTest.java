package dev.netloom.core;

import dev.netloom.testing.Net;
import dev.netloom.testing.TestTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Connection} over real sockets, through a small line server: {@code tcp-no-delay} applied at
 * accept, {@link Connection#startTls} counting wire bytes, {@link Connection#transferFrom} counted
 * with and without TLS.
 */
class ConnectionTest {

    @TempDir
    Path dir;

    /**
     * Answers {@code nodelay} with TCP_NODELAY, {@code tls} with {@code go} then TLS, {@code file}
     * with the file, {@code half} by shutting its output; else echoes.
     */
    static final class Probe extends TcpServer {
        private final TlsUpgrade tls = new TlsUpgrade(settings);
        private final Path file;

        Probe(Settings settings) {
            super(settings);
            this.file = Path.of(settings.get(FILE));
        }

        @Override
        protected InetSocketAddress open() throws IOException {
            tls.load(); // the test's client trusts the certificate made here
            return super.open();
        }

        @Override
        protected void serve(Connection c) throws IOException {
            LineReader lines = new LineReader(c.in(), 100);
            LineReader.Line line;
            while ((line = lines.read()) != null) {
                String cmd = line.text();
                OutputStream out = c.out();
                switch (cmd) {
                    case "nodelay" -> out.write((c.tcpNoDelay() + "\n").getBytes(StandardCharsets.US_ASCII));
                    case "tls" -> {
                        out.write("go\n".getBytes(StandardCharsets.US_ASCII));
                        c.startTls(tls);
                        lines = new LineReader(c.in(), 100);
                    }
                    case "half" -> c.shutdownOutput();
                    case "file" -> {
                        try (FileChannel fc = FileChannel.open(file, StandardOpenOption.READ)) {
                            c.transferFrom(fc, 0, fc.size());
                        }
                    }
                    default -> out.write((cmd + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }

    static final Key<String> FILE = Key.string("file", "", "the file 'file' sends");

    static ServiceType type() {
        List<Key<?>> keys = new ArrayList<>(TcpConfig.keys(0));
        keys.addAll(TlsIdentity.keys());
        keys.add(FILE);
        return new ServiceType("probe", "Connection's test server", ServiceType.Transport.TCP, 0, keys, Probe::new);
    }

    private Service start(String... overrides) throws IOException {
        Path file = dir.resolve("file.bin");
        if (!Files.exists(file)) {
            byte[] data = new byte[300_000];
            new Random(7).nextBytes(data);
            Files.write(file, data);
        }
        List<String> all = new ArrayList<>(List.of("keystore=" + dir.resolve("tls.p12"), "file=" + file));
        all.addAll(List.of(overrides));
        return Net.start(type(), all.toArray(String[]::new));
    }

    private static String ask(Socket s, String line) throws IOException {
        s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        return Net.readLine(s.getInputStream());
    }

    @Test
    void tcpNoDelayIsSetAtAcceptFromTheConfig() throws Exception {
        try (Service on = start(); Socket a = Net.connect(on)) {
            assertEquals("true", ask(a, "nodelay"), "the default, as nginx and Redis");
        }
        try (Service off = start("tcp-no-delay=false"); Socket a = Net.connect(off)) {
            assertEquals("false", ask(a, "nodelay"));
        }
    }

    @Test
    void bytesAfterStartTlsAreCountedAsWireBytes() throws Exception {
        try (Service s = start(); Socket raw = Net.connect(s)) {
            assertEquals("go", ask(raw, "tls"));
            long plainIn = 4;
            long plainOut = 3;
            SSLSocket ssl = (SSLSocket) TestTls.trustingIssuerOf(dir.resolve("tls.p12"), "netloom").getSocketFactory().createSocket(raw, "localhost", raw.getPort(), true);
            ssl.startHandshake();
            byte[] hello = "hello over tls\n".getBytes(StandardCharsets.UTF_8);
            ssl.getOutputStream().write(hello);
            assertEquals("hello over tls", Net.readLine(ssl.getInputStream()));
            int cert = certificate().getEncoded().length;
            // the handshake and the records count: a ClientHello alone is over 200 bytes, and the
            // server's flight carries its certificate; the echoed line is 15 bytes each way
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                StatsSnapshot st = s.stats();
                assertTrue(st.bytesIn() > plainIn + 200 + hello.length, "bytes in " + st.bytesIn());
                assertTrue(st.bytesOut() > plainOut + cert + hello.length, "bytes out " + st.bytesOut() + ", cert " + cert);
                ConnectionInfo c = s.connections().getFirst();
                assertEquals(st.bytesIn(), c.bytesIn());
                assertEquals(st.bytesOut(), c.bytesOut());
            });
        }
    }

    @Test
    void shutdownOutputEndsTheClientsInputWithOrWithoutTls() throws Exception {
        try (Service s = start(); Socket a = Net.connect(s)) {
            a.getOutputStream().write("half\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, a.getInputStream().read());
        }
        try (Service s = start(); Socket raw = Net.connect(s)) {
            assertEquals("go", ask(raw, "tls"));
            SSLSocket ssl = (SSLSocket) TestTls.trustingIssuerOf(dir.resolve("tls.p12"), "netloom").getSocketFactory().createSocket(raw, "localhost", raw.getPort(), true);
            ssl.getOutputStream().write("half\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, ssl.getInputStream().read(), "a close_notify, then the end");
        }
    }

    @Test
    void transferFromCountsWhatItSends() throws Exception {
        byte[] expected;
        try (Service s = start(); Socket a = Net.connect(s)) {
            expected = Files.readAllBytes(dir.resolve("file.bin"));
            a.getOutputStream().write("file\n".getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals(expected, Net.readExactly(a.getInputStream(), expected.length));
            await().atMost(Duration.ofSeconds(10)).until(() -> s.stats().bytesOut() == expected.length);
            assertEquals(5, s.stats().bytesIn());
        }
    }

    @Test
    void transferFromUnderTlsGoesThroughTheTlsLayer() throws Exception {
        try (Service s = start(); Socket raw = Net.connect(s)) {
            assertEquals("go", ask(raw, "tls"));
            SSLSocket ssl = (SSLSocket) TestTls.trustingIssuerOf(dir.resolve("tls.p12"), "netloom").getSocketFactory().createSocket(raw, "localhost", raw.getPort(), true);
            ssl.getOutputStream().write("file\n".getBytes(StandardCharsets.US_ASCII));
            byte[] expected = Files.readAllBytes(dir.resolve("file.bin"));
            assertArrayEquals(expected, Net.readExactly(ssl.getInputStream(), expected.length));
            await().atMost(Duration.ofSeconds(10)).until(() -> s.stats().bytesOut() > expected.length);
        }
    }

    /** The server's own certificate, which its handshake sends. */
    private Certificate certificate() throws Exception {
        return TestTls.keystore(dir.resolve("tls.p12")).getCertificate("netloom");
    }
}
