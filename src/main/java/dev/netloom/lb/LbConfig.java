package dev.netloom.lb;

import dev.netloom.core.ConfigException;
import dev.netloom.core.Key;
import dev.netloom.core.Settings;
import dev.netloom.core.TcpConfig;
import dev.netloom.http1.Forwarded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Settings of the {@code lb} service: the default pool's keys ({@code lb.port}, {@code lb.mode},
 * {@code lb.servers}, ...), more pools with {@code lb.pools=NAME,...} and the same keys under
 * {@code lb.NAME.} (a pattern key {@code *.KEY} for each), and the access log.
 *
 * @param pools     the default pool first, then those of {@code lb.pools} in order
 * @param accessLog the access log (HAProxy's format), or empty for none
 */
public record LbConfig(List<PoolConfig> pools, Optional<Path> accessLog) {

    public static final int DEFAULT_PORT = 8090;

    public static final Key<PoolConfig.Mode> MODE = Key.choice("mode", PoolConfig.Mode.HTTP,
            "http: each request routed to a server (layer 7); tcp: each connection spliced to one (layer 4)");
    public static final Key<List<ServerSpec>> SERVERS = new Key<>("servers", List.of(), ServerSpec::parseList,
            "NAME=HOST:PORT[*WEIGHT],...", "the servers, e.g. a=127.0.0.1:9001,b=127.0.0.1:9002*3 (weight 1-256, 1 when"
            + " absent); none = every request 503 until `lb add`");
    public static final Key<Algorithm> ALGORITHM = new Key<>("algorithm", new Algorithm(Algorithm.Kind.ROUNDROBIN, null),
            Algorithm::parse, Algorithm.EXPECTED, "smooth weighted round-robin, weighted least-connections, random"
            + " with two choices, or a consistent hash of the client address, the URI or a header (http mode)");
    public static final Key<HealthCheck> CHECK = new Key<>("check", new HealthCheck(HealthCheck.Kind.TCP, null),
            HealthCheck::parse, HealthCheck.EXPECTED, "active health check of each server: a connect, none, or a GET of"
            + " PATH whose status must be in check-status");
    public static final Key<Duration> CHECK_INTERVAL = Key.duration("check-interval", Duration.ofSeconds(2),
            "time between two checks of a server (HAProxy's inter)");
    public static final Key<Duration> CHECK_TIMEOUT = Key.duration("check-timeout", Duration.ofSeconds(1),
            "how long one check may take before it counts as failed");
    public static final Key<HealthCheck.Statuses> CHECK_STATUS = new Key<>("check-status",
            new HealthCheck.Statuses(200, 399), HealthCheck.Statuses::parse,
            "a status or a range such as 200-399", "the statuses an http check accepts");
    public static final Key<Integer> FALL = Key.integer("fall", 3, 1, 1000, "consecutive failed checks that mark a server DOWN");
    public static final Key<Integer> RISE = Key.integer("rise", 2, 1, 1000, "consecutive good checks that bring it back UP");
    public static final Key<Duration> SLOWSTART = Key.duration("slowstart", Duration.ZERO,
            "a server coming back UP ramps its weight up over this time (0 = full weight at once)");
    public static final Key<Integer> MAXCONN = Key.integer("maxconn-per-server", 0, 0, 1_000_000,
            "connections (tcp) or requests (http) in progress per server; more wait in the queue (0 = no limit)");
    public static final Key<Integer> QUEUE_SIZE = Key.integer("queue-size", 1000, 0, 1_000_000,
            "clients that may wait for a server slot at once; more get 503 (http) or are closed (tcp)");
    public static final Key<Integer> RETRIES = Key.integer("retries", 3, 0, 100,
            "new connection attempts after a connect to a server failed");
    public static final Key<Boolean> REDISPATCH = Key.bool("redispatch", true,
            "a retry goes to another server when there is one (HAProxy's option redispatch)");
    public static final Key<Integer> ERROR_LIMIT = Key.integer("error-limit", 5, 0, 1_000_000,
            "consecutive connection errors or 5xx answers that take a server DOWN until its checks pass rise times"
            + " (0 = never; needs a check)");
    public static final Key<String> STICKY_COOKIE = Key.string("sticky-cookie", "off",
            "a cookie name that pins a client to its server (set by the lb, http mode), or off");
    public static final Key<Forwarded> FORWARDED = Key.choice("forwarded", Forwarded.X_FORWARDED_FOR,
            "what servers are told of the client: X-Forwarded-For and X-Forwarded-Proto, Forwarded (RFC 7239), nothing");
    public static final Key<Duration> TIMEOUT_CONNECT = Key.duration("timeout-connect", Duration.ofSeconds(5),
            "time to connect to a server (then a retry, or 503/close)");
    public static final Key<Duration> TIMEOUT_CLIENT = Key.duration("timeout-client", Duration.ofSeconds(30),
            "a client idle this long (between requests, or silent in tcp mode) is closed");
    public static final Key<Duration> TIMEOUT_SERVER = Key.duration("timeout-server", Duration.ofSeconds(30),
            "a server silent this long while it owes a response gets the client 504 (http)");
    public static final Key<Duration> TIMEOUT_QUEUE = Key.duration("timeout-queue", Duration.ofSeconds(5),
            "a client waiting this long for a server slot gets 503 (http) or is closed (tcp)");
    public static final Key<Duration> TIMEOUT_HTTP_REQUEST = Key.duration("timeout-http-request", Duration.ofSeconds(10),
            "time for a whole request head once it has begun (else 408)");
    public static final Key<List<String>> POOLS = Key.list("pools", List.of(), "comma-separated names",
            "more pools, each with its own port and servers: lb.NAME.port, lb.NAME.servers, and any key above under"
            + " lb.NAME.");
    public static final Key<String> ACCESS_LOG = Key.string("access-log", "logs/lb-access.log",
            "access log in HAProxy's format (timers Tq/Tw/Tc/Tr/Tt, server, termination state), or off");

    /** The keys a pool has (the default pool's own, each also as the pattern {@code *.KEY} for the others). */
    static final List<Key<?>> POOL_KEYS = List.of(MODE, SERVERS, ALGORITHM, CHECK, CHECK_INTERVAL, CHECK_TIMEOUT,
            CHECK_STATUS, FALL, RISE, SLOWSTART, MAXCONN, QUEUE_SIZE, RETRIES, REDISPATCH, ERROR_LIMIT, STICKY_COOKIE,
            FORWARDED, TIMEOUT_CONNECT, TIMEOUT_CLIENT, TIMEOUT_SERVER, TIMEOUT_QUEUE, TIMEOUT_HTTP_REQUEST);

    public LbConfig {
        pools = List.copyOf(pools);
        Set<Integer> ports = new HashSet<>();
        for (PoolConfig p : pools) {
            if (p.port() != 0 && !ports.add(p.port())) {
                throw new IllegalArgumentException(p.key("port") + ": port " + p.port() + " is already another pool's");
            }
        }
    }

    public static List<Key<?>> keys() {
        List<Key<?>> keys = new ArrayList<>(TcpConfig.keys(DEFAULT_PORT));
        keys.addAll(POOL_KEYS);
        keys.add(POOLS);
        keys.add(ACCESS_LOG);
        keys.add(pattern(TcpConfig.PORT, "listen port of pool * (required for each pool of lb.pools; 0 = any free port)"));
        for (Key<?> k : POOL_KEYS) {
            keys.add(pattern(k, k == SERVERS ? "the servers of pool * (none by default)"
                    : "lb." + k.name() + " for pool * (when unset, the default pool's lb." + k.name() + ")"));
        }
        return keys;
    }

    private static <T> Key<T> pattern(Key<T> k, String description) {
        return new Key<>("*." + k.name(), k.defaultValue(), k.parser(), k.expected(), description);
    }

    /** @throws ConfigException naming the key at fault */
    public static LbConfig from(Settings s) {
        List<PoolConfig> pools = new ArrayList<>();
        pools.add(Settings.build(s.service(), () -> pool(s, PoolConfig.DEFAULT)));
        Set<String> seen = new HashSet<>(Set.of(PoolConfig.DEFAULT));
        Set<String> declared = new HashSet<>(s.get(POOLS));
        for (String name : s.get(POOLS)) {
            if (!name.matches("[A-Za-z0-9_-]{1,32}")) {
                throw new ConfigException("lb.pools: '" + name + "' is not a pool name (1-32 letters, digits, '-', '_')");
            }
            if (!seen.add(name)) {
                throw new ConfigException("lb.pools: " + name + (name.equals(PoolConfig.DEFAULT)
                        ? " is the name of the pool set by lb's own keys" : " is given twice"));
            }
            if (!s.parts(portPattern()).contains(name)) {
                throw new ConfigException("lb." + name + ".port: pool " + name + " needs a port (0 = any free one)");
            }
            pools.add(Settings.build(s.service(), () -> pool(s, name)));
        }
        for (Key<?> k : keys()) {
            if (k.isPattern()) {
                for (String part : s.parts(k)) {
                    if (!declared.contains(part)) {
                        throw new ConfigException("lb." + part + "." + k.name().substring(2) + ": there is no pool " + part
                                + " (lb.pools: " + String.join(",", s.get(POOLS)) + ")");
                    }
                }
            }
        }
        String log = s.get(ACCESS_LOG);
        return Settings.build(s.service(), () -> new LbConfig(pools,
                log.equalsIgnoreCase("off") ? Optional.empty() : Optional.of(s.path(ACCESS_LOG))));
    }

    private static Key<?> portPattern() {
        return keys().stream().filter(k -> k.name().equals("*.port")).findFirst().orElseThrow();
    }

    private static PoolConfig pool(Settings s, String name) {
        Values v = new Values(s, name);
        String sticky = v.get(STICKY_COOKIE);
        return new PoolConfig(name, name.equals(PoolConfig.DEFAULT) ? s.get(TcpConfig.PORT) : v.own(TcpConfig.PORT),
                v.get(MODE), name.equals(PoolConfig.DEFAULT) ? s.get(SERVERS) : v.own(SERVERS), v.get(ALGORITHM),
                v.get(CHECK), v.get(CHECK_INTERVAL), v.get(CHECK_TIMEOUT), v.get(CHECK_STATUS), v.get(FALL), v.get(RISE),
                v.get(SLOWSTART), v.get(MAXCONN), v.get(QUEUE_SIZE), v.get(RETRIES), v.get(REDISPATCH),
                v.get(ERROR_LIMIT), sticky.equalsIgnoreCase("off") ? null : sticky, v.get(FORWARDED),
                v.get(TIMEOUT_CONNECT), v.get(TIMEOUT_CLIENT), v.get(TIMEOUT_SERVER), v.get(TIMEOUT_QUEUE),
                v.get(TIMEOUT_HTTP_REQUEST));
    }

    /** A pool's values: its own {@code lb.NAME.KEY} when set, else the default pool's {@code lb.KEY}. */
    private record Values(Settings s, String pool) {

        <T> T get(Key<T> key) {
            if (pool.equals(PoolConfig.DEFAULT)) {
                return s.get(key);
            }
            Key<T> p = patternOf(key);
            return s.parts(p).contains(pool) ? s.get(p, pool) : s.get(key);
        }

        /** The pool's own value, not inherited (port, servers); the key's default when unset. */
        <T> T own(Key<T> key) {
            return s.get(patternOf(key), pool);
        }

        @SuppressWarnings("unchecked")
        private <T> Key<T> patternOf(Key<T> key) {
            for (Key<?> k : keys()) {
                if (k.name().equals("*." + key.name())) {
                    return (Key<T>) k;
                }
            }
            throw new IllegalArgumentException("no pool key " + key.name());
        }
    }
}
