package dev.netloom.monitor;

import java.time.Duration;

/**
 * What became of one probe: answered after {@code rtt}, lost (no answer within the timeout), or
 * failed at once with {@code error} (a TCP refusal, an ICMP port unreachable), which also counts
 * as lost.
 */
public record ProbeResult(Outcome outcome, Duration rtt, String error) {

    /** The three ends of a probe. */
    public enum Outcome { ANSWERED, LOST, ERROR }

    public static ProbeResult answered(Duration rtt) {
        return new ProbeResult(Outcome.ANSWERED, rtt, null);
    }

    public static ProbeResult lost() {
        return new ProbeResult(Outcome.LOST, null, null);
    }

    public static ProbeResult error(String why) {
        return new ProbeResult(Outcome.ERROR, null, why);
    }
}
