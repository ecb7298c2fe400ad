package dev.netloom.monitor;

import dev.netloom.core.HostPort;

import java.util.Locale;

/**
 * What {@code monitor probe} probes, written as a URL: {@code icmp://HOST} (ICMP echo, also a
 * bare {@code HOST}), {@code udp://HOST[:PORT]} (a {@code PING <seq> <payload>} datagram, answered
 * by netloom's ping service, port 7009 unless given, or by any UDP echo server) and
 * {@code tcp://HOST:PORT} (a TCP connect). IPv6 hosts in brackets: {@code tcp://[::1]:22}.
 *
 * @param kind "icmp", "udp" or "tcp"
 * @param port 0 for icmp
 */
public record ProbeTarget(String kind, String host, int port) {

    /** The ping service's default port, for a {@code udp://HOST} without one. */
    public static final int UDP_DEFAULT_PORT = 7009;

    /**
     * Parses the notation above.
     *
     * @throws IllegalArgumentException saying what is wrong (an unknown scheme, a tcp target without its port)
     */
    public static ProbeTarget parse(String text) {
        int sep = text.indexOf("://");
        String kind = sep < 0 ? "icmp" : text.substring(0, sep).toLowerCase(Locale.ROOT);
        String rest = sep < 0 ? text : text.substring(sep + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        return switch (kind) {
            case "icmp" -> {
                String host = HostPort.unbracket(rest.strip());
                boolean withPort = rest.contains("]:") || rest.indexOf(':') >= 0 && rest.indexOf(':') == rest.lastIndexOf(':');
                if (host.isEmpty() || withPort) {
                    throw new IllegalArgumentException("'" + text + "' is not icmp://HOST (it takes no port)");
                }
                yield new ProbeTarget(kind, host, 0);
            }
            case "udp" -> {
                HostPort hp = HostPort.parse(rest, UDP_DEFAULT_PORT);
                yield new ProbeTarget(kind, hp.host(), hp.port());
            }
            case "tcp" -> {
                HostPort hp = HostPort.parse(rest, 0);
                if (hp.port() == 0) {
                    throw new IllegalArgumentException("'" + text + "': tcp://HOST:PORT needs its port");
                }
                yield new ProbeTarget(kind, hp.host(), hp.port());
            }
            default -> throw new IllegalArgumentException("'" + text + "' is not icmp://HOST, udp://HOST[:PORT] or "
                    + "tcp://HOST:PORT");
        };
    }

    @Override
    public String toString() {
        return kind + "://" + (port == 0 ? (host.contains(":") ? "[" + host + "]" : host) : HostPort.format(host, port));
    }
}
