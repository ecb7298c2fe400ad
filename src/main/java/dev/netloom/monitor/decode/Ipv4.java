package dev.netloom.monitor.decode;

import java.net.InetAddress;
import java.util.List;

/**
 * An IPv4 header (RFC 791) with every field: the header length in bytes (IHL × 4), DSCP and ECN
 * (the old TOS byte), total length, identification, the reserved, DF and MF flags, the fragment
 * offset in 8-byte units, TTL, protocol, checksum as sent (not verified), the addresses and the
 * options (each type and its data; EOL and NOP have no data).
 */
public record Ipv4(int offset, int headerLength, int tos, int totalLength, int identification, boolean reservedFlag,
                   boolean dontFragment, boolean moreFragments, int fragmentOffset, int ttl, int protocol,
                   int checksum, InetAddress source, InetAddress destination, List<Option> options) implements IpLayer {

    public Ipv4 {
        options = List.copyOf(options);
    }

    /** One IPv4 option: its type byte (copied flag, class, number) and the bytes after its length byte. */
    public record Option(int type, byte[] data) {
    }

    @Override
    public String path() {
        return "ip";
    }

    @Override
    public int version() {
        return 4;
    }

    /** DSCP: the upper six bits of the TOS byte. */
    public int dscp() {
        return tos >>> 2;
    }

    /** ECN: the lower two bits of the TOS byte. */
    public int ecn() {
        return tos & 3;
    }

    /** The fragment offset in bytes. */
    public int fragmentOffsetBytes() {
        return fragmentOffset * 8;
    }

    /** Whether this is a fragment at all: MF set or a non-zero offset. */
    public boolean fragment() {
        return moreFragments || fragmentOffset != 0;
    }

    @Override
    public int upperProtocol() {
        return protocol;
    }

    @Override
    public int payloadOffset() {
        return offset + headerLength;
    }

    @Override
    public int upperLength() {
        return Math.max(0, totalLength - headerLength);
    }

    @Override
    public int hopLimit() {
        return ttl;
    }

    @Override
    public boolean hasTransportHeader() {
        return fragmentOffset == 0;
    }
}
