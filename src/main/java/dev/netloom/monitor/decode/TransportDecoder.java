package dev.netloom.monitor.decode;

import dev.netloom.monitor.decode.DecodedPacket.StopKind;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/*
 * The transport layouts read here (big-endian):
 *
 *   TCP (RFC 9293)  source port(16) destination port(16) sequence(32) acknowledgment(32)
 *                   data offset(4, 32-bit words, 5..15) reserved(3) AE(1) CWR ECE URG ACK PSH
 *                   RST SYN FIN(1 each) window(16) checksum(16) urgent pointer(16) options:
 *                   kind(1), then except EOL (0) and NOP (1) length(1, itself included) data;
 *                   MSS kind 2 length 4, window scale 3/3 (RFC 7323), SACK-permitted 4/2 and
 *                   SACK 5/2+8n (RFC 2018), timestamps 8/10 (RFC 7323)
 *   UDP (RFC 768)   source port(16) destination port(16) length(16, header included) checksum(16)
 *   ICMP (RFC 792)  type(8) code(8) checksum(16) rest(32: echo id(16) seq(16)); errors (3, 4, 5,
 *                   11, 12) then quote the datagram's IP header and 8 bytes of its payload
 *   ICMPv6          type(8) code(8) checksum(16); echo (128, 129, RFC 4443) id(16) seq(16);
 *                   RS (133) reserved(32); RA (134) hop limit(8) M O flags(8) lifetime(16)
 *                   reachable(32) retrans(32); NS (135) reserved(32) target(128); NA (136)
 *                   R S O flags(8) reserved(24) target(128); RFC 4861's options after them:
 *                   type(8) length(8, 8-byte units) data
 */

/** TCP, UDP, ICMP and ICMPv6 for {@link PacketDecoder}. */
final class TransportDecoder {

    private TransportDecoder() {
    }

    /**
     * Decodes the payload of {@code ip} at {@code at}: {@code end} bounds it in the capture (IP's
     * own end or the capture's), {@code length} is its length as the IP header says.
     */
    static void decode(Decoding d, IpLayer ip, int at, int end, int length) {
        switch (ip.upperProtocol()) {
            case IpLayer.TCP -> tcp(d, at, end, length);
            case IpLayer.UDP -> udp(d, at, end, length);
            case IpLayer.ICMP -> icmp(d, at, end, length);
            case IpLayer.ICMPV6 -> icmpv6(d, at, end, length);
            case Ipv6.NO_NEXT_HEADER -> {
                // nothing follows, by definition
            }
            default -> d.stop(IpLayer.protocolName(ip.upperProtocol()), at, StopKind.UNSUPPORTED,
                    "IP protocol " + ip.upperProtocol() + " not decoded");
        }
    }

    private static void tcp(Decoding d, int at, int end, int length) {
        if (!d.need("tcp", at, 20, end)) {
            return;
        }
        int offset = (d.u8(at + 12) >>> 4) * 4;
        int flags = (d.u8(at + 12) & 1) << 8 | d.u8(at + 13);
        int sp = d.u16(at);
        int dp = d.u16(at + 2);
        boolean bad = offset < 20 || offset > length;
        int cut = Math.min(Math.min(end, d.data.length), at + offset);
        List<TcpOption> options = bad ? List.of() : tcpOptions(d, at + 20, cut);
        Tcp tcp = new Tcp(at, sp, dp, d.u32(at + 4), d.u32(at + 8), offset, flags, d.u16(at + 14), d.u16(at + 16),
                d.u16(at + 18), options, bad ? at + 20 : at + offset, bad ? 0 : length - offset);
        d.layers.add(tcp);
        if (offset < 20) {
            d.stop("tcp", at, StopKind.MALFORMED, "data offset " + offset + " bytes under 20");
        } else if (offset > length) {
            d.stop("tcp", at, StopKind.MALFORMED, "data offset " + offset + " bytes past the segment's " + length);
        } else if (d.need("tcp", at, offset, end)) {
            AppDecoder.decode(d, tcp, sp, dp, end);
        }
    }

    private static List<TcpOption> tcpOptions(Decoding d, int from, int to) {
        List<TcpOption> options = new ArrayList<>();
        int p = from;
        while (p < to) {
            int kind = d.u8(p);
            if (kind == 0) {
                options.add(new TcpOption.End());
                break;
            }
            if (kind == 1) {
                options.add(new TcpOption.Nop());
                p++;
                continue;
            }
            int len = p + 1 < to ? d.u8(p + 1) : -1;
            if (len < 2 || p + len > to) {
                d.problem("tcp option " + kind + " with length " + len + " past the header");
                break;
            }
            int n = len - 2;
            int v = p + 2;
            options.add(switch (kind) {
                case 2 -> n == 2 ? new TcpOption.Mss(d.u16(v)) : new TcpOption.Unknown(kind, d.bytes(v, n));
                case 3 -> n == 1 ? new TcpOption.WindowScale(d.u8(v)) : new TcpOption.Unknown(kind, d.bytes(v, n));
                case 4 -> n == 0 ? new TcpOption.SackPermitted() : new TcpOption.Unknown(kind, d.bytes(v, n));
                case 5 -> n % 8 == 0 ? sack(d, v, n) : new TcpOption.Unknown(kind, d.bytes(v, n));
                case 8 -> n == 8 ? new TcpOption.Timestamps(d.u32(v), d.u32(v + 4))
                        : new TcpOption.Unknown(kind, d.bytes(v, n));
                default -> new TcpOption.Unknown(kind, d.bytes(v, n));
            });
            p += len;
        }
        return options;
    }

    private static TcpOption sack(Decoding d, int v, int n) {
        List<TcpOption.SackBlock> blocks = new ArrayList<>();
        for (int i = 0; i < n; i += 8) {
            blocks.add(new TcpOption.SackBlock(d.u32(v + i), d.u32(v + i + 4)));
        }
        return new TcpOption.Sack(blocks);
    }

    private static void udp(Decoding d, int at, int end, int length) {
        if (!d.need("udp", at, 8, end)) {
            return;
        }
        int udpLength = d.u16(at + 4);
        int payload = udpLength - 8;
        if (udpLength < 8 || udpLength > length) {
            d.problem("udp length " + udpLength + (udpLength < 8 ? " under 8" : " past the IP payload's " + length));
            payload = Math.max(0, length - 8);
        }
        Udp udp = new Udp(at, d.u16(at), d.u16(at + 2), udpLength, d.u16(at + 6), at + 8, payload);
        d.layers.add(udp);
        AppDecoder.decode(d, udp, udp.sourcePort(), udp.destinationPort(), Math.min(end, at + 8 + payload));
    }

    private static void icmp(Decoding d, int at, int end, int length) {
        if (!d.need("icmp", at, 8, end)) {
            return;
        }
        int type = d.u8(at);
        Ipv4 quoted = null;
        int sp = -1;
        int dp = -1;
        if (type == 3 || type == 4 || type == 5 || type == 11 || type == 12) {
            Decoding inner = new Decoding(d.raw);
            quoted = NetworkDecoder.ipv4Header(inner, at + 8, end);
            int ports = quoted == null ? 0 : quoted.payloadOffset();
            if (quoted != null && (quoted.protocol() == IpLayer.TCP || quoted.protocol() == IpLayer.UDP)
                    && quoted.hasTransportHeader() && ports + 4 <= Math.min(end, d.data.length)) {
                sp = d.u16(ports);
                dp = d.u16(ports + 2);
            }
        }
        d.layers.add(new Icmp(at, type, d.u8(at + 1), d.u16(at + 2), d.u32(at + 4), length, quoted, sp, dp));
    }

    private static void icmpv6(Decoding d, int at, int end, int length) {
        if (!d.need("icmpv6", at, 4, end)) {
            return;
        }
        int type = d.u8(at);
        int need = switch (type) {
            case Icmpv6.ECHO_REQUEST, Icmpv6.ECHO_REPLY, Icmpv6.ROUTER_SOLICITATION -> 8;
            case Icmpv6.ROUTER_ADVERTISEMENT -> 16;
            case Icmpv6.NEIGHBOR_SOLICITATION, Icmpv6.NEIGHBOR_ADVERTISEMENT -> 24;
            default -> 4;
        };
        if (!d.need("icmpv6", at, need, end)) {
            return;
        }
        boolean echo = type == Icmpv6.ECHO_REQUEST || type == Icmpv6.ECHO_REPLY;
        boolean ra = type == Icmpv6.ROUTER_ADVERTISEMENT;
        boolean neighbour = need == 24;
        InetAddress target = neighbour ? d.address(at + 8, 16) : null;
        int flags = ra ? d.u8(at + 5) : type == Icmpv6.NEIGHBOR_ADVERTISEMENT ? d.u8(at + 4) : 0;
        List<Icmpv6.NdOption> options = type >= Icmpv6.ROUTER_SOLICITATION && type <= Icmpv6.NEIGHBOR_ADVERTISEMENT
                ? ndOptions(d, at + need, Math.min(Math.min(end, d.data.length), at + length)) : List.of();
        d.layers.add(new Icmpv6(at, type, d.u8(at + 1), d.u16(at + 2), length, echo ? d.u16(at + 4) : 0,
                echo ? d.u16(at + 6) : 0, target, flags, ra ? d.u8(at + 4) : 0, ra ? d.u16(at + 6) : 0, ra ? d.u32(at + 8) : 0, ra ? d.u32(at + 12) : 0, options));
    }

    private static List<Icmpv6.NdOption> ndOptions(Decoding d, int from, int to) {
        List<Icmpv6.NdOption> options = new ArrayList<>();
        int p = from;
        while (p + 2 <= to) {
            int len = d.u8(p + 1) * 8;
            if (len == 0 || p + len > to) {
                d.problem("icmpv6 option " + d.u8(p) + " with length " + len + " past the message");
                break;
            }
            options.add(new Icmpv6.NdOption(d.u8(p), d.bytes(p + 2, len - 2)));
            p += len;
        }
        return options;
    }
}
