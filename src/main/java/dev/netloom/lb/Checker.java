package dev.netloom.lb;

import dev.netloom.core.HostPort;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * One active health check of a server, as HAProxy words its results: {@code L4OK} (connected),
 * {@code L4CON} (refused or unreachable), {@code L4TOUT} (no connection within
 * {@code check-timeout}), {@code L7OK}/{@code L7STS} (an http check's status in range or not),
 * {@code L7TOUT} (no response in time), {@code L7RSP} (not an HTTP response).
 */
final class Checker {

    /** A check's outcome and how {@code lb} shows it ({@code L4OK in 1ms}). */
    record Result(boolean ok, String text) {
    }

    private Checker() {
    }

    static Result run(Server s, PoolConfig config) {
        int timeout = (int) Math.max(1, Math.min(Integer.MAX_VALUE, config.checkTimeout().toMillis()));
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            try {
                socket.connect(s.address, timeout);
            } catch (SocketTimeoutException e) {
                return new Result(false, "L4TOUT after " + timeout + "ms");
            } catch (IOException e) {
                return new Result(false, "L4CON " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
            if (config.check().kind() != HealthCheck.Kind.HTTP) {
                return new Result(true, "L4OK in " + millis(start) + "ms");
            }
            long left = timeout - millis(start);
            socket.setSoTimeout((int) Math.max(1, left));
            String request = "GET " + config.check().path() + " HTTP/1.1\r\nHost: "
                    + HostPort.format(s.spec().host(), s.spec().port())
                    + "\r\nUser-Agent: netloom-lb-check\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            int status;
            try {
                status = status(socket.getInputStream());
            } catch (SocketTimeoutException e) {
                return new Result(false, "L7TOUT after " + timeout + "ms");
            }
            if (status < 0) {
                return new Result(false, "L7RSP not an HTTP response");
            }
            boolean ok = config.checkStatus().contains(status);
            return new Result(ok, (ok ? "L7OK " : "L7STS ") + status + " in " + millis(start) + "ms");
        } catch (IOException e) {
            return new Result(false, "L7RSP " + e.getMessage());
        }
    }

    /** The status of {@code HTTP/1.x NNN ...}, or -1. */
    private static int status(InputStream in) throws IOException {
        byte[] line = new byte[12];
        int n = 0;
        while (n < line.length) {
            int r = in.read(line, n, line.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        String s = new String(line, 0, n, StandardCharsets.ISO_8859_1);
        if (n < 12 || !s.startsWith("HTTP/1.") || s.charAt(8) != ' ') {
            return -1;
        }
        try {
            return Integer.parseInt(s.substring(9, 12));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
