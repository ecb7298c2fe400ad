package dev.netloom.admin;

import dev.netloom.core.LatencySnapshot;
import dev.netloom.core.MetricFamily;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.core.ServiceState;
import dev.netloom.core.ServiceType;
import dev.netloom.core.StatsSnapshot;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The services' metrics, read from the registry at scrape time: nothing is counted twice, the
 * counters are the ones {@code status} shows. Every instance the registry holds (stopped and failed
 * ones too, until their next start) gives one series per metric, labelled {@code service}; a
 * restart starts its counters from zero, which Prometheus' {@code rate()} takes as a reset.
 *
 * <pre>
 * netloom_service_state{service,state}          gauge, 1 for the state the service is in, 0 for the others
 * netloom_service_uptime_seconds{service}       gauge
 * netloom_connections_active{service}           gauge (TCP)
 * netloom_connections_accepted_total{service}   counter (TCP)
 * netloom_connections_refused_total{service}    counter: over max-connections (TCP)
 * netloom_received_bytes_total{service}         counter: wire bytes, TLS included
 * netloom_sent_bytes_total{service}             counter
 * netloom_requests_total{service}               counter: requests, commands, lines, datagrams handled
 * netloom_responses_total{service,result}       counter: requests by result where the service counts
 *                                               them (http, rest, proxy, admin: status class 1xx-5xx;
 *                                               ftp, smtp: reply class)
 * netloom_commands_total{service,command}       counter: commands by name (kv, ftp, smtp; a bounded
 *                                               set, the rest as "other"), those counted at least once
 * netloom_request_duration_seconds{service}     histogram: request parsed to response written (http,
 *                                               rest, kv)
 * netloom_errors_total{service}                 counter: protocol and handling errors
 * netloom_datagrams_received_total{service}     counter (UDP)
 * netloom_datagrams_sent_total{service}         counter (UDP)
 * netloom_peers{service}                        gauge: peers recently seen (UDP)
 * netloom_lb_*, netloom_proxy_*                 the families services add ({@link Service#metrics()}):
 *                                               the lb's servers, the proxy's cache
 * </pre>
 */
final class ServiceMetrics {

    private final ServiceRegistry registry;

    ServiceMetrics(ServiceRegistry registry) {
        this.registry = registry;
    }

    /** One snapshot of every metric above. */
    MetricSnapshots collect() {
        List<Service> services = registry.instances();
        List<Row> rows = services.stream().map(s -> new Row(s, s.stats(), s.transport())).toList();
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        GaugeSnapshot.Builder state = GaugeSnapshot.builder().name("netloom_service_state")
                .help("1 for the state the service instance is in (new, starting, running, stopping, stopped, failed)");
        for (Service s : services) {
            ServiceState now = s.state();
            for (ServiceState st : ServiceState.values()) {
                state.dataPoint(GaugeDataPointSnapshot.builder().value(st == now ? 1 : 0)
                        .labels(Labels.of("service", s.name(), "state", st.name().toLowerCase(Locale.ROOT))).build());
            }
        }
        add(out, state.build());
        add(out, gauge(rows, "netloom_service_uptime_seconds", "Time since the instance started",
                r -> r.stats.uptime().toNanos() / 1e9, false));
        add(out, gauge(rows, "netloom_connections_active", "Connections open now", r -> r.stats.active(), true));
        add(out, counter(rows, "netloom_connections_accepted", "Connections accepted",
                r -> r.stats.total(), true));
        add(out, counter(rows, "netloom_connections_refused",
                "Connections refused over max-connections, answered in the protocol's way", r -> r.stats.rejected(), true));
        add(out, counter(rows, "netloom_received_bytes", "Bytes received from clients (wire bytes)",
                r -> r.stats.bytesIn(), false));
        add(out, counter(rows, "netloom_sent_bytes", "Bytes sent to clients (wire bytes)",
                r -> r.stats.bytesOut(), false));
        add(out, counter(rows, "netloom_requests", "Requests, commands, lines or datagrams handled",
                r -> r.stats.requests(), false));
        add(out, responses(services));
        add(out, commands(services));
        add(out, durations(rows));
        add(out, counter(rows, "netloom_errors", "Protocol and handling errors", r -> r.stats.errors(), false));
        add(out, udpCounter(rows, "netloom_datagrams_received", "Datagrams received",
                r -> r.stats.datagramsIn()));
        add(out, udpCounter(rows, "netloom_datagrams_sent", "Datagrams sent", r -> r.stats.datagramsOut()));
        add(out, udpGauge(rows));
        contributed(services).forEach(m -> add(out, m));
        return out.build();
    }

    /** Adds {@code m} when it has a series: a family with none (no UDP service ran) is left out. */
    private static void add(MetricSnapshots.Builder out, MetricSnapshot m) {
        if (!m.getDataPoints().isEmpty()) {
            out.metricSnapshot(m);
        }
    }

    /**
     * The families services add themselves ({@link Service#metrics()}), each sample labelled with its
     * service; families of one name from several services are one snapshot (of the first one's type:
     * a sample of another type under that name is left out rather than failing the scrape).
     */
    private static List<MetricSnapshot> contributed(List<Service> services) {
        Map<String, MetricFamily> first = new LinkedHashMap<>();
        Map<String, List<DataPoint>> points = new LinkedHashMap<>();
        for (Service s : services) {
            for (MetricFamily f : s.metrics()) {
                MetricFamily known = first.putIfAbsent(f.name(), f);
                if (known != null && known.type() != f.type()) {
                    continue;
                }
                List<DataPoint> to = points.computeIfAbsent(f.name(), n -> new ArrayList<>());
                for (MetricFamily.Sample sample : f.samples()) {
                    to.add(new DataPoint(labels(s, sample), sample.value()));
                }
            }
        }
        List<MetricSnapshot> out = new ArrayList<>();
        for (MetricFamily f : first.values()) {
            List<DataPoint> ps = points.get(f.name());
            if (f.type() == MetricFamily.Type.COUNTER) {
                CounterSnapshot.Builder b = CounterSnapshot.builder()
                        .name(f.name().substring(0, f.name().length() - "_total".length())).help(f.help());
                ps.forEach(p -> b.dataPoint(CounterDataPointSnapshot.builder().value(p.value()).labels(p.labels()).build()));
                out.add(b.build());
            } else {
                GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(f.name()).help(f.help());
                ps.forEach(p -> b.dataPoint(GaugeDataPointSnapshot.builder().value(p.value()).labels(p.labels()).build()));
                out.add(b.build());
            }
        }
        return out;
    }

    private static Labels labels(Service s, MetricFamily.Sample sample) {
        Labels.Builder b = Labels.builder().label("service", s.name());
        List<String> l = sample.labels();
        for (int i = 0; i < l.size(); i += 2) {
            b.label(l.get(i), l.get(i + 1));
        }
        return b.build();
    }

    private static CounterSnapshot responses(List<Service> services) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name("netloom_responses")
                .help("Requests by result, where the service counts them (http, rest, proxy, admin: status class;"
                        + " ftp, smtp: reply class)");
        for (Service s : services) {
            for (Map.Entry<String, Long> e : s.requestsByResult().entrySet()) {
                b.dataPoint(CounterDataPointSnapshot.builder().value(e.getValue())
                        .labels(Labels.of("result", e.getKey(), "service", s.name())).build());
            }
        }
        return b.build();
    }

    private static CounterSnapshot commands(List<Service> services) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name("netloom_commands")
                .help("Commands by name, where the service counts them (kv, ftp, smtp; unknown ones as other)");
        for (Service s : services) {
            for (Map.Entry<String, Long> e : s.commandCounts().entrySet()) {
                b.dataPoint(CounterDataPointSnapshot.builder().value(e.getValue())
                        .labels(Labels.of("command", e.getKey(), "service", s.name())).build());
            }
        }
        return b.build();
    }

    /** The services that time their requests, each a classic histogram with the buckets of {@link LatencySnapshot#bounds()}. */
    private static HistogramSnapshot durations(List<Row> rows) {
        double[] bounds = LatencySnapshot.bounds();
        double[] le = Arrays.copyOf(bounds, bounds.length + 1);
        le[bounds.length] = Double.POSITIVE_INFINITY;
        HistogramSnapshot.Builder b = HistogramSnapshot.builder().name("netloom_request_duration_seconds")
                .help("Time from a request parsed to its response written (http, rest, kv)");
        for (Row r : rows) {
            LatencySnapshot l = r.stats.latency();
            if (l != null) {
                b.dataPoint(HistogramDataPointSnapshot.builder().classicHistogramBuckets(
                        ClassicHistogramBuckets.of(le, l.counts())).sum(l.sumNanos() / 1e9).labels(r.labels()).build());
            }
        }
        return b.build();
    }

    private static GaugeSnapshot gauge(List<Row> rows, String name, String help, ToDoubleFunction<Row> value,
                                       boolean tcpOnly) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        for (Row r : rows) {
            if (!tcpOnly || r.transport == ServiceType.Transport.TCP) {
                b.dataPoint(GaugeDataPointSnapshot.builder().value(value.applyAsDouble(r)).labels(r.labels()).build());
            }
        }
        return b.build();
    }

    private static CounterSnapshot counter(List<Row> rows, String name, String help, ToDoubleFunction<Row> value,
                                           boolean tcpOnly) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        for (Row r : rows) {
            if (!tcpOnly || r.transport == ServiceType.Transport.TCP) {
                b.dataPoint(CounterDataPointSnapshot.builder().value(value.applyAsDouble(r)).labels(r.labels()).build());
            }
        }
        return b.build();
    }

    private static CounterSnapshot udpCounter(List<Row> rows, String name, String help, ToDoubleFunction<Row> value) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        for (Row r : rows) {
            if (r.transport == ServiceType.Transport.UDP) {
                b.dataPoint(CounterDataPointSnapshot.builder().value(value.applyAsDouble(r)).labels(r.labels()).build());
            }
        }
        return b.build();
    }

    private static GaugeSnapshot udpGauge(List<Row> rows) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name("netloom_peers").help("UDP peers recently seen");
        for (Row r : rows) {
            if (r.transport == ServiceType.Transport.UDP) {
                b.dataPoint(GaugeDataPointSnapshot.builder().value(r.stats.peers()).labels(r.labels()).build());
            }
        }
        return b.build();
    }

    /** One series of a contributed family. */
    private record DataPoint(Labels labels, double value) {
    }

    /** One service instance's counters, read once per scrape. */
    private record Row(Service service, StatsSnapshot stats, ServiceType.Transport transport) {
        Labels labels() {
            return Labels.of("service", service.name());
        }
    }
}
