package dev.netloom.tools;

import dev.netloom.core.HostPort;

import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * A {@code tcp://HOST:PORT} or {@code udp://HOST:PORT} target; IPv6 hosts in brackets
 * ({@code tcp://[::1]:7007}).
 *
 * @param transport "tcp" or "udp"
 */
public record Endpoint(String transport, String host, int port) {

    public Endpoint {
        if (!transport.equals("tcp") && !transport.equals("udp")) {
            throw new IllegalArgumentException("transport must be tcp or udp, not '" + transport + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, not " + port);
        }
    }

    /**
     * Parses the notation, the HOST:PORT part as {@link HostPort#parse} reads it (a port alone
     * meaning 127.0.0.1); IllegalArgumentException says what is wrong with the text.
     */
    public static Endpoint parse(String text) {
        int sep = text.indexOf("://");
        if (sep < 0) {
            throw new IllegalArgumentException("'" + text + "' is not tcp://HOST:PORT or udp://HOST:PORT");
        }
        String transport = text.substring(0, sep).toLowerCase(Locale.ROOT);
        String rest = text.substring(sep + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        HostPort hp = HostPort.parse(rest, 0); // one reading of HOST:PORT for every command
        return new Endpoint(transport, hp.host(), hp.port());
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return transport + "://" + HostPort.format(host, port);
    }
}
