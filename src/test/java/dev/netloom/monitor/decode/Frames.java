package dev.netloom.monitor.decode;

import dev.netloom.monitor.pcap.LinkType;
import dev.netloom.monitor.pcap.RawPacket;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;

/** Hand-made frames for the decoder's tests: each layer built from its fields, in wire order. */
final class Frames {

    static final byte[] MAC_A = HexFormat.of().parseHex("020000000001");
    static final byte[] MAC_B = HexFormat.of().parseHex("020000000002");

    private Frames() {
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static byte[] u16(int v) {
        return new byte[] {(byte) (v >> 8), (byte) v};
    }

    static byte[] u32(long v) {
        return new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
    }

    static byte[] eth(int type, byte[] payload) {
        return concat(MAC_B, MAC_A, u16(type), payload);
    }

    /** IPv4 10.0.0.1 > 10.0.0.2, TTL 64, DF, id 0x1234, no options. */
    static byte[] ipv4(int protocol, byte[] payload) {
        return ipv4(0x45, 20 + payload.length, 0x4000, protocol, new byte[0], payload);
    }

    static byte[] ipv4(int versionIhl, int total, int flagsOffset, int protocol, byte[] options, byte[] payload) {
        return concat(new byte[] {(byte) versionIhl, 0}, u16(total), u16(0x1234), u16(flagsOffset),
                new byte[] {64, (byte) protocol}, u16(0xBEEF), hex("0a000001 0a000002"), options, payload);
    }

    /** IPv6 2001:db8::1 > 2001:db8::2, hop limit 64. */
    static byte[] ipv6(int next, byte[] payload) {
        return concat(hex("60000000"), u16(payload.length), new byte[] {(byte) next, 64},
                hex("20010db8000000000000000000000001 20010db8000000000000000000000002"), payload);
    }

    static byte[] tcp(int sp, int dp, long seq, long ack, int flags, byte[] options, byte[] payload) {
        int offset = (20 + options.length) / 4;
        return concat(u16(sp), u16(dp), u32(seq), u32(ack), new byte[] {(byte) (offset << 4), (byte) flags},
                u16(512), u16(0xCAFE), u16(0), options, payload);
    }

    static byte[] udp(int sp, int dp, byte[] payload) {
        return concat(u16(sp), u16(dp), u16(8 + payload.length), u16(0), payload);
    }

    static RawPacket packet(int linkType, byte[] data) {
        return new RawPacket(0, data.length, linkType, data);
    }

    static RawPacket ethernet(byte[] data) {
        return packet(LinkType.ETHERNET, data);
    }

    static byte[] cut(byte[] data, int length) {
        return Arrays.copyOf(data, length);
    }
}
