package dev.netloom.admin;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * The virtual-thread scheduler's gauges, from the JDK's {@code jdk.management.VirtualThreadSchedulerMXBean}
 * (JDK 24 and later; read by its JMX name, so netloom still compiles for and runs on 21, where
 * these series are left out): virtual threads mounted on a carrier now and queued to run, and
 * the carriers. How many virtual threads exist in all no supported API tells without a thread
 * dump; each TCP connection is one, {@code netloom_connections_active}.
 *
 * <pre>
 * netloom_virtual_threads{state="mounted"|"queued"}   gauge
 * netloom_virtual_thread_carriers                      gauge: the scheduler's platform threads
 * </pre>
 */
final class VirtualThreads {

    private static final String[] ATTRIBUTES = {"MountedVirtualThreadCount", "QueuedVirtualThreadCount", "PoolSize"};

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName name;

    VirtualThreads() {
        ObjectName n;
        try {
            n = new ObjectName("jdk.management:type=VirtualThreadScheduler");
        } catch (JMException e) {
            throw new IllegalStateException(e); // a constant name
        }
        this.name = server.isRegistered(n) ? n : null;
    }

    /** The gauges now; none on a JDK without the scheduler's MXBean. */
    MetricSnapshots collect() {
        if (name == null) {
            return MetricSnapshots.of();
        }
        Map<String, Number> v = new HashMap<>();
        try {
            AttributeList list = server.getAttributes(name, ATTRIBUTES);
            for (Attribute a : list.asList()) {
                if (a.getValue() instanceof Number n) {
                    v.put(a.getName(), n);
                }
            }
        } catch (JMException e) {
            return MetricSnapshots.of();
        }
        GaugeSnapshot.Builder threads = GaugeSnapshot.builder().name("netloom_virtual_threads")
                .help("Virtual threads mounted on a carrier now, and queued to run");
        point(threads, v.get(ATTRIBUTES[0]), Labels.of("state", "mounted"));
        point(threads, v.get(ATTRIBUTES[1]), Labels.of("state", "queued"));
        GaugeSnapshot.Builder carriers = GaugeSnapshot.builder().name("netloom_virtual_thread_carriers")
                .help("Platform threads of the virtual-thread scheduler");
        point(carriers, v.get(ATTRIBUTES[2]), Labels.EMPTY);
        return MetricSnapshots.of(threads.build(), carriers.build());
    }

    private static void point(GaugeSnapshot.Builder b, Number value, Labels labels) {
        if (value != null) {
            b.dataPoint(GaugeDataPointSnapshot.builder().value(value.doubleValue()).labels(labels).build());
        }
    }
}
