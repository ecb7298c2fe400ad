package dev.netloom.monitor.decode;

import dev.netloom.monitor.pcap.LinkType;
import dev.netloom.monitor.pcap.RawPacket;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A packet decoded as far as its bytes allowed: the raw packet, its layers outermost first,
 * where and why decoding stopped early ({@link Stop}, absent when every header was whole and
 * understood) and anomalies that did not stop it ({@code problems}: a length field that
 * disagrees with another, a bad option). Analysis code reads fields here and never parses again.
 */
public record DecodedPacket(RawPacket raw, List<Layer> layers, Stop stop, List<String> problems) {

    public DecodedPacket {
        layers = List.copyOf(layers);
        problems = List.copyOf(problems);
    }

    /** Why decoding ended before the bytes did: cut short by the capture, a header that breaks its own rules, or a protocol not decoded. */
    public enum StopKind { TRUNCATED, MALFORMED, UNSUPPORTED }

    /**
     * Where decoding stopped: in which protocol (tcpdump's {@code [|tcp]} names it the same
     * way), at which offset of the captured bytes, of which kind, and a sentence saying why.
     */
    public record Stop(String protocol, int offset, StopKind kind, String reason) {
    }

    /** Where decoding stopped, if it stopped before the end. */
    public Optional<Stop> stopped() {
        return Optional.ofNullable(stop);
    }

    /** Whether the capture cut the packet short or a header could not be read whole. */
    public boolean truncated() {
        return raw.truncated() || stop != null && stop.kind() == StopKind.TRUNCATED;
    }

    public int capturedLength() {
        return raw.data().length;
    }

    public int originalLength() {
        return raw.originalLength();
    }

    /** The first layer of a type ({@code layer(Tcp.class)}). */
    public <T extends Layer> Optional<T> layer(Class<T> type) {
        return layers.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    public Optional<LinkLayer> link() {
        return layer(LinkLayer.class);
    }

    public Optional<Arp> arp() {
        return layer(Arp.class);
    }

    public Optional<IpLayer> ip() {
        return layer(IpLayer.class);
    }

    public Optional<TransportLayer> transport() {
        return layer(TransportLayer.class);
    }

    public Optional<Tcp> tcp() {
        return layer(Tcp.class);
    }

    public Optional<Udp> udp() {
        return layer(Udp.class);
    }

    public Optional<Icmp> icmp() {
        return layer(Icmp.class);
    }

    public Optional<Icmpv6> icmpv6() {
        return layer(Icmpv6.class);
    }

    public Optional<AppLayer> app() {
        return layer(AppLayer.class);
    }

    public Optional<AppLayer.Dns> dns() {
        return layer(AppLayer.Dns.class);
    }

    /** The IP source address. */
    public Optional<InetAddress> source() {
        return ip().map(IpLayer::source);
    }

    /** The IP destination address. */
    public Optional<InetAddress> destination() {
        return ip().map(IpLayer::destination);
    }

    /** The IP protocol of the payload (after IPv6's extension headers), or -1 without IP. */
    public int ipProtocol() {
        return ip().map(IpLayer::upperProtocol).orElse(-1);
    }

    /** The TCP or UDP source port, or -1. */
    public int sourcePort() {
        return tcp().map(Tcp::sourcePort).or(() -> udp().map(Udp::sourcePort)).orElse(-1);
    }

    /** The TCP or UDP destination port, or -1. */
    public int destinationPort() {
        return tcp().map(Tcp::destinationPort).or(() -> udp().map(Udp::destinationPort)).orElse(-1);
    }

    /** The transport payload's bytes that were captured (empty without a transport layer). */
    public byte[] payload() {
        return transport().map(t -> {
            byte[] d = raw.data();
            int from = Math.min(t.payloadOffset(), d.length);
            return Arrays.copyOfRange(d, from, Math.min(d.length, from + t.payloadLength()));
        }).orElse(new byte[0]);
    }

    /**
     * The protocols of the frame joined by colons, in the manner of Wireshark's
     * {@code frame.protocols}: {@code eth:ethertype:ip:tcp}, {@code eth:ethertype:ip:udp:dns},
     * {@code sll:ethertype:ipv6:ipv6.hopopts:icmpv6}; {@code raw} starts a raw IP frame, and a
     * TCP/UDP/ICMP payload nobody decoded adds {@code data}.
     */
    public String protocolPath() {
        StringBuilder sb = new StringBuilder();
        if (raw.linkType() != LinkType.ETHERNET && link().isEmpty()) {
            sb.append("raw");
        }
        for (Layer l : layers) {
            sb.append(sb.isEmpty() ? "" : ":").append(l.path());
        }
        transport().filter(t -> app().isEmpty() && stop == null && t.payloadLength() > 0
                        && t.payloadOffset() < raw.data().length
                        && (t instanceof Tcp || t instanceof Udp || t instanceof Icmp i && i.echo()
                        || t instanceof Icmpv6 i6 && i6.type() >= Icmpv6.ECHO_REQUEST && i6.type() <= Icmpv6.ECHO_REPLY))
                .ifPresent(t -> sb.append(":data"));
        return sb.toString();
    }
}
