package dev.netloom.monitor.pcap;

/**
 * The link-layer header types of tcpdump.org's list (LINKTYPE_*, the numbers pcap and pcapng
 * files carry; libpcap's DLT_* values map to them) that netloom decodes. Others are carried
 * through as numbers and printed as such.
 */
public final class LinkType {

    /** BSD loopback: a 4-byte address family in the host's byte order, then IP. */
    public static final int NULL = 0;
    /** Ethernet II / 802.3 (and what libpcap gives for most interfaces). */
    public static final int ETHERNET = 1;
    /** Raw IP, no link header (version nibble tells IPv4 from IPv6). */
    public static final int RAW = 101;
    /** Linux "cooked" capture v1 (the "any" device): a 16-byte header. */
    public static final int LINUX_SLL = 113;
    /** Raw IPv4 only. */
    public static final int IPV4 = 228;
    /** Raw IPv6 only. */
    public static final int IPV6 = 229;
    /** Linux "cooked" capture v2: a 20-byte header with the interface index. */
    public static final int LINUX_SLL2 = 276;

    private LinkType() {
    }

    /** The type's name as tcpdump prints it in "link-type NAME (...)", or the number. */
    public static String name(int linkType) {
        return switch (linkType) {
            case NULL -> "NULL";
            case ETHERNET -> "EN10MB";
            case RAW -> "RAW";
            case LINUX_SLL -> "LINUX_SLL";
            case IPV4 -> "IPV4";
            case IPV6 -> "IPV6";
            case LINUX_SLL2 -> "LINUX_SLL2";
            default -> Integer.toString(linkType);
        };
    }
}
