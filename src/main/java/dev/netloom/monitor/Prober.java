package dev.netloom.monitor;

import dev.netloom.tools.IcmpPing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Sends one probe at a time to one {@link ProbeTarget} and says what became of it. Made by
 * {@link #open}: {@link IcmpProber}, {@link UdpProber} or {@link TcpProber}. Used by one thread.
 */
public interface Prober extends AutoCloseable {

    /**
     * Sends probe {@code seq} and waits up to {@code timeout} for its answer.
     *
     * @throws IOException for a failure that is not the target's answer (the socket closed under it)
     */
    ProbeResult probe(int seq, Duration timeout) throws IOException;

    @Override
    void close();

    /**
     * A prober of {@code target}, its host resolved now.
     *
     * @throws UnknownHostException when the host does not resolve
     * @throws IOException                   for ICMP without the privilege ({@link IcmpPing#NEEDS}), or a
     *                                       socket that cannot be opened
     */
    static Prober open(ProbeTarget target) throws IOException {
        InetAddress address = InetAddress.getByName(target.host());
        return switch (target.kind()) {
            case "icmp" -> {
                if (!IcmpPing.privileged()) {
                    throw new IOException(IcmpPing.NEEDS);
                }
                yield new IcmpProber(address);
            }
            case "udp" -> new UdpProber(new InetSocketAddress(address, target.port()));
            default -> new TcpProber(new InetSocketAddress(address, target.port()));
        };
    }
}
