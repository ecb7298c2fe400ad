package dev.netloom.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An origin server under the test's control on 127.0.0.1:0: reads each request (head and body,
 * Content-Length or chunked), records it, and lets the test's {@link Script} write the answer,
 * well-formed or not; connections persist until the script says otherwise.
 */
public final class ScriptedOrigin implements AutoCloseable {

    /** One request as the origin received it. */
    public record Received(String head, byte[] body) {

        /** The first value of {@code name}, or null. */
        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).strip();
                }
            }
            return null;
        }

        public String requestLine() {
            return head.substring(0, head.indexOf("\r\n"));
        }
    }

    /** Writes the answer to one request; returns false to close the connection after it. */
    @FunctionalInterface
    public interface Script {
        public boolean answer(Received request, OutputStream out) throws IOException, InterruptedException;
    }

    public final List<Received> received = new CopyOnWriteArrayList<>();
    public final AtomicInteger connections = new AtomicInteger();
    private final ServerSocket listener;
    private volatile Script script;

    public ScriptedOrigin(Script script) throws IOException {
        this(0, script);
    }

    /** On {@code port} (0: any free one); a fixed port brings a closed origin back where it was. */
    public ScriptedOrigin(int port, Script script) throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        this.listener = ss;
        this.script = script;
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Socket s = listener.accept();
                    s.setTcpNoDelay(true); // a head and a body written apart must not wait for a delayed ACK
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(s));
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
    }

    /** A plain answer: status, extra header lines, body with Content-Length; the connection stays. */
    public static Script reply(int status, String headers, String body) {
        return (req, out) -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 " + status + " X\r\n" + headers + "Content-Length: " + b.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            if (!req.requestLine().startsWith("HEAD ") && status != 304 && status != 204) {
                out.write(b);
            }
            return true;
        };
    }

    public void script(Script s) {
        this.script = s;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT} + path. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                Received r = new Received(head, readBody(in, new Received(head, null)));
                received.add(r);
                boolean keep = script.answer(r, out);
                out.flush();
                if (!keep) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the proxy went away
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] readBody(InputStream in, Received r) throws IOException {
        String length = r.header("Content-Length");
        if (length != null) {
            return in.readNBytes(Integer.parseInt(length));
        }
        String te = r.header("Transfer-Encoding");
        if (te == null || !te.toLowerCase(Locale.ROOT).contains("chunked")) {
            return new byte[0];
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String line = line(in);
            int size = Integer.parseInt(line.split(";")[0].strip(), 16);
            if (size == 0) {
                while (!line(in).isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
