package dev.netloom.monitor.decode;

import dev.netloom.monitor.decode.DecodedPacket.StopKind;
import dev.netloom.monitor.pcap.RawPacket;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The state of one packet's decoding: its bytes, the layers so far, the stop and the problems; and the byte readers. */
final class Decoding {

    final RawPacket raw;
    final byte[] data;
    final List<Layer> layers = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    DecodedPacket.Stop stop;

    Decoding(RawPacket raw) {
        this.raw = raw;
        this.data = raw.data();
    }

    DecodedPacket result() {
        return new DecodedPacket(raw, layers, stop, problems);
    }

    /** Records where decoding stops; the first stop wins. Returns false, for {@code return d.stop(...)}. */
    boolean stop(String protocol, int offset, StopKind kind, String reason) {
        if (stop == null) {
            stop = new DecodedPacket.Stop(protocol, offset, kind, reason);
        }
        return false;
    }

    /** Stops as truncated unless {@code need} bytes are captured at {@code offset} (within {@code end}). */
    boolean need(String protocol, int offset, int need, int end) {
        if (offset + need <= Math.min(end, data.length)) {
            return true;
        }
        return stop(protocol, offset, StopKind.TRUNCATED, protocol + " needs " + need + " bytes at offset " + offset
                + ", " + Math.max(0, Math.min(end, data.length) - offset) + " there");
    }

    void problem(String text) {
        problems.add(text);
    }

    int u8(int at) {
        return data[at] & 0xFF;
    }

    int u16(int at) {
        return (data[at] & 0xFF) << 8 | data[at + 1] & 0xFF;
    }

    long u32(int at) {
        return (long) u16(at) << 16 | u16(at + 2);
    }

    byte[] bytes(int at, int length) {
        return Arrays.copyOfRange(data, at, at + length);
    }

    InetAddress address(int at, int length) {
        try {
            // an IPv4-mapped IPv6 address stays IPv6 (InetAddress.getByAddress would make it IPv4)
            return length == 16 ? Inet6Address.getByAddress(null, bytes(at, length), -1)
                    : InetAddress.getByAddress(bytes(at, length));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }
}
