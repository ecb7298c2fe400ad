package dev.netloom.tcpproxy;

import dev.netloom.core.ConfigException;
import dev.netloom.core.Key;
import dev.netloom.core.Settings;
import dev.netloom.core.TcpConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The tcp-proxy's own settings, beside those of every TCP service.
 *
 * @param routes         what to listen on and where to relay it (see {@link Route}); at least one
 * @param connectTimeout how long a connection to a target may take before the client is closed
 * @param delay          fault injection: a pause before each read is forwarded, either way (zero: none)
 * @param dropAfter      fault injection: after this many bytes relayed in one direction both ends are
 *                       closed (zero: never)
 * @param reset          fault injection: the closes the proxy decides (a drop, a target that cannot
 *                       be reached, the other end reset) reset the client (RST) instead of a FIN
 */
public record TcpProxyConfig(List<Route> routes, Duration connectTimeout, Duration delay, long dropAfter,
                             boolean reset) {

    /** Where routes without a listen port listen; the port {@code services} shows. */
    public static final int DEFAULT_PORT = 7015;
    public static final Key<String> ROUTES = new Key<>("routes", "", s -> s, Route.EXPECTED.substring("expected ".length()),
            "LISTEN_PORT=HOST:PORT,...: relay connections to LISTEN_PORT to HOST:PORT (none by default)");
    public static final Key<Duration> CONNECT_TIMEOUT = Key.duration("connect-timeout", Duration.ofSeconds(10),
            "how long connecting to a target may take; then the client is closed");
    public static final Key<Duration> DELAY = Key.duration("delay", Duration.ZERO,
            "fault injection: wait this long before forwarding each read (0 = none)");
    public static final Key<Integer> DROP_AFTER = Key.size("drop-after", 0, 0, Integer.MAX_VALUE,
            "fault injection: close both ends after this many bytes relayed one way (0 = never)");
    public static final Key<Boolean> RESET = Key.bool("reset", false,
            "fault injection: close clients with a reset (RST) when the proxy ends a connection");
    /** A relay has no exchanges to time: an hour, as HAProxy's usual {@code timeout tunnel}. */
    static final Key<Duration> IDLE_TIMEOUT = TcpConfig.IDLE_TIMEOUT.withDefault(Duration.ofHours(1));
    static final Key<Integer> PORT = new Key<>(TcpConfig.PORT.name(), DEFAULT_PORT, TcpConfig.PORT.parser(),
            TcpConfig.PORT.expected(), "listen port of a route written without one (0 = any free port)");

    public TcpProxyConfig {
        routes = List.copyOf(routes);
        if (routes.isEmpty()) {
            throw new ConfigException(Route.KEY + ": no routes: set " + Route.KEY
                    + "=LISTEN_PORT=HOST:PORT,... (e.g. 9000=127.0.0.1:6379, or `start tcp-proxy routes=9000=127.0.0.1:6379`)");
        }
        if (connectTimeout.isNegative() || delay.isNegative() || dropAfter < 0) {
            throw new IllegalArgumentException("durations and drop-after cannot be negative");
        }
    }

    /** The keys of the tcp-proxy: those of a TCP service (port: of routes without one; idle-timeout 1h), then its own. */
    static List<Key<?>> keys() {
        List<Key<?>> keys = new ArrayList<>();
        for (Key<?> k : TcpConfig.keys(DEFAULT_PORT)) {
            keys.add(k.name().equals(IDLE_TIMEOUT.name()) ? IDLE_TIMEOUT : k.name().equals(PORT.name()) ? PORT : k);
        }
        keys.addAll(List.of(ROUTES, CONNECT_TIMEOUT, DELAY, DROP_AFTER, RESET));
        return keys;
    }

    /** @throws ConfigException naming the key and the route at fault, or when there is no route */
    public static TcpProxyConfig from(Settings s) {
        List<Route> routes = Route.parseAll(s.get(ROUTES), s.get(TcpConfig.PORT));
        return Settings.build(s.service(), () -> new TcpProxyConfig(routes, s.get(CONNECT_TIMEOUT), s.get(DELAY),
                s.get(DROP_AFTER), s.get(RESET)));
    }
}
