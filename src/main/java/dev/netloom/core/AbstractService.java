package dev.netloom.core;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lifecycle every server shares: the state machine, failure cause, uptime, stats and the
 * start/stop templates. Subclasses bind in {@link #open()} and release in {@link #shutdown}.
 */
public abstract class AbstractService implements Service {

    private static final System.Logger LOG = System.getLogger(AbstractService.class.getName());

    protected final Settings settings;
    protected final ServiceStats stats = new ServiceStats();
    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile ServiceState state = ServiceState.NEW;
    private volatile Throwable failure;
    private volatile long startedNanos;
    private volatile long stoppedNanos;

    protected AbstractService(Settings settings) {
        this.settings = settings;
    }

    /** Binds the socket and starts the serving thread(s); returns the bound address. */
    protected abstract InetSocketAddress open() throws IOException;

    /** Stops serving, giving work in progress {@code grace} to finish; never throws. */
    protected abstract StopResult shutdown(Duration grace);

    @Override
    public String name() {
        return settings.service();
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @Override
    public final void start() {
        lifecycle.lock();
        try {
            if (state != ServiceState.NEW) {
                throw new ServiceException(name() + " was already started (state " + state + "); restart builds a new instance");
            }
            state = ServiceState.STARTING;
            InetSocketAddress bound;
            try {
                bound = open();
            } catch (IOException | RuntimeException e) {
                throw fail(new ServiceException(StartFailure.describe(settings, e), e));
            }
            startedNanos = System.nanoTime();
            state = ServiceState.RUNNING;
            LOG.log(Level.INFO, "{0}: listening on {1} ({2})", name(), HostPort.format(bound), transport().label());
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * The lines {@code start} and headless {@code serve} print, which scripts read the real ports
     * from: {@code SVC listening on HOST:PORT (tcp|udp)} (one per {@link Service#listeners() listener}), then one per
     * {@link Service#endpoints() endpoint}, e.g. {@code smtp-api listening on HOST:PORT (http)}.
     */
    public static List<String> listening(Service s) {
        List<String> lines = new ArrayList<>();
        List<String> listeners = s.listeners();
        List<String> names = s.listenerNames();
        for (int i = 0; i < listeners.size(); i++) {
            lines.add((i < names.size() ? names.get(i) : s.name()) + " listening on " + listeners.get(i));
        }
        s.endpoints().forEach((what, a) -> lines.add(what + " listening on " + HostPort.format(a) + " (http)"));
        return lines;
    }

    private ServiceException fail(ServiceException e) {
        failure = e;
        state = ServiceState.FAILED;
        LOG.log(Level.WARNING, e.getMessage());
        return e;
    }

    /** Called by a serving thread that died unexpectedly: the service is FAILED with that cause. */
    protected final void failed(Throwable cause) {
        if (state == ServiceState.RUNNING) {
            failure = cause;
            state = ServiceState.FAILED;
            stoppedNanos = System.nanoTime();
            LOG.log(Level.ERROR, name() + ": failed", cause);
        }
    }

    @Override
    public final StopResult stop(Duration grace) {
        lifecycle.lock();
        try {
            if (state == ServiceState.NEW || state == ServiceState.STOPPED) {
                state = ServiceState.STOPPED;
                return new StopResult(true, 0, Duration.ZERO);
            }
            boolean wasFailed = state == ServiceState.FAILED;
            if (!wasFailed) {
                state = ServiceState.STOPPING;
                LOG.log(Level.INFO, "{0}: stopping (grace {1})", name(), Key.formatDuration(grace));
            }
            StopResult result = shutdown(grace);
            if (!wasFailed) {
                stoppedNanos = System.nanoTime();
                state = ServiceState.STOPPED;
                LOG.log(Level.INFO, "{0}: stopped, {1}", name(), result.describe());
            }
            return result;
        } finally {
            lifecycle.unlock();
        }
    }

    @Override
    public void close() {
        stop(settings.get(TcpConfig.GRACE));
    }

    @Override
    public ServiceState state() {
        return state;
    }

    /** True while the service is being stopped: connections should finish their exchange and end. */
    public final boolean stopping() {
        ServiceState s = state;
        return s == ServiceState.STOPPING || s.finished();
    }

    @Override
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public StatsSnapshot stats() {
        long start = startedNanos;
        Duration uptime = Duration.ZERO;
        if (start != 0) {
            long end = state == ServiceState.RUNNING || state == ServiceState.STOPPING ? System.nanoTime() : stoppedNanos;
            uptime = Duration.ofNanos(Math.max(0, end - start));
        }
        return stats.snapshot(uptime);
    }

    /** The live counters, for handlers to count requests and errors. */
    public ServiceStats counters() {
        return stats;
    }
}
