package dev.netloom.monitor;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A {@code PING <seq> <payload>} datagram, the {@code ping} service's protocol as {@code udpping}
 * speaks it ({@link dev.netloom.tools.UdpPing}), from one connected socket kept for the run. The
 * answer is {@code PONG <seq> ...} from the ping service, or the datagram itself from any UDP
 * echo server; an answer to an earlier probe (late) is skipped. An ICMP port unreachable is an
 * error (nothing listens there), no answer within the timeout a loss.
 */
final class UdpProber implements Prober {

    /** 32 printable bytes of data, as udpping's payload is printable. */
    private static final String PAYLOAD = "netloom-monitor-probe-0123456789";

    private final DatagramSocket socket;
    private final byte[] buf = new byte[2048];

    UdpProber(InetSocketAddress target) throws IOException {
        socket = new DatagramSocket();
        socket.connect(target);
    }

    @Override
    public ProbeResult probe(int seq, Duration timeout) throws IOException {
        byte[] probe = ("PING " + seq + " " + PAYLOAD).getBytes(StandardCharsets.US_ASCII);
        String pong = "PONG " + seq + " ";
        String echo = "PING " + seq + " ";
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        try {
            socket.send(new DatagramPacket(probe, probe.length));
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return ProbeResult.lost();
                }
                socket.setSoTimeout((int) Math.max(1, (left + 999_999) / 1_000_000));
                in.setLength(buf.length);
                socket.receive(in);
                String head = new String(buf, 0, Math.min(in.getLength(), 32), StandardCharsets.US_ASCII);
                if (head.startsWith(pong) || head.startsWith(echo)) {
                    return ProbeResult.answered(Duration.ofNanos(System.nanoTime() - t0));
                }
            }
        } catch (SocketTimeoutException e) {
            return ProbeResult.lost();
        } catch (PortUnreachableException e) {
            return ProbeResult.error("port unreachable (nothing listens there)");
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
