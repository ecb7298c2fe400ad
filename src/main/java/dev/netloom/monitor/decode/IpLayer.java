package dev.netloom.monitor.decode;

import java.net.InetAddress;

/** An IPv4 or IPv6 header, with what analysis code asks of either. */
public sealed interface IpLayer extends Layer permits Ipv4, Ipv6 {

    /** The IP protocol number of ICMP. */
    int ICMP = 1;
    /** The IP protocol number of TCP. */
    int TCP = 6;
    /** The IP protocol number of UDP. */
    int UDP = 17;
    /** The IP protocol number of ICMPv6. */
    int ICMPV6 = 58;

    /** 4 or 6. */
    int version();

    InetAddress source();

    InetAddress destination();

    /** The protocol of the payload: IPv4's protocol field, or IPv6's last next-header value of the extension chain. */
    int upperProtocol();

    /** Where the payload (after IPv6's extension headers) starts in the captured bytes. */
    int payloadOffset();

    /** The upper-layer payload's length (after IPv6's extension headers) as the header says; it may run past the capture. */
    int upperLength();

    /** TTL or hop limit. */
    int hopLimit();

    /** Whether the payload starts with the upper protocol's header: false for a fragment other than the first. */
    boolean hasTransportHeader();

    /** The name tcpdump and Wireshark give an IP protocol number ({@code tcp}, {@code udp}, {@code icmp}), or {@code ip-proto-N}. */
    static String protocolName(int protocol) {
        return switch (protocol) {
            case 0 -> "hopopt";
            case ICMP -> "icmp";
            case 2 -> "igmp";
            case 4 -> "ipip";
            case TCP -> "tcp";
            case UDP -> "udp";
            case 41 -> "ipv6";
            case 47 -> "gre";
            case 50 -> "esp";
            case 51 -> "ah";
            case ICMPV6 -> "icmpv6";
            case 89 -> "ospf";
            case 103 -> "pim";
            case 112 -> "vrrp";
            case 132 -> "sctp";
            default -> "ip-proto-" + protocol;
        };
    }
}
