package dev.netloom.lb;

import dev.netloom.http1.Forwarded;

import java.time.Duration;
import java.util.List;

/**
 * One pool of the load balancer: its listener, its servers and how it treats them. The default
 * pool is named {@value #DEFAULT} and set by the service's own keys ({@code lb.port}, ...); a
 * pool of {@code lb.pools} by the same keys under {@code lb.NAME.}, each falling back to the
 * default pool's value except {@code port} and {@code servers}.
 *
 * @param name             {@value #DEFAULT}, or a name of {@code lb.pools}
 * @param port             the listen port (0 = any free one)
 * @param mode             http (each request routed) or tcp (each connection spliced)
 * @param servers          the servers at start; {@code lb add} and {@code lb remove} change the running set
 * @param algorithm        how a server is picked
 * @param check            the active health check
 * @param checkInterval    time between two checks of a server (HAProxy's {@code inter})
 * @param checkTimeout     how long one check may take
 * @param checkStatus      the statuses an http check accepts
 * @param fall             consecutive failed checks that mark a server DOWN
 * @param rise             consecutive good checks that bring it back UP
 * @param slowstart        how long a server coming back UP takes to reach its full weight (0 = at once)
 * @param maxconn          connections (tcp) or requests (http) in progress per server (0 = no limit)
 * @param queueSize        clients that may wait for a server slot at once; more are refused
 * @param retries          new connection attempts after a failed connect
 * @param redispatch       whether a retry goes to another server
 * @param errorLimit       consecutive connection errors or 5xx that take a server out (0 = never)
 * @param stickyCookie     the cookie that pins a client to a server, or null for none
 * @param forwarded        what servers are told of the client
 * @param connectTimeout   {@code timeout connect}
 * @param clientTimeout    {@code timeout client}: a client idle this long is closed
 * @param serverTimeout    {@code timeout server}: a server silent this long gets the client 504
 * @param queueTimeout     {@code timeout queue}: a client waiting this long for a slot gets 503
 * @param requestTimeout   {@code timeout http-request}: time for a whole request head (else 408)
 */
public record PoolConfig(String name, int port, Mode mode, List<ServerSpec> servers, Algorithm algorithm,
                         HealthCheck check, Duration checkInterval, Duration checkTimeout,
                         HealthCheck.Statuses checkStatus, int fall,
                         int rise, Duration slowstart, int maxconn, int queueSize, int retries, boolean redispatch,
                         int errorLimit, String stickyCookie, Forwarded forwarded, Duration connectTimeout,
                         Duration clientTimeout, Duration serverTimeout, Duration queueTimeout,
                         Duration requestTimeout) {

    /** The name of the pool set by the service's own keys. */
    public static final String DEFAULT = "default";

    /** What a pool balances. */
    public enum Mode { HTTP, TCP }

    public PoolConfig {
        servers = List.copyOf(servers);
        if (algorithm.needsHttp() && mode == Mode.TCP) {
            throw new IllegalArgumentException(prefix(name) + "algorithm " + algorithm + " needs mode=http"
                    + " (a tcp pool has no URI or headers; use source, roundrobin, leastconn or random2)");
        }
        if (stickyCookie != null && mode == Mode.TCP) {
            throw new IllegalArgumentException(prefix(name) + "sticky-cookie needs mode=http");
        }
        if (checkInterval.isZero() || checkInterval.isNegative()) {
            throw new IllegalArgumentException(prefix(name) + "check-interval must be above 0");
        }
    }

    /** How a key of this pool is written: {@code lb.KEY} for the default pool, {@code lb.NAME.KEY} for others. */
    public String key(String key) {
        return "lb." + prefix(name) + key;
    }

    private static String prefix(String name) {
        return DEFAULT.equals(name) ? "" : name + ".";
    }

    /** The frontend name of logs and listening lines: {@code lb}, or {@code lb.NAME}. */
    public String frontend() {
        return DEFAULT.equals(name) ? "lb" : "lb." + name;
    }
}
