package dev.netloom.tools;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake SMTP server for one connection, on 127.0.0.1:0 and a virtual thread, that answers from a
 * script: the reply for a command is the one whose key is the longest prefix of the command line
 * (so {@code "RCPT TO:<bad@x>"} beats {@code "RCPT"}), else a default (EHLO/HELO 250, DATA 354,
 * QUIT 221, anything else "250 OK"). Key {@code "."} is the reply after the message. A reply of
 * {@code "CLOSE"} hangs up instead. After a 220 to STARTTLS the server does a TLS handshake with
 * the given context. Multi-line replies are written with "\r\n" between lines.
 */
final class ScriptedSmtpServer implements AutoCloseable {

    static final String CLOSE = "CLOSE";

    private final ServerSocket listener;
    private final String greeting;
    private final Map<String, String> script = new LinkedHashMap<>();
    private final SSLContext tls;
    private final Thread thread;
    /** Command lines as received, without CRLF. */
    final List<String> received = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    volatile boolean tlsStarted;
    volatile boolean finished;

    ScriptedSmtpServer(String greeting, Map<String, String> replies, SSLContext tls) throws IOException {
        this.listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        this.greeting = greeting;
        this.tls = tls;
        script.put("EHLO", "250 fake.test");
        script.put("HELO", "250 fake.test");
        script.put("DATA", "354 go ahead");
        script.put("QUIT", "221 bye");
        script.put(".", "250 2.0.0 queued as 1");
        script.putAll(replies);
        thread = Thread.ofVirtual().name("scripted-smtp").start(this::serve);
    }

    ScriptedSmtpServer(Map<String, String> replies) throws IOException {
        this("220 fake.test ESMTP", replies, null);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The message bytes as they came on the wire after 354, end line included (still dot-stuffed). */
    synchronized byte[] data() {
        return data.toByteArray();
    }

    private void serve() {
        try (Socket s = listener.accept()) {
            s.setSoTimeout(10_000);
            Socket socket = s;
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            if (!reply(out, greeting)) {
                return;
            }
            String line;
            while ((line = line(in, null)) != null) {
                received.add(line);
                String r = replyFor(line);
                if (!reply(out, r)) {
                    return;
                }
                if (line.equalsIgnoreCase("QUIT")) {
                    return;
                }
                if (line.equalsIgnoreCase("DATA") && r.startsWith("354")) {
                    ByteArrayOutputStream raw = new ByteArrayOutputStream();
                    while (true) {
                        String d = line(in, raw);
                        if (d == null || d.equals(".")) {
                            break;
                        }
                    }
                    synchronized (this) {
                        data.writeBytes(raw.toByteArray());
                    }
                    if (!reply(out, script.get("."))) {
                        return;
                    }
                }
                if (line.equalsIgnoreCase("STARTTLS") && r.startsWith("220") && tls != null) {
                    SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket, null, socket.getPort(), false);
                    ssl.setUseClientMode(false);
                    ssl.startHandshake();
                    tlsStarted = true;
                    socket = ssl;
                    in = new BufferedInputStream(ssl.getInputStream());
                    out = ssl.getOutputStream();
                }
            }
        } catch (IOException e) {
            // the client went away or the handshake failed: the test looks at what was received
        } finally {
            finished = true;
        }
    }

    private String replyFor(String line) {
        return script.entrySet().stream()
                .filter(e -> line.regionMatches(true, 0, e.getKey(), 0, e.getKey().length()))
                .max(Comparator.comparingInt(e -> e.getKey().length()))
                .map(Map.Entry::getValue).orElse("250 OK");
    }

    private static boolean reply(OutputStream out, String reply) throws IOException {
        if (reply.equals(CLOSE)) {
            return false;
        }
        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return true;
    }

    /** One line without its CRLF, or null at EOF; {@code raw} (may be null) gets the bytes as they came. */
    private static String line(InputStream in, ByteArrayOutputStream raw) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                return null;
            }
            buf.write(b);
        }
        if (raw != null) {
            raw.writeBytes(buf.toByteArray());
            raw.write('\n');
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        thread.interrupt();
    }
}
