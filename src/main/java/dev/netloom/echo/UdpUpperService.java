package dev.netloom.echo;

import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.UdpConfig;
import dev.netloom.core.UdpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Each datagram back upper-cased (UTF-8, {@code Locale.ROOT}). One over {@code max-datagram}
 * is answered {@code ERR datagram too large (max N bytes)}.
 */
public final class UdpUpperService extends UdpServer {

    public static ServiceType type() {
        return new ServiceType("udp-upper", "UDP: each datagram back upper-cased", ServiceType.Transport.UDP,
                UpperService.DEFAULT_PORT, UdpConfig.keys(UpperService.DEFAULT_PORT), UdpUpperService::new);
    }

    public UdpUpperService(Settings settings) {
        super(settings);
    }

    @Override
    protected void handle(byte[] data, int length, InetSocketAddress from) throws IOException {
        byte[] reply = new String(data, 0, length, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT)
                .getBytes(StandardCharsets.UTF_8);
        // upper-casing can lengthen text (ß → SS); a reply must still fit in one datagram
        send(reply, Math.min(reply.length, UdpConfig.MAX_UDP_PAYLOAD), from);
    }

    @Override
    protected void oversized(InetSocketAddress from) throws IOException {
        byte[] err = ("ERR datagram too large (max " + config.maxDatagram() + " bytes)").getBytes(StandardCharsets.US_ASCII);
        send(err, err.length, from);
    }
}
