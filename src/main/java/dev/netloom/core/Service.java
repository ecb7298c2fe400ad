package dev.netloom.core;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A server that the registry starts, stops and inspects. An instance is used once: NEW →
 * STARTING → RUNNING → STOPPING → STOPPED, or FAILED with its cause; {@code restart} builds a
 * fresh instance from the config.
 */
public interface Service extends AutoCloseable {

    String name();

    ServiceType.Transport transport();

    /**
     * Binds and starts serving; returns once the service is RUNNING.
     *
     * @throws ServiceException with a user-facing message (port in use, bad address), after which
     *                          the state is FAILED
     */
    void start();

    /**
     * Stops accepting, lets busy connections finish within {@code grace}, then closes what is
     * left. Safe to call in any state and more than once.
     */
    StopResult stop(Duration grace);

    ServiceState state();

    /** Why the service is FAILED, if it is. */
    Optional<Throwable> failure();

    /** The address really bound (port 0 resolved); null before the service is RUNNING. */
    InetSocketAddress address();

    StatsSnapshot stats();

    /** Open connections (TCP) or recently seen peers (UDP). */
    List<ConnectionInfo> connections();

    /** Closes one connection; false when there is no such id. */
    boolean kill(long id);

    /**
     * Requests counted by their result, for the admin listener's metrics: an HTTP service's
     * responses by status class ({@code 2xx} → count), ftp's and smtp's replies by reply class.
     * Empty when the service does not count them.
     */
    default Map<String, Long> requestsByResult() {
        return Map.of();
    }

    /**
     * Commands counted by name, for the admin listener's {@code netloom_commands_total}: kv's by
     * RESP command, ftp's and smtp's by verb, each over a bounded set ({@link CommandCounts}, the
     * rest as {@code other}); only those counted at least once. Empty when the service does not
     * count them.
     */
    default Map<String, Long> commandCounts() {
        return Map.of();
    }

    /**
     * Metric families of the service's own, for the admin listener's {@code /metrics}: built when
     * asked (at scrape time) from counters the service keeps anyway, named
     * {@code netloom_SERVICE_...} (the lb's per-server series, the proxy's cache). Empty by default.
     */
    default List<MetricFamily> metrics() {
        return List.of();
    }

    /** Lines a service adds to {@code status SERVICE}: per-protocol counters, cache sizes. */
    default List<String> details() {
        return List.of();
    }

    /**
     * What each of the service's listening lines says after {@code listening on}: by default one,
     * {@code HOST:PORT (tcp|udp)}; a service with several listeners gives one each, starting the
     * same way (tcp-proxy: {@code 127.0.0.1:9000 (tcp) -> 127.0.0.1:6379}).
     */
    default List<String> listeners() {
        return List.of(HostPort.format(address()) + " (" + transport().label() + ")");
    }

    /**
     * The name each listening line starts with, one per {@link #listeners() listener}: the
     * service's name by default; lb names its pools' listeners {@code lb} and {@code lb.NAME}.
     */
    default List<String> listenerNames() {
        return Collections.nCopies(listeners().size(), name());
    }

    /**
     * Other listeners the service runs beside its own port, by name (the {@code smtp} service's
     * JSON API as {@code smtp-api}); headless mode and {@code start} print them.
     */
    default Map<String, InetSocketAddress> endpoints() {
        return Map.of();
    }

    /**
     * Writes out what the service keeps buffered for its own files (an access log, flushed once
     * a second otherwise), so that {@code logs SERVICE --access} shows the request just made.
     */
    default void flushLogs() {
    }

    /** The validated settings this instance was built from. */
    Settings settings();

    /** Stops with the configured grace period. */
    @Override
    void close();
}
