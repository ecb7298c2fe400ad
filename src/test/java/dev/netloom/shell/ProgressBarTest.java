package dev.netloom.shell;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The progress bar on a clock the test moves: when it draws, what, and how it ends. */
class ProgressBarTest {

    private final long[] nowMillis = {0};
    private final StringWriter screen = new StringWriter();

    private ProgressBar bar(long total) {
        return new ProgressBar(new PrintWriter(screen), total, () -> nowMillis[0] * 1_000_000);
    }

    private String drawn() {
        String s = screen.toString();
        screen.getBuffer().setLength(0);
        return s;
    }

    @Test
    void drawsAfterADelayThenAtMostEveryTenthOfASecondAndEndsTheLine() {
        ProgressBar bar = bar(1000);
        bar.update(100);
        nowMillis[0] = 299;
        bar.update(299);
        assertEquals("", drawn(), "a short download leaves no trace");
        nowMillis[0] = 300;
        bar.update(300);
        assertEquals("\r[######--------------]  30%  300 B / 1000 B  1000 B/s", drawn());
        nowMillis[0] = 350;
        bar.update(400);
        assertEquals("", drawn());
        nowMillis[0] = 400;
        bar.update(500);
        assertEquals("\r[##########----------]  50%  500 B / 1000 B  1.2 KiB/s", drawn());
        nowMillis[0] = 500;
        bar.finish(1000);
        assertEquals("\r[####################] 100%  1000 B / 1000 B  2.0 KiB/s\n", drawn());
    }

    @Test
    void aShorterLineBlanksWhatTheLongerOneLeft() {
        ProgressBar bar = bar(-1);
        nowMillis[0] = 1000;
        bar.update(5L * 1024 * 1024);
        assertEquals("\r5.0 MiB  5.0 MiB/s", drawn());
        nowMillis[0] = 10_000_000;
        bar.update(5L * 1024 * 1024);
        assertEquals("\r5.0 MiB  524 B/s" + " ".repeat(2), drawn());
    }

    @Test
    void nothingDrawnMeansNothingToEnd() {
        ProgressBar bar = bar(10);
        bar.update(10);
        bar.finish(10);
        assertEquals("", drawn());
    }
}
