package dev.netloom.monitor.decode;

import dev.netloom.dns.DigFormat;
import dev.netloom.dns.DnsType;

import java.util.Locale;

import static dev.netloom.monitor.decode.VerboseFormat.address;
import static dev.netloom.monitor.decode.VerboseFormat.field;
import static dev.netloom.monitor.decode.VerboseFormat.hex;
import static dev.netloom.monitor.decode.VerboseFormat.hex16;

/** One block of {@link VerboseFormat} per layer. */
final class VerboseLayers {

    private VerboseLayers() {
    }

    static void layer(StringBuilder sb, Layer l) {
        switch (l) {
            case LinkLayer.Ethernet e -> {
                sb.append("Ethernet II, Src: ").append(LinkLayer.mac(e.source())).append(", Dst: ")
                        .append(LinkLayer.mac(e.destination())).append('\n');
                field(sb, "Destination", LinkLayer.mac(e.destination()));
                field(sb, "Source", LinkLayer.mac(e.source()));
                e.vlans().forEach(v -> field(sb, "802.1Q tag", "type " + hex16(v.tagType()) + ", priority "
                        + v.priority() + ", DEI " + (v.dropEligible() ? 1 : 0) + ", ID " + v.id()));
                field(sb, e.etherType() <= 1500 ? "Length" : "Type", hex16(e.etherType()));
            }
            case LinkLayer.LinuxSll s -> {
                sb.append("Linux cooked capture v1\n");
                field(sb, "Packet type", LinkLayer.packetTypeName(s.packetType()) + " (" + s.packetType() + ")");
                field(sb, "Link-layer address type", s.hardwareType());
                field(sb, "Source", LinkLayer.mac(s.address()));
                field(sb, "Protocol", hex16(s.etherType()));
            }
            case LinkLayer.LinuxSll2 s -> {
                sb.append("Linux cooked capture v2\n");
                field(sb, "Protocol", hex16(s.etherType()));
                field(sb, "Interface index", s.interfaceIndex());
                field(sb, "Link-layer address type", s.hardwareType());
                field(sb, "Packet type", LinkLayer.packetTypeName(s.packetType()) + " (" + s.packetType() + ")");
                field(sb, "Source", LinkLayer.mac(s.address()));
            }
            case LinkLayer.Loopback n -> {
                sb.append("Null/Loopback\n");
                field(sb, "Family", n.family());
            }
            case Arp a -> arp(sb, a);
            case Ipv4 ip -> ipv4(sb, ip);
            case Ipv6 ip -> ipv6(sb, ip);
            case Tcp t -> tcp(sb, t);
            case Udp u -> {
                sb.append("User Datagram Protocol, Src Port: ").append(u.sourcePort()).append(", Dst Port: ")
                        .append(u.destinationPort()).append('\n');
                field(sb, "Source Port", u.sourcePort());
                field(sb, "Destination Port", u.destinationPort());
                field(sb, "Length", u.length());
                field(sb, "Checksum", hex16(u.checksum()));
                field(sb, "Payload", u.payloadLength() + " bytes at offset " + u.payloadOffset());
            }
            case Icmp i -> icmp(sb, i);
            case Icmpv6 i -> icmpv6(sb, i);
            case AppLayer.Dns d -> {
                sb.append(d.multicast() ? "Multicast Domain Name System" : "Domain Name System")
                        .append(d.message().qr() ? " (response)" : " (query)").append('\n');
                for (String line : DigFormat.shortForm(d.message()).split("\n")) {
                    sb.append("    ").append(line).append('\n');
                }
                field(sb, "Id", hex16(d.message().id()));
                field(sb, "Flags", hex16(d.message().flags()));
                d.message().questions().forEach(q -> field(sb, "Question", q.name() + " "
                        + DnsType.name(q.type()) + " " + DnsType.className(q.dnsClass())));
                d.message().answers().forEach(r -> field(sb, "Answer", DigFormat.record(r)));
                d.message().authorities().forEach(r -> field(sb, "Authority", DigFormat.record(r)));
                d.message().additionals().forEach(r -> field(sb, "Additional", DigFormat.record(r)));
            }
            case AppLayer.Line line -> {
                sb.append(line.name().toUpperCase(Locale.ROOT)).append('\n');
                field(sb, "First line", line.line());
            }
        }
    }

    private static void arp(StringBuilder sb, Arp a) {
        sb.append("Address Resolution Protocol (").append(a.operation() == Arp.REQUEST ? "request"
                : a.operation() == Arp.REPLY ? "reply" : "opcode " + a.operation()).append(")\n");
        field(sb, "Hardware type", a.hardwareType());
        field(sb, "Protocol type", hex16(a.protocolType()));
        field(sb, "Hardware size", a.hardwareLength());
        field(sb, "Protocol size", a.protocolLength());
        field(sb, "Opcode", a.operation());
        field(sb, "Sender MAC address", LinkLayer.mac(a.senderHardware()));
        field(sb, "Sender IP address", a.senderIp().map(VerboseFormat::address).orElse(hex(a.senderProtocol())));
        field(sb, "Target MAC address", LinkLayer.mac(a.targetHardware()));
        field(sb, "Target IP address", a.targetIp().map(VerboseFormat::address).orElse(hex(a.targetProtocol())));
    }

    private static void ipv4(StringBuilder sb, Ipv4 ip) {
        sb.append("Internet Protocol Version 4, Src: ").append(address(ip.source())).append(", Dst: ")
                .append(address(ip.destination())).append('\n');
        field(sb, "Version", 4);
        field(sb, "Header Length", ip.headerLength() + " bytes (" + ip.headerLength() / 4 + ")");
        field(sb, "Differentiated Services", String.format("0x%02x (DSCP %d, ECN %d)", ip.tos(), ip.dscp(), ip.ecn()));
        field(sb, "Total Length", ip.totalLength());
        field(sb, "Identification", hex16(ip.identification()) + " (" + ip.identification() + ")");
        field(sb, "Flags", "reserved " + bit(ip.reservedFlag()) + ", don't fragment " + bit(ip.dontFragment())
                + ", more fragments " + bit(ip.moreFragments()));
        field(sb, "Fragment Offset", ip.fragmentOffsetBytes());
        field(sb, "Time to Live", ip.ttl());
        field(sb, "Protocol", IpLayer.protocolName(ip.protocol()) + " (" + ip.protocol() + ")");
        field(sb, "Header Checksum", hex16(ip.checksum()));
        field(sb, "Source Address", address(ip.source()));
        field(sb, "Destination Address", address(ip.destination()));
        ip.options().forEach(o -> field(sb, "Option", "type " + o.type() + ", data " + hex(o.data())));
    }

    private static void ipv6(StringBuilder sb, Ipv6 ip) {
        sb.append("Internet Protocol Version 6, Src: ").append(address(ip.source())).append(", Dst: ")
                .append(address(ip.destination())).append('\n');
        field(sb, "Version", 6);
        field(sb, "Traffic Class", String.format("0x%02x", ip.trafficClass()));
        field(sb, "Flow Label", String.format("0x%05x", ip.flowLabel()));
        field(sb, "Payload Length", ip.payloadLength());
        field(sb, "Next Header", IpLayer.protocolName(ip.nextHeader()) + " (" + ip.nextHeader() + ")");
        field(sb, "Hop Limit", ip.hopLimit());
        field(sb, "Source Address", address(ip.source()));
        field(sb, "Destination Address", address(ip.destination()));
        for (Ipv6.Extension e : ip.extensions()) {
            String text = switch (e) {
                case Ipv6.Options o -> o.options().size() + " options" + o.options().stream()
                        .map(x -> " [type " + x.type() + " " + hex(x.data()) + "]").reduce("", String::concat);
                case Ipv6.Routing r -> "routing type " + r.routingType() + ", segments left " + r.segmentsLeft()
                        + ", data " + hex(r.data());
                case Ipv6.Fragment f -> "offset " + f.fragmentOffset() * 8 + ", more " + bit(f.moreFragments())
                        + ", id " + String.format("0x%08x", f.identification());
                case Ipv6.Auth a -> "SPI " + String.format("0x%08x", a.spi()) + ", sequence " + a.sequence();
            };
            field(sb, e.path() + " (" + e.length() + " bytes, next " + e.nextHeader() + ")", text);
        }
        field(sb, "Upper protocol", IpLayer.protocolName(ip.upperProtocol()) + " (" + ip.upperProtocol() + ")");
    }

    private static void tcp(StringBuilder sb, Tcp t) {
        sb.append("Transmission Control Protocol, Src Port: ").append(t.sourcePort()).append(", Dst Port: ")
                .append(t.destinationPort()).append(", Seq: ").append(t.sequence()).append(", Ack: ")
                .append(t.acknowledgment()).append(", Len: ").append(t.payloadLength()).append('\n');
        field(sb, "Source Port", t.sourcePort());
        field(sb, "Destination Port", t.destinationPort());
        field(sb, "Sequence Number (raw)", t.sequence());
        field(sb, "Acknowledgment Number (raw)", t.acknowledgment());
        field(sb, "Header Length", t.headerLength() + " bytes (" + t.headerLength() / 4 + ")");
        field(sb, "Flags", String.format("0x%03x [%s]", t.flags(), t.flagLetters()));
        field(sb, "Window", t.window());
        field(sb, "Checksum", hex16(t.checksum()));
        field(sb, "Urgent Pointer", t.urgentPointer());
        for (TcpOption o : t.options()) {
            field(sb, "Option", switch (o) {
                case TcpOption.End e -> "End of Option List";
                case TcpOption.Nop n -> "No-Operation";
                case TcpOption.Mss m -> "Maximum segment size: " + m.size() + " bytes";
                case TcpOption.WindowScale w -> "Window scale: " + w.shift() + " (multiply by " + (1L << Math.min(w.shift(), 30)) + ")";
                case TcpOption.SackPermitted s -> "SACK permitted";
                case TcpOption.Sack s -> "SACK " + s.blocks().stream().map(b -> b.left() + "-" + b.right())
                        .reduce((x, y) -> x + " " + y).orElse("");
                case TcpOption.Timestamps ts -> "Timestamps: TSval " + ts.value() + ", TSecr " + ts.echoReply();
                case TcpOption.Unknown u -> "kind " + u.kind() + ", data " + hex(u.data());
            });
        }
        field(sb, "Payload", t.payloadLength() + " bytes at offset " + t.payloadOffset());
    }

    private static void icmp(StringBuilder sb, Icmp i) {
        sb.append("Internet Control Message Protocol\n");
        field(sb, "Type", i.type());
        field(sb, "Code", i.code());
        field(sb, "Checksum", hex16(i.checksum()));
        if (i.echo()) {
            field(sb, "Identifier", i.identifier());
            field(sb, "Sequence Number", i.sequence());
        } else {
            field(sb, "Rest of header", String.format("0x%08x", i.rest()));
        }
        i.quotedIp().ifPresent(q -> field(sb, "Quoted datagram", address(q.source()) + " > " + address(q.destination())
                + ", protocol " + q.protocol() + (i.quotedSourcePort() < 0 ? ""
                : ", ports " + i.quotedSourcePort() + " > " + i.quotedDestinationPort())));
        field(sb, "Length", i.length());
    }

    private static void icmpv6(StringBuilder sb, Icmpv6 i) {
        sb.append("Internet Control Message Protocol v6\n");
        field(sb, "Type", i.type());
        field(sb, "Code", i.code());
        field(sb, "Checksum", hex16(i.checksum()));
        if (i.type() == Icmpv6.ECHO_REQUEST || i.type() == Icmpv6.ECHO_REPLY) {
            field(sb, "Identifier", i.identifier());
            field(sb, "Sequence", i.sequence());
        }
        i.targetAddress().ifPresent(a -> field(sb, "Target Address", address(a)));
        if (i.type() == Icmpv6.ROUTER_ADVERTISEMENT) {
            field(sb, "Cur hop limit", i.curHopLimit());
            field(sb, "Router lifetime", i.routerLifetime());
            field(sb, "Reachable time", i.reachableTime());
            field(sb, "Retrans timer", i.retransTimer());
        }
        if (i.type() == Icmpv6.ROUTER_ADVERTISEMENT || i.type() == Icmpv6.NEIGHBOR_ADVERTISEMENT) {
            field(sb, "Flags", String.format("0x%02x", i.flags()));
        }
        i.options().forEach(o -> field(sb, "ND option", "type " + o.type() + ", data " + hex(o.data())));
        field(sb, "Length", i.length());
    }

    private static int bit(boolean b) {
        return b ? 1 : 0;
    }
}
