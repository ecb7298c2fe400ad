package dev.netloom.tools;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.Locale;

/**
 * The statistics of one run of {@code udpping}, {@code tcpping} or {@code ping}, and the lines
 * that end it, as Linux's iputils ping prints them, so that whatever parses ping's summary
 * parses ours:
 *
 * <pre>
 * --- 127.0.0.1:7009 udpping statistics ---
 * 10 packets transmitted, 9 received, +1 duplicates, 10% packet loss, time 9012ms
 * rtt min/avg/max/mdev = 0.101/0.140/0.200/0.030 ms
 * </pre>
 *
 * The {@code +N duplicates}, {@code +N late} and {@code +N errors} parts appear only when not 0;
 * none of them counts as received. Loss is printed as C's {@code %g} (six significant digits),
 * the time in whole milliseconds since the first probe, and the rtt line only when something
 * came back. mdev is the population standard deviation, {@code sqrt(mean(rtt²) - mean(rtt)²)},
 * as ping computes it. One instance per run, used by the thread that runs it.
 */
public final class PingSummary {

    private final String target;
    private final String tool;
    private final long startNanos = System.nanoTime();
    private long transmitted;
    private long received;
    private long duplicates;
    private long late;
    private long errors;
    private double sum;
    private double sumOfSquares;
    private double min = Double.MAX_VALUE;
    private double max;

    /** A summary headed {@code --- TARGET TOOL statistics ---}. */
    public PingSummary(String target, String tool) {
        this.target = target;
        this.tool = tool;
    }

    /** One probe went out. */
    public void transmitted() {
        transmitted++;
    }

    /** A first answer to a probe, {@code rtt} after it went out. */
    public void received(Duration rtt) {
        double ms = rtt.toNanos() / 1e6;
        received++;
        sum += ms;
        sumOfSquares += ms * ms;
        min = Math.min(min, ms);
        max = Math.max(max, ms);
    }

    /** A second answer to a probe already answered. */
    public void duplicate() {
        duplicates++;
    }

    /** An answer to a probe already reported as timed out. */
    public void late() {
        late++;
    }

    /** A probe that failed at once (refused, unreachable) rather than going unanswered. */
    public void error() {
        errors++;
    }

    /** The run's exit code: 0 when at least one probe was answered, 1 when none was. */
    public int exitCode() {
        return received > 0 ? 0 : 1;
    }

    /** Prints the two or three summary lines. */
    public void print(PrintWriter out) {
        out.println();
        out.println("--- " + target + " " + tool + " statistics ---");
        StringBuilder line = new StringBuilder().append(transmitted).append(" packets transmitted, ")
                .append(received).append(" received");
        plus(line, duplicates, "duplicates");
        plus(line, late, "late");
        plus(line, errors, "errors");
        if (transmitted > 0) {
            BigDecimal loss = BigDecimal.valueOf((transmitted - received) * 100.0 / transmitted)
                    .round(new MathContext(6)).stripTrailingZeros();
            long elapsedMs = Math.round((System.nanoTime() - startNanos) / 1e6);
            line.append(", ").append(loss.toPlainString()).append("% packet loss, time ").append(elapsedMs).append("ms");
        }
        out.println(line);
        if (received > 0) {
            double avg = sum / received;
            double mdev = Math.sqrt(Math.max(0, sumOfSquares / received - avg * avg));
            out.println(String.format(Locale.ROOT, "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms", min, avg, max, mdev));
        }
        out.flush();
    }

    private static void plus(StringBuilder line, long n, String what) {
        if (n > 0) {
            line.append(", +").append(n).append(' ').append(what);
        }
    }

    /** An rtt as ping prints {@code time=}: three significant digits, at least three decimals under 1 ms. */
    public static String millis(Duration rtt) {
        double ms = rtt.toNanos() / 1e6;
        String format = ms >= 100 ? "%.0f" : ms >= 10 ? "%.1f" : ms >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, format, ms);
    }
}
