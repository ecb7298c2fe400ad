package dev.netloom.core;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/**
 * Closing after an error reply without losing the reply. Closing a socket that still has
 * unread input makes the kernel send a reset, which can destroy the reply before the client
 * reads it (RFC 9112 §9.6). So: send what was written, half-close, read and drop what the
 * client is still sending for a short while, then close.
 */
public final class Linger {

    /** Longest time spent draining a client before closing anyway. */
    private static final int MAX_MILLIS = 1000;
    /** Most bytes drained before closing anyway. */
    private static final int MAX_BYTES = 256 * 1024;

    private Linger() {
    }

    /** Half-closes {@code socket}, drains its input within the limits above, and closes it. */
    public static void close(Socket socket) {
        try (socket) {
            socket.shutdownOutput();
            drain(socket.getInputStream(), ReadTimeout.of(socket));
        } catch (IOException e) {
            // the client went away or took too long: the socket is closed either way
        }
    }

    /**
     * Reads and drops what {@code in} still brings, within the limits above, each read bounded
     * through {@code timeout}; for a transport that half-closed and closes itself afterwards.
     */
    public static void drain(InputStream in, ReadTimeout timeout) {
        try {
            long deadline = System.nanoTime() + MAX_MILLIS * 1_000_000L;
            byte[] scratch = new byte[8192];
            int total = 0;
            while (total < MAX_BYTES) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                timeout.set((int) left);
                int n = in.read(scratch);
                if (n < 0) {
                    break;
                }
                total += n;
            }
        } catch (IOException e) {
            // the client went away or took too long
        }
    }
}
