package dev.netloom.core;

import java.time.Duration;

/**
 * Counters of one service instance at one moment. TCP services fill the connection fields, UDP
 * services the datagram and peer fields; the rest stay zero.
 *
 * @param latency the request latencies of a service that times its requests (http, rest, kv;
 *                see {@link ServiceStats#latency()}), else null. For a latency p99 per interval:
 *                {@code now.latency().since(before.latency()).p99Millis()}
 */
public record StatsSnapshot(Duration uptime, int active, long total, long rejected, long bytesIn, long bytesOut,
                            long requests, long errors, long datagramsIn, long datagramsOut, int peers,
                            LatencySnapshot latency) {
}
