package dev.netloom.monitor.decode;

/** A UDP header (RFC 768): ports, the length field (header included), checksum as sent; the payload's place. */
public record Udp(int offset, int sourcePort, int destinationPort, int length, int checksum, int payloadOffset,
                  int payloadLength) implements TransportLayer {

    @Override
    public String path() {
        return "udp";
    }
}
