package dev.netloom.shell;

import dev.netloom.core.ByteSize;
import dev.netloom.monitor.BandwidthRow;
import dev.netloom.monitor.Resolution;

import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * {@code monitor bw}'s chart of one interface: a heading, two lines per step (rx with a bar of
 * {@code #}, tx with a bar of {@code =}, both scaled to the largest amount shown) and the total:
 *
 * <pre>
 * lo, per minute (times in Europe/Berlin)
 * 2026-12-07 05:10  rx  12.3 MiB  210.1 KiB/s  ########################################
 *                   tx  12.3 MiB  210.1 KiB/s  ========================================
 * total: rx 12.3 MiB, tx 12.3 MiB in 1 minute (60 s measured)
 * </pre>
 */
final class BandwidthChart {

    private BandwidthChart() {
    }

    static void print(PrintWriter out, String iface, List<BandwidthRow> rows, ZoneId zone, int width) {
        Resolution res = rows.getFirst().resolution();
        out.println(iface + ", per " + res.label() + " (times in " + zone.getId() + ")");
        DateTimeFormatter time = DateTimeFormatter.ofPattern(res == Resolution.DAY ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm")
                .withZone(zone);
        long widest = 1;
        for (BandwidthRow r : rows) {
            widest = Math.max(widest, Math.max(r.traffic().rxBytes(), r.traffic().txBytes()));
        }
        int amount = 0;
        int rate = 0;
        for (BandwidthRow r : rows) {
            amount = Math.max(amount, Math.max(bytes(r.traffic().rxBytes()).length(), bytes(r.traffic().txBytes()).length()));
            rate = Math.max(rate, Math.max(rate(r.rxRate()).length(), rate(r.txRate()).length()));
        }
        long rx = 0;
        long tx = 0;
        double seconds = 0;
        for (BandwidthRow r : rows) {
            String when = time.format(r.start());
            out.println(line(when, "rx", r.traffic().rxBytes(), r.rxRate(), amount, rate, bar('#', r.traffic().rxBytes(), widest, width)));
            out.println(line(" ".repeat(when.length()), "tx", r.traffic().txBytes(), r.txRate(), amount, rate,
                    bar('=', r.traffic().txBytes(), widest, width)));
            rx += r.traffic().rxBytes();
            tx += r.traffic().txBytes();
            seconds += r.seconds();
        }
        out.println("total: rx " + bytes(rx) + ", tx " + bytes(tx) + " in " + rows.size() + " " + res.label()
                + (rows.size() == 1 ? "" : "s") + " (" + Math.round(seconds) + " s measured)");
        out.println();
    }

    private static String line(String when, String dir, long amount, double rate, int amountWidth, int rateWidth, String bar) {
        return (when + "  " + dir + "  " + pad(bytes(amount), amountWidth) + "  " + pad(rate(rate), rateWidth) + "  " + bar)
                .stripTrailing();
    }

    /** A bar of {@code c}, {@code width} long for {@code widest}; at least one for anything above 0. */
    static String bar(char c, long value, long widest, int width) {
        if (value <= 0) {
            return "";
        }
        return String.valueOf(c).repeat((int) Math.max(1, Math.round((double) value / widest * width)));
    }

    static String bytes(long n) {
        return ByteSize.format(n);
    }

    static String rate(double bytesPerSecond) {
        return ByteSize.format(Math.round(bytesPerSecond)) + "/s";
    }

    private static String pad(String s, int width) {
        return " ".repeat(Math.max(0, width - s.length())) + s;
    }
}
