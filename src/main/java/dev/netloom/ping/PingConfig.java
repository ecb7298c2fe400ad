package dev.netloom.ping;

import dev.netloom.core.Key;
import dev.netloom.core.Settings;
import dev.netloom.core.UdpConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the {@code ping} service beyond the common UDP ones: how badly it imitates a
 * network, so that a ping client can be tested against loss and latency it can predict.
 *
 * @param loss   fraction of datagrams dropped without an answer, 0 to 1 (default 0); each drop
 *               is counted ({@link PingService#dropped()})
 * @param delay  how long each answer waits before it is sent (default 0)
 * @param jitter each answer's delay varies uniformly by up to this much either way, never below
 *               0 (default 0)
 */
public record PingConfig(double loss, Duration delay, Duration jitter) {

    public static final int DEFAULT_PORT = 7009;

    public static final Key<Double> LOSS = new Key<>("loss", 0.0, PingConfig::parseFraction,
            "a fraction from 0 to 1, such as 0.3", "fraction of datagrams dropped without an answer (each counted in status ping)");
    public static final Key<Duration> DELAY = Key.duration("delay", Duration.ZERO, "answer each datagram this late (from its own virtual thread; the receive loop never waits)");
    public static final Key<Duration> JITTER = Key.duration("jitter", Duration.ZERO,
            "vary each answer's delay uniformly by up to this much either way (never below 0)");

    public PingConfig {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(jitter, "jitter");
        if (!(loss >= 0 && loss <= 1)) {
            throw new IllegalArgumentException("loss must be from 0 to 1, not " + loss);
        }
    }

    /** The common UDP keys (port 7009 by default), then loss, delay and jitter. */
    public static List<Key<?>> keys() {
        List<Key<?>> keys = new ArrayList<>(UdpConfig.keys(DEFAULT_PORT));
        keys.addAll(List.of(LOSS, DELAY, JITTER));
        return keys;
    }

    public static PingConfig from(Settings s) {
        return Settings.build(s.service(), () -> new PingConfig(s.get(LOSS), s.get(DELAY), s.get(JITTER)));
    }

    /** Null (not valid) unless the text is a number from 0 to 1. */
    private static Double parseFraction(String text) {
        double v = Double.parseDouble(text);
        return v >= 0 && v <= 1 ? v : null;
    }
}
