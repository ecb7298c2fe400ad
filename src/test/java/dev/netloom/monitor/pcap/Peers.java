package dev.netloom.monitor.pcap;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The programs that judge the capture files (tshark, tcpdump, dumpcap): found on the PATH or the
 * test is skipped, run with their output in files (no pipe to fill) and a time limit.
 */
final class Peers {

    private Peers() {
    }

    /** Skips the test, saying what to install, unless {@code tool} is on the PATH. */
    static void require(String tool, String debianPackage) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/sbin").split(File.pathSeparator)) {
            found |= Files.isExecutable(Path.of(dir, tool));
        }
        Assumptions.assumeTrue(found, tool + " is not installed (apt-get install " + debianPackage
                + ", or tests/ensure-tools.sh): the test needs it as the judge");
    }

    /** Runs a command to its end within {@code limit}; its standard output, or a failure with its error output. */
    static String run(Path dir, Duration limit, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within " + limit);
        }
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed: " + read(err));
        return Files.readString(out);
    }

    /** Starts a long-running command (a capture) with its error output in {@code err}. */
    static Process start(Path err, String... command) throws IOException {
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile()).start();
    }

    /** Stops a capture as a user would (SIGTERM: it writes out what it has) and waits for it. */
    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the capture did not stop within 10 s of SIGTERM");
        }
    }

    /** What tshark sees in a file: one {wire length, captured length, nanoseconds since 1970} per frame. */
    static List<long[]> tsharkFrames(Path file) throws IOException, InterruptedException {
        String text = run(file.getParent(), Duration.ofSeconds(60), "tshark", "-r", file.toString(), "-T", "fields",
                "-e", "frame.len", "-e", "frame.cap_len", "-e", "frame.time_epoch");
        List<long[]> frames = new ArrayList<>();
        for (String line : text.lines().filter(l -> !l.isBlank()).toList()) {
            String[] f = line.split("\t");
            frames.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), epochNanos(f[2])});
        }
        return frames;
    }

    /** "1796620423.758329" or "1796620423.758329123" as nanoseconds. */
    static long epochNanos(String seconds) {
        int dot = seconds.indexOf('.');
        if (dot < 0) {
            return Long.parseLong(seconds) * 1_000_000_000L;
        }
        String fraction = (seconds.substring(dot + 1) + "000000000").substring(0, 9);
        return Long.parseLong(seconds.substring(0, dot)) * 1_000_000_000L + Long.parseLong(fraction);
    }

    /** Every packet of a file as our readers see it, in the same shape as {@link #tsharkFrames}. */
    static List<long[]> ourFrames(Path file) throws IOException {
        List<long[]> frames = new ArrayList<>();
        try (PacketSource in = CaptureFiles.open(file)) {
            for (RawPacket p = in.next(); p != null; p = in.next()) {
                frames.add(new long[] {p.originalLength(), p.capturedLength(), p.epochNanos()});
            }
        }
        return frames;
    }

    /** Asserts the two lists of frames are the same. */
    static void assertSameFrames(List<long[]> expected, List<long[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": frame count");
        for (int i = 0; i < expected.size(); i++) {
            long[] e = expected.get(i);
            long[] a = actual.get(i);
            int n = i;
            assertTrue(e[0] == a[0] && e[1] == a[1] && e[2] == a[2], () -> what + ": frame " + (n + 1) + " is "
                    + List.of(a[0], a[1], a[2]) + ", tshark says " + List.of(e[0], e[1], e[2]));
        }
    }

    /** A file's text, or what kept it from being read. */
    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
