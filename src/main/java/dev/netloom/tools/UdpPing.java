package dev.netloom.tools;

import dev.netloom.core.HostPort;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The {@code udpping} client of the {@code ping} service's protocol ({@code PING <seq> <payload>}
 * answered by {@code PONG <seq> <payload>}): sends the probes of a {@link PingSchedule} from one
 * connected datagram socket and prints ping-like lines a script can parse:
 *
 * <pre>
 * UDPPING 127.0.0.1:7009: 56 data bytes
 * 56 bytes from 127.0.0.1:7009: seq=1 time=0.123 ms
 * Request timeout for seq 2
 * 56 bytes from 127.0.0.1:7009: seq=2 late reply after 1234.5 ms (not counted)
 * 56 bytes from 127.0.0.1:7009: seq=3 time=0.140 ms (DUP!)
 * </pre>
 *
 * then the {@link PingSummary}. Replies are matched to probes by their sequence number and
 * timed from this side's own send times (the payload is never trusted for timing), so a reply
 * to a probe already given up ({@code -W}) is reported late and one to a probe already
 * answered as a duplicate, and neither counts as received. "N bytes" counts the reply's
 * payload; {@code (wrong payload)} marks one that differs from what was sent. An ICMP port
 * unreachable (nothing listens there) is an error line and counted as such. Sending and
 * receiving share the calling thread; interrupting it (Ctrl-C) ends the run early with the
 * summary of what was sent.
 */
public final class UdpPing {

    /** The {@code ping} service's default port, used when {@code udpping} is given a host alone. */
    public static final int DEFAULT_PORT = 7009;
    /** Ping's default amount of data per probe. */
    public static final int DEFAULT_SIZE = 56;
    /** The largest payload that fits one datagram after {@code PING <seq> } (up to 16 bytes here). */
    public static final int MAX_SIZE = 65_000;
    /** A quiet socket is looked up from this often, so that an interrupt ends the run promptly. */
    private static final int POLL_MS = 100;
    /** Sequence numbers up to 18 digits are parsed (a long); ours never get near that. */
    private static final int MAX_SEQ_DIGITS = 18;

    private enum State { OUTSTANDING, ANSWERED, TIMED_OUT }

    private final InetSocketAddress target;
    private final PingSchedule schedule;
    private final byte[] payload;
    private final String label;

    /** A run against {@code target} with {@code size} bytes of data (0 to 65000) per probe. */
    public UdpPing(InetSocketAddress target, PingSchedule schedule, int size) {
        if (size < 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("-s (size) must be 0-" + MAX_SIZE + ", not " + size);
        }
        this.target = target;
        this.schedule = schedule;
        this.label = HostPort.format(target);
        // printable, so that a person watching with tcpdump or at the server sees text
        this.payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) ('!' + i % 94);
        }
    }

    /** Runs the schedule, printing a line per event and the summary; returns the summary. */
    public PingSummary run(PrintWriter out) throws IOException {
        PingSummary summary = new PingSummary(label, "udpping");
        out.println("UDPPING " + label + ": " + payload.length + " data bytes");
        out.flush();
        int count = schedule.count();
        long[] sentAt = new long[count + 1];
        State[] state = new State[count + 1];
        long intervalNanos = schedule.interval().toNanos();
        long timeoutNanos = schedule.timeout().toNanos();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(target);
            byte[] buf = new byte[65_536];
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            long start = System.nanoTime();
            int next = 1;      // the next probe to send
            int oldest = 1;    // no probe before this one is still waiting for its answer
            while (!Thread.currentThread().isInterrupted()) {
                long now = System.nanoTime();
                if (next <= count && now - (start + (next - 1) * intervalNanos) >= 0) {
                    byte[] probe = probe(next);
                    sentAt[next] = System.nanoTime();
                    state[next] = State.OUTSTANDING;
                    summary.transmitted();
                    send(socket, new DatagramPacket(probe, probe.length), summary, out);
                    next++;
                    continue;
                }
                while (oldest < next && (state[oldest] != State.OUTSTANDING || now - sentAt[oldest] >= timeoutNanos)) {
                    if (state[oldest] == State.OUTSTANDING) {
                        state[oldest] = State.TIMED_OUT;
                        out.println("Request timeout for seq " + oldest);
                        out.flush();
                    }
                    oldest++;
                }
                if (next > count && oldest == next) {
                    break;
                }
                long wakeAt = oldest < next ? sentAt[oldest] + timeoutNanos : Long.MAX_VALUE;
                if (next <= count) {
                    wakeAt = Math.min(wakeAt, start + (next - 1) * intervalNanos);
                }
                long waitMs = Math.clamp((wakeAt - now + 999_999) / 1_000_000, 1, POLL_MS);
                socket.setSoTimeout((int) waitMs);
                in.setLength(buf.length);
                try {
                    socket.receive(in);
                } catch (SocketTimeoutException quiet) {
                    continue;
                } catch (PortUnreachableException e) {
                    unreachable(summary, out);
                    continue;
                }
                reply(buf, in.getLength(), System.nanoTime(), next, sentAt, state, summary, out);
            }
        }
        summary.print(out);
        return summary;
    }

    /**
     * Sends a probe. The kernel reports an ICMP port unreachable caused by an earlier probe on
     * the next call, a send too, which then sends nothing: report it and send again.
     */
    private void send(DatagramSocket socket, DatagramPacket probe, PingSummary summary, PrintWriter out)
            throws IOException {
        try {
            socket.send(probe);
        } catch (PortUnreachableException e) {
            unreachable(summary, out);
            try {
                socket.send(probe);
            } catch (PortUnreachableException again) {
                unreachable(summary, out);
            }
        }
    }

    private void unreachable(PingSummary summary, PrintWriter out) {
        summary.error();
        out.println("From " + label + ": port unreachable (nothing listens there)");
        out.flush();
    }

    private byte[] probe(int seq) {
        byte[] head = ("PING " + seq + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] probe = Arrays.copyOf(head, head.length + payload.length);
        System.arraycopy(payload, 0, probe, head.length, payload.length);
        return probe;
    }

    private void reply(byte[] buf, int length, long now, int next, long[] sentAt, State[] state,
                       PingSummary summary, PrintWriter out) {
        int dataStart = dataStart(buf, length);
        long seq = dataStart < 0 ? -1 : Long.parseLong(new String(buf, 5, dataStart - 6, StandardCharsets.US_ASCII));
        if (seq < 1 || seq >= next) {
            out.println(length + " bytes from " + label + ": not a PONG to a probe of ours, ignored");
            out.flush();
            return;
        }
        int i = (int) seq;
        int dataLength = Math.max(0, length - dataStart);
        boolean same = Arrays.equals(buf, Math.min(dataStart, length), length, payload, 0, payload.length);
        Duration rtt = Duration.ofNanos(now - sentAt[i]);
        String line = dataLength + " bytes from " + label + ": seq=" + seq;
        switch (state[i]) {
            case OUTSTANDING -> {
                state[i] = State.ANSWERED;
                summary.received(rtt);
                line += " time=" + PingSummary.millis(rtt) + " ms";
            }
            case ANSWERED -> {
                summary.duplicate();
                line += " time=" + PingSummary.millis(rtt) + " ms (DUP!)";
            }
            case TIMED_OUT -> {
                summary.late();
                line += String.format(Locale.ROOT, " late reply after %.1f ms (not counted)", rtt.toNanos() / 1e6);
            }
        }
        out.println(same ? line : line + " (wrong payload)");
        out.flush();
    }

    /**
     * Where the payload of a {@code PONG <seq> <payload>} reply starts (after the space that
     * ends the sequence number, or at its end), or -1 when the datagram is not one.
     */
    private static int dataStart(byte[] buf, int length) {
        if (length < 6 || buf[0] != 'P' || buf[1] != 'O' || buf[2] != 'N' || buf[3] != 'G' || buf[4] != ' ') {
            return -1;
        }
        int end = 5;
        while (end < length && end < 5 + MAX_SEQ_DIGITS && buf[end] >= '0' && buf[end] <= '9') {
            end++;
        }
        if (end == 5 || (end < length && buf[end] != ' ')) {
            return -1;
        }
        return end + 1;
    }
}
