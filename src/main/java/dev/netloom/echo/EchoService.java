package dev.netloom.echo;

import dev.netloom.core.Connection;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.TcpConfig;
import dev.netloom.core.TcpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * RFC 862 echo over TCP: every byte received is sent back, in order, binary-safe, of any size.
 * A connection waiting for data holds no buffer: it blocks on a one-byte read and then takes as
 * much as is already there, so an idle connection costs only its socket and thread.
 */
public final class EchoService extends TcpServer {

    public static final int DEFAULT_PORT = 7007;
    private static final int MAX_CHUNK = 16 * 1024;

    public static ServiceType type() {
        return new ServiceType("echo", "TCP echo (RFC 862): every byte back", ServiceType.Transport.TCP,
                DEFAULT_PORT, TcpConfig.keys(DEFAULT_PORT), EchoService::new);
    }

    public EchoService(Settings settings) {
        super(settings);
    }

    @Override
    protected void serve(Connection c) throws IOException {
        InputStream in = c.in();
        OutputStream out = c.out();
        while (true) {
            int first = in.read();
            if (first < 0 || !c.busy("echo")) {
                return;
            }
            byte[] chunk = new byte[Math.min(MAX_CHUNK, 1 + Math.max(0, in.available()))];
            chunk[0] = (byte) first;
            int n = 1;
            if (chunk.length > 1) {
                int more = in.read(chunk, 1, chunk.length - 1);
                n += Math.max(0, more);
            }
            out.write(chunk, 0, n);
            c.stats().request();
            if (!c.idle()) {
                return;
            }
        }
    }
}
