package dev.netloom.kv;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A RESP connection for tests that pin replies byte for byte: send a command, expect exact bytes. */
final class RawResp implements AutoCloseable {

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawResp(InetSocketAddress to) throws IOException {
        this(to, 0);
    }

    /** With {@code receiveBuffer} > 0, a small socket receive buffer (a subscriber that reads little). */
    RawResp(InetSocketAddress to, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(to, 5000);
        socket.setSoTimeout(5000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends one command as an array of bulk strings. */
    RawResp send(String... args) throws IOException {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return this;
    }

    /** Reads exactly as many bytes as {@code expected} has and compares them. */
    void expect(String expected) throws IOException {
        assertEquals(expected, read(expected.getBytes(StandardCharsets.UTF_8).length));
    }

    /** Sends a command and expects its reply, byte for byte. */
    void call(String expected, String... args) throws IOException {
        send(args).expect(expected);
    }

    String read(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A RESP line (without CRLF), or null at the end of the stream. */
    String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n' && !sb.isEmpty() && sb.charAt(sb.length() - 1) == '\r') {
                return sb.substring(0, sb.length() - 1);
            }
            sb.append((char) c);
        }
        return null;
    }

    /** Reads to the end of the stream (the server closed); returns how many bytes came. */
    long drain() throws IOException {
        long n = 0;
        byte[] b = new byte[65536];
        for (int r; (r = in.read(b)) != -1; ) {
            n += r;
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
