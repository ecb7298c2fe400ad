package dev.netloom.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.netloom.core.AbstractService;
import dev.netloom.core.ConfigException;
import dev.netloom.core.ConnectionInfo;
import dev.netloom.core.LatencyHistogram;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.StatusClasses;
import dev.netloom.core.StopResult;
import dev.netloom.http1.AccessLog;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code rest} service: JSON collections over HTTP on the JDK's {@code com.sun.net.httpserver}
 * with one virtual thread per request, stored in SQLite (or PostgreSQL) through {@link Store}.
 * {@code conns rest} lists requests in progress (jdk.httpserver does not expose its connections);
 * {@code kill} closes one.
 */
public final class RestService extends AbstractService {

    private static final System.Logger LOG = System.getLogger(RestService.class.getName());

    static {
        // jdk.httpserver reads these once, JVM-wide. Without nodelay a response's head and body
        // go out in two segments and Nagle delays the second; the timeouts bound slow clients.
        defaultProperty("sun.net.httpserver.nodelay", "true");
        defaultProperty("sun.net.httpserver.maxReqTime", "30");
        defaultProperty("sun.net.httpserver.maxRspTime", "120");
        defaultProperty("sun.net.httpserver.idleInterval", "30");
        defaultProperty("jdk.httpserver.maxConnections", "10000");
    }

    private static void defaultProperty(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private final RestConfig config;
    private final Map<Long, RestExchange> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong exchangeIds = new AtomicLong();
    private final StatusClasses byClass = new StatusClasses();
    private final LatencyHistogram latency = counters().latency();
    private volatile Store store;
    private volatile HttpServer server;
    private volatile ExecutorService executor;
    private volatile AccessLog accessLog = AccessLog.OFF;
    private volatile SeedWatch watch;

    public static ServiceType type() {
        return new ServiceType("rest", "JSON REST API on SQLite (json-server style, with ETags)",
                ServiceType.Transport.TCP, RestConfig.DEFAULT_PORT, RestConfig.keys(), RestService::new);
    }

    public RestService(Settings settings) {
        super(settings);
        this.config = RestConfig.from(settings);
    }

    RestConfig config() {
        return config;
    }

    @Override
    protected InetSocketAddress open() throws IOException {
        try {
            Routes routes = readRoutes();
            store = Store.open(config);
            prepare(store);
            accessLog = AccessLog.of(config.accessLog());
            server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), config.backlog());
            server.createContext("/", new RestHandler(this, store, routes));
            executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(name() + "-", 1).factory());
            server.setExecutor(executor);
            server.start();
            if (config.watch()) {
                Store s = store;
                watch = SeedWatch.start(name(), config.seed().orElseThrow(),
                        bytes -> s.write(db -> Seed.load(db, s, config, Json.object(bytes), true)));
            }
            return server.getAddress();
        } catch (SQLException e) {
            release();
            throw new IOException("database " + config.jdbcUrl() + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            release();
            throw e;
        }
    }

    /**
     * Loads the seed into an empty database (with {@code watch}, in place of whatever the
     * database holds: the file is the data) and makes sure the configured collections exist.
     */
    private void prepare(Store s) throws SQLException, IOException {
        JsonNode seed = readSeed();
        boolean empty = s.read(Items::collectionNames).isEmpty() && s.read(Items::singularNames).isEmpty();
        JsonNode data = empty || config.watch() ? seed : null;
        int loaded;
        try {
            loaded = s.write(db -> Seed.load(db, s, config, data, config.watch()));
        } catch (IllegalArgumentException e) {
            throw ConfigException.badValue(name() + "." + RestConfig.SEED.name(), settings().get(RestConfig.SEED),
                    "a JSON file of collections such as {\"users\": [{...}]}, or off; " + e.getMessage());
        }
        s.collections().addAll(s.read(Items::collectionNames));
        s.singulars().addAll(s.read(Items::singularNames));
        if (data != null) {
            LOG.log(Level.INFO, "{0}: loaded {1} items from {2}", name(), loaded, config.seed().get());
        }
    }

    /** The custom routes, or none. @throws ConfigException naming rest.routes and what is wrong */
    private Routes readRoutes() {
        if (config.routes().isEmpty()) {
            return Routes.NONE;
        }
        try {
            return Routes.load(config.routes().get());
        } catch (IllegalArgumentException e) {
            throw ConfigException.badValue(name() + "." + RestConfig.ROUTES.name(), settings().get(RestConfig.ROUTES),
                    "a JSON object of rewrite rules such as {\"/api/*\": \"/$1\"}, or off; " + e.getMessage());
        }
    }

    /**
     * The seed file, read and checked at every start (even when the database is not empty, so a
     * wrong path is found at once, not on the day the database is new), or null when it is off.
     *
     * @throws ConfigException naming the key, the path and what was expected
     */
    private JsonNode readSeed() {
        if (config.seed().isEmpty()) {
            return null;
        }
        Path file = config.seed().get();
        String key = name() + "." + RestConfig.SEED.name();
        String given = settings().get(RestConfig.SEED);
        String expected = "a JSON file of collections such as {\"users\": [{...}]}, or off";
        if (!Files.isRegularFile(file)) {
            throw ConfigException.badValue(key, given, expected + "; " + file
                    + (Files.exists(file) ? " is not a regular file" : " does not exist"));
        }
        try {
            return Json.object(Files.readAllBytes(file));
        } catch (Problem p) {
            throw ConfigException.badValue(key, given, expected + "; " + file + ": "
                    + p.getMessage().replace("the body", "the file"));
        } catch (IOException e) {
            throw ConfigException.badValue(key, given, expected + "; " + file + " cannot be read: " + e.getMessage());
        }
    }

    @Override
    protected StopResult shutdown(Duration grace) {
        long start = System.nanoTime();
        HttpServer s = server;
        if (s != null) {
            // stop() closes the listener, then waits up to the delay for exchanges in progress.
            s.stop((int) Math.min(Integer.MAX_VALUE, Math.max(0, (grace.toMillis() + 999) / 1000)));
        }
        // stop() returns once responses are out; handlers may still be finishing (access log, stats).
        long deadline = start + grace.toNanos();
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = inFlight.size();
        release();
        return new StopResult(left == 0, left, Duration.ofNanos(System.nanoTime() - start));
    }

    private void release() {
        SeedWatch w = watch;
        if (w != null) {
            w.close();
        }
        HttpServer s = server;
        if (s != null) {
            s.stop(0);
        }
        ExecutorService e = executor;
        if (e != null) {
            e.shutdownNow();
            try {
                e.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        Store st = store;
        if (st != null) {
            st.close();
        }
        accessLog.close();
    }

    /** Request latencies, from the exchange handed to the handler to the response closed. */
    LatencyHistogram latency() {
        return latency;
    }

    RestExchange begin(HttpExchange http) {
        RestExchange x = new RestExchange(http, exchangeIds.incrementAndGet());
        inFlight.put(x.id, x);
        return x;
    }

    void end(RestExchange x) {
        inFlight.remove(x.id);
        int status = x.status();
        byClass.count(status);
        counters().request();
        counters().sent(x.bytesOut());
        counters().received(x.bytesIn());
        if (status >= 500 || status == 0) {
            counters().error();
        }
        AccessLog log = accessLog;
        if (log.on()) {
            log.log(x.http.getRemoteAddress().getAddress().getHostAddress(), x.requestLine(), status, x.bytesOut(),
                    x.header("Referer"), x.header("User-Agent"));
        }
    }

    @Override
    public InetSocketAddress address() {
        HttpServer s = server;
        return s == null ? null : s.getAddress();
    }

    @Override
    public ServiceType.Transport transport() {
        return ServiceType.Transport.TCP;
    }

    /** Requests in progress (not connections: jdk.httpserver keeps those to itself). */
    @Override
    public List<ConnectionInfo> connections() {
        List<ConnectionInfo> out = new ArrayList<>();
        long now = System.nanoTime();
        for (RestExchange x : inFlight.values()) {
            Duration age = Duration.ofNanos(now - x.startNanos);
            out.add(new ConnectionInfo(x.id, x.http.getRemoteAddress(), age, age, 0, x.bytesOut(), x.requestLine()));
        }
        out.sort(Comparator.comparingLong(ConnectionInfo::id));
        return out;
    }

    @Override
    public boolean kill(long id) {
        RestExchange x = inFlight.get(id);
        if (x == null) {
            return false;
        }
        x.http.close();
        return true;
    }

    @Override
    public Map<String, Long> requestsByResult() {
        return byClass.counts();
    }

    @Override
    public void flushLogs() {
        accessLog.flush();
    }

    @Override
    public List<String> details() {
        return List.of(byClass.describe(2) + "; requests in progress " + inFlight.size(),
                "database " + config.jdbcUrl() + "; items cached " + (store == null ? 0 : store.cache().size())
                        + "; collections " + (store == null ? "-" : String.join(", ",
                        store.collections().stream().sorted().toList())) + (config.readOnly() ? "; read-only" : ""),
                "access log " + config.accessLog().map(Object::toString).orElse("off")
                        + (watch == null ? "" : "; seed " + config.seed().orElseThrow() + ": " + watch.status()));
    }
}
