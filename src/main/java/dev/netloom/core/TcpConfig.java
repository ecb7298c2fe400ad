package dev.netloom.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings every TCP service shares.
 *
 * @param host           address to bind; default 127.0.0.1 (0.0.0.0 for every interface)
 * @param port           port to bind, 0 for any free one
 * @param maxConnections connections served at once; one more is refused in the protocol's way
 * @param idleTimeout    a connection silent this long is closed; zero means never
 * @param backlog        the listen queue length asked of the OS
 * @param grace          how long {@code stop} lets busy connections finish before closing them
 * @param tcpNoDelay     TCP_NODELAY on every accepted socket (default true, as nginx's {@code tcp_nodelay}
 *                       and Redis do): a reply goes out when written instead of waiting for an ACK
 * @param reusePort      SO_REUSEPORT on the listener (default false): several processes bind the same
 *                       port and the kernel spreads connections over them ({@code serve --workers} sets it)
 * @param drainIdle      how long a stop lets connections idle at its start send one more request, answered
 *                       as the last (HTTP: {@code Connection: close}), before it closes those still idle
 *                       (default zero: at once); a reload's old workers use it so that no client's next
 *                       request meets a closed connection
 */
public record TcpConfig(String host, int port, int maxConnections, Duration idleTimeout, int backlog,
                        Duration grace, boolean tcpNoDelay, boolean reusePort, Duration drainIdle) {

    public static final Key<String> HOST = Key.string("host", "127.0.0.1", "address to listen on (0.0.0.0 = all)");
    public static final Key<Integer> PORT = Key.port(0, "port to listen on (0 = any free port)");
    public static final Key<Integer> MAX_CONNECTIONS = Key.integer("max-connections", 10_000, 1, 1_000_000,
            "connections served at once; more are refused in the protocol's way");
    public static final Key<Duration> IDLE_TIMEOUT = Key.duration("idle-timeout", Duration.ofMinutes(5),
            "close a connection silent this long (0 = never)");
    public static final Key<Integer> BACKLOG = Key.integer("backlog", 1024, 1, 65535, "listen queue length");
    public static final Key<Duration> GRACE = Key.duration("grace", Duration.ofSeconds(5),
            "how long stop lets busy connections finish before closing them");
    public static final Key<Boolean> TCP_NO_DELAY = Key.bool("tcp-no-delay", true,
            "TCP_NODELAY on every accepted socket (Nagle off: a small reply goes out when written, as nginx's"
                    + " tcp_nodelay on and Redis do); false lets the kernel coalesce small writes");
    public static final Key<Boolean> REUSE_PORT = Key.bool("reuse-port", false,
            "SO_REUSEPORT on the listener: processes that all set it share the port, the kernel spreading"
                    + " connections over them (serve --workers sets it for its workers)");
    public static final Key<Duration> DRAIN_IDLE = Key.duration("drain-idle", Duration.ZERO,
            "how long a stop lets idle connections send one more request (answered as the last) before closing"
                    + " them (0 = at once; serve --workers gives its workers 1s when it is 0)");

    public TcpConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in 0-65535");
        }
        if (maxConnections < 1 || backlog < 1) {
            throw new IllegalArgumentException("max-connections and backlog must be at least 1");
        }
        if (idleTimeout.isNegative() || grace.isNegative() || drainIdle.isNegative()) {
            throw new IllegalArgumentException("durations cannot be negative");
        }
    }

    /** The keys of a TCP service whose default port is {@code defaultPort}. */
    public static List<Key<?>> keys(int defaultPort) {
        return List.of(HOST, PORT.withDefault(defaultPort),
                MAX_CONNECTIONS, IDLE_TIMEOUT, BACKLOG, GRACE, TCP_NO_DELAY, REUSE_PORT, DRAIN_IDLE);
    }

    public static TcpConfig defaults(int port) {
        return new TcpConfig("127.0.0.1", port, 10_000, Duration.ofMinutes(5), 1024, Duration.ofSeconds(5), true, false, Duration.ZERO);
    }

    public static TcpConfig from(Settings s) {
        return Settings.build(s.service(), () -> new TcpConfig(s.get(HOST), s.get(PORT),
                s.get(MAX_CONNECTIONS), s.get(IDLE_TIMEOUT), s.get(BACKLOG), s.get(GRACE), s.get(TCP_NO_DELAY),
                s.get(REUSE_PORT), s.get(DRAIN_IDLE)));
    }

    public TcpConfig withPort(int newPort) {
        return new TcpConfig(host, newPort, maxConnections, idleTimeout, backlog, grace, tcpNoDelay, reusePort, drainIdle);
    }
}
