package dev.netloom.shell;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line download progress bar for a terminal, redrawn in place with {@code \r}:
 *
 * <pre>
 * [##########----------]  50%  1.2 MiB / 2.5 MiB  3.4 MiB/s     (length known)
 * 1.2 MiB  3.4 MiB/s                                            (length unknown)
 * </pre>
 *
 * Drawn only once a download has run for {@value #DELAY_MS} ms, so small downloads leave no
 * trace, then at most every {@value #EVERY_MS} ms. {@link #finish} draws the final state and
 * ends the line, if anything was drawn.
 */
final class ProgressBar {

    static final long DELAY_MS = 300;
    static final long EVERY_MS = 100;
    private static final int WIDTH = 20;

    private final PrintWriter out;
    private final long total;
    private final LongSupplier nanoClock;
    private final long start;
    private long lastDraw;
    private int drawnLength; // longest line drawn so far, to blank out what a shorter one leaves
    private boolean drawn;
    private String extra = "";

    /** @param total the length in bytes, or -1 when unknown */
    ProgressBar(PrintWriter out, long total) {
        this(out, total, System::nanoTime);
    }

    ProgressBar(PrintWriter out, long total, LongSupplier nanoClock) {
        this.out = out;
        this.total = total;
        this.nanoClock = nanoClock;
        this.start = nanoClock.getAsLong();
    }

    /** Bytes received so far; draws when it is time to. */
    void update(long bytes) {
        update(bytes, "");
    }

    /** Bytes received so far, and more to show after the rate (p2p's peers and ETA); draws when it is time to. */
    void update(long bytes, String extra) {
        long now = nanoClock.getAsLong();
        if ((now - start) / 1_000_000 < DELAY_MS || (drawn && (now - lastDraw) / 1_000_000 < EVERY_MS)) {
            return;
        }
        this.extra = extra;
        draw(bytes, now);
    }

    /** The last state, and a line end, when the bar was shown at all. */
    void finish(long bytes) {
        if (drawn) {
            draw(bytes, nanoClock.getAsLong());
            out.print("\n");
            out.flush();
        }
    }

    private void draw(long bytes, long now) {
        double seconds = Math.max(1e-3, (now - start) / 1e9);
        String line = render(bytes, total, bytes / seconds) + (extra.isEmpty() ? "" : "  " + extra);
        int pad = Math.max(0, drawnLength - line.length());
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        drawnLength = Math.max(drawnLength, line.length());
        lastDraw = now;
        drawn = true;
    }

    static String render(long bytes, long total, double bytesPerSecond) {
        String rate = Formats.bytes((long) bytesPerSecond) + "/s";
        if (total < 0) {
            return Formats.bytes(bytes) + "  " + rate;
        }
        double fraction = total == 0 ? 1 : Math.min(1, (double) bytes / total);
        int filled = (int) (fraction * WIDTH);
        return "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] "
                + String.format(Locale.ROOT, "%3d%%", (int) Math.floor(fraction * 100)) + "  "
                + Formats.bytes(bytes) + " / " + Formats.bytes(total) + "  " + rate;
    }
}
