package dev.netloom.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 in front of a service that counts the bytes passing each way, as
 * tcpdump would: the wire bytes a service's {@code status} must match, TLS records included.
 * Relays the first client only.
 */
public final class Tap implements AutoCloseable {

    private final ServerSocket listener;
    private final AtomicLong up = new AtomicLong();
    private final AtomicLong down = new AtomicLong();
    private volatile Socket client;
    private volatile Socket server;

    private Tap(InetSocketAddress target) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try {
                client = listener.accept();
                server = new Socket(target.getAddress(), target.getPort());
                Thread.ofVirtual().start(() -> pump(client, server, up));
                pump(server, client, down);
            } catch (IOException ignored) {
                // closed by the test
            }
        });
    }

    /** A relay to {@code target}; connect to {@link #port()}. */
    public static Tap to(InetSocketAddress target) throws IOException {
        return new Tap(target);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** A client socket connected through the tap, with a 10 s read timeout. */
    public Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port());
        s.setSoTimeout(10_000);
        return s;
    }

    /** Bytes from the client to the service so far. */
    public long up() {
        return up.get();
    }

    /** Bytes from the service to the client so far. */
    public long down() {
        return down.get();
    }

    private static void pump(Socket from, Socket to, AtomicLong count) {
        byte[] buf = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                count.addAndGet(n);
            }
        } catch (IOException ignored) {
            // one side closed: so does the other
        }
        close(from);
        close(to);
    }

    private static void close(Socket s) {
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException ignored) {
            // closed is all we wanted
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        close(client);
        close(server);
    }
}
