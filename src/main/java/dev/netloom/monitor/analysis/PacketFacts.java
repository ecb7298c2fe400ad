package dev.netloom.monitor.analysis;

import dev.netloom.monitor.decode.DecodedPacket;
import dev.netloom.monitor.decode.IpLayer;
import dev.netloom.monitor.decode.Tcp;

import java.net.InetAddress;

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

    /**
     * The facts of a decoded packet. A fragment after the first has no transport header: it counts
     * for its addresses, not for a conversation.
     */
    public static PacketFacts of(DecodedPacket d) {
        long when = d.raw().epochNanos();
        int length = d.originalLength();
        String path = d.protocolPath();
        IpLayer ip = d.ip().orElse(null);
        if (ip == null) {
            return other(when, length, path);
        }
        String src = text(ip.source());
        String dst = text(ip.destination());
        if (!ip.hasTransportHeader()) {
            return ip(when, length, path, src, dst, -1, 0, 0);
        }
        Tcp t = d.tcp().orElse(null);
        if (t == null) {
            int upper = ip.upperProtocol();
            // a TCP or UDP header the capture cut short: no conversation to put it in
            int proto = d.udp().isPresent() ? UDP : upper == TCP || upper == UDP ? -1 : upper;
            return ip(when, length, path, src, dst, proto, Math.max(0, d.sourcePort()), Math.max(0, d.destinationPort()));
        }
        return new PacketFacts(when, length, path, src, dst, TCP, t.sourcePort(), t.destinationPort(), t.sequence(),
                t.acknowledgment(), t.flags() & 0xFF, t.window(), t.payloadLength(), t.windowScale().orElse(-1));
    }

    private static String text(InetAddress a) {
        return a == null ? "?" : a.getHostAddress();
    }

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
