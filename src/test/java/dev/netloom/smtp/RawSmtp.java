package dev.netloom.smtp;

import dev.netloom.core.Service;
import dev.netloom.testing.Net;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** A raw SMTP client for tests (not the product's tools.SmtpClient): sends bytes as given and reads whole replies, multi-line included. */
final class RawSmtp implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    RawSmtp(Service s) throws IOException {
        socket = Net.connect(s);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** One reply's lines, the last one last ("250-a", "250 b"). */
    List<String> reply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = Net.readLine(in);
            if (line == null) {
                if (lines.isEmpty()) {
                    return null;
                }
                throw new IOException("reply cut: " + lines);
            }
            line = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return lines;
            }
        }
    }

    /** The last line of the next reply. */
    String last() throws IOException {
        List<String> r = reply();
        return r == null ? null : r.get(r.size() - 1);
    }

    /** Sends {@code line} with CRLF and returns the last line of its reply. */
    String cmd(String line) throws IOException {
        send(line + "\r\n");
        return last();
    }

    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads the greeting and says EHLO; returns the EHLO reply's lines. */
    List<String> hello() throws IOException {
        String greeting = last();
        if (greeting == null || !greeting.startsWith("220 ")) {
            throw new IOException("greeting: " + greeting);
        }
        return ehlo();
    }

    /** Says EHLO (after STARTTLS, where there is no new greeting); returns the reply's lines. */
    List<String> ehlo() throws IOException {
        send("EHLO tester.example\r\n");
        return reply();
    }

    /** Shakes hands over the open connection, trusting any certificate (the server's is self-signed). */
    void startTls() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(X509Certificate[] c, String a) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
        ssl.setUseClientMode(true);
        ssl.startHandshake();
        socket = ssl;
        in = ssl.getInputStream();
        out = ssl.getOutputStream();
    }

    /** True when the server has closed the connection (reads end of stream). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
