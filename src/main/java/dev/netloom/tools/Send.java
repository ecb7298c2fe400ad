package dev.netloom.tools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Sends one message and collects the reply. TCP: connect, write, half-close, read until the
 * server closes or the timeout passes. UDP: one datagram out, the first datagram back.
 */
public final class Send {

    /** Most bytes of a reply that are kept; enough for any line service, bounded for safety. */
    private static final int MAX_REPLY = 16 * 1024 * 1024;

    private Send() {
    }

    /**
     * The reply, possibly empty (the server closed without answering).
     *
     * @throws SocketTimeoutException nothing came back within {@code timeout}
     * @throws IOException            connection refused, host unknown, ...
     */
    public static byte[] exchange(Endpoint to, byte[] message, Duration timeout) throws IOException {
        return to.transport().equals("udp") ? udp(to, message, timeout) : tcp(to, message, timeout);
    }

    private static byte[] tcp(Endpoint to, byte[] message, Duration timeout) throws IOException {
        int ms = (int) Math.max(1, timeout.toMillis());
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket s = new Socket()) {
            s.connect(to.address(), ms);
            s.getOutputStream().write(message);
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (reply.size() < MAX_REPLY) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                s.setSoTimeout((int) left);
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    break;
                }
                if (n < 0) {
                    return reply.toByteArray();
                }
                reply.write(buf, 0, n);
            }
            if (reply.size() == 0) {
                throw new SocketTimeoutException("no reply from " + to + " within " + ms + " ms");
            }
            return reply.toByteArray(); // the server kept the connection open: show what came
        }
    }

    private static byte[] udp(Endpoint to, byte[] message, Duration timeout) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(to.address());
            s.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            s.send(new DatagramPacket(message, message.length));
            byte[] buf = new byte[65_536];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            try {
                s.receive(reply);
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException("no reply from " + to + " within " + timeout.toMillis() + " ms");
            } catch (PortUnreachableException e) {
                throw new IOException("nothing listens on " + to + " (port unreachable)", e);
            }
            byte[] data = new byte[reply.getLength()];
            System.arraycopy(buf, 0, data, 0, data.length);
            return data;
        }
    }
}
