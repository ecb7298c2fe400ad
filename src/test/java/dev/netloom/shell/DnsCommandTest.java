package dev.netloom.shell;

import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.ServiceRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dns} and {@code resolve} through the shell against a fake DNS server on 127.0.0.1:0
 * that answers with packets captured from dnsmasq (test resources of dev.netloom.dns), their id
 * patched to the query's: statuses and exit codes, a wrong id before the right one, a truncated
 * UDP answer retried over TCP, a server that never answers, a malformed answer, usage errors.
 */
class DnsCommandTest {

    @TempDir
    Path home;
    private ServiceRegistry registry;
    private ScriptShell shell;
    private FakeDns dns;

    @BeforeEach
    void start() throws IOException {
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty());
        shell = new ScriptShell(registry, home.resolve("logs"));
        dns = new FakeDns();
    }

    @AfterEach
    void stop() {
        dns.close();
        registry.stopAll();
    }

    /** Runs {@code line}, checks its exit code, returns stdout (stderr: {@code shell.lastErr}). */
    private String run(int expectedCode, String line) {
        return shell.runOut(expectedCode, line);
    }

    private String at() {
        return " @127.0.0.1:" + dns.port();
    }

    @Test
    void answersPrintAsDigShortAndExitZero() {
        dns.udp = q -> List.of(answer("a", q));
        assertEquals("192.0.2.1\n", run(0, "dns host.test" + at() + " +short"));
        dns.udp = q -> List.of(answer("cname-chain", q));
        assertEquals("www.test.\nhost.test.\n192.0.2.1\n", run(0, "dns alias.test A" + at() + " +short"));
    }

    @Test
    void theFullFormHasDigsSections() {
        dns.udp = q -> List.of(answer("cname-chain", q));
        String o = run(0, "dns alias.test" + at());
        assertTrue(o.startsWith("\n; <<>> netloom dns <<>> alias.test @127.0.0.1:" + dns.port() + "\n"), o);
        assertTrue(o.matches("(?s).*;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: \\d+\n"
                + ";; flags: qr aa rd ra; QUERY: 1, ANSWER: 3, AUTHORITY: 0, ADDITIONAL: 1\n\n"
                + ";; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n"
                + ";; QUESTION SECTION:\n;alias.test.\t\t\tIN\tA\n\n"
                + ";; ANSWER SECTION:\nalias.test.\t\t0\tIN\tCNAME\twww.test.\nwww.test.\t\t0\tIN\tCNAME\thost.test.\n"
                + "host.test.\t\t0\tIN\tA\t192.0.2.1\n\n"
                + ";; Query time: \\d+ msec\n;; SERVER: 127.0.0.1#" + dns.port() + "\\(127.0.0.1\\) \\(UDP\\)\n"
                + ";; WHEN: .*\n;; MSG SIZE  rcvd: 100\n\n"), o);
    }

    @Test
    void errorStatusesExitOne() {
        dns.udp = q -> List.of(answer("nxdomain", q));
        assertEquals("", run(1, "dns nope.test" + at() + " +short"));
        assertTrue(run(1, "dns nope.test" + at()).contains("status: NXDOMAIN"));
        dns.udp = q -> {
            byte[] a = answer("nxdomain", q);
            a[3] = (byte) (a[3] & 0xF0 | 2);
            return List.of(a);
        };
        assertTrue(run(1, "dns nope.test" + at()).contains("status: SERVFAIL"));
        dns.udp = q -> List.of(answer("refused", q));
        assertTrue(run(1, "dns example.com" + at()).contains("status: REFUSED"));
        dns.udp = q -> List.of(answer("nxdomain-soa", q));
        String o = run(1, "dns nope.test" + at());
        assertTrue(o.contains(";; AUTHORITY SECTION:\ntest.\t\t\t600\tIN\tSOA\tns.test. hostmaster.test. "), o);
    }

    @Test
    void aWrongIdIsReportedAndTheRightOneStillAccepted() {
        dns.udp = q -> {
            byte[] wrong = answer("a", q);
            wrong[1] ^= 1;
            return List.of(wrong, answer("a", q));
        };
        String o = run(0, "dns host.test" + at() + " +short");
        assertTrue(o.matches(";; Warning: ID mismatch: expected ID \\d+, got \\d+\n192\\.0\\.2\\.1\n"), o);
    }

    @Test
    void aTruncatedAnswerIsAskedAgainOverTcp() {
        dns.udp = q -> List.of(answer("truncated", q));
        dns.tcp = q -> answer("big-tcp", q);
        String o = run(0, "dns big.test TXT" + at() + " +short");
        assertEquals(12, o.lines().count(), o);
        assertTrue(o.startsWith("\"1111"), o);
        String full = run(0, "dns big.test TXT" + at());
        assertTrue(full.startsWith(";; Truncated, retrying in TCP mode.\n"), full);
        assertTrue(full.contains("(127.0.0.1) (TCP)\n"), full);
        dns.udp = q -> {
            throw new AssertionError("+tcp must not send UDP");
        };
        dns.tcp = q -> answer("a", q);
        assertEquals("192.0.2.1\n", run(0, "dns host.test +tcp" + at() + " +short"));
    }

    @Test
    void noAnswerTimesOutLikeDig() {
        dns.udp = q -> List.of();
        String o = run(1, "dns host.test" + at() + " +time=1 +tries=2 +short");
        String line = ";; communications error to 127.0.0.1#" + dns.port() + ": timed out\n";
        assertEquals(line + line + ";; no servers could be reached\n", o);
    }

    @Test
    void aMalformedAnswerIsAnErrorNotAStackTrace() {
        dns.udp = q -> List.of(HexFormat.of().parseHex(HexFormat.of().formatHex(q, 0, 2) + "81800001000000000000c00cc00c00010001"));
        run(1, "dns host.test" + at());
        assertTrue(shell.lastErr.startsWith("error: malformed answer from 127.0.0.1#" + dns.port() + ": name at offset 12 "), shell.lastErr);
        assertTrue(!shell.lastErr.contains("\tat "), shell.lastErr);
    }

    @Test
    void anAddressAsksForItsPtrRecord() {
        dns.udp = q -> {
            String asked = HexFormat.of().formatHex(q);
            assertTrue(asked.contains(HexFormat.of().formatHex("\u00011\u00012\u00010\u0003192\u0007in-addr\u0004arpa\u0000\u0000\u000c"
                    .getBytes(StandardCharsets.ISO_8859_1))), asked);
            return List.of(answer("ptr", q));
        };
        assertEquals("host.test.\n", run(0, "dns 192.0.2.1" + at() + " +short"));
    }

    @Test
    void usageErrorsExitTwo() {
        for (String line : List.of("dns", "dns host.test +bogus", "dns host.test @127.0.0.1:0", "dns a.test MX extra",
                "dns a.test NOPE", "dns a.test +time=x", "dns a..test" + at(), "dns a.test +short=1")) {
            run(2, line);
            assertTrue(!shell.lastErr.isEmpty(), line);
        }
        assertTrue(run(0, "dns --help").contains("+short"));
    }

    @Test
    void theDefaultServerIsTheFirstNameserverOfResolvConf() throws IOException {
        Path conf = home.resolve("resolv.conf");
        Files.writeString(conf, "# comment\nsearch example\nnameserver fe80::1%eth0\nnameserver 192.0.2.53\n");
        assertEquals("fe80::1", DnsCommand.defaultServer(conf));
        assertEquals("127.0.0.1", DnsCommand.defaultServer(home.resolve("none")));
    }

    @Test
    void resolveUsesTheSystemResolver() {
        assertEquals("127.0.0.1\n", run(0, "resolve 127.0.0.1"));
        run(1, "resolve no-such-host.invalid");
        assertEquals("error: no-such-host.invalid: unknown host\n", shell.lastErr);
    }

    /** A captured answer with the id of {@code query}. */
    private static byte[] answer(String file, byte[] query) {
        try (InputStream in = DnsCommandTest.class.getResourceAsStream("/dev/netloom/dns/" + file + ".hex")) {
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            byte[] a = HexFormat.of().parseHex(text.lines().filter(l -> !l.startsWith("#")).collect(Collectors.joining()));
            a[0] = query[0];
            a[1] = query[1];
            return a;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * UDP and TCP on the same port of 127.0.0.1: each query gets what {@link #udp} (any number
     * of datagrams, none for silence) or {@link #tcp} makes of it.
     */
    private static final class FakeDns implements AutoCloseable {
        private final DatagramSocket udpSocket;
        private final ServerSocket tcpSocket;
        volatile Function<byte[], List<byte[]>> udp = q -> List.of();
        volatile Function<byte[], byte[]> tcp = q -> {
            throw new AssertionError("no TCP expected");
        };

        FakeDns() throws IOException {
            tcpSocket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            udpSocket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcpSocket.getLocalPort()));
            Thread.ofVirtual().start(this::serveUdp);
            Thread.ofVirtual().start(this::serveTcp);
        }

        int port() {
            return tcpSocket.getLocalPort();
        }

        private void serveUdp() {
            byte[] buf = new byte[65535];
            try {
                while (true) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    udpSocket.receive(p);
                    byte[] q = Arrays.copyOf(buf, p.getLength());
                    for (byte[] a : udp.apply(q)) {
                        udpSocket.send(new DatagramPacket(a, a.length, p.getSocketAddress()));
                    }
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        }

        private void serveTcp() {
            try {
                while (true) {
                    try (Socket s = tcpSocket.accept()) {
                        DataInputStream in = new DataInputStream(s.getInputStream());
                        byte[] q = in.readNBytes(in.readUnsignedShort());
                        byte[] a = tcp.apply(q);
                        s.getOutputStream().write(new byte[] {(byte) (a.length >> 8), (byte) a.length});
                        s.getOutputStream().write(a);
                    }
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        }

        @Override
        public void close() {
            udpSocket.close();
            try {
                tcpSocket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
