package dev.netloom.monitor;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads /proc/net/dev every {@code interval} (10 s by default) and adds each reading to a
 * {@link BandwidthHistory}; keeps the last two readings in memory for the current rates. The
 * interactive shell runs one for as long as it is open ({@code netloom} without a command);
 * {@link #sample()} may also be called by hand (monitor bw does, for its live rates).
 *
 * <p>Reading or storing failures are logged at WARNING once, then at DEBUG, and the sampler
 * goes on: a full disk must not end the shell.
 */
public final class BandwidthSampler implements Closeable {

    /** How often the shell's sampler reads the counters. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** Where the history lives in the netloom home. */
    public static final Path DATABASE = Path.of("data", "monitor", "bandwidth.db");
    private static final System.Logger LOG = System.getLogger(BandwidthSampler.class.getName());

    private final BandwidthHistory history;
    private final Path source;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private Thread thread;
    private Map<String, InterfaceCounters> previous = Map.of();
    private Map<String, InterfaceCounters> last = Map.of();
    private long previousNanos;
    private long lastNanos;
    private boolean warned;

    /** A sampler of {@code source} (a file in /proc/net/dev's format) into {@code history}, timed by {@code clock}. */
    public BandwidthSampler(BandwidthHistory history, Path source, Clock clock) {
        this.history = history;
        this.source = source;
        this.clock = clock;
    }

    /** The history file under {@code home}: {@code data/monitor/bandwidth.db}. */
    public static Path database(Path home) {
        return home.resolve(DATABASE);
    }

    /**
     * Starts a sampler of /proc/net/dev into the history under {@code home} on a daemon thread,
     * a first reading at once; close it to stop and close the history.
     *
     * @throws IOException when the history cannot be opened
     */
    public static BandwidthSampler start(Path home, Duration interval) throws IOException {
        BandwidthSampler s = new BandwidthSampler(BandwidthHistory.open(database(home)),
                InterfaceCounters.PROC_NET_DEV, Clock.systemUTC());
        s.thread = Thread.ofPlatform().daemon().name("monitor-sampler").start(() -> s.loop(interval));
        return s;
    }

    private void loop(Duration interval) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                sample();
            } catch (IOException e) {
                LOG.log(warned ? Level.DEBUG : Level.WARNING, "bandwidth sampler: " + e.getMessage());
                warned = true;
            }
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Reads the counters now, adds them to the history, and returns them by interface name. */
    public Map<String, InterfaceCounters> sample() throws IOException {
        List<InterfaceCounters> now = InterfaceCounters.read(source);
        Instant at = clock.instant();
        long nanos = System.nanoTime();
        lock.lock();
        try {
            Map<String, InterfaceCounters> byName = new LinkedHashMap<>();
            now.forEach(c -> byName.put(c.name(), c));
            previous = last;
            previousNanos = lastNanos;
            last = byName;
            lastNanos = nanos;
            history.record(at, now);
            return byName;
        } finally {
            lock.unlock();
        }
    }

    /** The rates between the last two samples, by interface (those in both); empty before two samples. */
    public Map<String, InterfaceRates> rates() {
        lock.lock();
        try {
            Map<String, InterfaceRates> rates = new LinkedHashMap<>();
            double seconds = (lastNanos - previousNanos) / 1e9;
            for (InterfaceCounters c : last.values()) {
                InterfaceCounters before = previous.get(c.name());
                if (before != null) {
                    rates.put(c.name(), InterfaceRates.between(before, c, seconds));
                }
            }
            return rates;
        } finally {
            lock.unlock();
        }
    }

    /** The history this sampler adds to. */
    public BandwidthHistory history() {
        return history;
    }

    /** Stops the thread (if started) and closes the history. */
    @Override
    public void close() throws IOException {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        history.close();
    }
}
