package dev.netloom.http;

import dev.netloom.core.Key;
import dev.netloom.core.Settings;
import dev.netloom.core.TcpConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Settings of the {@code http} service beyond the common TCP ones.
 *
 * @param root             directory served (default {@code www} under the netloom home)
 * @param accessLog        Combined Log Format file, or empty for none (default {@code logs/access.log})
 * @param index            file names tried in a directory, in order (default index.html)
 * @param listing          list directories that have no index file (default true)
 * @param dotfiles         serve names starting with a dot (default false)
 * @param keepAliveTimeout close a persistent connection idle this long between requests (15s)
 * @param headerTimeout    a request head must arrive within this time of its first byte (10s), else 408
 * @param maxRequests      requests served on one connection before it is closed (1000)
 * @param cacheBudget      bytes of file content kept in memory in all (64 MiB; 0 = no cache)
 * @param cacheMaxFile     largest file kept in memory (1 MiB)
 * @param cacheCheck       how long a cached file is trusted before it is checked for changes (1s)
 */
public record HttpConfig(Path root, Optional<Path> accessLog, List<String> index, boolean listing, boolean dotfiles,
                         Duration keepAliveTimeout, Duration headerTimeout, int maxRequests, long cacheBudget,
                         int cacheMaxFile, Duration cacheCheck) {

    public static final int DEFAULT_PORT = 8080;
    public static final Key<String> ROOT = Key.string("root", "www", "directory served (relative to the netloom home)");
    public static final Key<String> ACCESS_LOG = Key.string("access-log", "logs/access.log",
            "access log file in Combined Log Format, or off");
    public static final Key<String> INDEX = Key.string("index", "index.html", "index file names tried in a directory, comma-separated");
    public static final Key<Boolean> LISTING = Key.bool("listing", true, "list directories without an index file");
    public static final Key<Boolean> DOTFILES = Key.bool("dotfiles", false, "serve names that start with a dot");
    public static final Key<Duration> KEEP_ALIVE_TIMEOUT = Key.duration("keep-alive-timeout", Duration.ofSeconds(15),
            "close a persistent connection idle this long between requests");
    public static final Key<Duration> HEADER_TIMEOUT = Key.duration("header-timeout", Duration.ofSeconds(10),
            "time allowed to send a request head once it has begun (else 408)");
    public static final Key<Integer> MAX_REQUESTS = Key.integer("max-requests", 1000, 1, Integer.MAX_VALUE,
            "requests served on one connection before it is closed");
    public static final Key<Integer> CACHE_BUDGET = Key.size("cache-budget", 64 * 1024 * 1024, 0, Integer.MAX_VALUE,
            "bytes of file content kept in memory (0 = no cache)");
    public static final Key<Integer> CACHE_MAX_FILE = Key.size("cache-max-file", 1024 * 1024, 0, 64 * 1024 * 1024,
            "largest file kept in memory; larger files are sent with sendfile");
    public static final Key<Duration> CACHE_CHECK = Key.duration("cache-check", Duration.ofSeconds(1),
            "how long a cached file is trusted before it is checked for changes");

    public HttpConfig {
        if (index.isEmpty() || index.stream().anyMatch(n -> n.isEmpty() || n.contains("/"))) {
            throw new IllegalArgumentException("index must be file names without '/', comma-separated");
        }
        index = List.copyOf(index);
    }

    public static List<Key<?>> keys() {
        List<Key<?>> keys = new ArrayList<>(TcpConfig.keys(DEFAULT_PORT));
        keys.addAll(List.of(ROOT, ACCESS_LOG, INDEX, LISTING, DOTFILES, KEEP_ALIVE_TIMEOUT, HEADER_TIMEOUT, MAX_REQUESTS,
                CACHE_BUDGET, CACHE_MAX_FILE, CACHE_CHECK));
        return keys;
    }

    public static HttpConfig from(Settings s) {
        String log = s.get(ACCESS_LOG);
        Optional<Path> accessLog = log.equalsIgnoreCase("off") ? Optional.empty() : Optional.of(s.path(ACCESS_LOG));
        List<String> index = Arrays.stream(s.get(INDEX).split(",")).map(String::strip).toList();
        return Settings.build(s.service(), () -> new HttpConfig(s.path(ROOT), accessLog, index, s.get(LISTING),
                s.get(DOTFILES), s.get(KEEP_ALIVE_TIMEOUT), s.get(HEADER_TIMEOUT), s.get(MAX_REQUESTS),
                s.get(CACHE_BUDGET), s.get(CACHE_MAX_FILE), s.get(CACHE_CHECK)));
    }
}
