package dev.netloom.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A metric family a service adds to the admin listener's {@code /metrics} ({@link Service#metrics()}),
 * built at scrape time from what the service counts anyway (the lb's servers, the proxy's cache). A
 * neutral shape, as {@link LatencySnapshot} is: core does not know the Prometheus client; the admin
 * listener turns a family into the client's snapshot and adds the {@code service} label to each
 * sample. Samples with the same name from several services are one family.
 *
 * <pre>
 * MetricFamily.gauge("netloom_lb_server_active", "Requests in progress").add(3, "pool", "lb", "server", "a")
 * </pre>
 */
public final class MetricFamily {

    /** The two kinds a service contributes: a value now, or a count that only grows. */
    public enum Type { GAUGE, COUNTER }

    /**
     * One series: its labels as name, value pairs, and its value.
     *
     * @param labels name, value, name, value, ...
     * @param value  the value now
     */
    public record Sample(List<String> labels, double value) {
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final String name;
    private final Type type;
    private final String help;
    private final List<Sample> samples = new ArrayList<>();

    private MetricFamily(String name, Type type, String help) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad metric name " + name);
        }
        if (type == Type.COUNTER && !name.endsWith("_total")) {
            throw new IllegalArgumentException("counter " + name + " does not end in _total");
        }
        this.name = name;
        this.type = type;
        this.help = help;
    }

    /** A gauge named {@code name} as exposed. */
    public static MetricFamily gauge(String name, String help) {
        return new MetricFamily(name, Type.GAUGE, help);
    }

    /** A counter named {@code name} as exposed, ending in {@code _total}. */
    public static MetricFamily counter(String name, String help) {
        return new MetricFamily(name, Type.COUNTER, help);
    }

    /**
     * Adds one series.
     *
     * @param labels name, value pairs; not {@code service}, which the admin listener adds
     */
    public MetricFamily add(double value, String... labels) {
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name, value pairs: " + List.of(labels));
        }
        for (int i = 0; i < labels.length; i += 2) {
            if (!LABEL.matcher(labels[i]).matches() || labels[i].equals("service")) {
                throw new IllegalArgumentException("bad label name " + labels[i] + " in " + name);
            }
        }
        samples.add(new Sample(List.of(labels), value));
        return this;
    }

    public String name() {
        return name;
    }

    public Type type() {
        return type;
    }

    public String help() {
        return help;
    }

    public List<Sample> samples() {
        return Collections.unmodifiableList(samples);
    }
}
