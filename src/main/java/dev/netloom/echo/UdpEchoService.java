package dev.netloom.echo;

import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.UdpConfig;
import dev.netloom.core.UdpServer;

import java.io.IOException;
import java.net.InetSocketAddress;

/** RFC 862 echo over UDP: each datagram back unchanged; one over {@code max-datagram} is dropped. */
public final class UdpEchoService extends UdpServer {

    public static ServiceType type() {
        return new ServiceType("udp-echo", "UDP echo (RFC 862): each datagram back", ServiceType.Transport.UDP,
                EchoService.DEFAULT_PORT, UdpConfig.keys(EchoService.DEFAULT_PORT), UdpEchoService::new);
    }

    public UdpEchoService(Settings settings) {
        super(settings);
    }

    @Override
    protected void handle(byte[] data, int length, InetSocketAddress from) throws IOException {
        send(data, length, from);
    }
}
