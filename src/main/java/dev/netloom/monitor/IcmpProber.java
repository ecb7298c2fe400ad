package dev.netloom.monitor;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;

/**
 * ICMP echo, as the shell's {@code ping} sends it ({@link dev.netloom.tools.IcmpPing}):
 * {@link InetAddress#isReachable(int)} timed, in a process allowed raw sockets ({@link Prober#open}
 * checks). The time includes opening the JDK's raw socket, a few microseconds.
 */
final class IcmpProber implements Prober {

    private final InetAddress target;

    IcmpProber(InetAddress target) {
        this.target = target;
    }

    @Override
    public ProbeResult probe(int seq, Duration timeout) throws IOException {
        long t0 = System.nanoTime();
        boolean answered = target.isReachable((int) Math.max(1, timeout.toMillis()));
        return answered ? ProbeResult.answered(Duration.ofNanos(System.nanoTime() - t0)) : ProbeResult.lost();
    }

    @Override
    public void close() {
        // nothing held between probes
    }
}
