package dev.netloom.monitor.decode;

import dev.netloom.monitor.decode.DecodedPacket.StopKind;
import dev.netloom.monitor.decode.LinkLayer.Ethernet;
import dev.netloom.monitor.decode.LinkLayer.LinuxSll;
import dev.netloom.monitor.decode.LinkLayer.LinuxSll2;
import dev.netloom.monitor.decode.LinkLayer.Loopback;
import dev.netloom.monitor.decode.LinkLayer.VlanTag;
import dev.netloom.monitor.pcap.LinkType;
import dev.netloom.monitor.pcap.RawPacket;

import java.util.ArrayList;
import java.util.List;

/*
 * The link layouts read here, all integers big-endian unless said:
 *
 *   Ethernet II   dst(6) src(6) type(2); type 0x8100/0x88a8 is a VLAN tag: TCI(2: PCP(3) DEI(1)
 *                 VID(12)) then the next type(2), repeated (at most 8 tags read); a type of 1500
 *                 or less is an 802.3 length (LLC follows: not decoded)
 *   Linux SLL     packet type(2) ARPHRD(2) address length(2) address(8, zero-padded) protocol(2)
 *   Linux SLL2    protocol(2) reserved(2) interface index(4) ARPHRD(2) packet type(1)
 *                 address length(1) address(8)
 *   BSD NULL      address family(4) in the capturing host's byte order: read big-endian when
 *                 the first two bytes are zero, else little-endian; AF_INET is 2, AF_INET6 is 10
 *                 (Linux), 24 (NetBSD, OpenBSD), 28 (FreeBSD) or 30 (macOS)
 *   RAW, IPV4/6   no link header; RAW looks at the version nibble
 *
 * Above the link: ARP, IPv4 and IPv6 in NetworkDecoder, TCP, UDP, ICMP and ICMPv6 in
 * TransportDecoder, DNS and first lines in AppDecoder; each names its layouts.
 */

/**
 * Decodes captured frames into {@link DecodedPacket}s: link header, ARP or IP (with IPv6's
 * extension headers), TCP/UDP/ICMP/ICMPv6, and a DNS message or a line protocol's first line.
 * It never throws on any bytes: a header cut short by the capture, a length field that lies
 * or an unknown EtherType or protocol ends decoding there, recorded as the packet's
 * {@link DecodedPacket#stopped() stop}; everything before it is kept. It is stateless and
 * thread-safe (no TCP reassembly, no IP defragmentation).
 */
public final class PacketDecoder {

    private static final int MAX_VLAN_TAGS = 8;

    private PacketDecoder() {
    }

    /** Decodes one packet as far as its bytes allow; never throws. */
    public static DecodedPacket decode(RawPacket packet) {
        Decoding d = new Decoding(packet);
        try {
            link(d);
        } catch (RuntimeException e) {
            // a bug here must not take a capture down: keep what was decoded and say where it broke
            d.stop("frame", 0, StopKind.MALFORMED, "decoder error: " + e);
        }
        return d.result();
    }

    private static void link(Decoding d) {
        switch (d.raw.linkType()) {
            case LinkType.ETHERNET -> ethernet(d);
            case LinkType.LINUX_SLL -> sll(d);
            case LinkType.LINUX_SLL2 -> sll2(d);
            case LinkType.NULL -> loopback(d);
            case LinkType.RAW -> rawIp(d, 0);
            case LinkType.IPV4 -> NetworkDecoder.ipv4(d, 0, d.data.length);
            case LinkType.IPV6 -> NetworkDecoder.ipv6(d, 0, d.data.length);
            default -> d.stop("frame", 0, StopKind.UNSUPPORTED, "link type " + d.raw.linkType() + " not decoded");
        }
    }

    private static void ethernet(Decoding d) {
        if (!d.need("eth", 0, 14, d.data.length)) {
            return;
        }
        int at = 12;
        int type = d.u16(at);
        List<VlanTag> tags = new ArrayList<>();
        while ((type == LinkLayer.VLAN || type == LinkLayer.QINQ) && tags.size() < MAX_VLAN_TAGS) {
            if (!d.need("vlan", at + 2, 4, d.data.length)) {
                d.layers.add(new Ethernet(0, d.bytes(0, 6), d.bytes(6, 6), tags, type));
                return;
            }
            int tci = d.u16(at + 2);
            tags.add(new VlanTag(type, tci >>> 13, (tci & 0x1000) != 0, tci & 0xFFF));
            at += 4;
            type = d.u16(at);
        }
        Ethernet eth = new Ethernet(0, d.bytes(0, 6), d.bytes(6, 6), tags, type);
        d.layers.add(eth);
        if (type <= 1500) {
            d.stop("llc", at + 2, StopKind.UNSUPPORTED, "802.3 frame (length " + type + "): LLC not decoded");
            return;
        }
        etherType(d, "eth", type, at + 2);
    }

    /** Decodes what an EtherType names at {@code at}. */
    static void etherType(Decoding d, String from, int type, int at) {
        switch (type) {
            case LinkLayer.IPV4 -> NetworkDecoder.ipv4(d, at, d.data.length);
            case LinkLayer.IPV6 -> NetworkDecoder.ipv6(d, at, d.data.length);
            case LinkLayer.ARP -> NetworkDecoder.arp(d, at);
            default -> d.stop(from, at, StopKind.UNSUPPORTED, String.format("ethertype 0x%04x not decoded", type));
        }
    }

    private static void sll(Decoding d) {
        if (!d.need("sll", 0, 16, d.data.length)) {
            return;
        }
        int addressLength = Math.min(8, d.u16(4));
        int type = d.u16(14);
        d.layers.add(new LinuxSll(0, d.u16(0), d.u16(2), d.bytes(6, addressLength), type));
        etherType(d, "sll", type, 16);
    }

    private static void sll2(Decoding d) {
        if (!d.need("sll", 0, 20, d.data.length)) {
            return;
        }
        int type = d.u16(0);
        int addressLength = Math.min(8, d.u8(11));
        d.layers.add(new LinuxSll2(0, type, (int) d.u32(4), d.u16(8), d.u8(10), d.bytes(12, addressLength)));
        etherType(d, "sll", type, 20);
    }

    private static void loopback(Decoding d) {
        if (!d.need("null", 0, 4, d.data.length)) {
            return;
        }
        int family = d.u16(0) == 0 ? (int) d.u32(0)
                : d.u8(0) | d.u8(1) << 8 | d.u8(2) << 16 | d.u8(3) << 24;
        int type = switch (family) {
            case 2 -> LinkLayer.IPV4;
            case 10, 24, 28, 30 -> LinkLayer.IPV6;
            default -> -1;
        };
        d.layers.add(new Loopback(0, family, type));
        if (type < 0) {
            d.stop("null", 4, StopKind.UNSUPPORTED, "address family " + family + " not decoded");
        } else {
            etherType(d, "null", type, 4);
        }
    }

    private static void rawIp(Decoding d, int at) {
        if (!d.need("ip", at, 1, d.data.length)) {
            return;
        }
        switch (d.u8(at) >>> 4) {
            case 4 -> NetworkDecoder.ipv4(d, at, d.data.length);
            case 6 -> NetworkDecoder.ipv6(d, at, d.data.length);
            default -> d.stop("ip", at, StopKind.MALFORMED, "IP version " + (d.u8(at) >>> 4) + " in a raw IP frame");
        }
    }
}
