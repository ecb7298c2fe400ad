package dev.netloom.monitor.decode;

/**
 * One decoded header of a packet, outermost first in {@link DecodedPacket#layers()}: a link
 * header, ARP or an IP header, a transport header, an application summary. Each layer records
 * where it starts in the captured bytes, so analysis code never parses again.
 */
public sealed interface Layer permits LinkLayer, Arp, IpLayer, TransportLayer, AppLayer {

    /** The layer's part of the protocol path, as Wireshark's {@code frame.protocols} names it ({@code eth:ethertype}, {@code ip}, {@code tcp}). */
    String path();

    /** The offset of the header's first byte in {@link dev.netloom.monitor.pcap.RawPacket#data()}. */
    int offset();
}
