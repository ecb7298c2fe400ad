package dev.netloom.monitor.decode;

import java.util.Optional;

/**
 * An ICMP message (RFC 792): type, code, checksum as sent, and the 32-bit rest of the header
 * (echo: identifier and sequence). An error message (destination unreachable, source quench,
 * redirect, time exceeded, parameter problem) quotes the offending datagram's IP header and
 * its first 8 bytes: {@code quoted} is that header decoded, with its ports (-1 without them).
 */
public record Icmp(int offset, int type, int code, int checksum, long rest, int length, Ipv4 quoted,
                   int quotedSourcePort, int quotedDestinationPort) implements TransportLayer {

    public static final int ECHO_REPLY = 0;
    public static final int UNREACHABLE = 3;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;

    @Override
    public String path() {
        return "icmp";
    }

    /** Whether this is an echo request or reply. */
    public boolean echo() {
        return type == ECHO_REPLY || type == ECHO_REQUEST;
    }

    /** The echo identifier (the rest of header's upper 16 bits). */
    public int identifier() {
        return (int) (rest >>> 16);
    }

    /** The echo sequence number (the rest of header's lower 16 bits). */
    public int sequence() {
        return (int) (rest & 0xFFFF);
    }

    /** The quoted datagram's IP header of an error message. */
    public Optional<Ipv4> quotedIp() {
        return Optional.ofNullable(quoted);
    }

    @Override
    public int payloadOffset() {
        return offset + 8;
    }

    @Override
    public int payloadLength() {
        return Math.max(0, length - 8);
    }
}
