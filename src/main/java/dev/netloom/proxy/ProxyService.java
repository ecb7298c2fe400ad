package dev.netloom.proxy;

import dev.netloom.core.Connection;
import dev.netloom.core.LatencyHistogram;
import dev.netloom.core.MetricFamily;
import dev.netloom.core.PerIpLimit;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.StatusClasses;
import dev.netloom.core.StopResult;
import dev.netloom.core.TcpServer;
import dev.netloom.http1.AccessLog;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@code proxy} service: an HTTP/1.1 forward proxy with an RFC 9111 shared cache in memory,
 * CONNECT tunnels, client ACLs, destination filters and optional Basic authentication. Each
 * client connection is served by a {@link ProxyConnection} on its own virtual thread; origins are
 * reached on blocking sockets kept in an {@link OriginPool}; responses are kept in a
 * {@link CacheStore}. Over the connection limit a client gets 503.
 */
public final class ProxyService extends TcpServer {

    private final ProxyConfig proxy;
    private final String via;
    private final String viaToken;
    private final StatusClasses byClass = new StatusClasses();
    private final LatencyHistogram latency = counters().latency();
    private final PerIpLimit perIp;
    final LongAdder tunnelUp = new LongAdder();
    final LongAdder tunnelDown = new LongAdder();
    final LongAdder tunnels = new LongAdder();
    private volatile CacheStore cache;
    private volatile OriginPool pool;
    private volatile AccessLog accessLog = AccessLog.OFF;
    private volatile Thread expirer;

    public static ServiceType type() {
        return new ServiceType("proxy", "HTTP forward proxy with an RFC 9111 cache", ServiceType.Transport.TCP,
                ProxyConfig.DEFAULT_PORT, ProxyConfig.keys(), ProxyService::new);
    }

    public ProxyService(Settings settings) {
        super(settings);
        this.proxy = ProxyConfig.from(settings);
        // Via's comment carries this instance's token: a request that comes back with it looped (508)
        this.viaToken = "netloom-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        this.via = "1.1 netloom (" + viaToken + ")";
        this.perIp = new PerIpLimit(proxy.maxPerIp());
    }

    @Override
    protected InetSocketAddress open() throws IOException {
        cache = new CacheStore(proxy.cacheSize(), proxy.cacheMaxObject());
        pool = new OriginPool(proxy.poolIdle(), proxy.poolIdleTimeout().toMillis());
        accessLog = AccessLog.of(proxy.accessLog());
        try {
            InetSocketAddress bound = super.open();
            expirer = Thread.ofVirtual().name("proxy-pool-expiry").start(this::expireIdle);
            return bound;
        } catch (IOException e) {
            accessLog.close();
            throw e;
        }
    }

    private void expireIdle() {
        while (!stopping()) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            pool.expire();
        }
    }

    @Override
    protected void serve(Connection c) throws IOException {
        try (PerIpLimit.Slot slot = perIp.enter(c.remote().getAddress())) {
            if (!slot.admitted()) {
                c.out().write(Heads.error(503, "Too many connections from your address (proxy.max-per-ip "
                        + perIp.max() + ").", via, false, false));
                return;
            }
            new ProxyConnection(this, c).run();
        }
    }

    @Override
    protected void refuse(OutputStream out) throws IOException {
        out.write(Heads.error(503, "The proxy is serving as many connections as it may (max-connections).", via, false,
                false));
    }

    @Override
    protected StopResult shutdown(Duration grace) {
        StopResult r = super.shutdown(grace);
        Thread t = expirer;
        if (t != null) {
            t.interrupt();
        }
        OriginPool p = pool;
        if (p != null) {
            p.closeAll();
        }
        accessLog.close();
        return r;
    }

    ProxyConfig proxy() {
        return proxy;
    }

    /** The Via value this proxy adds: {@code 1.1 netloom (netloom-TOKEN)}. */
    String via() {
        return via;
    }

    /** Whether a request's Via fields show it already passed this instance. */
    boolean looped(String viaFields) {
        return viaFields != null && viaFields.contains(viaToken);
    }

    CacheStore cache() {
        return cache;
    }

    OriginPool pool() {
        return pool;
    }

    AccessLog accessLog() {
        return accessLog;
    }

    void counted(int status) {
        byClass.countResponse(status, counters());
    }

    /** Request latencies, from the request parsed to its answer written (CONNECT tunnels left out). */
    LatencyHistogram latency() {
        return latency;
    }

    @Override
    public Map<String, Long> requestsByResult() {
        return byClass.counts();
    }

    /** Drops every stored variant of {@code url}; true when there was one (PURGE, {@code proxy purge}). */
    public boolean purge(String url) {
        CacheStore c = cache;
        return c != null && c.remove(url);
    }

    /** What the cache holds and how it answered, with the {@code top} URLs most often hit; null when not running. */
    public CacheStore.Stats cacheStats(int top) {
        CacheStore c = cache;
        return c == null ? null : c.stats(top);
    }

    @Override
    public void flushLogs() {
        accessLog.flush();
    }

    /** The cache's answers by result, entries, bytes and budget, as {@code status proxy} shows them; none when not running. */
    @Override
    public List<MetricFamily> metrics() {
        CacheStore.Stats s = cacheStats(0);
        if (s == null) {
            return List.of();
        }
        MetricFamily results = MetricFamily.counter("netloom_proxy_cache_requests_total",
                "Requests looked up in the cache, by how it answered (hit, miss, revalidated, stale)");
        s.results().forEach((r, n) -> results.add(n, "result", r.name().toLowerCase(Locale.ROOT)));
        return List.of(results,
                MetricFamily.gauge("netloom_proxy_cache_entries", "Stored responses (variants counted)").add(s.entries()),
                MetricFamily.gauge("netloom_proxy_cache_bytes", "Size of the stored responses").add(s.bytes()),
                MetricFamily.gauge("netloom_proxy_cache_capacity_bytes", "The cache's budget (proxy.cache-size)")
                        .add(s.capacity()));
    }

    @Override
    public List<String> details() {
        CacheStore.Stats s = cacheStats(0);
        OriginPool p = pool;
        String cacheLine = s == null ? "cache not running"
                : "cache " + s.entries() + " entries, " + s.bytes() + " of " + s.capacity() + " bytes; "
                + results(s.results()) + String.format("; hit ratio %.1f%%", 100 * s.hitRatio());
        return List.of(byClass.describe(1),
                cacheLine,
                "tunnels " + tunnels.sum() + ", up " + tunnelUp.sum() + " bytes, down " + tunnelDown.sum()
                        + " bytes; idle origin connections " + (p == null ? 0 : p.size()) + "; access log "
                        + proxy.accessLog().map(Object::toString).orElse("off"));
    }

    private static String results(Map<CacheStore.Result, Long> results) {
        StringBuilder sb = new StringBuilder();
        results.forEach((r, n) -> sb.append(sb.isEmpty() ? "" : ", ").append(r.name()).append(' ').append(n));
        return sb.toString();
    }
}
