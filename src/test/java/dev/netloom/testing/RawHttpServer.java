package dev.netloom.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP server for client tests on a raw socket: answers every connection with {@code reply}
 * once it has read a request head, then closes, or holds it open. With a {@link Responder} it
 * writes what that writes: the misbehaving servers below, each bounded so a failing test ends.
 */
public final class RawHttpServer implements AutoCloseable {

    /** What a raw server writes once it has read a request head. */
    public interface Responder {
        void respond(OutputStream out) throws IOException, InterruptedException;
    }

    /** A chunked body of 64 KiB chunks that ends only when the client leaves (or after 4 GiB, so a failing test ends). */
    public static final Responder ENDLESS_CHUNKS = out -> {
        out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[64 * 1024];
        byte[] size = "10000\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 65_536; i++) {
            out.write(size);
            out.write(chunk);
            out.write('\r');
            out.write('\n');
        }
    };

    /** 100 Continue, again and again (at most 100,000 times). */
    public static final Responder ENDLESS_CONTINUE = out -> {
        byte[] hundred = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 100_000; i++) {
            out.write(hundred);
        }
    };

    private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final CountDownLatch release = new CountDownLatch(1);

    /** Writes {@code reply}, then closes, or with {@code hold} keeps the connection open until {@link #close}. */
    public RawHttpServer(byte[] reply, boolean hold) throws IOException {
        this(out -> out.write(reply), hold);
    }

    public RawHttpServer(Responder responder, boolean hold) throws IOException {
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Socket s = listener.accept();
                    Thread.ofVirtual().start(() -> answer(s, responder, hold));
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
    }

    private void answer(Socket s, Responder reply, boolean hold) {
        try (s) {
            InputStream in = s.getInputStream();
            int matched = 0;
            while (matched < 4) { // up to the blank line that ends the request head
                int b = in.read();
                if (b < 0) {
                    return;
                }
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            reply.respond(s.getOutputStream());
            s.getOutputStream().flush();
            if (hold) {
                release.await(20, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        }
    }

    /** {@code http://127.0.0.1:PORT/}. */
    public String url() {
        return "http://127.0.0.1:" + listener.getLocalPort() + "/";
    }

    @Override
    public void close() throws IOException {
        release.countDown();
        listener.close();
    }

    /** A body of 1000 bytes announced, sent one byte every {@code millis} (at most 1000). */
    public static Responder trickle(int millis) {
        return out -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 1000; i++) {
                out.write('x');
                out.flush();
                Thread.sleep(millis); // the server's pace, not a wait of the test
            }
        };
    }
}
