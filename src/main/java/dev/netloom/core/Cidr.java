package dev.netloom.core;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An address block in CIDR notation ({@code 127.0.0.0/8}, {@code ::1}, {@code 10.1.2.3}) for
 * access rules: parsed from literals only (never a DNS lookup), an IPv4 rule also matching the
 * IPv4-mapped IPv6 form of its addresses ({@code ::ffff:127.0.0.1}), as a dual-stack listener
 * reports them.
 *
 * @param network the block's address bytes, host bits zero
 * @param bits    the prefix length
 */
public record Cidr(byte[] network, int bits) {

    /** A block from {@code text}; a {@link ConfigException}-worthy message in an IllegalArgumentException otherwise. */
    public static Cidr parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IP address or CIDR block: " + text);
        }
        boolean mapped = bytes.length == 4 && address.indexOf(':') >= 0; // ::ffff:a.b.c.d, which Java makes IPv4
        int max = mapped ? 128 : bytes.length * 8;
        int bits = bytes.length * 8;
        if (slash >= 0) {
            String prefix = s.substring(slash + 1);
            if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > max) {
                throw new IllegalArgumentException("bad prefix length in " + text + " (0-" + max + ")");
            }
            bits = Math.max(0, Integer.parseInt(prefix) - (mapped ? 96 : 0));
        }
        return new Cidr(mask(bytes, bits), bits);
    }

    /** Blocks from a comma-separated list (blank entries skipped). */
    public static List<Cidr> parseList(String text) {
        List<Cidr> list = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                list.add(parse(part));
            }
        }
        return List.copyOf(list);
    }

    /** True when {@code address} is in one of {@code blocks}. */
    public static boolean anyContains(List<Cidr> blocks, InetAddress address) {
        for (Cidr c : blocks) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The bytes of an IPv4 dotted quad or IPv6 literal, or null when it is neither. */
    private static byte[] literal(String s) {
        if (s.matches("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})")) {
            String[] parts = s.split("\\.");
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return null;
                }
                b[i] = (byte) v;
            }
            return b;
        }
        if (s.indexOf(':') < 0 || !s.matches("[0-9A-Fa-f:.]{2,45}")) {
            return null;
        }
        try {
            InetAddress a = InetAddress.getByName("[" + s + "]"); // bracketed: a literal, or an error, never a lookup
            return a instanceof Inet6Address || a instanceof Inet4Address ? a.getAddress() : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] mask(byte[] bytes, int bits) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - 8 * i));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    /** True when {@code address} lies in this block (an IPv4 block also takes the IPv4-mapped IPv6 form). */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 16 && network.length == 4 && isV4Mapped(a)) {
            byte[] v4 = new byte[4];
            System.arraycopy(a, 12, v4, 0, 4);
            a = v4;
        }
        if (a.length != network.length) {
            return false;
        }
        byte[] m = mask(a, bits);
        for (int i = 0; i < m.length; i++) {
            if (m[i] != network[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + bits;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.bits == bits && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + bits;
    }
}
