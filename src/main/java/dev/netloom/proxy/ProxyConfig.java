package dev.netloom.proxy;

import dev.netloom.core.Cidr;
import dev.netloom.core.Key;
import dev.netloom.core.PasswordHash;
import dev.netloom.core.Settings;
import dev.netloom.core.TcpConfig;
import dev.netloom.http1.Forwarded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settings of the {@code proxy} service beyond the common TCP ones.
 *
 * @param allow           client address blocks served; others get 403 (default loopback only)
 * @param connectPorts    ports CONNECT may reach (default 443, as Squid's SSL_ports)
 * @param cacheSize       bytes of responses kept in memory (0 = no cache)
 * @param cacheMaxObject  the largest response stored; larger ones are streamed
 * @param heuristicMax    the cap on heuristic freshness (0 = none given)
 * @param deny            destinations refused with 403
 * @param users           name to password hash; empty = no proxy authentication
 * @param purgeAllow      client blocks that may send PURGE
 * @param forwarded       what to tell origins of the client: nothing, X-Forwarded-For or Forwarded
 * @param accessLog       the access log, or empty for none
 * @param logFormat       squid (native) or combined
 * @param headerTimeout   a request head must arrive within this time of its first byte
 * @param keepAlive       a client connection idle this long between requests is closed
 * @param connectTimeout  connecting to an origin
 * @param readTimeout     waiting for an origin's response bytes
 * @param poolIdle        idle origin connections kept per host:port
 * @param poolIdleTimeout how long an idle origin connection is kept
 * @param tunnelIdle      a CONNECT tunnel silent this long both ways is closed
 * @param maxPerIp        client connections from one address at once
 */
public record ProxyConfig(List<Cidr> allow, Set<Integer> connectPorts, long cacheSize, long cacheMaxObject,
                          Duration heuristicMax, DenyRules deny, Map<String, String> users, List<Cidr> purgeAllow,
                          Forwarded forwarded, Optional<Path> accessLog, LogFormat logFormat, Duration headerTimeout,
                          Duration keepAlive, Duration connectTimeout, Duration readTimeout, int poolIdle,
                          Duration poolIdleTimeout, Duration tunnelIdle, int maxPerIp) {

    public static final int DEFAULT_PORT = 3128;

    /** The access log's line format. */
    public enum LogFormat { SQUID, COMBINED }

    public static final Key<String> ALLOW = Key.string("allow", "127.0.0.0/8,::1",
            "client address blocks served, comma-separated CIDRs (others get 403; 0.0.0.0/0,::/0 = anyone)");
    public static final Key<List<String>> CONNECT_PORTS = Key.list("connect-ports", List.of("443"),
            "comma-separated ports", "ports CONNECT may tunnel to (others get 403), as Squid's SSL_ports");
    public static final Key<Integer> CACHE_SIZE = Key.size("cache-size", 256 * 1024 * 1024, 0, Integer.MAX_VALUE,
            "bytes of responses kept in memory, least recently used dropped first (0 = no cache)");
    public static final Key<Integer> CACHE_MAX_OBJECT = Key.size("cache-max-object", 8 * 1024 * 1024, 0,
            Integer.MAX_VALUE, "the largest response stored; larger ones are streamed, not stored");
    public static final Key<Duration> HEURISTIC_MAX = Key.duration("heuristic-max", Duration.ofDays(1),
            "cap on heuristic freshness (10% of the time since Last-Modified); 0 turns heuristics off");
    public static final Key<List<String>> DENY_HOSTS = Key.list("deny-hosts", List.of(), "comma-separated domains",
            "destinations refused with 403: a domain and its subdomains (ads.example blocks x.ads.example)");
    public static final Key<List<String>> DENY_URLS = Key.list("deny-urls", List.of(), "comma-separated regexes",
            "URLs refused with 403, each a Java regex found anywhere in the URL");
    public static final Key<String> DENY_FILE = Key.string("deny-file", "off",
            "a file of rules, one a line ('host DOMAIN' or 'url REGEX', # comments), read again when it changes;"
                    + " off = none");
    public static final Key<List<String>> USERS = Key.list("users", List.of(), "comma-separated user names",
            "users who may use the proxy (Proxy-Authorization: Basic); none = no authentication;"
                    + " each needs proxy.user.NAME.password");
    public static final Key<String> PASSWORD = new Key<>("user.*.password", null,
            s -> PasswordHash.isValid(s) ? s : null, "a hash printed by netloom ftp-passwd",
            "the user's password hash (pbkdf2-sha256$...), as netloom ftp-passwd prints it");
    public static final Key<String> PURGE_ALLOW = Key.string("purge-allow", "127.0.0.0/8,::1",
            "client address blocks that may send PURGE (others get 403)");
    public static final Key<Forwarded> FORWARDED = Key.choice("forwarded", Forwarded.OFF,
            "tell origins the client's address (off by default: a forward proxy does not leak its clients)");
    public static final Key<String> ACCESS_LOG = Key.string("access-log", "logs/proxy-access.log",
            "access log file (relative to the netloom home), or off");
    public static final Key<LogFormat> LOG_FORMAT = Key.choice("log-format", LogFormat.SQUID, "the access log's format: Squid's native one or Combined");
    public static final Key<Duration> HEADER_TIMEOUT = Key.duration("header-timeout", Duration.ofSeconds(10),
            "time allowed to send a request head once it has begun (else 408)");
    public static final Key<Duration> KEEP_ALIVE_TIMEOUT = Key.duration("keep-alive-timeout", Duration.ofSeconds(15),
            "close a client connection idle this long between requests");
    public static final Key<Duration> CONNECT_TIMEOUT = Key.duration("connect-timeout", Duration.ofSeconds(5),
            "time to connect to an origin (else 504)");
    public static final Key<Duration> READ_TIMEOUT = Key.duration("read-timeout", Duration.ofSeconds(30),
            "time an origin may keep the proxy waiting for its response (else 504)");
    public static final Key<Integer> POOL_IDLE = Key.integer("pool-idle", 16, 0, 10_000,
            "idle keep-alive connections kept per origin host:port (0 = none)");
    public static final Key<Duration> POOL_IDLE_TIMEOUT = Key.duration("pool-idle-timeout", Duration.ofSeconds(30),
            "how long an idle origin connection is kept");
    public static final Key<Duration> TUNNEL_IDLE = Key.duration("tunnel-idle", Duration.ofMinutes(5),
            "close a CONNECT tunnel silent this long both ways");

    public static final Key<Integer> MAX_PER_IP = Key.integer("max-per-ip", 1000, 1, 1_000_000,
            "client connections from one address at once; more get 503 (a browser opens a few dozen, a load test more)");

    public static List<Key<?>> keys() {
        List<Key<?>> keys = new ArrayList<>(TcpConfig.keys(DEFAULT_PORT));
        keys.addAll(List.of(ALLOW, CONNECT_PORTS, CACHE_SIZE, CACHE_MAX_OBJECT, HEURISTIC_MAX, DENY_HOSTS, DENY_URLS,
                DENY_FILE, USERS, PASSWORD, PURGE_ALLOW, FORWARDED, ACCESS_LOG, LOG_FORMAT, HEADER_TIMEOUT,
                KEEP_ALIVE_TIMEOUT, CONNECT_TIMEOUT, READ_TIMEOUT, POOL_IDLE, POOL_IDLE_TIMEOUT, TUNNEL_IDLE, MAX_PER_IP));
        return keys;
    }

    public static ProxyConfig from(Settings s) {
        return Settings.build(s.service(), () -> {
            Set<Integer> ports = new TreeSet<>();
            for (String p : s.get(CONNECT_PORTS)) {
                int port = Integer.parseInt(p);
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("connect-ports: " + p + " is not a port 1-65535");
                }
                ports.add(port);
            }
            String file = s.get(DENY_FILE);
            DenyRules deny = new DenyRules(s.get(DENY_HOSTS), s.get(DENY_URLS),
                    file.equalsIgnoreCase("off") ? null : s.path(DENY_FILE));
            String log = s.get(ACCESS_LOG);
            return new ProxyConfig(Cidr.parseList(s.get(ALLOW)), Set.copyOf(ports), s.get(CACHE_SIZE),
                    s.get(CACHE_MAX_OBJECT), s.get(HEURISTIC_MAX), deny,
                    PasswordHash.users(s, USERS, PASSWORD, "ftp-passwd"), Cidr.parseList(s.get(PURGE_ALLOW)),
                    s.get(FORWARDED), log.equalsIgnoreCase("off") ? Optional.empty() : Optional.of(s.path(ACCESS_LOG)),
                    s.get(LOG_FORMAT), s.get(HEADER_TIMEOUT), s.get(KEEP_ALIVE_TIMEOUT), s.get(CONNECT_TIMEOUT),
                    s.get(READ_TIMEOUT), s.get(POOL_IDLE), s.get(POOL_IDLE_TIMEOUT), s.get(TUNNEL_IDLE), s.get(MAX_PER_IP));
        });
    }
}
