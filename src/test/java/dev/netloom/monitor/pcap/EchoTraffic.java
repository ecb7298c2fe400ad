package dev.netloom.monitor.pcap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Real TCP traffic on lo for the capture tests: a line echo server and a client that sends marked lines. */
final class EchoTraffic implements AutoCloseable {

    private final ServerSocket server;

    EchoTraffic() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("echo-accept").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** One connection: {@code count} lines "MARKER-i" sent and their echoes read, then closed. */
    void exchange(String marker, int count) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port())) {
            s.setSoTimeout(5000);
            s.setTcpNoDelay(true);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < count; i++) {
                out.write((marker + "-" + i + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals(marker + "-" + i, in.readLine());
            }
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> echo(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void echo(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII);
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.print(line + "\n");
                out.flush();
            }
        } catch (IOException e) {
            // the client went away: nothing to echo to
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
