package dev.netloom.monitor;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The steps of the bandwidth history and how long each is kept: minutes for 24 hours, hours for
 * 30 days, days for two years (vnStat keeps about as much: 5-minute steps for 48 hours, hours for
 * 4 days, days for 2 months, months for 2 years; ours is simpler and keeps days longer).
 */
public enum Resolution {
    MINUTE(ChronoUnit.MINUTES, Duration.ofHours(24)),
    HOUR(ChronoUnit.HOURS, Duration.ofDays(30)),
    DAY(ChronoUnit.DAYS, Duration.ofDays(2 * 365 + 1));

    private final ChronoUnit unit;
    private final Duration keep;

    Resolution(ChronoUnit unit, Duration keep) {
        this.unit = unit;
        this.keep = keep;
    }

    /** How long rows of this resolution are kept. */
    public Duration keep() {
        return keep;
    }

    /** The start of the step {@code at} falls in, as local time in {@code zone} reckons it (a day starts at local midnight). */
    public Instant start(Instant at, ZoneId zone) {
        return at.atZone(zone).truncatedTo(unit).toInstant();
    }

    /** The name stored in the database and shown in JSON: {@code minute}, {@code hour}, {@code day}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
