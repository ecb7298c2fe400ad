package dev.netloom.tools;

import dev.netloom.core.HostPort;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * {@code tcpping}: times TCP connects (the three-way handshake) to a port, one per probe of a
 * {@link PingSchedule}, closing each connection at once; it needs no privilege and works
 * against any TCP server. One line per attempt, then the {@link PingSummary}:
 *
 * <pre>
 * TCPPING 127.0.0.1:8080
 * connected to 127.0.0.1:8080: seq=1 time=0.213 ms
 * seq=2 refused (Connection refused)
 * seq=3 timeout after 1000 ms
 * seq=4 error (No route to host)
 * </pre>
 *
 * A refusal or another immediate failure is counted among the summary's errors, a timeout
 * ({@code -W}) as plain loss. Interrupting the calling thread (Ctrl-C) stops before the next
 * attempt, the summary still printed; an attempt in progress ends within its timeout.
 */
public final class TcpPing {

    private final InetSocketAddress target;
    private final PingSchedule schedule;
    private final String label;

    public TcpPing(InetSocketAddress target, PingSchedule schedule) {
        this.target = target;
        this.schedule = schedule;
        this.label = HostPort.format(target);
    }

    /** Runs the schedule, printing a line per attempt and the summary; returns the summary. */
    public PingSummary run(PrintWriter out) {
        PingSummary summary = new PingSummary(label, "tcpping");
        out.println("TCPPING " + label);
        out.flush();
        long start = System.nanoTime();
        int timeoutMs = (int) Math.max(1, schedule.timeout().toMillis());
        for (int seq = 1; seq <= schedule.count() && schedule.awaitProbe(start, seq); seq++) {
            summary.transmitted();
            try {
                Duration rtt = connect(target, timeoutMs);
                summary.received(rtt);
                out.println("connected to " + label + ": seq=" + seq + " time=" + PingSummary.millis(rtt) + " ms");
            } catch (SocketTimeoutException e) {
                out.println("seq=" + seq + " timeout after " + timeoutMs + " ms");
            } catch (IOException e) {
                summary.error();
                String why = e.getMessage() != null ? e.getMessage() : e.toString();
                // a ConnectException also reports "Network is unreachable": only a RST is a refusal
                boolean refused = e instanceof ConnectException && why.contains("refused");
                out.println("seq=" + seq + (refused ? " refused (" : " error (") + why + ")");
            }
            out.flush();
        }
        summary.print(out);
        return summary;
    }

    /**
     * One attempt: how long a TCP connect to {@code target} took (the connection closed at once);
     * also the probe of {@code monitor probe tcp://...}.
     *
     * @throws SocketTimeoutException when it did not complete within {@code timeoutMs}
     * @throws IOException            when it failed at once (refused, unreachable)
     */
    public static Duration connect(InetSocketAddress target, int timeoutMs) throws IOException {
        long t0 = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(target, timeoutMs);
            return Duration.ofNanos(System.nanoTime() - t0);
        }
    }
}
