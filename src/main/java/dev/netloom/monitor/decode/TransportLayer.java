package dev.netloom.monitor.decode;

/** The header over IP: TCP, UDP, ICMP or ICMPv6. */
public sealed interface TransportLayer extends Layer permits Tcp, Udp, Icmp, Icmpv6 {

    /** Where the payload starts in the captured bytes. */
    int payloadOffset();

    /** The payload's length as the headers say (IP's length less the headers); fewer bytes may have been captured. */
    int payloadLength();
}
