package dev.netloom.monitor.decode;

import dev.netloom.dns.DigFormat;
import dev.netloom.monitor.decode.DecodedPacket.StopKind;

import java.net.InetAddress;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Formats packets on one line each as {@code tcpdump -n} prints them: {@code HH:MM:SS.ffffff}
 * in a time zone (the system's by default), then {@code IP 10.0.0.1.5000 > 10.0.0.2.80: Flags
 * [S.], seq 1, ack 2, win 512, options [mss 1460,sackOK,TS val 1 ecr 2,nop,wscale 7], length 0},
 * {@code UDP, length N}, DNS ({@code 12345+ A? example.com. (29)}), ICMP and ICMPv6, ARP and
 * IPv6 ({@code IP6}) in tcpdump's words. Like tcpdump, TCP sequence numbers are relative to the
 * first ones seen of a conversation (the first SYN absolute, the SYN-ACK absolute, then relative),
 * which needs the packets before: an instance keeps that state per conversation (at most
 * 65,536, the oldest forgotten) and is not thread-safe. {@code absoluteSequence} is tcpdump's
 * {@code -S}. A header cut short ends the line with tcpdump's {@code [|tcp]}.
 *
 * <p>netloom's own, not tcpdump's: after the {@code length N} of a TCP segment with an HTTP
 * start line (on any port), an SMTP, FTP, RESP or chat first line, it adds {@code : HTTP: GET /
 * HTTP/1.1} ({@code SMTP:}, {@code FTP:}, {@code RESP:} with the command words, {@code CHAT:});
 * a header that breaks its rules ends the line with {@code [bad tcp: reason]}; a VLAN tag
 * prints as {@code vlan 100, p 0, } before the IP part; SLL and SLL2 print nothing of their
 * own (no interface names).
 */
public final class TcpdumpFormat {

    private static final int MAX_FLOWS = 65_536;

    private final ZoneId zone;
    private final boolean absoluteSequence;
    private final Map<Flow, long[]> flows = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Flow, long[]> eldest) {
            return size() > MAX_FLOWS;
        }
    };

    /** A formatter printing times in {@code zone}, with relative TCP sequence numbers unless {@code absoluteSequence}. */
    public TcpdumpFormat(ZoneId zone, boolean absoluteSequence) {
        this.zone = zone;
        this.absoluteSequence = absoluteSequence;
    }

    private record Flow(InetAddress source, InetAddress destination, int ports) {
    }

    /** tcpdump's default: the system's time zone, relative sequence numbers. */
    public static TcpdumpFormat create() {
        return new TcpdumpFormat(ZoneId.systemDefault(), false);
    }

    /** The time as tcpdump prints it without {@code -t} options: {@code HH:MM:SS.ffffff}. */
    public String time(long epochNanos) {
        Instant t = Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
        LocalTime l = LocalTime.ofInstant(t, zone);
        return String.format("%02d:%02d:%02d.%06d", l.getHour(), l.getMinute(), l.getSecond(), l.getNano() / 1000);
    }

    /** The whole line: time, a space, then {@link #body}. */
    public String format(DecodedPacket p) {
        return time(p.raw().epochNanos()) + " " + body(p);
    }

    /** The line without its time (it updates the conversation state of a TCP segment). */
    public String body(DecodedPacket p) {
        StringBuilder sb = new StringBuilder();
        p.link().filter(LinkLayer.Ethernet.class::isInstance).map(LinkLayer.Ethernet.class::cast)
                .ifPresent(e -> e.vlans().forEach(v -> sb.append("vlan ").append(v.id()).append(", p ")
                        .append(v.priority()).append(", ")));
        if (p.arp().isPresent()) {
            arp(sb, p.arp().get(), p.originalLength() - p.arp().get().offset());
        } else if (p.ip().isPresent()) {
            ip(sb, p, p.ip().get());
        } else if (p.link().isPresent()) {
            switch (p.link().get().etherType()) {
                case LinkLayer.IPV4 -> sb.append("IP");
                case LinkLayer.IPV6 -> sb.append("IP6");
                case LinkLayer.ARP -> sb.append("ARP");
                default -> link(sb, p);
            }
        }
        p.stopped().ifPresent(s -> sb.append(s.kind() == StopKind.TRUNCATED ? " [|" + s.protocol() + "]"
                : s.kind() == StopKind.MALFORMED ? " [bad " + s.protocol() + ": " + s.reason() + "]" : ""));
        return sb.toString();
    }

    private static void link(StringBuilder sb, DecodedPacket p) {
        LinkLayer l = p.link().get();
        if (l instanceof LinkLayer.Ethernet e) {
            sb.append(LinkLayer.mac(e.source())).append(" > ").append(LinkLayer.mac(e.destination()));
            sb.append(e.etherType() <= 1500 ? ", 802.3" : String.format(", ethertype Unknown (0x%04x)", e.etherType()));
        } else {
            sb.append(String.format("ethertype Unknown (0x%04x)", l.etherType() & 0xFFFF));
        }
        sb.append(", length ").append(p.originalLength()).append(':');
    }

    private static void arp(StringBuilder sb, Arp a, int length) {
        String sender = a.senderIp().map(DigFormat::address).orElse("?");
        String target = a.targetIp().map(DigFormat::address).orElse("?");
        sb.append(a.operation() > 2 ? "RARP, " : "ARP, ");
        switch (a.operation()) {
            case Arp.REQUEST -> {
                sb.append("Request who-has ").append(target);
                if (!Arrays.equals(a.targetHardware(), new byte[a.targetHardware().length])) {
                    sb.append(" (").append(LinkLayer.mac(a.targetHardware())).append(')');
                }
                sb.append(" tell ").append(sender);
            }
            case Arp.REPLY -> sb.append("Reply ").append(sender).append(" is-at ").append(LinkLayer.mac(a.senderHardware()));
            case 3 -> sb.append("Request who-is ").append(LinkLayer.mac(a.targetHardware())).append(" tell ")
                    .append(LinkLayer.mac(a.senderHardware()));
            case 4 -> sb.append("Reply ").append(LinkLayer.mac(a.targetHardware())).append(" at ").append(target);
            default -> sb.append("Unknown (").append(a.operation()).append(')');
        }
        sb.append(", length ").append(length);
    }

    private void ip(StringBuilder sb, DecodedPacket p, IpLayer ip) {
        sb.append(ip.version() == 4 ? "IP " : "IP6 ");
        String src = DigFormat.address(ip.source());
        String dst = DigFormat.address(ip.destination());
        TransportLayer t = p.transport().orElse(null);
        if (ip instanceof Ipv6 v6 && !v6.extensions().isEmpty()) {
            // tcpdump's ip6_print: the addresses, a word per extension header, then the ports alone
            sb.append(src).append(" > ").append(dst).append(": ");
            for (Ipv6.Extension e : v6.extensions()) {
                sb.append(switch (e) {
                    case Ipv6.Options o -> o.type() == Ipv6.HOP_BY_HOP ? "HBH " : "DSTOPT ";
                    case Ipv6.Routing r -> "srcrt (type=" + r.routingType() + ", segleft=" + r.segmentsLeft() + ") ";
                    case Ipv6.Fragment f -> "frag (" + f.fragmentOffset() * 8 + "|" + v6.upperLength() + ") ";
                    case Ipv6.Auth a -> "AH(spi=" + String.format("0x%08x", a.spi()) + ",seq=0x" + Long.toHexString(a.sequence()) + "): ";
                });
            }
            src = "";
            dst = "";
        }
        String at = src.isEmpty() ? "" : ".";
        if (t instanceof Tcp tcp) {
            sb.append(src).append(at).append(tcp.sourcePort()).append(" > ").append(dst).append(at)
                    .append(tcp.destinationPort()).append(": ");
            tcp(sb, ip, tcp);
            p.app().ifPresent(a -> sb.append(": ").append(switch (a) {
                case AppLayer.Dns dns -> TcpdumpDns.format(dns);
                case AppLayer.Line line -> line.name().toUpperCase(Locale.ROOT) + ": " + line.line();
            }));
        } else if (t instanceof Udp udp) {
            sb.append(src).append(at).append(udp.sourcePort()).append(" > ").append(dst).append(at)
                    .append(udp.destinationPort()).append(": ");
            if (p.dns().isPresent()) {
                sb.append(TcpdumpDns.format(p.dns().get()));
            } else {
                sb.append("UDP, ").append(udp.length() < 8 || udp.length() - 8 > ip.upperLength() - 8
                        ? "bad length " + udp.length() + " > " + (ip.upperLength() - 8)
                        : "length " + udp.payloadLength());
            }
        } else if (t instanceof Icmp icmp) {
            sb.append(src).append(" > ").append(dst).append(": ").append(TcpdumpIcmp.icmp(icmp));
        } else if (t instanceof Icmpv6 icmp) {
            sb.append(src.isEmpty() ? "" : src + " > " + dst + ": ").append(TcpdumpIcmp.icmpv6(icmp));
        } else if (src.isEmpty()) {
            sb.setLength(Math.max(0, sb.length() - 1));
            if (p.stop() == null || p.stop().kind() == StopKind.UNSUPPORTED) {
                sb.append(" ip-proto-").append(ip.upperProtocol());
            }
        } else {
            sb.append(src).append(" > ").append(dst).append(':');
            if (!ip.hasTransportHeader()) {
                sb.append(" ip-proto-").append(ip.upperProtocol());
            } else if (p.stop() == null || p.stop().kind() == StopKind.UNSUPPORTED) {
                sb.append(" ip-proto-").append(ip.upperProtocol()).append(' ').append(ip.upperLength());
            }
        }
    }

    private void tcp(StringBuilder sb, IpLayer ip, Tcp t) {
        long[] base = relative(ip, t);
        int length = t.payloadLength();
        long seq = t.sequence() - base[0] & 0xFFFF_FFFFL;
        long ack = t.acknowledgment() - base[1] & 0xFFFF_FFFFL;
        sb.append("Flags [").append(t.flagLetters()).append(']');
        if (length > 0 || (t.flags() & (Tcp.SYN | Tcp.FIN | Tcp.RST)) != 0) {
            sb.append(", seq ").append(seq);
            if (length > 0) {
                sb.append(':').append(seq + length & 0xFFFF_FFFFL);
            }
        }
        if (t.has(Tcp.ACK)) {
            sb.append(", ack ").append(ack);
        }
        sb.append(", win ").append(t.window());
        if (t.has(Tcp.URG)) {
            sb.append(", urg ").append(t.urgentPointer());
        }
        if (!t.options().isEmpty()) {
            sb.append(", options [");
            String sep = "";
            for (TcpOption o : t.options()) {
                sb.append(sep);
                option(sb, o, base[2]);
                sep = ",";
            }
            sb.append(']');
        }
        sb.append(", length ").append(length);
    }

    private static void option(StringBuilder sb, TcpOption o, long sackBase) {
        switch (o) {
            case TcpOption.End e -> sb.append("eol");
            case TcpOption.Nop n -> sb.append("nop");
            case TcpOption.Mss m -> sb.append("mss ").append(m.size());
            case TcpOption.WindowScale w -> sb.append("wscale ").append(w.shift());
            case TcpOption.SackPermitted s -> sb.append("sackOK");
            case TcpOption.Sack s -> {
                sb.append("sack ").append(s.blocks().size()).append(' ');
                s.blocks().forEach(b -> sb.append('{').append(b.left() - sackBase & 0xFFFF_FFFFL).append(':')
                        .append(b.right() - sackBase & 0xFFFF_FFFFL).append('}'));
            }
            case TcpOption.Timestamps ts -> sb.append("TS val ").append(ts.value()).append(" ecr ").append(ts.echoReply());
            case TcpOption.Unknown u -> {
                sb.append(switch (u.kind()) {
                    case 2 -> "mss";
                    case 3 -> "wscale";
                    case 4 -> "sackOK";
                    case 5 -> "sack";
                    case 6 -> "echo";
                    case 7 -> "echoreply";
                    case 8 -> "TS";
                    case 19 -> "md5sig";
                    case 28 -> "uto";
                    case 29 -> "tcp-ao";
                    case 30 -> "mptcp";
                    case 34 -> "tfo";
                    case 253, 254 -> "exp";
                    default -> "unknown-" + u.kind();
                });
                if (u.data().length > 0) {
                    sb.append(" 0x").append(HexFormat.of().formatHex(u.data()));
                }
            }
        }
    }

    /**
     * tcpdump's print-tcp.c: a conversation is keyed with its lower port (or lower address)
     * first; only a segment with ACK creates or reads the entry, a SYN (with ACK) resets it and
     * prints absolute numbers. Returns the bases of seq, ack and of SACK blocks.
     */
    private long[] relative(IpLayer ip, Tcp t) {
        if (absoluteSequence || !t.has(Tcp.ACK)) {
            return new long[3];
        }
        byte[] s = ip.source().getAddress();
        byte[] d = ip.destination().getAddress();
        boolean rev = t.sourcePort() > t.destinationPort()
                || t.sourcePort() == t.destinationPort() && Arrays.compareUnsigned(s, d) > 0;
        Flow key = rev ? new Flow(ip.destination(), ip.source(), t.destinationPort() << 16 | t.sourcePort())
                : new Flow(ip.source(), ip.destination(), t.sourcePort() << 16 | t.destinationPort());
        long[] entry = flows.get(key);
        long seq = t.sequence();
        long ack = t.acknowledgment();
        if (entry == null || t.has(Tcp.SYN)) {
            // entry[0] is the seq base of the key's first direction, entry[1] its ack base
            entry = rev ? new long[] {ack - 1 & 0xFFFF_FFFFL, seq} : new long[] {seq, ack - 1 & 0xFFFF_FFFFL};
            flows.put(key, entry);
            return new long[] {0, 0, rev ? entry[0] : entry[1]};
        }
        return rev ? new long[] {entry[1], entry[0], entry[0]} : new long[] {entry[0], entry[1], entry[1]};
    }
}
