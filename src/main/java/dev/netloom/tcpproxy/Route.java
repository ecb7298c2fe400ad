package dev.netloom.tcpproxy;

import dev.netloom.core.ConfigException;
import dev.netloom.core.HostPort;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One route of the tcp-proxy: connections accepted on {@code listenPort} are relayed to
 * {@code host:port}.
 *
 * <p>Syntax of {@code tcp-proxy.routes}: comma-separated {@code [LISTEN_PORT=]HOST:PORT}, e.g.
 * {@code 9000=127.0.0.1:6379,9001=[::1]:80}. LISTEN_PORT is 0-65535 (0: any free port, so
 * several 0 routes may be given); without it the route listens on {@code tcp-proxy.port}. HOST is
 * a name or an address (an IPv6 one in brackets), PORT 1-65535. Two routes on the same non-zero
 * listen port are an error.
 *
 * @param listenPort the port to listen on, 0 for any free one
 * @param host       the target's host name or address
 * @param port       the target's port
 */
public record Route(int listenPort, String host, int port) {

    static final String KEY = "tcp-proxy.routes";
    static final String EXPECTED = "expected LISTEN_PORT=HOST:PORT, comma-separated (e.g. 9000=127.0.0.1:6379)";

    /** The target as written in a listening line and in {@code conns}: {@code HOST:PORT}, IPv6 in brackets. */
    public String target() {
        return HostPort.format(host, port);
    }

    /**
     * Parses {@code tcp-proxy.routes}; a route without a listen port takes {@code defaultListen}.
     *
     * @throws ConfigException naming the key, the route and what is wrong with it (bad port,
     *                         missing host, duplicate listen port)
     */
    static List<Route> parseAll(String text, int defaultListen) {
        List<Route> routes = new ArrayList<>();
        Set<Integer> ports = new HashSet<>();
        for (String item : text.split(",")) {
            String t = item.strip();
            if (t.isEmpty()) {
                continue;
            }
            Route r = parse(t, defaultListen);
            if (r.listenPort != 0 && !ports.add(r.listenPort)) {
                throw bad(t, "listen port " + r.listenPort + " is used by two routes");
            }
            routes.add(r);
        }
        return List.copyOf(routes);
    }

    private static Route parse(String t, int defaultListen) {
        int eq = t.indexOf('=');
        int listen = eq < 0 ? defaultListen : port(t, t.substring(0, eq).strip(), 0, "listen port");
        String target = t.substring(eq + 1).strip();
        int colon = target.lastIndexOf(':');
        if (colon < 0) {
            throw bad(t, "no target port");
        }
        String host = target.substring(0, colon).strip();
        if (host.contains(":") && !host.startsWith("[")) {
            throw bad(t, "an IPv6 target host goes in brackets, as [::1]:6379");
        }
        host = HostPort.unbracket(host);
        if (host.isEmpty()) {
            throw bad(t, "no target host");
        }
        return new Route(listen, host, port(t, target.substring(colon + 1).strip(), 1, "target port"));
    }

    private static int port(String route, String text, int min, String what) {
        int p;
        try {
            p = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < min || p > 65535) {
            throw bad(route, what + " '" + text + "' is not " + min + "-65535");
        }
        return p;
    }

    private static ConfigException bad(String route, String why) {
        return new ConfigException(KEY + ": '" + route + "' is not valid: " + why + "; " + EXPECTED);
    }
}
