package dev.netloom.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code ping}: real ICMP echo, timed around {@link InetAddress#isReachable(int)}, one probe
 * per step of a {@link PingSchedule}, then the {@link PingSummary}:
 *
 * <pre>
 * PING 127.0.0.1 (127.0.0.1): ICMP echo
 * reply from 127.0.0.1: seq=1 time=0.061 ms
 * Request timeout for seq 2
 * </pre>
 *
 * The JDK sends ICMP echo only from a process allowed to open raw sockets, on Linux one with
 * CAP_NET_RAW (root has it; {@code setcap cap_net_raw+ep} gives it to the java binary); without
 * it {@code isReachable} quietly tries a TCP connect to port 7 instead, which would make this
 * tool lie. So {@link #privileged()} is checked first and {@link #NEEDS} says what to do when
 * it is false. The time includes opening the JDK's raw socket, a few microseconds. Interrupting
 * the calling thread (Ctrl-C) stops before the next probe; the summary is still printed.
 */
public final class IcmpPing {

    /** Bit of CAP_NET_RAW in the capability masks of /proc/self/status. */
    private static final int CAP_NET_RAW = 13;

    /** What a process must have to send ICMP echo, and what to use instead. */
    public static final String NEEDS = "ping sends ICMP echo, which needs raw sockets (CAP_NET_RAW), and this "
            + "process may not open them: run netloom as root, or give the JVM the capability with "
            + "`sudo setcap cap_net_raw+ep " + javaBinary() + "`; tcpping HOST PORT and udpping HOST[:PORT] need "
            + "no privilege";

    private final String name;
    private final InetAddress target;
    private final String label;
    private final PingSchedule schedule;

    /** A run against {@code target}; {@code name} is how the user wrote it. */
    public IcmpPing(String name, InetAddress target, PingSchedule schedule) {
        this.target = target;
        this.label = target.getHostAddress();
        this.schedule = schedule;
        this.name = name;
    }

    /**
     * Whether this process may open raw ICMP sockets: CAP_NET_RAW in its effective capabilities
     * (Linux, read from /proc/self/status). False where that cannot be read.
     */
    public static boolean privileged() {
        try {
            List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
            for (String line : status) {
                if (line.startsWith("CapEff:")) {
                    return new BigInteger(line.substring("CapEff:".length()).strip(), 16).testBit(CAP_NET_RAW);
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Runs the schedule, printing a line per probe and the summary; returns the summary. */
    public PingSummary run(PrintWriter out) throws IOException {
        PingSummary summary = new PingSummary(label, "ping");
        out.println("PING " + name + " (" + label + "): ICMP echo");
        out.flush();
        long start = System.nanoTime();
        int timeoutMs = (int) Math.max(1, schedule.timeout().toMillis());
        for (int seq = 1; seq <= schedule.count() && schedule.awaitProbe(start, seq); seq++) {
            summary.transmitted();
            long t0 = System.nanoTime();
            boolean answered = target.isReachable(timeoutMs);
            Duration rtt = Duration.ofNanos(System.nanoTime() - t0);
            if (answered) {
                summary.received(rtt);
                out.println("reply from " + label + ": seq=" + seq + " time=" + PingSummary.millis(rtt) + " ms");
            } else {
                out.println("Request timeout for seq " + seq);
            }
            out.flush();
        }
        summary.print(out);
        return summary;
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("$JAVA_HOME/bin/java");
    }
}
