package dev.netloom.monitor;

import dev.netloom.tools.TcpPing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A TCP connect, timed as {@code tcpping} times it ({@link TcpPing#connect}): the three-way
 * handshake, the connection closed at once. A refusal is an error, a connect that times out a
 * loss.
 */
final class TcpProber implements Prober {

    private final InetSocketAddress target;

    TcpProber(InetSocketAddress target) {
        this.target = target;
    }

    @Override
    public ProbeResult probe(int seq, Duration timeout) {
        try {
            return ProbeResult.answered(TcpPing.connect(target, (int) Math.max(1, timeout.toMillis())));
        } catch (SocketTimeoutException e) {
            return ProbeResult.lost();
        } catch (IOException e) {
            return ProbeResult.error(e.getMessage() != null ? e.getMessage() : e.toString());
        }
    }

    @Override
    public void close() {
        // nothing held between probes
    }
}
