package dev.netloom.monitor.decode;

import dev.netloom.dns.DnsCodec;
import dev.netloom.dns.DnsMessage;
import dev.netloom.dns.DnsType;
import dev.netloom.monitor.decode.DecodedPacket.StopKind;
import dev.netloom.monitor.pcap.LinkType;
import dev.netloom.monitor.pcap.RawPacket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import static dev.netloom.monitor.decode.Frames.concat;
import static dev.netloom.monitor.decode.Frames.eth;
import static dev.netloom.monitor.decode.Frames.hex;
import static dev.netloom.monitor.decode.Frames.ipv4;
import static dev.netloom.monitor.decode.Frames.ipv6;
import static dev.netloom.monitor.decode.Frames.tcp;
import static dev.netloom.monitor.decode.Frames.u16;
import static dev.netloom.monitor.decode.Frames.udp;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decoder and the one-line format on hand-made frames: every link type, VLAN tags, IPv6
 * extension chains, application lines, and broken ones (cut short, lying lengths, unknown
 * types). Each row says the protocol path, where decoding stops (or "-") and tcpdump's line.
 */
class PacketDecoderTest {

    static final byte[] SYN_OPTIONS = hex("020405b4 0402 080a0000000100000002 01 030307");
    static final byte[] DNS_QUERY = dnsQuery();

    static byte[] dnsQuery() {
        try {
            return DnsCodec.encode(DnsMessage.query(12345, new DnsMessage.Question("example.com.", DnsType.A, DnsType.IN), 0));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static Stream<Arguments> frames() {
        byte[] udp5 = ipv4(17, udp(5000, 9999, ascii("hello")));
        String udpLine = "IP 10.0.0.1.5000 > 10.0.0.2.9999: UDP, length 5";
        byte[] icmpEcho = concat(hex("0800 0000 0001 0002"), new byte[56]);
        byte[] arp = hex("0001 0800 06 04 0001 020000000001 0a000001 000000000000 0a000002");
        byte[] hopByHop = hex("3c00 0104 00000000");
        byte[] dstOpts = hex("2c00 0000 01020000");
        byte[] fragment0 = hex("1100 0001 12345678");
        return Stream.of(
                Arguments.of("syn with every option", LinkType.ETHERNET,
                        eth(0x0800, ipv4(6, tcp(5000, 80, 1, 0, Tcp.SYN, SYN_OPTIONS, new byte[0]))),
                        "eth:ethertype:ip:tcp", "-",
                        "IP 10.0.0.1.5000 > 10.0.0.2.80: Flags [S], seq 1, win 512, options [mss 1460,sackOK,TS val 1 ecr 2,nop,wscale 7], length 0"),
                Arguments.of("http request line", LinkType.ETHERNET,
                        eth(0x0800, ipv4(6, tcp(40000, 8080, 100, 200, Tcp.PSH | Tcp.ACK, new byte[0],
                                ascii("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")))),
                        "eth:ethertype:ip:tcp:http", "-",
                        "IP 10.0.0.1.40000 > 10.0.0.2.8080: Flags [P.], seq 100:137, ack 200, win 512, length 37: HTTP: GET /index.html HTTP/1.1"),
                Arguments.of("resp command words", LinkType.ETHERNET,
                        eth(0x0800, ipv4(6, tcp(40000, 6379, 1, 1, Tcp.PSH | Tcp.ACK, new byte[0],
                                ascii("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")))),
                        "eth:ethertype:ip:tcp:resp", "-",
                        "IP 10.0.0.1.40000 > 10.0.0.2.6379: Flags [P.], seq 1:21, ack 1, win 512, length 20: RESP: GET k"),
                Arguments.of("smtp greeting", LinkType.ETHERNET,
                        eth(0x0800, ipv4(6, tcp(25, 40000, 1, 1, Tcp.PSH | Tcp.ACK, new byte[0], ascii("220 mx ESMTP\r\n")))),
                        "eth:ethertype:ip:tcp:smtp", "-",
                        "IP 10.0.0.1.25 > 10.0.0.2.40000: Flags [P.], seq 1:15, ack 1, win 512, length 14: SMTP: 220 mx ESMTP"),
                Arguments.of("udp", LinkType.ETHERNET, eth(0x0800, udp5), "eth:ethertype:ip:udp:data", "-", udpLine),
                Arguments.of("dns query", LinkType.ETHERNET, eth(0x0800, ipv4(17, udp(40000, 53, DNS_QUERY))),
                        "eth:ethertype:ip:udp:dns", "-", "IP 10.0.0.1.40000 > 10.0.0.2.53: 12345+ A? example.com. (29)"),
                Arguments.of("dns cut short", LinkType.ETHERNET, eth(0x0800, ipv4(17, udp(40000, 53, hex("3039 0100 0001")))),
                        "eth:ethertype:ip:udp", "dns MALFORMED", "IP 10.0.0.1.40000 > 10.0.0.2.53: UDP, length 6 [bad dns: message cut short in the header at offset 6]"),
                Arguments.of("icmp echo", LinkType.ETHERNET, eth(0x0800, ipv4(1, icmpEcho)), "eth:ethertype:ip:icmp:data", "-",
                        "IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 2, length 64"),
                Arguments.of("arp request", LinkType.ETHERNET, eth(0x0806, arp), "eth:ethertype:arp", "-",
                        "ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28"),
                Arguments.of("ipv6 syn", LinkType.ETHERNET, eth(0x86DD, ipv6(6, tcp(5000, 80, 1, 0, Tcp.SYN, new byte[0], new byte[0]))),
                        "eth:ethertype:ipv6:tcp", "-", "IP6 2001:db8::1.5000 > 2001:db8::2.80: Flags [S], seq 1, win 512, length 0"),
                Arguments.of("ipv6 extension chain", LinkType.ETHERNET,
                        eth(0x86DD, ipv6(0, concat(hopByHop, dstOpts, fragment0, udp(5000, 9999, ascii("hello"))))),
                        "eth:ethertype:ipv6:ipv6.hopopts:ipv6.dstopts:ipv6.fraghdr:udp:data", "-",
                        "IP6 2001:db8::1 > 2001:db8::2: HBH DSTOPT frag (0|13) 5000 > 9999: UDP, length 5"),
                Arguments.of("ipv6 routing then esp", LinkType.ETHERNET,
                        eth(0x86DD, ipv6(43, concat(hex("3202 0001 00000000"), new byte[16], hex("00000001 00000001")))),
                        "eth:ethertype:ipv6:ipv6.routing", "esp UNSUPPORTED", "IP6 2001:db8::1 > 2001:db8::2: srcrt (type=0, segleft=1) ip-proto-50"),
                Arguments.of("ipv6 later fragment", LinkType.ETHERNET,
                        eth(0x86DD, ipv6(44, concat(hex("1100 00b9 12345678"), ascii("the middle")))),
                        "eth:ethertype:ipv6:ipv6.fraghdr", "-", "IP6 2001:db8::1 > 2001:db8::2: frag (184|10) ip-proto-17"),
                Arguments.of("ipv6 extension cut short", LinkType.ETHERNET, eth(0x86DD, ipv6(0, hex("3c02"))),
                        "eth:ethertype:ipv6", "ipv6.hopopts TRUNCATED", "IP6 2001:db8::1 > 2001:db8::2: [|ipv6.hopopts]"),
                Arguments.of("two vlan tags", LinkType.ETHERNET,
                        eth(0x88A8, concat(hex("0064 8100 a0c8 0800"), udp5)),
                        "eth:ethertype:vlan:ethertype:vlan:ethertype:ip:udp:data", "-",
                        "vlan 100, p 0, vlan 200, p 5, " + udpLine),
                Arguments.of("linux sll", LinkType.LINUX_SLL, concat(hex("0000 0304 0006 020000000001 0000 0800"), udp5),
                        "sll:ethertype:ip:udp:data", "-", udpLine),
                Arguments.of("linux sll2", LinkType.LINUX_SLL2, concat(hex("0800 0000 00000002 0304 04 06 020000000001 0000"), udp5),
                        "sll:ethertype:ip:udp:data", "-", udpLine),
                Arguments.of("bsd loopback", LinkType.NULL, concat(hex("02000000"), udp5), "null:ip:udp:data", "-", udpLine),
                Arguments.of("raw ip", LinkType.RAW, udp5, "raw:ip:udp:data", "-", udpLine),
                Arguments.of("ipv4 link type", LinkType.IPV4, udp5, "raw:ip:udp:data", "-", udpLine),
                Arguments.of("unknown link type", 147, udp5, "raw", "frame UNSUPPORTED", ""),
                Arguments.of("unknown ethertype", LinkType.ETHERNET, eth(0x88B5, hex("0102")), "eth:ethertype", "eth UNSUPPORTED",
                        "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype Unknown (0x88b5), length 16:"),
                Arguments.of("802.3 length", LinkType.ETHERNET, eth(0x0010, hex("aaaa03")), "eth:ethertype", "llc UNSUPPORTED",
                        "02:00:00:00:00:01 > 02:00:00:00:00:02, 802.3, length 17:"),
                Arguments.of("unknown ip protocol", LinkType.ETHERNET, eth(0x0800, ipv4(253, hex("01020304"))),
                        "eth:ethertype:ip", "ip-proto-253 UNSUPPORTED", "IP 10.0.0.1 > 10.0.0.2: ip-proto-253 4"),
                Arguments.of("ihl under 5", LinkType.ETHERNET, eth(0x0800, ipv4(0x44, 28, 0, 17, new byte[0], udp(1, 2, new byte[0]))),
                        "eth:ethertype", "ip MALFORMED", "IP [bad ip: header length 16 bytes (IHL 4) under 20]"),
                Arguments.of("ipv4 version 5", LinkType.ETHERNET, eth(0x0800, ipv4(0x55, 28, 0, 17, new byte[0], udp(1, 2, new byte[0]))),
                        "eth:ethertype", "ip MALFORMED", "IP [bad ip: version 5 in an IPv4 header]"),
                Arguments.of("total length under ihl", LinkType.ETHERNET, eth(0x0800, ipv4(0x45, 12, 0, 17, new byte[0], udp(1, 2, new byte[0]))),
                        "eth:ethertype", "ip MALFORMED", "IP [bad ip: total length 12 under the header length 20]"),
                Arguments.of("total length past the capture", LinkType.ETHERNET,
                        eth(0x0800, ipv4(0x45, 1000, 0x4000, 17, new byte[0], udp(5000, 9999, ascii("hello")))),
                        "eth:ethertype:ip:udp:data", "-", udpLine),
                Arguments.of("ipv4 options", LinkType.ETHERNET,
                        eth(0x0800, ipv4(0x46, 24 + 13, 0, 17, hex("01 01 01 00"), udp(5000, 9999, ascii("hello")))),
                        "eth:ethertype:ip:udp:data", "-", udpLine),
                Arguments.of("first fragment", LinkType.ETHERNET,
                        eth(0x0800, ipv4(0x45, 20 + 13, 0x2000, 17, new byte[0], udp(5000, 9999, ascii("hello")))),
                        "eth:ethertype:ip:udp:data", "-", udpLine),
                Arguments.of("later fragment", LinkType.ETHERNET,
                        eth(0x0800, ipv4(0x45, 20 + 5, 0x00b9, 17, new byte[0], ascii("hello"))),
                        "eth:ethertype:ip", "-", "IP 10.0.0.1 > 10.0.0.2: ip-proto-17"),
                Arguments.of("tcp data offset under 5", LinkType.ETHERNET,
                        eth(0x0800, ipv4(6, Frames.concat(tcp(5000, 80, 1, 0, Tcp.SYN, new byte[0], new byte[0])))),
                        "eth:ethertype:ip:tcp", "-", null),
                Arguments.of("tcp data offset 4", LinkType.ETHERNET, eth(0x0800, ipv4(6, dataOffset(tcp(5000, 80, 1, 0, Tcp.SYN, new byte[0], new byte[0]), 4))),
                        "eth:ethertype:ip:tcp", "tcp MALFORMED", "IP 10.0.0.1.5000 > 10.0.0.2.80: Flags [S], seq 1, win 512, length 0 [bad tcp: data offset 16 bytes under 20]"),
                Arguments.of("tcp data offset past the segment", LinkType.ETHERNET, eth(0x0800, ipv4(6, dataOffset(tcp(5000, 80, 1, 0, Tcp.SYN, new byte[0], new byte[0]), 15))),
                        "eth:ethertype:ip:tcp", "tcp MALFORMED", "IP 10.0.0.1.5000 > 10.0.0.2.80: Flags [S], seq 1, win 512, length 0 [bad tcp: data offset 60 bytes past the segment's 20]"),
                Arguments.of("bad tcp option length", LinkType.ETHERNET,
                        eth(0x0800, ipv4(6, tcp(5000, 80, 1, 0, Tcp.SYN, hex("0204 05b4 0109 0000"), new byte[0]))),
                        "eth:ethertype:ip:tcp", "-", "IP 10.0.0.1.5000 > 10.0.0.2.80: Flags [S], seq 1, win 512, options [mss 1460,nop], length 0"),
                Arguments.of("icmpv6 neighbour solicitation", LinkType.ETHERNET,
                        eth(0x86DD, ipv6(58, concat(hex("8700 0000 00000000 20010db8000000000000000000000002"), hex("0101 020000000001")))),
                        "eth:ethertype:ipv6:icmpv6", "-", "IP6 2001:db8::1 > 2001:db8::2: ICMP6, neighbor solicitation, who has 2001:db8::2, length 32"));
    }

    static byte[] dataOffset(byte[] tcp, int words) {
        tcp[12] = (byte) (words << 4);
        return tcp;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void decodesAndPrints(String name, int linkType, byte[] data, String path, String stop, String line) {
        DecodedPacket p = PacketDecoder.decode(Frames.packet(linkType, data));
        assertEquals(path, p.protocolPath(), name);
        assertEquals(stop, p.stopped().map(s -> s.protocol() + " " + s.kind()).orElse("-"), () -> name + ": " + p.stopped());
        if (line != null) {
            String body = new TcpdumpFormat(ZoneOffset.UTC, false).body(p);
            assertTrue(body.startsWith(line) && (line.endsWith(": ") || body.equals(line)), () -> name + ": " + body);
        }
        assertNotNull(VerboseFormat.format(p, ZoneOffset.UTC));
    }

    /** Every prefix of every frame of the table: no exception, and a cut frame says it is truncated. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void everyPrefixDecodes(String name, int linkType, byte[] data) {
        TcpdumpFormat format = new TcpdumpFormat(ZoneOffset.UTC, false);
        for (int n = 0; n < data.length; n++) {
            byte[] cut = Frames.cut(data, n);
            DecodedPacket p = assertDoesNotThrow(() -> PacketDecoder.decode(new RawPacket(0, data.length, linkType, cut)));
            assertTrue(p.truncated(), name + " cut to " + n);
            assertDoesNotThrow(() -> format.format(p));
            assertDoesNotThrow(() -> VerboseFormat.format(p, ZoneOffset.UTC));
        }
    }

    @Test
    void tcpHeaderCutByTheCaptureEndsInTcpdumpsMark() {
        byte[] full = eth(0x0800, ipv4(6, tcp(5000, 80, 1, 0, Tcp.SYN, SYN_OPTIONS, new byte[0])));
        DecodedPacket p = PacketDecoder.decode(new RawPacket(0, full.length, LinkType.ETHERNET, Frames.cut(full, 14 + 20 + 20 + 6)));
        assertEquals(StopKind.TRUNCATED, p.stop().kind());
        assertEquals("IP 10.0.0.1.5000 > 10.0.0.2.80: Flags [S], seq 1, win 512, options [mss 1460,sackOK], length 0 [|tcp]",
                new TcpdumpFormat(ZoneOffset.UTC, false).body(p));
    }

    @Test
    void accessorsAnswerWithoutParsingAgain() {
        byte[] sack = hex("0101 050a 000003e9 000007d1 0101 080a 00000005 00000006 0303 07 00");
        DecodedPacket p = PacketDecoder.decode(Frames.ethernet(eth(0x0800, ipv4(6,
                tcp(5000, 80, 1000, 2000, Tcp.ACK, sack, ascii("abc"))))));
        Tcp t = p.tcp().orElseThrow();
        assertEquals(List.of(new TcpOption.SackBlock(1001, 2001)), t.sackBlocks());
        assertEquals(6, t.timestamps().orElseThrow().echoReply());
        assertEquals(7, t.windowScale().orElseThrow());
        assertEquals(3, t.payloadLength());
        assertEquals("abc", new String(p.payload(), StandardCharsets.US_ASCII));
        assertEquals(5000, p.sourcePort());
        assertEquals(80, p.destinationPort());
        assertEquals(6, p.ipProtocol());
        assertEquals("10.0.0.1", p.source().orElseThrow().getHostAddress());
        Ipv4 ip = (Ipv4) p.ip().orElseThrow();
        assertTrue(ip.dontFragment());
        assertFalse(ip.moreFragments());
        assertEquals(0x1234, ip.identification());
    }

    @Test
    void relativeSequenceNumbersFollowTcpdump() {
        byte[] none = new byte[0];
        List<byte[]> segments = List.of(
                ipv4(6, tcp(5000, 80, 1000, 0, Tcp.SYN, none, none)),
                swap(ipv4(6, tcp(80, 5000, 5000, 1001, Tcp.SYN | Tcp.ACK, none, none))),
                ipv4(6, tcp(5000, 80, 1001, 5001, Tcp.ACK, none, none)),
                ipv4(6, tcp(5000, 80, 1001, 5001, Tcp.PSH | Tcp.ACK, none, ascii("hello"))),
                swap(ipv4(6, tcp(80, 5000, 5001, 1006, Tcp.FIN | Tcp.ACK, none, none))));
        List<String> relative = List.of("Flags [S], seq 1000, win 512, length 0", "Flags [S.], seq 5000, ack 1001, win 512, length 0",
                "Flags [.], ack 1, win 512, length 0", "Flags [P.], seq 1:6, ack 1, win 512, length 5",
                "Flags [F.], seq 1, ack 6, win 512, length 0");
        List<String> absolute = List.of("Flags [S], seq 1000, win 512, length 0", "Flags [S.], seq 5000, ack 1001, win 512, length 0",
                "Flags [.], ack 5001, win 512, length 0", "Flags [P.], seq 1001:1006, ack 5001, win 512, length 5",
                "Flags [F.], seq 5001, ack 1006, win 512, length 0");
        TcpdumpFormat r = new TcpdumpFormat(ZoneOffset.UTC, false);
        TcpdumpFormat s = new TcpdumpFormat(ZoneOffset.UTC, true);
        for (int i = 0; i < segments.size(); i++) {
            DecodedPacket p = PacketDecoder.decode(Frames.packet(LinkType.RAW, segments.get(i)));
            String rl = r.body(p);
            String sl = s.body(p);
            assertEquals(relative.get(i), rl.substring(rl.indexOf("Flags")));
            assertEquals(absolute.get(i), sl.substring(sl.indexOf("Flags")));
        }
    }

    @Test
    void timeIsPrintedInTheZoneGiven() {
        long nanos = 3_723_000_000_000L + 456_789_123L;
        assertEquals("01:02:03.456789", new TcpdumpFormat(ZoneOffset.UTC, false).time(nanos));
        assertEquals("03:02:03.456789", new TcpdumpFormat(ZoneOffset.ofHours(2), false).time(nanos));
    }

    /** The IPv4 header with its addresses swapped (a reply). */
    static byte[] swap(byte[] ip) {
        byte[] b = ip.clone();
        System.arraycopy(ip, 12, b, 16, 4);
        System.arraycopy(ip, 16, b, 12, 4);
        return b;
    }

    @Test
    void udpLengthFieldUnderEightIsAProblemNotAnException() {
        byte[] bad = concat(u16(5000), u16(9999), u16(3), u16(0), ascii("hello"));
        DecodedPacket p = PacketDecoder.decode(Frames.ethernet(eth(0x0800, ipv4(17, bad))));
        assertEquals(5, p.udp().orElseThrow().payloadLength());
        assertTrue(p.problems().getFirst().contains("udp length 3 under 8"), p.problems().toString());
    }
}
