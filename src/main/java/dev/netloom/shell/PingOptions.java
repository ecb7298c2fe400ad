package dev.netloom.shell;

import dev.netloom.tools.PingSchedule;
import dev.netloom.tools.PingSummary;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What {@code udpping}, {@code tcpping} and {@code ping} share: {@code -c COUNT} (10),
 * {@code -i INTERVAL} and {@code -W TIMEOUT} in seconds as ping takes them (decimals allowed,
 * 1 each), {@code -h}/{@code --help}, and how a run ends. A bad value is a usage error (exit 2);
 * the exit code of a run is 0 when an answer came back and 1 when none did.
 *
 * <p>Ctrl-C interrupts the running command. In the interactive shell that is JLine's signal
 * handler; as {@code netloom udpping ...} SIGINT ends the JVM, so a run holds a shutdown hook
 * that interrupts it and waits for its summary (the process then exits 130, as any command
 * killed by SIGINT).
 */
final class PingOptions {

    /** How long the shutdown hook waits for an interrupted run to print its summary. */
    private static final long SUMMARY_WAIT_MS = 3000;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;
    @Option(names = "-c", paramLabel = "COUNT", description = "probes to send (default 10, at most 1000000)")
    int count = PingSchedule.DEFAULT_COUNT;
    @Option(names = "-i", paramLabel = "INTERVAL", description = "seconds between probes (default 1; decimals allowed, e.g. 0.2)")
    String interval = "1";
    @Option(names = "-W", paramLabel = "TIMEOUT", description = "seconds to wait for each answer (default 1; decimals allowed)")
    String timeout = "1";
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    /** A run of a ping tool on the calling thread; it prints its lines and its summary. */
    interface Run {
        PingSummary run() throws IOException;
    }

    /** The schedule the options ask for; a usage error (exit 2) when one is out of range. */
    PingSchedule schedule() {
        try {
            return new PingSchedule(count, seconds("-i", interval), seconds("-W", timeout));
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** Prints {@code error: MESSAGE} and returns 2: a problem with what was asked that usage help would not explain. */
    int refuse(String message) {
        spec.commandLine().getErr().println("error: " + message);
        spec.commandLine().getErr().flush();
        return 2;
    }

    /** A run that gives its own exit code ({@code monitor probe}). */
    interface Coded {
        int run() throws IOException;
    }

    /** Runs {@code run} until it ends or Ctrl-C; returns the exit code. */
    static int execute(Run run) {
        return untilInterrupted(() -> run.run().exitCode());
    }

    /**
     * Runs {@code run} on the calling thread; on the command line SIGINT interrupts it and waits
     * for what it prints at its end, as {@link #execute} does for the ping tools.
     */
    static int untilInterrupted(Coded run) {
        Thread caller = Thread.currentThread();
        CountDownLatch summarized = new CountDownLatch(1);
        // waits for the summary, not for the caller's end: that thread goes on into System.exit
        Thread hook = new Thread(() -> {
            caller.interrupt();
            try {
                summarized.await(SUMMARY_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ping-summary");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run.run();
        } catch (IOException e) {
            throw new ShellException(e.getMessage() != null ? e.getMessage() : e.toString());
        } finally {
            summarized.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running; it has what it waited for
            }
        }
    }

    private Duration seconds(String option, String text) {
        Duration d = PingSchedule.seconds(text);
        if (d == null) {
            throw usage(option + ": '" + text + "' is not a number of seconds (such as 1, 0.2)");
        }
        return d;
    }
}
