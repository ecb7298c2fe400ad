package dev.netloom.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.core.LatencySnapshot;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.core.ServiceState;
import dev.netloom.core.StatsSnapshot;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The dashboard's charts: once a second while the admin listener runs, one point per running
 * service instance, read from the counters {@code status} shows (nothing is counted per request
 * for it), kept for the last 15 minutes ({@value #POINTS} points) in a ring per service, and given
 * out as uPlot wants its data: one array per series, {@code t} in epoch seconds first.
 *
 * <p>Rates are per second between two points. A counter lower than at the point before, or an
 * instance other than the one before, is a restart: its rate counts from zero. The first point of
 * an instance after the admin listener starts has nothing to count from and is not kept.
 *
 * <p>A new series is one more {@link Column} in {@link #COLUMNS}; the page draws any series it knows.
 */
final class History {

    static final int POINTS = 900;
    private static final System.Logger LOG = System.getLogger(History.class.getName());

    /**
     * The series after {@code t}. {@code latency_p99_ms} is the p99 of the service's latency
     * histogram over the last second (http, rest, kv, proxy time their requests): NaN, a gap (JSON
     * null), for a second without requests, and left out of the JSON of a service that keeps no
     * histogram.
     */
    static final List<Column> COLUMNS = List.of(
            new Column("active", false, (before, now, seconds) -> now.active() + now.peers()),
            new Column("bytes_in", false, rate(StatsSnapshot::bytesIn)),
            new Column("bytes_out", false, rate(StatsSnapshot::bytesOut)),
            new Column("requests", false, rate(StatsSnapshot::requests)),
            new Column("errors", false, rate(StatsSnapshot::errors)),
            new Column("latency_p99_ms", true, History::p99));

    private final ServiceRegistry registry;
    private final Map<String, Ring> rings = new LinkedHashMap<>();
    private final Map<String, Last> last = new HashMap<>();
    private volatile Thread sampler;

    History(ServiceRegistry registry) {
        this.registry = registry;
    }

    /**
     * One series: its name in the JSON, whether only services that time their requests have it,
     * and its value at a point from the counters there and at the point before.
     */
    record Column(String name, boolean timedOnly, Value value) {
    }

    /** A series' value at a point; {@code before} is null after a restart (count from zero). */
    @FunctionalInterface
    interface Value {
        double of(StatsSnapshot before, StatsSnapshot now, double seconds);
    }

    /** The instance and counters of a service at its last point. */
    private record Last(Service instance, StatsSnapshot stats, long nanos) {
    }

    /** Per second since the point before; from zero after a restart or when the counter went back. */
    static Value rate(ToLongFunction<StatsSnapshot> counter) {
        return (before, now, seconds) -> {
            long b = before == null ? 0 : counter.applyAsLong(before);
            long n = counter.applyAsLong(now);
            return (n >= b ? n - b : n) / seconds;
        };
    }

    /** The p99 in milliseconds of the requests timed since the point before; NaN without a histogram or requests. */
    static double p99(StatsSnapshot before, StatsSnapshot now, double seconds) {
        LatencySnapshot n = now.latency();
        if (n == null) {
            return Double.NaN;
        }
        LatencySnapshot b = before == null || before.latency() == null ? LatencySnapshot.EMPTY : before.latency();
        return n.since(b).p99Millis();
    }

    /** Starts taking a point every second, on the second, until {@link #stop}. */
    void start() {
        sampler = Thread.ofVirtual().name("admin-history").start(this::run);
    }

    void stop() {
        Thread t = sampler;
        if (t != null) {
            t.interrupt();
        }
    }

    private void run() {
        while (true) {
            try {
                Thread.sleep(1000 - System.currentTimeMillis() % 1000);
            } catch (InterruptedException e) {
                return;
            }
            try {
                sample(System.currentTimeMillis(), System.nanoTime());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "admin: the history's sample failed", e);
            }
        }
    }

    /** Takes one point of every running service, stamped {@code epochMillis}; {@code nanos} is the monotonic clock. */
    void sample(long epochMillis, long nanos) {
        for (Service s : registry.instances()) {
            if (s.state() != ServiceState.RUNNING) {
                continue;
            }
            StatsSnapshot now = s.stats();
            Last before;
            synchronized (this) {
                before = last.put(s.name(), new Last(s, now, nanos));
            }
            if (before == null || nanos <= before.nanos()) {
                continue;
            }
            double seconds = (nanos - before.nanos()) / 1e9;
            StatsSnapshot from = before.instance() == s ? before.stats() : null;
            double[] values = new double[COLUMNS.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = round(COLUMNS.get(i).value().of(from, now, seconds));
            }
            synchronized (this) {
                rings.computeIfAbsent(s.name(), n -> new Ring()).add(epochMillis / 1000.0, values, now.latency() != null);
            }
        }
    }

    /**
     * {@code {service: {t: [...], active: [...], ...}}} with the points after {@code since} (epoch
     * seconds; 0 for all), of every service with points, or of {@code service} alone (empty arrays
     * when it has none).
     */
    synchronized ObjectNode json(String service, double since) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (service != null) {
            rings.getOrDefault(service, new Ring()).json(out.putObject(service), since);
        } else {
            rings.forEach((name, ring) -> ring.json(out.putObject(name), since));
        }
        return out;
    }

    private static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 100) / 100.0;
    }

    /** The last {@value #POINTS} points of one service: a column per series, oldest first from {@code start}. */
    private static final class Ring {
        private final double[] t = new double[POINTS];
        private final double[][] columns = new double[COLUMNS.size()][POINTS];
        private int start;
        private int size;
        private boolean timed;

        void add(double time, double[] values, boolean timed) {
            this.timed = timed;
            int at = (start + size) % POINTS;
            if (size == POINTS) {
                start = (start + 1) % POINTS;
            } else {
                size++;
            }
            t[at] = time;
            for (int c = 0; c < values.length; c++) {
                columns[c][at] = values[c];
            }
        }

        void json(ObjectNode into, double since) {
            int from = 0;
            while (from < size && t[(start + from) % POINTS] <= since) {
                from++;
            }
            ArrayNode times = into.putArray("t");
            for (int i = from; i < size; i++) {
                times.add(t[(start + i) % POINTS]);
            }
            for (int c = 0; c < COLUMNS.size(); c++) {
                if (COLUMNS.get(c).timedOnly() && !timed) {
                    continue; // a service that times nothing has no latency series
                }
                ArrayNode a = into.putArray(COLUMNS.get(c).name());
                for (int i = from; i < size; i++) {
                    double v = columns[c][(start + i) % POINTS];
                    if (Double.isNaN(v)) {
                        a.addNull();
                    } else {
                        a.add(v);
                    }
                }
            }
        }
    }
}
