/*
 * Linux's /proc/net/dev, as this parser reads it: two heading lines, then one line per interface,
 *
 *     NAME: rx_bytes rx_packets rx_errs rx_drop rx_fifo rx_frame rx_compressed rx_multicast
 *           tx_bytes tx_packets tx_errs tx_drop tx_fifo tx_colls tx_carrier tx_compressed
 *
 * (on one line; older kernels put no space after the colon). The name ends at the line's last
 * colon, the counters are unsigned 64-bit decimal numbers (unsigned long in the kernel).
 * Lines that do not fit (the headings, a truncated line) are skipped.
 */
package dev.netloom.monitor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The counters of one network interface at one moment, as /proc/net/dev gives them: bytes,
 * packets, errors and drops, received (rx) and sent (tx). Also used for the difference of two
 * readings ({@link #minus}), the traffic between them.
 */
public record InterfaceCounters(String name, long rxBytes, long rxPackets, long rxErrors, long rxDrops,
                                long txBytes, long txPackets, long txErrors, long txDrops) {

    /** Where Linux publishes the counters. */
    public static final Path PROC_NET_DEV = Path.of("/proc/net/dev");
    /** Fields after the colon: eight received, eight transmitted. */
    private static final int FIELDS = 16;

    public InterfaceCounters {
        Objects.requireNonNull(name, "name");
    }

    /** Counters of 0 for {@code name}. */
    public static InterfaceCounters zero(String name) {
        return new InterfaceCounters(name, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** Reads {@link #PROC_NET_DEV}; an IOException where it does not exist (not Linux). */
    public static List<InterfaceCounters> read() throws IOException {
        return read(PROC_NET_DEV);
    }

    /** Reads a file in /proc/net/dev's format. */
    public static List<InterfaceCounters> read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.US_ASCII));
    }

    /** Every interface line of {@code text} in /proc/net/dev's format, in its order; other lines are skipped. */
    public static List<InterfaceCounters> parse(String text) {
        List<InterfaceCounters> all = new ArrayList<>();
        for (String line : text.split("\n")) {
            int colon = line.lastIndexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).strip();
            String[] f = line.substring(colon + 1).strip().split("\\s+");
            if (name.isEmpty() || f.length < FIELDS) {
                continue;
            }
            long[] v = new long[FIELDS];
            try {
                for (int i = 0; i < FIELDS; i++) {
                    v[i] = Long.parseUnsignedLong(f[i]);
                }
            } catch (NumberFormatException e) {
                continue;
            }
            all.add(new InterfaceCounters(name, v[0], v[1], v[2], v[3], v[8], v[9], v[10], v[11]));
        }
        return all;
    }

    /**
     * The traffic from {@code earlier} to this reading, counter by counter. Unsigned: a 64-bit
     * counter that wrapped past 2^64 still gives its small difference (it would take decades).
     */
    public InterfaceCounters minus(InterfaceCounters earlier) {
        return new InterfaceCounters(name, rxBytes - earlier.rxBytes, rxPackets - earlier.rxPackets,
                rxErrors - earlier.rxErrors, rxDrops - earlier.rxDrops, txBytes - earlier.txBytes,
                txPackets - earlier.txPackets, txErrors - earlier.txErrors, txDrops - earlier.txDrops);
    }

    /** The sum of two amounts of traffic (a bucket and a new delta). */
    public InterfaceCounters plus(InterfaceCounters more) {
        return new InterfaceCounters(name, rxBytes + more.rxBytes, rxPackets + more.rxPackets,
                rxErrors + more.rxErrors, rxDrops + more.rxDrops, txBytes + more.txBytes,
                txPackets + more.txPackets, txErrors + more.txErrors, txDrops + more.txDrops);
    }

    /**
     * Whether any counter is lower here than in {@code earlier} (compared as unsigned): the
     * interface was reset (a reboot, the interface deleted and made again), so the difference
     * of the two readings means nothing.
     */
    public boolean wentDownSince(InterfaceCounters earlier) {
        long[] now = values();
        long[] then = earlier.values();
        for (int i = 0; i < now.length; i++) {
            if (Long.compareUnsigned(now[i], then[i]) < 0) {
                return true;
            }
        }
        return false;
    }

    /** The eight counters in the order of the record's components. */
    public long[] values() {
        return new long[] {rxBytes, rxPackets, rxErrors, rxDrops, txBytes, txPackets, txErrors, txDrops};
    }

    /** Counters from {@link #values()}'s order. */
    public static InterfaceCounters of(String name, long[] v) {
        return new InterfaceCounters(name, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }
}
