package dev.netloom.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The shape a service's own metrics take, and the mistakes it refuses before a scrape would fail. */
class MetricFamilyTest {

    @Test
    void keepsSamplesInOrderWithTheirLabels() {
        MetricFamily f = MetricFamily.counter("netloom_x_total", "x").add(3, "pool", "p").add(4);
        assertEquals(MetricFamily.Type.COUNTER, f.type());
        assertEquals(List.of(new MetricFamily.Sample(List.of("pool", "p"), 3), new MetricFamily.Sample(List.of(), 4)),
                f.samples());
    }

    @Test
    void refusesNamesAndLabelsPrometheusWouldNot() {
        assertThrows(IllegalArgumentException.class, () -> MetricFamily.counter("netloom_x", "no _total"));
        assertThrows(IllegalArgumentException.class, () -> MetricFamily.gauge("netloom-x", "a dash"));
        MetricFamily g = MetricFamily.gauge("netloom_x", "x");
        assertThrows(IllegalArgumentException.class, () -> g.add(1, "service", "lb"), "the listener adds service");
        assertThrows(IllegalArgumentException.class, () -> g.add(1, "pool"), "a name without a value");
        assertThrows(IllegalArgumentException.class, () -> g.add(1, "1pool", "p"));
        assertEquals(0, g.samples().size());
    }
}
