package dev.netloom.shell;

import dev.netloom.core.ByteSize;

import java.time.Duration;
import java.util.Locale;

/** Human-readable sizes and durations for tables: {@code 1.5 KiB}, {@code 4m05s}. */
final class Formats {

    private Formats() {
    }

    static String bytes(long n) {
        return ByteSize.format(n);
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86400) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", s / 86400, (s % 86400) / 3600);
    }
}
