package dev.netloom.admin;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * {@code GET /metrics}: the services' metrics ({@link ServiceMetrics}) and the JVM's (memory, GC,
 * threads, classes, buffer pools, from the client's JVM instrumentation; virtual threads from
 * {@link VirtualThreads}), written by the
 * Prometheus client's own writers: the text format 0.0.4, or OpenMetrics 1.0 when the request's
 * {@code Accept} asks for {@code application/openmetrics-text}.
 */
final class Exposition {

    /** Bytes and content type of one scrape. */
    record Scrape(byte[] body, String contentType) {
    }

    private final ServiceMetrics services;
    private final VirtualThreads virtualThreads = new VirtualThreads();
    private final ExpositionFormats formats = ExpositionFormats.init();

    Exposition(ServiceMetrics services) {
        this.services = services;
    }

    /** One process has one JVM: its metrics are registered once, in a registry of their own. */
    private static final class Jvm {
        static final PrometheusRegistry REGISTRY = new PrometheusRegistry();

        static {
            JvmMetrics.builder().register(REGISTRY);
        }
    }

    /** Collects now and writes in the format {@code accept} (a request's Accept header, or null) asks for. */
    Scrape scrape(String accept) throws IOException {
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        for (MetricSnapshot m : services.collect()) {
            all.metricSnapshot(m);
        }
        for (MetricSnapshot m : Jvm.REGISTRY.scrape()) {
            all.metricSnapshot(m);
        }
        for (MetricSnapshot m : virtualThreads.collect()) {
            all.metricSnapshot(m);
        }
        ExpositionFormatWriter writer = formats.findWriter(accept);
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        writer.write(out, all.build());
        return new Scrape(out.toByteArray(), writer.getContentType());
    }
}
