package dev.netloom.monitor.analysis;

/**
 * What the analysis reads of one packet, taken from a decoded packet: when, how long on the wire,
 * Wireshark's protocol path ({@code eth:ethertype:ip:tcp:http}), the IP addresses (text, or null
 * without IP), the IP protocol number (-1 without IP; also -1 for a fragment after the first, which
 * has no transport header), ports (0 without), and for TCP the raw header values: sequence and
 * acknowledgement numbers (unsigned 32-bit, in a long), flags (FIN 0x01, SYN 0x02, RST 0x04, PSH
 * 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80), the window field as sent, the payload length, and
 * the window-scale option's shift (-1 when the segment has none).
 */
public record PacketFacts(long epochNanos, int frameLength, String protocols, String src, String dst,
                          int ipProtocol, int srcPort, int dstPort, long seq, long ack, int flags, int window,
                          int payloadLength, int windowScale) {

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int TCP = 6;
    public static final int UDP = 17;

    /** A packet with IP but no TCP fields (UDP, ICMP, ...). */
    public static PacketFacts ip(long epochNanos, int frameLength, String protocols, String src, String dst, int ipProtocol,
                                 int srcPort, int dstPort) {
        return new PacketFacts(epochNanos, frameLength, protocols, src, dst, ipProtocol, srcPort, dstPort, 0, 0, 0, 0, 0, -1);
    }

    /** A packet without IP (ARP, an unknown ethertype). */
    public static PacketFacts other(long epochNanos, int frameLength, String protocols) {
        return new PacketFacts(epochNanos, frameLength, protocols, null, null, -1, 0, 0, 0, 0, 0, 0, 0, -1);
    }

    public boolean tcp() {
        return ipProtocol == TCP;
    }

    public boolean udp() {
        return ipProtocol == UDP;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }
}
