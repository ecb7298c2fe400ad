package dev.netloom.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings every UDP service shares.
 *
 * @param host        address to bind; default 127.0.0.1
 * @param port        port to bind, 0 for any free one
 * @param maxDatagram largest datagram handled, in bytes (default 65507, the IPv4 maximum)
 * @param peerExpiry  a peer silent this long is forgotten from the peer table
 * @param grace       how long {@code stop} waits for the datagram being handled
 */
public record UdpConfig(String host, int port, int maxDatagram, Duration peerExpiry, Duration grace) {

    public static final int MAX_UDP_PAYLOAD = 65_507;
    public static final Key<Integer> MAX_DATAGRAM = Key.size("max-datagram", MAX_UDP_PAYLOAD, 1, MAX_UDP_PAYLOAD,
            "largest datagram handled, in bytes");
    public static final Key<Duration> PEER_EXPIRY = Key.duration("peer-expiry", Duration.ofMinutes(5),
            "forget a peer (in conns) silent this long");

    public UdpConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in 0-65535");
        }
        if (maxDatagram < 1 || maxDatagram > MAX_UDP_PAYLOAD) {
            throw new IllegalArgumentException("max-datagram must be 1-" + MAX_UDP_PAYLOAD);
        }
    }

    public static List<Key<?>> keys(int defaultPort) {
        return List.of(TcpConfig.HOST, TcpConfig.PORT.withDefault(defaultPort),
                MAX_DATAGRAM, PEER_EXPIRY, TcpConfig.GRACE);
    }

    public static UdpConfig from(Settings s) {
        return Settings.build(s.service(), () -> new UdpConfig(s.get(TcpConfig.HOST), s.get(TcpConfig.PORT),
                s.get(MAX_DATAGRAM), s.get(PEER_EXPIRY), s.get(TcpConfig.GRACE)));
    }
}
