package dev.netloom.monitor;

import java.time.Instant;

/**
 * One step of an interface's history: the traffic counted in it and how many seconds of
 * readings that covers (less than the step when netloom was not sampling all of it), so that
 * a rate is the traffic over the time really measured.
 *
 * @param start   when the step begins
 * @param seconds the seconds between the readings whose differences were added here
 * @param traffic bytes, packets, errors and drops received and sent in the step
 */
public record BandwidthRow(Resolution resolution, Instant start, double seconds, InterfaceCounters traffic) {

    /** Bytes received per second measured, 0 when nothing was measured. */
    public double rxRate() {
        return seconds > 0 ? traffic.rxBytes() / seconds : 0;
    }

    /** Bytes sent per second measured, 0 when nothing was measured. */
    public double txRate() {
        return seconds > 0 ? traffic.txBytes() / seconds : 0;
    }
}
