package dev.netloom.core;

import java.time.Duration;

/**
 * How a stop went.
 *
 * @param graceful true when every connection finished within the grace period
 * @param forced   connections that were still busy at the deadline and were closed
 * @param took     time from the stop request until everything was closed
 */
public record StopResult(boolean graceful, int forced, Duration took) {
    public String describe() {
        return (graceful ? "graceful" : "forced, " + forced + " connection(s) closed at the deadline")
                + ", " + took.toMillis() + " ms";
    }
}
