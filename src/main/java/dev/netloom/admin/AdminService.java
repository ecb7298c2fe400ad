package dev.netloom.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netloom.core.Connection;
import dev.netloom.core.RegistryAware;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.StatusClasses;
import dev.netloom.core.StopResult;
import dev.netloom.core.TcpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code admin} listener (default 127.0.0.1:9091): Prometheus {@code /metrics}, a JSON API
 * over the other services of its registry, and the dashboard page at {@code /} ({@link UiFiles},
 * charts from {@link History}), on netloom's own HTTP/1.1 code ({@link AdminConnection}).
 * Off loopback (or with {@code admin.auth=token}) the API requires {@code Authorization: Bearer TOKEN};
 * see docs/admin.md.
 */
public final class AdminService extends TcpServer implements RegistryAware {

    private static final String BUSY_BODY = "{\"error\":\"too many connections\"}\n";
    private static final byte[] BUSY = ("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n"
            + "Content-Type: application/json\r\nContent-Length: " + BUSY_BODY.length()
            + "\r\nConnection: close\r\n\r\n" + BUSY_BODY).getBytes(StandardCharsets.US_ASCII);

    private final AdminConfig admin;
    private final StatusClasses byClass = new StatusClasses();
    private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
    private volatile ServiceRegistry registry;
    private volatile AdminApi api;
    private volatile String apiToken;
    private volatile History history;

    public static ServiceType type() {
        return new ServiceType("admin", "Admin listener: Prometheus /metrics and a JSON API",
                ServiceType.Transport.TCP, AdminConfig.DEFAULT_PORT, AdminConfig.keys(), AdminService::new);
    }

    public AdminService(Settings settings) {
        super(settings);
        this.admin = AdminConfig.from(settings);
    }

    @Override
    public void registry(ServiceRegistry r) {
        this.registry = r;
    }

    @Override
    protected InetSocketAddress open() throws IOException {
        if (registry == null) {
            throw new IOException("the admin listener runs only inside a service registry");
        }
        apiToken = admin.tokenRequired(config.host()) ? AdminToken.resolve(admin.token(), settings.home()) : null;
        History h = new History(registry);
        api = new AdminApi(this, registry, new Exposition(new ServiceMetrics(registry)), h, new ObjectMapper());
        InetSocketAddress bound = super.open();
        history = h;
        h.start();
        return bound;
    }

    /**
     * Stops the history's sampler, and first ends what would hold a connection open (the event
     * streams, a long poll of the Mail tab: up to 30 s): a stop does not wait out its grace period for them.
     */
    @Override
    protected StopResult shutdown(Duration grace) {
        History h = history;
        if (h != null) {
            h.stop();
        }
        streams.forEach(EventStream::end);
        AdminApi a = api;
        if (a != null) {
            a.wakeWaiting();
        }
        return super.shutdown(grace);
    }

    @Override
    protected void serve(Connection c) throws IOException {
        new AdminConnection(this, c).run();
    }

    @Override
    protected void refuse(OutputStream out) throws IOException {
        out.write(BUSY);
    }

    /** One response sent: counted as a request, by status class, and as an error when 5xx. */
    void counted(int status) {
        byClass.countResponse(status, counters());
    }

    @Override
    public Map<String, Long> requestsByResult() {
        return byClass.counts();
    }

    /** An event stream begins: ended by a stop, at once when the stop has begun already. */
    void streamOpened(EventStream s) {
        streams.add(s);
        if (stopping()) {
            s.end();
        }
    }

    void streamClosed(EventStream s) {
        streams.remove(s);
    }

    AdminConfig admin() {
        return admin;
    }

    AdminApi api() {
        return api;
    }

    /** The token the API asks for, or null when it asks for none (loopback under auth=auto). */
    String apiToken() {
        return apiToken;
    }

    @Override
    public List<String> details() {
        return List.of("api token " + (apiToken == null ? "not required (loopback)" : admin.token().isEmpty()
                ? "required, in " + settings.home().resolve(AdminConfig.TOKEN_FILE) : "required (admin.token)")
                + "; /metrics " + (admin.metricsToken().isEmpty() ? "open" : "requires admin.metrics-token"));
    }
}
