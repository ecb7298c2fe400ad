package dev.netloom.tcpproxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A target for the proxy in tests: a real listener on 127.0.0.1:0 that runs a handler per connection. */
final class Target implements AutoCloseable {

    private final ServerSocket listener;

    /** What a target does with one accepted connection; the socket is closed after it. */
    @FunctionalInterface
    interface Handler {
        void handle(Socket s) throws IOException;
    }

    Target(Handler handler) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            handler.handle(s);
                        } catch (IOException ignored) {
                            // the test sees what the client saw
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** The route to this target, listening on any free port: {@code 0=127.0.0.1:PORT}. */
    String route() {
        return "0=127.0.0.1:" + port();
    }

    int port() {
        return ((InetSocketAddress) listener.getLocalSocketAddress()).getPort();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
