package dev.netloom.monitor.decode;

import dev.netloom.monitor.decode.DecodedPacket.StopKind;

import java.util.ArrayList;
import java.util.List;

/*
 * The network layouts read here (big-endian):
 *
 *   ARP (RFC 826)   htype(2) ptype(2) hlen(1) plen(1) op(2) sha(hlen) spa(plen) tha(hlen) tpa(plen)
 *   IPv4 (RFC 791)  version(4 bits) IHL(4 bits, 32-bit words, 5..15) TOS(8: DSCP(6) ECN(2))
 *                   total length(16, header included) identification(16)
 *                   flags(3: reserved DF MF) fragment offset(13, 8-byte units) TTL(8) protocol(8)
 *                   checksum(16) source(32) destination(32) options(IHL*4 - 20): type(1) then,
 *                   except EOL (0, ends the list) and NOP (1), length(1, itself included) data
 *   IPv6 (RFC 8200) version(4 bits) traffic class(8) flow label(20) payload length(16, after the
 *                   40 fixed bytes, extensions included; 0 with a jumbo option) next header(8)
 *                   hop limit(8) source(128) destination(128), then extension headers:
 *                   hop-by-hop (0) and destination options (60): next(1) length(1, 8-byte units
 *                   after the first 8) TLV options (Pad1 is one zero byte);
 *                   routing (43): next(1) length(1) routing type(1) segments left(1) data;
 *                   fragment (44, 8 bytes): next(1) reserved(1) offset(13 bits) res(2) M(1) id(32);
 *                   AH (51, RFC 4302): next(1) length(1, 4-byte units minus 2) reserved(2) SPI(32)
 *                   sequence(32) ICV. ESP (50) and No Next Header (59) end the chain, and so
 *                   does any other value: it is the upper-layer protocol.
 */

/** ARP, IPv4 and IPv6 (with its extension headers) for {@link PacketDecoder}. */
final class NetworkDecoder {

    private static final int MAX_EXTENSIONS = 32;

    private NetworkDecoder() {
    }

    static void arp(Decoding d, int at) {
        if (!d.need("arp", at, 8, d.data.length)) {
            return;
        }
        int hl = d.u8(at + 4);
        int pl = d.u8(at + 5);
        if (!d.need("arp", at, 8 + 2 * hl + 2 * pl, d.data.length)) {
            return;
        }
        int p = at + 8;
        d.layers.add(new Arp(at, d.u16(at), d.u16(at + 2), hl, pl, d.u16(at + 6), d.bytes(p, hl),
                d.bytes(p + hl, pl), d.bytes(p + hl + pl, hl), d.bytes(p + 2 * hl + pl, pl)));
    }

    static void ipv4(Decoding d, int at, int end) {
        Ipv4 ip = ipv4Header(d, at, end);
        if (ip == null) {
            return;
        }
        d.layers.add(ip);
        if (at + ip.totalLength() > d.raw.originalLength()) {
            d.problem("ip total length " + ip.totalLength() + " runs past the frame: "
                    + (at + ip.totalLength() - d.raw.originalLength()) + " bytes missing");
        }
        if (ip.hasTransportHeader()) {
            TransportDecoder.decode(d, ip, ip.payloadOffset(), Math.min(end, at + ip.totalLength()), ip.upperLength());
        }
    }

    /** An IPv4 header alone, or null (the stop recorded in {@code d}). */
    static Ipv4 ipv4Header(Decoding d, int at, int end) {
        if (!d.need("ip", at, 20, end)) {
            return null;
        }
        int version = d.u8(at) >>> 4;
        int ihl = (d.u8(at) & 0xF) * 4;
        int total = d.u16(at + 2);
        if (version != 4) {
            d.stop("ip", at, StopKind.MALFORMED, "version " + version + " in an IPv4 header");
            return null;
        }
        if (ihl < 20) {
            d.stop("ip", at, StopKind.MALFORMED, "header length " + ihl + " bytes (IHL " + ihl / 4 + ") under 20");
            return null;
        }
        if (total < ihl) {
            d.stop("ip", at, StopKind.MALFORMED, "total length " + total + " under the header length " + ihl);
            return null;
        }
        if (!d.need("ip", at, ihl, end)) {
            return null;
        }
        int flagsOffset = d.u16(at + 6);
        return new Ipv4(at, ihl, d.u8(at + 1), total, d.u16(at + 4), (flagsOffset & 0x8000) != 0,
                (flagsOffset & 0x4000) != 0, (flagsOffset & 0x2000) != 0, flagsOffset & 0x1FFF, d.u8(at + 8),
                d.u8(at + 9), d.u16(at + 10), d.address(at + 12, 4), d.address(at + 16, 4),
                ipv4Options(d, at + 20, at + ihl));
    }

    private static List<Ipv4.Option> ipv4Options(Decoding d, int from, int to) {
        List<Ipv4.Option> options = new ArrayList<>();
        int p = from;
        while (p < to) {
            int type = d.u8(p);
            if (type == 0 || type == 1) {
                options.add(new Ipv4.Option(type, new byte[0]));
                p++;
                if (type == 0) {
                    break;
                }
                continue;
            }
            int len = p + 1 < to ? d.u8(p + 1) : 0;
            if (len < 2 || p + len > to) {
                d.problem("ip option " + type + " with length " + len + " past the header");
                break;
            }
            options.add(new Ipv4.Option(type, d.bytes(p + 2, len - 2)));
            p += len;
        }
        return options;
    }

    static void ipv6(Decoding d, int at, int end) {
        if (!d.need("ipv6", at, 40, end)) {
            return;
        }
        int first = (int) d.u32(at);
        if (first >>> 28 != 6) {
            d.stop("ipv6", at, StopKind.MALFORMED, "version " + (first >>> 28) + " in an IPv6 header");
            return;
        }
        int payloadLength = d.u16(at + 4);
        if (at + 40 + payloadLength > d.raw.originalLength()) {
            d.problem("ipv6 payload length " + payloadLength + " runs past the frame: "
                    + (at + 40 + payloadLength - d.raw.originalLength()) + " bytes missing");
        }
        int limit = payloadLength == 0 ? end : Math.min(end, at + 40 + payloadLength);
        List<Ipv6.Extension> chain = new ArrayList<>();
        int next = d.u8(at + 6);
        int p = at + 40;
        boolean whole = true;
        while (whole && chain.size() < MAX_EXTENSIONS && isExtension(next)) {
            Ipv6.Extension e = extension(d, next, p, limit);
            if (e == null) {
                whole = false;
            } else {
                chain.add(e);
                next = e.nextHeader();
                p += e.length();
            }
        }
        Ipv6 ip = new Ipv6(at, first >>> 20 & 0xFF, first & 0xFFFFF, payloadLength, d.u8(at + 6), d.u8(at + 7),
                d.address(at + 8, 16), d.address(at + 24, 16), chain, next, p);
        d.layers.add(ip);
        if (!whole) {
            return;
        }
        if (payloadLength != 0 && p > at + 40 + payloadLength) {
            d.stop("ipv6", p, StopKind.MALFORMED, "extension headers run past the payload length " + payloadLength);
        } else if (next == Ipv6.ESP) {
            d.stop("esp", p, StopKind.UNSUPPORTED, "ESP payload is encrypted");
        } else if (ip.hasTransportHeader()) {
            TransportDecoder.decode(d, ip, p, limit, payloadLength == 0 ? Math.max(0, end - p) : ip.upperLength());
        }
    }

    private static boolean isExtension(int next) {
        return next == Ipv6.HOP_BY_HOP || next == Ipv6.ROUTING || next == Ipv6.FRAGMENT
                || next == Ipv6.DESTINATION_OPTIONS || next == Ipv6.AH;
    }

    private static Ipv6.Extension extension(Decoding d, int type, int p, int limit) {
        String name = switch (type) {
            case Ipv6.HOP_BY_HOP -> "ipv6.hopopts";
            case Ipv6.ROUTING -> "ipv6.routing";
            case Ipv6.FRAGMENT -> "ipv6.fraghdr";
            case Ipv6.DESTINATION_OPTIONS -> "ipv6.dstopts";
            default -> "ah";
        };
        if (!d.need(name, p, type == Ipv6.FRAGMENT ? 8 : 2, limit)) {
            return null;
        }
        int len = switch (type) {
            case Ipv6.FRAGMENT -> 8;
            case Ipv6.AH -> (d.u8(p + 1) + 2) * 4;
            default -> (d.u8(p + 1) + 1) * 8;
        };
        if (!d.need(name, p, Math.max(len, type == Ipv6.AH ? 12 : 4), limit)) {
            return null;
        }
        int next = d.u8(p);
        return switch (type) {
            case Ipv6.FRAGMENT -> new Ipv6.Fragment(next, p, d.u16(p + 2) >>> 3, (d.u16(p + 2) & 1) != 0, d.u32(p + 4));
            case Ipv6.ROUTING -> new Ipv6.Routing(next, p, len, d.u8(p + 2), d.u8(p + 3), d.bytes(p + 4, len - 4));
            case Ipv6.AH -> new Ipv6.Auth(next, p, len, d.u32(p + 4), d.u32(p + 8));
            default -> new Ipv6.Options(type, next, p, len, tlvOptions(d, p + 2, p + len));
        };
    }

    private static List<Ipv6.Option> tlvOptions(Decoding d, int from, int to) {
        List<Ipv6.Option> options = new ArrayList<>();
        int p = from;
        while (p < to) {
            int type = d.u8(p);
            if (type == 0) {
                options.add(new Ipv6.Option(0, new byte[0]));
                p++;
                continue;
            }
            int len = p + 1 < to ? d.u8(p + 1) : -1;
            if (len < 0 || p + 2 + len > to) {
                d.problem("ipv6 option " + type + " with length " + len + " past its header");
                break;
            }
            options.add(new Ipv6.Option(type, d.bytes(p + 2, len)));
            p += 2 + len;
        }
        return options;
    }
}
