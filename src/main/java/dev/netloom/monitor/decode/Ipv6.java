package dev.netloom.monitor.decode;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * An IPv6 header (RFC 8200 §3) and its extension header chain (§4): traffic class, flow label,
 * payload length, the first next-header value, hop limit, the addresses, then each extension
 * header in order. The chain stops at the first header that is not hop-by-hop options,
 * routing, fragment, destination options or AH; {@link #upperProtocol()} is the next-header
 * value found there (ESP, 50, and No Next Header, 59, end it too).
 */
public record Ipv6(int offset, int trafficClass, int flowLabel, int payloadLength, int nextHeader, int hopLimit,
                   InetAddress source, InetAddress destination, List<Extension> extensions, int upperProtocol,
                   int payloadOffset) implements IpLayer {

    /** Next-header value of hop-by-hop options. */
    public static final int HOP_BY_HOP = 0;
    /** Next-header value of the routing header. */
    public static final int ROUTING = 43;
    /** Next-header value of the fragment header. */
    public static final int FRAGMENT = 44;
    /** Next-header value of ESP. */
    public static final int ESP = 50;
    /** Next-header value of AH. */
    public static final int AH = 51;
    /** Next-header value of "no next header". */
    public static final int NO_NEXT_HEADER = 59;
    /** Next-header value of destination options. */
    public static final int DESTINATION_OPTIONS = 60;

    public Ipv6 {
        extensions = List.copyOf(extensions);
    }

    /**
     * One extension header: its type (the next-header value that named it), the next-header
     * value it holds, where it starts and its length in bytes, and what its type defines.
     */
    public sealed interface Extension {

        int type();

        int nextHeader();

        int offset();

        int length();

        /** The Wireshark name ({@code ipv6.hopopts}, {@code ipv6.routing}, {@code ipv6.fraghdr}, {@code ipv6.dstopts}, {@code ah}). */
        default String path() {
            return switch (type()) {
                case HOP_BY_HOP -> "ipv6.hopopts";
                case ROUTING -> "ipv6.routing";
                case FRAGMENT -> "ipv6.fraghdr";
                case DESTINATION_OPTIONS -> "ipv6.dstopts";
                default -> "ah";
            };
        }
    }

    /** Hop-by-hop or destination options: the TLV options (Pad1 has type 0 and no data). */
    public record Options(int type, int nextHeader, int offset, int length, List<Option> options) implements Extension {

        public Options {
            options = List.copyOf(options);
        }
    }

    /** One option of a hop-by-hop or destination options header. */
    public record Option(int type, byte[] data) {
    }

    /** A routing header: routing type, segments left and the type-specific data. */
    public record Routing(int nextHeader, int offset, int length, int routingType, int segmentsLeft, byte[] data)
            implements Extension {

        @Override
        public int type() {
            return ROUTING;
        }
    }

    /** A fragment header: offset in 8-byte units, M flag, identification. */
    public record Fragment(int nextHeader, int offset, int fragmentOffset, boolean moreFragments, long identification)
            implements Extension {

        @Override
        public int type() {
            return FRAGMENT;
        }

        @Override
        public int length() {
            return 8;
        }
    }

    /** An authentication header (RFC 4302): SPI and sequence number; its ICV is not checked. */
    public record Auth(int nextHeader, int offset, int length, long spi, long sequence) implements Extension {

        @Override
        public int type() {
            return AH;
        }
    }

    @Override
    public String path() {
        StringBuilder sb = new StringBuilder("ipv6");
        extensions.forEach(e -> sb.append(':').append(e.path()));
        return sb.toString();
    }

    @Override
    public int version() {
        return 6;
    }

    /** The fragment header, if the chain has one. */
    public Optional<Fragment> fragment() {
        return extensions.stream().filter(Fragment.class::isInstance).map(Fragment.class::cast).findFirst();
    }

    @Override
    public int upperProtocol() {
        return upperProtocol;
    }

    @Override
    public int payloadOffset() {
        return payloadOffset;
    }

    @Override
    public int upperLength() {
        return Math.max(0, payloadLength - (payloadOffset - offset - 40));
    }

    @Override
    public int hopLimit() {
        return hopLimit;
    }

    @Override
    public boolean hasTransportHeader() {
        return fragment().map(f -> f.fragmentOffset() == 0).orElse(true)
                && upperProtocol != ESP && upperProtocol != NO_NEXT_HEADER;
    }
}
