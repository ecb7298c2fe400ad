package dev.netloom.tools;

import dev.netloom.core.HostPort;
import dev.netloom.tools.SmtpClient.Options;
import dev.netloom.tools.SmtpClient.Reply;
import dev.netloom.tools.SmtpClient.Security;
import dev.netloom.tools.SmtpClient.SmtpException;
import dev.netloom.tools.SmtpClient.Step;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One SMTP connection as the client sees it: the socket (plain, or TLS from the start or after
 * STARTTLS), commands written through a buffer, replies read by {@link SmtpReplyReader}, and the
 * transcript of every line. Any failure is an {@link SmtpException} naming the step; after an
 * I/O failure or a malformed reply the dialog is {@linkplain #broken() broken} and only closes.
 */
final class SmtpDialog implements AutoCloseable {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final Options options;
    private final List<String> transcript = new ArrayList<>();
    private Socket socket;
    private OutputStream out;
    private SmtpReplyReader reader;
    private boolean unflushed;
    private boolean broken;

    private SmtpDialog(Options options, Socket socket) throws IOException {
        this.options = options;
        streams(socket);
    }

    /** Connects, with TLS from the first byte when the options say {@link Security#TLS}. */
    static SmtpDialog open(Options o) throws SmtpException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(o.host(), o.port()), millis(o));
            s.setSoTimeout(millis(o));
            SmtpDialog d = new SmtpDialog(o, s);
            if (o.security() == Security.TLS) {
                d.startTls(Step.CONNECT);
            }
            return d;
        } catch (SmtpException e) {
            throw e;
        } catch (IOException e) {
            close(s);
            throw new SmtpException(Step.CONNECT, null, "CONNECT: cannot connect to " + label(o) + ": "
                    + SmtpException.describe(e), e, List.of());
        }
    }

    /** Every line sent and received so far; the list keeps growing with the dialog. */
    List<String> transcript() {
        return Collections.unmodifiableList(transcript);
    }

    boolean broken() {
        return broken;
    }

    /** Sends {@code line}, reads the reply. */
    Reply command(Step step, String line) throws SmtpException {
        return command(step, line, line);
    }

    /** Sends {@code line} but records {@code shown} in the transcript (for credentials), reads the reply. */
    Reply command(Step step, String line, String shown) throws SmtpException {
        write(step, line, shown);
        return read(step);
    }

    /** Buffers {@code line} without waiting for its reply (PIPELINING, RFC 2920); {@link #read} sends it. */
    void write(Step step, String line) throws SmtpException {
        write(step, line, line);
    }

    private void write(Step step, String line, String shown) throws SmtpException {
        transcript.add("C: " + shown);
        try {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            unflushed = true;
        } catch (IOException e) {
            throw fail(step, e);
        }
    }

    /** Sends what is buffered, then reads one reply. */
    Reply read(Step step) throws SmtpException {
        flush(step);
        try {
            return reader.read(step);
        } catch (SmtpException e) {
            broken = true;
            throw e;
        }
    }

    /** Writes the message in the DATA format (see {@link SmtpDataWriter}), the end line included. */
    void message(byte[] message) throws SmtpException {
        try {
            SmtpDataWriter.write(message, out, transcript);
            unflushed = true;
        } catch (IOException e) {
            throw fail(Step.MESSAGE, e);
        }
    }

    /**
     * Turns the connection into TLS: the caller's context or the JDK's default, and then (only
     * with the default, whose trust the caller did not choose) the certificate must name the host.
     * Bytes the server sent before the handshake are refused (RFC 3207 §4: a man in the middle
     * could have injected them).
     */
    void startTls(Step step) throws SmtpException {
        try {
            if (reader.hasUnreadBytes()) {
                broken = true;
                throw new SmtpException(step, null, step + ": the server sent data before the TLS handshake", null,
                        transcript);
            }
            SSLContext ctx = options.tls() != null ? options.tls() : SSLContext.getDefault();
            SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(socket, options.host(), options.port(), true);
            ssl.setEnabledProtocols(PROTOCOLS);
            SSLParameters params = ssl.getSSLParameters();
            if (ClientTls.checksCertificates(ctx)) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            ssl.setSSLParameters(params);
            ssl.startHandshake();
            streams(ssl);
        } catch (GeneralSecurityException e) {
            throw fail(step, new IOException("TLS: " + e.getMessage(), e));
        } catch (SmtpException e) {
            throw e;
        } catch (IOException e) {
            throw fail(step, new IOException("TLS handshake with " + label(options) + " failed: "
                    + SmtpException.describe(e), e));
        }
    }

    /** QUIT, when the dialog is still in step; its reply and failure do not matter. Then closes. */
    void quit() {
        try {
            if (!broken) {
                command(Step.QUIT, "QUIT");
            }
        } catch (SmtpException ignored) {
            // the message is delivered or refused already; a server that hangs up here is fine
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        broken = true;
        close(socket);
    }

    private void flush(Step step) throws SmtpException {
        if (unflushed) {
            try {
                out.flush();
                unflushed = false;
            } catch (IOException e) {
                throw fail(step, e);
            }
        }
    }

    private void streams(Socket s) throws IOException {
        socket = s;
        out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
        reader = new SmtpReplyReader(s.getInputStream(), transcript);
    }

    private SmtpException fail(Step step, IOException e) {
        broken = true;
        close(socket);
        return SmtpException.broken(step, e, transcript);
    }

    private static int millis(Options o) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, o.timeout().toMillis()));
    }

    private static String label(Options o) {
        return HostPort.format(o.host(), o.port());
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing is all that is left to do
        }
    }
}
