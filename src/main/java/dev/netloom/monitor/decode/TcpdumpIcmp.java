package dev.netloom.monitor.decode;

import dev.netloom.dns.DigFormat;

/** ICMP and ICMPv6 messages as tcpdump's print-icmp.c and print-icmp6.c print them without {@code -v}. */
final class TcpdumpIcmp {

    private TcpdumpIcmp() {
    }

    static String icmp(Icmp m) {
        String text = switch (m.type()) {
            case Icmp.ECHO_REPLY, Icmp.ECHO_REQUEST -> "echo " + (m.type() == Icmp.ECHO_REQUEST ? "request" : "reply")
                    + ", id " + m.identifier() + ", seq " + m.sequence();
            case Icmp.UNREACHABLE -> unreachable(m);
            case 4 -> "source quench";
            case 5 -> "redirect";
            case 9 -> "router advertisement";
            case 10 -> "router solicitation";
            case Icmp.TIME_EXCEEDED -> m.code() == 1 ? "ip reassembly time exceeded" : "time exceeded in-transit";
            case 12 -> "parameter problem";
            case 13 -> "time stamp request";
            case 14 -> "time stamp reply";
            case 17 -> "address mask request";
            case 18 -> "address mask reply";
            default -> "type-#" + m.type();
        };
        return "ICMP " + text + ", length " + m.length();
    }

    private static String unreachable(Icmp m) {
        String dst = m.quotedIp().map(ip -> DigFormat.address(ip.destination())).orElse("?");
        int proto = m.quotedIp().map(Ipv4::protocol).orElse(-1);
        return switch (m.code()) {
            case 0 -> "net " + dst + " unreachable";
            case 1 -> "host " + dst + " unreachable";
            case 2 -> dst + " protocol " + proto + " unreachable";
            case 3 -> m.quotedDestinationPort() < 0 ? dst + " port unreachable"
                    : dst + " " + IpLayer.protocolName(proto) + " port " + m.quotedDestinationPort() + " unreachable";
            case 4 -> dst + " unreachable - need to frag (mtu " + (m.rest() & 0xFFFF) + ")";
            default -> dst + " unreachable - code " + m.code();
        };
    }

    static String icmpv6(Icmpv6 m) {
        String target = m.targetAddress().map(DigFormat::address).orElse("?");
        String text = switch (m.type()) {
            case 1 -> "destination unreachable";
            case 2 -> "packet too big";
            case 3 -> "time exceeded in-transit";
            case 4 -> "parameter problem";
            case Icmpv6.ECHO_REQUEST, Icmpv6.ECHO_REPLY -> "echo " + (m.type() == Icmpv6.ECHO_REQUEST ? "request" : "reply")
                    + ", id " + m.identifier() + ", seq " + m.sequence();
            case 130 -> "multicast listener query";
            case 131 -> "multicast listener report";
            case 132 -> "multicast listener done";
            case Icmpv6.ROUTER_SOLICITATION -> "router solicitation";
            case Icmpv6.ROUTER_ADVERTISEMENT -> "router advertisement";
            case Icmpv6.NEIGHBOR_SOLICITATION -> "neighbor solicitation, who has " + target;
            case Icmpv6.NEIGHBOR_ADVERTISEMENT -> "neighbor advertisement, tgt is " + target;
            case 143 -> "multicast listener report v2";
            default -> "type " + m.type();
        };
        return "ICMP6, " + text + ", length " + m.length();
    }
}
