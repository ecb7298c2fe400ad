package dev.netloom.monitor.decode;

import java.util.HexFormat;
import java.util.List;

/**
 * The link header a capture starts with: Ethernet II (with 802.1Q/802.1ad VLAN tags), the Linux
 * cooked headers SLL and SLL2, or BSD loopback's address family. Raw IP link types have none.
 */
public sealed interface LinkLayer extends Layer {

    /** EtherType of IPv4. */
    int IPV4 = 0x0800;
    /** EtherType of ARP. */
    int ARP = 0x0806;
    /** EtherType of IPv6. */
    int IPV6 = 0x86DD;
    /** EtherType of an 802.1Q VLAN tag. */
    int VLAN = 0x8100;
    /** EtherType of an 802.1ad (QinQ) service tag. */
    int QINQ = 0x88A8;

    /** The EtherType of what follows (for loopback: the address family mapped to IPv4's or IPv6's EtherType, or -1). */
    int etherType();

    /** The header's length in bytes, tags included. */
    int length();

    /** A MAC (or any link) address as {@code 00:11:22:33:44:55}. */
    static String mac(byte[] address) {
        return HexFormat.ofDelimiter(":").formatHex(address);
    }

    /**
     * An Ethernet II header: destination and source MAC, the VLAN tags in wire order, and the
     * EtherType after the last tag. A value of 1500 or less is an 802.3 length, not a type.
     */
    record Ethernet(int offset, byte[] destination, byte[] source, List<VlanTag> vlans, int etherType)
            implements LinkLayer {

        public Ethernet {
            vlans = List.copyOf(vlans);
        }

        @Override
        public String path() {
            return vlans.isEmpty() ? "eth:ethertype" : "eth:ethertype" + ":vlan:ethertype".repeat(vlans.size());
        }

        @Override
        public int length() {
            return 14 + 4 * vlans.size();
        }
    }

    /** One 802.1Q tag: the tag's own type (0x8100 or 0x88a8), priority (PCP), drop eligible (DEI) and VLAN id. */
    record VlanTag(int tagType, int priority, boolean dropEligible, int id) {
    }

    /**
     * Linux cooked capture v1: packet type (0 to us, 1 broadcast, 2 multicast, 3 to another host,
     * 4 sent by us), ARPHRD type, the link address (up to 8 bytes) and the protocol (an EtherType).
     */
    record LinuxSll(int offset, int packetType, int hardwareType, byte[] address, int etherType) implements LinkLayer {

        @Override
        public String path() {
            return "sll:ethertype";
        }

        @Override
        public int length() {
            return 16;
        }
    }

    /** Linux cooked capture v2: v1's fields plus the interface index. */
    record LinuxSll2(int offset, int etherType, int interfaceIndex, int hardwareType, int packetType, byte[] address)
            implements LinkLayer {

        @Override
        public String path() {
            return "sll:ethertype";
        }

        @Override
        public int length() {
            return 20;
        }
    }

    /** BSD loopback (link type NULL): the address family, read in the byte order that makes sense. */
    record Loopback(int offset, int family, int etherType) implements LinkLayer {

        @Override
        public String path() {
            return "null";
        }

        @Override
        public int length() {
            return 4;
        }
    }

    /** The packet type names of SLL, as tcpdump prints them ({@code In}, {@code Out}, {@code B}, {@code M}, {@code P}). */
    static String packetTypeName(int packetType) {
        return switch (packetType) {
            case 0 -> "In";
            case 1 -> "B";
            case 2 -> "M";
            case 3 -> "P";
            case 4 -> "Out";
            default -> "?";
        };
    }
}
