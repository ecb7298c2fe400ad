package dev.netloom.monitor.decode;

import dev.netloom.dns.DigFormat;
import dev.netloom.dns.DnsCodec;
import dev.netloom.dns.DnsMessage;
import dev.netloom.dns.DnsType;
import dev.netloom.dns.Rdata;
import dev.netloom.monitor.pcap.LinkType;
import dev.netloom.monitor.pcap.RawPacket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.netloom.monitor.decode.Frames.concat;
import static dev.netloom.monitor.decode.Frames.eth;
import static dev.netloom.monitor.decode.Frames.hex;
import static dev.netloom.monitor.decode.Frames.ipv4;
import static dev.netloom.monitor.decode.Frames.ipv6;
import static dev.netloom.monitor.decode.Frames.tcp;
import static dev.netloom.monitor.decode.Frames.udp;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * tcpdump and tshark judge the decoder: real traffic captured on {@code lo} by tcpdump (a TCP
 * connection with data and FINs, UDP datagrams, a DNS query and answer when port 53 is free, the
 * ICMP port unreachable a closed UDP port draws) and hand-made frames written by text2pcap (ARP,
 * ICMP echo, IPv6 with an extension header). Each frame's bytes come from {@code tcpdump -xx};
 * its line must equal tcpdump's {@code -n} line, and its addresses, ports, lengths, TCP flags,
 * raw sequence numbers and IP protocol must equal tshark's fields. Skipped without the tools,
 * or when capturing on lo is not permitted.
 */
class TcpdumpAgreementTest {

    private static final String TSHARK_FIELDS = "frame.len ip.src ip.dst ipv6.src ipv6.dst tcp.srcport tcp.dstport udp.srcport "
            + "udp.dstport tcp.flags tcp.seq_raw tcp.ack_raw tcp.len ip.proto";

    @TempDir
    Path dir;

    /** One frame as tcpdump printed it: its line without the time, and its bytes. */
    record Frame(String line, byte[] bytes) {
    }

    @Test
    void liveLoopbackTrafficAgrees() throws Exception {
        assumeTools();
        Path file = dir.resolve("lo.pcap");
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             DatagramSocket udpServer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket closed = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            DatagramSocket dns = bindDns();
            int closedPort = closed.getLocalPort();
            closed.close();
            String filter = "tcp port " + server.getLocalPort() + " or udp port " + udpServer.getLocalPort()
                    + " or udp port 53 or udp port " + closedPort + " or icmp";
            Process capture = capture(file, filter);
            try {
                tcpExchange(server);
                udpExchange(client, udpServer, closedPort);
                if (dns != null) {
                    dnsExchange(client, dns);
                }
                boolean withDns = dns != null;
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    List<Frame> seen = Files.size(file) > 24 ? frames(file) : List.of();
                    return seen.stream().filter(f -> f.line().contains("Flags [F")).count() >= 2
                            && seen.stream().anyMatch(f -> f.line().contains("unreachable"))
                            && (!withDns || seen.stream().anyMatch(f -> f.line().contains("4242 1/0/0")));
                });
            } finally {
                capture.destroy();
                capture.waitFor(10, TimeUnit.SECONDS);
                if (dns != null) {
                    dns.close();
                }
            }
        }
        List<Frame> frames = frames(file);
        assertTrue(frames.stream().anyMatch(f -> f.line().contains("Flags [S.]")), frames.toString());
        assertAgreement(file, frames, LinkType.ETHERNET);
    }

    @Test
    void handMadeFramesAgree() throws Exception {
        assumeTools();
        byte[] none = new byte[0];
        List<byte[]> frames = List.of(
                eth(0x0806, hex("0001 0800 06 04 0001 020000000001 0a000001 000000000000 0a000002")),
                eth(0x0806, hex("0001 0800 06 04 0002 020000000002 0a000002 020000000001 0a000001")),
                eth(0x0800, ipv4(1, concat(hex("0800 0000 0001 0002"), new byte[56]))),
                eth(0x0800, ipv4(1, concat(hex("0000 0000 0001 0002"), new byte[56]))),
                eth(0x86DD, ipv6(6, tcp(5000, 80, 1, 0, Tcp.SYN, PacketDecoderTest.SYN_OPTIONS, none))),
                eth(0x86DD, ipv6(58, concat(hex("8000 0000 0007 0001"), new byte[8]))),
                eth(0x86DD, ipv6(60, concat(hex("1100 0104 00000000"), udp(5000, 9999, "hello".getBytes(StandardCharsets.US_ASCII))))),
                eth(0x0800, ipv4(17, udp(40000, 53, PacketDecoderTest.DNS_QUERY))));
        StringBuilder text = new StringBuilder();
        for (byte[] f : frames) {
            for (int i = 0; i < f.length; i += 16) {
                text.append(String.format("%06x ", i)).append(HexFormat.ofDelimiter(" ")
                        .formatHex(f, i, Math.min(f.length, i + 16))).append('\n');
            }
        }
        Path hexFile = dir.resolve("frames.txt");
        Path file = dir.resolve("frames.pcap");
        Files.writeString(hexFile, text);
        run(List.of("text2pcap", "-q", hexFile.toString(), file.toString()));
        List<Frame> printed = frames(file);
        assertEquals(frames.size(), printed.size(), printed.toString());
        assertEquals("ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28", printed.get(0).line());
        assertAgreement(file, printed, LinkType.ETHERNET);
    }

    private void assertAgreement(Path file, List<Frame> frames, int linkType) throws Exception {
        List<String> command = new ArrayList<>(List.of("tshark", "-r", file.toString(), "-T", "fields", "-E", "separator=,",
                "-E", "occurrence=f"));
        for (String field : TSHARK_FIELDS.split(" ")) {
            command.add("-e");
            command.add(field);
        }
        List<String> rows = run(command).stream().filter(s -> !s.isBlank()).toList();
        assertEquals(frames.size(), rows.size(), rows.toString());
        TcpdumpFormat format = new TcpdumpFormat(ZoneOffset.UTC, false);
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            DecodedPacket p = PacketDecoder.decode(new RawPacket(0, f.bytes().length, linkType, f.bytes()));
            assertEquals(f.line(), format.body(p), "frame " + (i + 1));
            assertEquals(rows.get(i), fields(p), "tshark's fields of frame " + (i + 1));
        }
    }

    /** The decoder's answer in tshark's columns, tshark's number formats. */
    private static String fields(DecodedPacket p) {
        List<String> c = new ArrayList<>();
        c.add(String.valueOf(p.originalLength()));
        Ipv4 v4 = p.layer(Ipv4.class).orElse(null);
        Ipv6 v6 = p.layer(Ipv6.class).orElse(null);
        c.add(v4 == null ? "" : v4.source().getHostAddress());
        c.add(v4 == null ? "" : v4.destination().getHostAddress());
        c.add(v6 == null ? "" : v6(v6.source()));
        c.add(v6 == null ? "" : v6(v6.destination()));
        Tcp t = p.tcp().orElse(null);
        Udp u = p.udp().orElse(null);
        c.add(t == null ? "" : String.valueOf(t.sourcePort()));
        c.add(t == null ? "" : String.valueOf(t.destinationPort()));
        c.add(u == null ? quotedPort(p, true) : String.valueOf(u.sourcePort()));
        c.add(u == null ? quotedPort(p, false) : String.valueOf(u.destinationPort()));
        c.add(t == null ? "" : String.format("0x%04x", t.flags()));
        c.add(t == null ? "" : String.valueOf(t.sequence()));
        c.add(t == null ? "" : String.valueOf(t.acknowledgment()));
        c.add(t == null ? "" : String.valueOf(t.payloadLength()));
        c.add(v4 == null ? "" : String.valueOf(v4.protocol()));
        return String.join(",", c);
    }

    /** tshark dissects the UDP header an ICMP error quotes, so its udp ports are that header's. */
    private static String quotedPort(DecodedPacket p, boolean source) {
        return p.icmp().filter(i -> i.quotedSourcePort() >= 0)
                .map(i -> String.valueOf(source ? i.quotedSourcePort() : i.quotedDestinationPort())).orElse("");
    }

    private static String v6(InetAddress a) {
        return DigFormat.address(a);
    }

    /** tcpdump's -n -tt -xx output of a file: each frame's line (time cut off) and bytes. */
    private List<Frame> frames(Path file) throws Exception {
        List<Frame> frames = new ArrayList<>();
        String line = null;
        StringBuilder bytes = new StringBuilder();
        for (String s : run(List.of("tcpdump", "-n", "-tt", "-xx", "-r", file.toString()))) {
            if (s.startsWith("\t0x")) {
                bytes.append(s.substring(s.indexOf(':') + 1).replace(" ", ""));
            } else if (!s.isBlank()) {
                if (line != null) {
                    frames.add(new Frame(line, HexFormat.of().parseHex(bytes)));
                }
                line = s.substring(s.indexOf(' ') + 1);
                bytes.setLength(0);
            }
        }
        if (line != null) {
            frames.add(new Frame(line, HexFormat.of().parseHex(bytes)));
        }
        return frames;
    }

    private List<String> run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
        return Files.readAllLines(out);
    }

    private Process capture(Path file, String filter) throws IOException {
        Path err = dir.resolve("tcpdump.err");
        Process p = new ProcessBuilder("tcpdump", "-i", "lo", "-U", "-n", "-w", file.toString(), filter)
                .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> !p.isAlive() || Files.readString(err).contains("listening on"));
        if (!p.isAlive()) {
            abort("capturing on lo is not permitted here: " + Files.readString(err).strip());
        }
        return p;
    }

    private static void assumeTools() {
        for (String tool : List.of("tcpdump", "tshark", "text2pcap")) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin", tool)) || Files.isExecutable(Path.of("/usr/sbin", tool)),
                    tool + " is not installed (tests/ensure-tools.sh installs it)");
        }
    }

    private static DatagramSocket bindDns() {
        try {
            return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53));
        } catch (SocketException e) {
            return null; // port 53 taken or not ours to bind: the DNS part is left out
        }
    }

    private static void tcpExchange(ServerSocket server) throws IOException {
        try (Socket c = new Socket(server.getInetAddress(), server.getLocalPort()); Socket s = server.accept()) {
            OutputStream out = c.getOutputStream();
            out.write("hello netloom\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            in.readNBytes(14);
            s.getOutputStream().write("ok\n".getBytes(StandardCharsets.US_ASCII));
            c.getInputStream().readNBytes(3);
            c.shutdownOutput();
            in.read();
        }
    }

    private static void udpExchange(DatagramSocket client, DatagramSocket server, int closedPort) throws IOException {
        byte[] b = "ping".getBytes(StandardCharsets.US_ASCII);
        client.send(new DatagramPacket(b, b.length, server.getLocalSocketAddress()));
        server.receive(new DatagramPacket(new byte[16], 16));
        client.send(new DatagramPacket(b, b.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort)));
    }

    private static void dnsExchange(DatagramSocket client, DatagramSocket dns) throws Exception {
        DnsMessage.Question q = new DnsMessage.Question("example.com.", DnsType.A, DnsType.IN);
        byte[] query = DnsCodec.encode(DnsMessage.query(4242, q, 0));
        client.send(new DatagramPacket(query, query.length, dns.getLocalSocketAddress()));
        DatagramPacket got = new DatagramPacket(new byte[512], 512);
        dns.receive(got);
        DnsMessage answer = new DnsMessage(4242, 0x8180, List.of(q), List.of(new DnsMessage.ResourceRecord("example.com.",
                DnsType.A, DnsType.IN, 300, new Rdata.Address(InetAddress.getByName("192.0.2.7")))), List.of(), List.of());
        byte[] reply = DnsCodec.encode(answer);
        dns.send(new DatagramPacket(reply, reply.length, got.getSocketAddress()));
    }
}
