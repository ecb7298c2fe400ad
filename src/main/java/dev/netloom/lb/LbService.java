package dev.netloom.lb;

import dev.netloom.core.Connection;
import dev.netloom.core.HostPort;
import dev.netloom.core.MetricFamily;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.StopResult;
import dev.netloom.core.TcpServer;
import dev.netloom.http1.AccessLog;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code lb} service: a load balancer with one listener per pool (the default pool on
 * {@code lb.port}, the pools of {@code lb.pools} on theirs), in tcp mode (a {@link TcpSession}
 * splices each connection to a server) or http mode (an {@link HttpSession} routes each
 * request), with active health checks, passive ejection, slow start, per-server maxconn with a
 * queue, and runtime changes from the shell ({@code lb add|remove|weight|drain|maint|ready|save})
 * that live traffic follows at once. Requests and connections are logged in HAProxy's format.
 */
public final class LbService extends TcpServer {

    private final LbConfig lb;
    private final List<Pool> pools;
    private final Map<Pool, AtomicInteger> frontendConns = new LinkedHashMap<>();
    private final Watchdog watchdog = new Watchdog();
    private final AtomicInteger nextLoop = new AtomicInteger();
    private volatile IoLoop[] loops = new IoLoop[0];
    private volatile AccessLog accessLog = AccessLog.OFF;

    public static ServiceType type() {
        return new ServiceType("lb", "load balancer: tcp (L4) and http (L7), health checks, live control",
                ServiceType.Transport.TCP, LbConfig.DEFAULT_PORT, LbConfig.keys(), LbService::new);
    }

    public LbService(Settings settings) {
        super(settings);
        this.lb = LbConfig.from(settings);
        this.pools = lb.pools().stream().map(Pool::new).toList();
        pools.forEach(p -> frontendConns.put(p, new AtomicInteger()));
    }

    @Override
    protected List<Integer> ports() {
        return lb.pools().stream().map(PoolConfig::port).toList();
    }

    @Override
    protected InetSocketAddress open() throws IOException {
        accessLog = AccessLog.of(lb.accessLog());
        try {
            InetSocketAddress bound = super.open();
            pools.forEach(Pool::start);
            watchdog.start("lb-watchdog");
            IoLoop[] started = new IoLoop[Math.max(1, Runtime.getRuntime().availableProcessors())];
            for (int i = 0; i < started.length; i++) {
                started[i] = new IoLoop("lb-loop-" + i);
            }
            loops = started;
            return bound;
        } catch (IOException | RuntimeException e) {
            accessLog.close();
            throw e;
        }
    }

    /** {@code HOST:PORT (tcp)}, one per pool (the transport, as every TCP service's line; the mode is in {@code lb}). */
    @Override
    public List<String> listeners() {
        return addresses().stream().map(a -> HostPort.format(a) + " (tcp)").toList();
    }

    /** {@code lb} for the default pool, {@code lb.NAME} for the others. */
    @Override
    public List<String> listenerNames() {
        return pools.stream().map(p -> p.config.frontend()).toList();
    }

    @Override
    protected void serve(Connection c) throws IOException {
        Pool pool = poolOf(c);
        AtomicInteger fe = frontendConns.get(pool);
        fe.incrementAndGet();
        try {
            if (pool.config.mode() == PoolConfig.Mode.TCP) {
                new TcpSession(this, pool, c).run();
            } else {
                new HttpSession(this, pool, c).run();
            }
        } finally {
            fe.decrementAndGet();
        }
    }

    private Pool poolOf(Connection c) {
        int port = c.local().getPort();
        List<InetSocketAddress> bound = addresses();
        for (int i = 0; i < bound.size(); i++) {
            if (bound.get(i).getPort() == port) {
                return pools.get(i);
            }
        }
        throw new IllegalStateException("no pool listens on port " + port);
    }

    /** Over max-connections: a 503 when every pool is in http mode (a tcp client would not read one). */
    @Override
    protected void refuse(OutputStream out) throws IOException {
        if (pools.stream().allMatch(p -> p.config.mode() == PoolConfig.Mode.HTTP)) {
            byte[] body = "503 Service Unavailable\nthe lb is serving as many connections as it may (lb.max-connections).\n"
                    .getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                    + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
        }
    }

    @Override
    protected StopResult shutdown(Duration grace) {
        StopResult r = super.shutdown(grace);
        pools.forEach(Pool::stop);
        watchdog.stop();
        for (IoLoop l : loops) {
            l.close();
        }
        accessLog.close();
        return r;
    }

    @Override
    public void flushLogs() {
        accessLog.flush();
    }

    Watchdog watchdog() {
        return watchdog;
    }

    /** The next of the event loops (one per processor), in turn. */
    IoLoop loop() {
        IoLoop[] l = loops;
        return l[Math.floorMod(nextLoop.getAndIncrement(), l.length)];
    }

    /** Counts a finished request or connection and writes its access log line. */
    void logged(Pool pool, Transaction t, String client, boolean http) {
        counters().request();
        if (t.status >= 500 || (t.who != '-' && t.who != 'C')) {
            counters().error();
        }
        AccessLog log = accessLog;
        if (!log.on()) {
            return;
        }
        int act = connections().size();
        int fe = frontendConns.get(pool).get();
        int be = 0;
        for (Server s : pool.servers()) {
            be += s.active();
        }
        log.line(http ? t.httpLine(client, pool.config.frontend(), pool.name(), act, fe, be, pool.queued())
                : t.tcpLine(client, pool.config.frontend(), pool.name(), act, fe, be, pool.queued()));
    }

    // ---- what the shell shows and changes -----------------------------------------------------

    /** One server as {@code lb} shows it; times in microseconds, -1 before the first response. */
    public record ServerView(String name, String address, String state, int weight, int configuredWeight, int active,
                             long requests, long errors, String lastCheck, long lastCheckMillis, long p50, long p99) {
    }

    /** One pool as {@code lb} shows it. */
    public record PoolView(String name, String frontend, String listen, String mode, String algorithm, String check,
                           int queued, List<ServerView> servers, List<String> events) {
    }

    /** Every pool, the default one first. */
    public List<PoolView> view() {
        List<InetSocketAddress> bound = addresses();
        List<PoolView> out = new ArrayList<>();
        for (int i = 0; i < pools.size(); i++) {
            Pool p = pools.get(i);
            List<ServerView> servers = new ArrayList<>();
            for (Server s : p.servers()) {
                servers.add(new ServerView(s.name(), HostPort.format(s.spec().host(), s.spec().port()),
                        s.state().name(), s.weight(), s.configuredWeight(), s.active(), s.requests.sum(), s.errors.sum(),
                        s.lastCheck, s.lastCheckMillis, s.times.percentile(50), s.times.percentile(99)));
            }
            String listen = i < bound.size() ? HostPort.format(bound.get(i)) : config.host() + ":" + p.config.port();
            out.add(new PoolView(p.name(), p.config.frontend(), listen, p.config.mode().name().toLowerCase(),
                    p.config.algorithm().toString(), p.config.check().toString(), p.queued(), servers, p.events()));
        }
        return out;
    }

    private Pool pool(String name) {
        for (Pool p : pools) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no pool " + name + " (pools: "
                + String.join(", ", pools.stream().map(Pool::name).toList()) + ")");
    }

    private Server server(String pool, String name) {
        Pool p = pool(pool);
        Server s = p.server(name);
        if (s == null) {
            throw new IllegalArgumentException("pool " + pool + " has no server " + name);
        }
        return s;
    }

    /** {@code lb add POOL NAME HOST:PORT [weight=N]}; IllegalArgumentException for a bad pool, name or address. */
    public void add(String pool, ServerSpec spec) {
        pool(pool).add(spec);
    }

    /**
     * {@code lb remove POOL NAME}: drains the server, waits up to {@code wait} for its requests or
     * connections to finish, then removes it; false when some were still running (it stays, drained).
     */
    public boolean remove(String pool, String name, Duration wait) throws InterruptedException {
        return pool(pool).remove(server(pool, name), wait);
    }

    public void weight(String pool, String name, int weight) {
        Server s = server(pool, name);
        pool(pool).weight(s, weight);
    }

    /** {@code lb drain}: no new requests or connections; those running finish. */
    public void drain(String pool, String name) {
        pool(pool).setAdmin(server(pool, name), Server.Admin.DRAIN);
    }

    /** {@code lb maint}: out of service, no checks, no new traffic. */
    public void maint(String pool, String name) {
        pool(pool).setAdmin(server(pool, name), Server.Admin.MAINT);
    }

    /** {@code lb ready}: back from drain or maintenance. */
    public void ready(String pool, String name) {
        pool(pool).setAdmin(server(pool, name), Server.Admin.READY);
    }

    /** The servers keys as they are now ({@code lb.servers}, {@code lb.NAME.servers}), for {@code lb save}. */
    public Map<String, String> serverKeys() {
        Map<String, String> keys = new LinkedHashMap<>();
        for (Pool p : pools) {
            List<String> specs = new ArrayList<>();
            for (Server s : p.servers()) {
                specs.add(new ServerSpec(s.name(), s.spec().host(), s.spec().port(), s.configuredWeight()).toString());
            }
            keys.put(p.config.key("servers"), String.join(",", specs));
        }
        return keys;
    }

    /**
     * Per pool and server, from the counters {@code lb} shows: the server's state (as
     * {@code netloom_service_state}), weight, requests in progress, requests (http) or connections
     * (tcp) sent, passive errors, failed health checks, and p50/p99 of its last
     * {@value ResponseTimes#SIZE} response times (http, once it has answered); the pool's queue.
     */
    @Override
    public List<MetricFamily> metrics() {
        MetricFamily state = MetricFamily.gauge("netloom_lb_server_state",
                "1 for the state the lb server is in (up, down, drain, maint), 0 for the others");
        MetricFamily weight = MetricFamily.gauge("netloom_lb_server_weight",
                "The weight the balancer uses now (less than configured during slow start)");
        MetricFamily active = MetricFamily.gauge("netloom_lb_server_active",
                "Requests (http) or connections (tcp) in progress on the server");
        MetricFamily requests = MetricFamily.counter("netloom_lb_server_requests_total",
                "Requests (http) or connections (tcp) sent to the server, retries included");
        MetricFamily errors = MetricFamily.counter("netloom_lb_server_errors_total",
                "Failed connects, timeouts, bad or cut responses and 5xx from the server");
        MetricFamily checks = MetricFamily.counter("netloom_lb_server_check_failures_total",
                "Health checks of the server that failed");
        MetricFamily times = MetricFamily.gauge("netloom_lb_server_response_time_seconds",
                "Percentile of the server's last " + ResponseTimes.SIZE + " response times (http)");
        MetricFamily queued = MetricFamily.gauge("netloom_lb_pool_queued",
                "Requests or connections waiting in the pool's queue for a server");
        for (Pool p : pools) {
            queued.add(p.queued(), "pool", p.name());
            for (Server s : p.servers()) {
                String[] l = {"pool", p.name(), "server", s.name()};
                Server.State now = s.state();
                for (Server.State st : Server.State.values()) {
                    state.add(st == now ? 1 : 0, "pool", p.name(), "server", s.name(),
                            "state", st.name().toLowerCase(Locale.ROOT));
                }
                weight.add(s.weight(), l);
                active.add(s.active(), l);
                requests.add(s.requests.sum(), l);
                errors.add(s.errors.sum(), l);
                checks.add(s.checkFailures.sum(), l);
                for (int pct : new int[] {50, 99}) {
                    long micros = s.times.percentile(pct);
                    if (micros >= 0) {
                        times.add(micros / 1e6, "pool", p.name(), "server", s.name(), "percentile", String.valueOf(pct));
                    }
                }
            }
        }
        return List.of(state, weight, active, requests, errors, checks, times, queued);
    }

    @Override
    public List<String> details() {
        List<String> lines = new ArrayList<>();
        for (PoolView p : view()) {
            long up = p.servers().stream().filter(s -> s.state().equals("UP")).count();
            lines.add("pool " + p.name() + " on " + p.listen() + " (" + p.mode() + ", " + p.algorithm() + ", check "
                    + p.check() + "): " + up + " of " + p.servers().size() + " servers up, " + p.queued() + " queued");
        }
        lines.add("access log " + lb.accessLog().map(Object::toString).orElse("off"));
        return lines;
    }
}
