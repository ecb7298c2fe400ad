package dev.netloom.monitor.decode;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * An ICMPv6 message (RFC 4443, and RFC 4861's neighbour discovery): type, code, checksum as
 * sent; for echo the identifier and sequence; for neighbour solicitation and advertisement the
 * target address (and the R/S/O flags in {@code flags}); for a router advertisement the current
 * hop limit, the M/O flags, router lifetime, reachable time and retransmission timer; and the
 * neighbour discovery options (type and data) of the four ND messages.
 */
public record Icmpv6(int offset, int type, int code, int checksum, int length, int identifier, int sequence,
                     InetAddress target, int flags, int curHopLimit, int routerLifetime, long reachableTime,
                     long retransTimer, List<NdOption> options) implements TransportLayer {

    public static final int ECHO_REQUEST = 128;
    public static final int ECHO_REPLY = 129;
    public static final int ROUTER_SOLICITATION = 133;
    public static final int ROUTER_ADVERTISEMENT = 134;
    public static final int NEIGHBOR_SOLICITATION = 135;
    public static final int NEIGHBOR_ADVERTISEMENT = 136;

    public Icmpv6 {
        options = List.copyOf(options);
    }

    /** One neighbour discovery option: its type (1 source link-layer address, 2 target, 3 prefix, 5 MTU) and data. */
    public record NdOption(int type, byte[] data) {
    }

    @Override
    public String path() {
        return "icmpv6";
    }

    /** The target address of a neighbour solicitation or advertisement. */
    public Optional<InetAddress> targetAddress() {
        return Optional.ofNullable(target);
    }

    @Override
    public int payloadOffset() {
        return offset + 4;
    }

    @Override
    public int payloadLength() {
        return Math.max(0, length - 4);
    }
}
