package dev.netloom.monitor;

/**
 * Per-second rates of one interface between two readings: bytes, packets, errors and drops,
 * received and sent.
 */
public record InterfaceRates(String name, double seconds, double rxBytes, double rxPackets, double rxErrors,
                             double rxDrops, double txBytes, double txPackets, double txErrors, double txDrops) {

    /**
     * The rates from {@code earlier} to {@code later}, {@code seconds} apart; all 0 when the
     * counters went down (the interface was reset) or no time passed.
     */
    public static InterfaceRates between(InterfaceCounters earlier, InterfaceCounters later, double seconds) {
        if (seconds <= 0 || later.wentDownSince(earlier)) {
            return new InterfaceRates(later.name(), seconds, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        InterfaceCounters d = later.minus(earlier);
        return new InterfaceRates(later.name(), seconds, d.rxBytes() / seconds, d.rxPackets() / seconds,
                d.rxErrors() / seconds, d.rxDrops() / seconds, d.txBytes() / seconds, d.txPackets() / seconds,
                d.txErrors() / seconds, d.txDrops() / seconds);
    }
}
