package dev.netloom.tools;

import dev.netloom.core.HostPort;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/*
 * FTP control replies as this client reads them (RFC 959 §4.2):
 *
 *   220 Service ready\r\n                  one line: three digits, a space, text
 *   211-Features:\r\n ... \r\n211 End\r\n  multi-line: "ddd-" opens, a line starting "ddd " closes;
 *                                          lines between may hold anything
 *
 * Data connections: EPSV (RFC 2428, "229 ... (|||port|)") first, PASV ("227 ... (h1,h2,h3,h4,p1,p2)")
 * when the server answers EPSV with 500 or 502. The address in a 227 reply is ignored and the
 * control connection's peer used, as curl and lftp do, so a server behind NAT still works.
 * Active mode listens on the control socket's local address and sends EPRT (PORT on 500/502).
 */

/**
 * A small blocking FTP client (RFC 959, RFC 2428 for EPSV/EPRT, RFC 3659 for SIZE and REST):
 * {@link #connect} reads the greeting, {@link #login} sends USER/PASS, then directory commands,
 * {@link #list}, and {@link #retrieve}/{@link #store} with an offset for resuming (REST).
 * Defaults: binary type (TYPE I is sent at login), passive mode, connect timeout 5 s, and the
 * timeout given to {@link #connect} for each reply and for each data read or accept.
 *
 * <p>Errors are IOExceptions: a negative reply is a {@link ReplyException} whose message is the
 * server's reply ({@code 550 No such file}), after which the client is still usable; a broken
 * control or data connection, a timeout or a malformed reply leave it closed. Binary transfers
 * stream through a 256 KiB buffer; ASCII transfers turn CRLF into LF on the way in and LF into
 * CRLF on the way out. Not thread-safe: one command at a time.
 */
public final class FtpClient implements AutoCloseable {

    public static final int DEFAULT_PORT = 21;
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_LINE = 64 * 1024;
    private static final Pattern EPSV = Pattern.compile("\\(([\\x21-\\x7e])\\1\\1(\\d{1,5})\\1\\)");
    private static final Pattern PASV = Pattern.compile("(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3})");

    /** One reply: its code and its text (the lines of a multi-line reply joined by newlines, codes removed). */
    public record Reply(int code, String text) {
        @Override
        public String toString() {
            return code + " " + text;
        }
    }

    /** A negative (4xx or 5xx) or unexpected reply; the message is the reply as the server sent it. */
    public static final class ReplyException extends IOException {
        private final transient Reply reply;

        ReplyException(Reply reply) {
            super(reply.toString());
            this.reply = reply;
        }

        public Reply reply() {
            return reply;
        }
    }

    private final Socket control;
    private final InputStream in;
    private final OutputStream out;
    private final int timeoutMs;
    private final String label;
    private boolean binary = true;
    private boolean passive = true;
    private boolean epsvRefused;
    private boolean eprtRefused;

    private FtpClient(Socket control, int timeoutMs, String label) throws IOException {
        this.control = control;
        this.in = new BufferedInputStream(control.getInputStream());
        this.out = control.getOutputStream();
        this.timeoutMs = timeoutMs;
        this.label = label;
    }

    /**
     * Connects to {@code host:port} and reads the 220 greeting; {@code timeout} bounds each reply
     * and each data read. Fails with a message naming the server.
     */
    public static FtpClient connect(String host, int port, Duration timeout) throws IOException {
        String label = HostPort.format(host, port);
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            FtpClient client = new FtpClient(socket, (int) Math.max(1, timeout.toMillis()), label);
            expect(client.read(), 2);
            return client;
        } catch (UnknownHostException e) {
            socket.close();
            throw new UnknownHostException("unknown host " + host);
        } catch (ReplyException e) {
            socket.close();
            throw e;
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot connect to " + label + ": " + e.getMessage(), e);
        }
    }

    /** False once the control connection is closed, by {@link #close} or by an error that broke it. */
    public boolean isOpen() {
        return !control.isClosed();
    }

    /** The server as {@code host:port}. */
    public String server() {
        return label;
    }

    /** USER, then PASS when asked for (331), then TYPE I. */
    public void login(String user, String password) throws IOException {
        Reply r = command("USER " + user);
        if (r.code() == 331 || r.code() == 332) {
            r = command("PASS " + password);
        }
        expect(r, 2);
        setBinary(true);
    }

    /** TYPE I (true) or TYPE A (false); returns the server's reply. */
    public Reply setBinary(boolean binary) throws IOException {
        Reply r = expect(command(binary ? "TYPE I" : "TYPE A"), 2);
        this.binary = binary;
        return r;
    }

    public boolean binary() {
        return binary;
    }

    /** Passive (the default) or active data connections for the transfers that follow. */
    public void setPassive(boolean passive) {
        this.passive = passive;
    }

    public boolean passive() {
        return passive;
    }

    public String pwd() throws IOException {
        String text = expect(command("PWD"), 2).text();
        int open = text.indexOf('"');
        int close = text.lastIndexOf('"');
        // RFC 959: the name is quoted, with an embedded quote doubled
        return open >= 0 && close > open ? text.substring(open + 1, close).replace("\"\"", "\"") : text;
    }

    public Reply cwd(String path) throws IOException {
        return expect(command("CWD " + path), 2);
    }

    public Reply mkdir(String path) throws IOException {
        return expect(command("MKD " + path), 2);
    }

    public Reply rmdir(String path) throws IOException {
        return expect(command("RMD " + path), 2);
    }

    public Reply delete(String path) throws IOException {
        return expect(command("DELE " + path), 2);
    }

    public Reply rename(String from, String to) throws IOException {
        expect(command("RNFR " + from), 3);
        return expect(command("RNTO " + to), 2);
    }

    /** SIZE (RFC 3659): the file's size in bytes in the current type. */
    public long size(String path) throws IOException {
        String text = expect(command("SIZE " + path), 2).text().strip();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw fail(new ProtocolException(label + ": SIZE reply is not a number: " + text));
        }
    }

    /** LIST (names with details, as the server formats them) or NLST (names only); one entry a line. */
    public List<String> list(String path, boolean namesOnly) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        transfer((namesOnly ? "NLST" : "LIST") + (path == null ? "" : " " + path), 0,
                data -> FtpStreams.copy(data, bytes, null, false), null);
        List<String> lines = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\r?\n")) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        return lines;
    }

    /**
     * RETR {@code remote} into {@code to}, after REST {@code offset} when it is above 0;
     * {@code progress} (may be null) gets the bytes written so far. Returns the final reply.
     */
    public Reply retrieve(String remote, OutputStream to, long offset, LongConsumer progress) throws IOException {
        return transfer("RETR " + remote, offset, data -> FtpStreams.copy(data, to, progress, !binary), null);
    }

    /**
     * STOR {@code remote} from {@code from}, after REST {@code offset} when it is above 0 (the
     * server then writes from that offset on); {@code progress} (may be null) gets the bytes
     * read so far. Returns the final reply.
     */
    public Reply store(String remote, InputStream from, long offset, LongConsumer progress) throws IOException {
        return transfer("STOR " + remote, offset, null, data -> {
            if (binary) {
                FtpStreams.copy(from, data, progress, false);
            } else {
                FtpStreams.toCrlf(from, data, progress);
            }
        });
    }

    /** QUIT and close; a server that does not answer is simply closed. */
    public void quit() throws IOException {
        try {
            command("QUIT");
        } finally {
            close();
        }
    }

    @Override
    public void close() throws IOException {
        control.close();
    }

    private interface Reading {
        void run(InputStream data) throws IOException;
    }

    private interface Writing {
        void run(OutputStream data) throws IOException;
    }

    /** One data transfer: open the data connection, REST, the command, the bytes, the final reply. */
    private Reply transfer(String cmd, long offset, Reading reading, Writing writing) throws IOException {
        ServerSocket listener = passive ? null : listen();
        Socket data = null;
        try {
            if (passive) {
                data = connectPassive();
            }
            if (offset > 0) {
                expect(command("REST " + offset), 3);
            }
            Reply first = command(cmd);
            if (first.code() >= 300 || first.code() < 100) {
                throw new ReplyException(first);
            }
            if (first.code() >= 200) {
                return first; // some servers answer an empty listing at once
            }
            try {
                if (listener != null) {
                    data = listener.accept();
                }
                data.setSoTimeout(timeoutMs);
            } catch (IOException e) {
                throw fail(new IOException(label + ": the data connection did not open: " + e.getMessage(), e));
            }
            try (Socket d = data) {
                if (reading != null) {
                    reading.run(d.getInputStream());
                } else {
                    writing.run(d.getOutputStream());
                    d.shutdownOutput();
                }
            } catch (IOException e) {
                // the control connection now holds a reply for a transfer we abandoned
                throw fail(e);
            }
            return expect(read(), 2);
        } finally {
            if (listener != null) {
                listener.close();
            }
            if (data != null) {
                data.close();
            }
        }
    }

    private Socket connectPassive() throws IOException {
        InetAddress host = control.getInetAddress();
        int port = -1;
        if (!epsvRefused) {
            Reply r = command("EPSV");
            if (r.code() == 229) {
                Matcher m = EPSV.matcher(r.text());
                if (!m.find()) {
                    throw fail(new ProtocolException(label + ": cannot read the port in " + r));
                }
                port = Integer.parseInt(m.group(2));
            } else if (r.code() == 500 || r.code() == 502) {
                epsvRefused = true;
            } else {
                throw new ReplyException(r);
            }
        }
        if (port < 0) {
            Reply r = expect(command("PASV"), 2);
            Matcher m = PASV.matcher(r.text());
            if (!m.find()) {
                throw fail(new ProtocolException(label + ": cannot read the address in " + r));
            }
            port = Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
        }
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
        } catch (IOException e) {
            s.close();
            throw new IOException(label + ": cannot open the data connection to port " + port + ": " + e.getMessage(), e);
        }
        return s;
    }

    private ServerSocket listen() throws IOException {
        InetAddress local = control.getLocalAddress();
        ServerSocket listener = new ServerSocket(0, 1, local);
        listener.setSoTimeout(timeoutMs);
        try {
            int port = listener.getLocalPort();
            Reply r = null;
            if (!eprtRefused) {
                String family = local instanceof Inet6Address ? "2" : "1";
                r = command("EPRT |" + family + "|" + local.getHostAddress().replaceFirst("%.*", "") + "|" + port + "|");
                if (r.code() == 500 || r.code() == 502) {
                    eprtRefused = true;
                }
            }
            if (eprtRefused) {
                if (local instanceof Inet6Address) {
                    throw new IOException(label + ": the server refuses EPRT, and PORT cannot name an IPv6 address");
                }
                r = command("PORT " + local.getHostAddress().replace('.', ',') + "," + (port >> 8) + "," + (port & 0xff));
            }
            expect(r, 2);
            return listener;
        } catch (IOException e) {
            listener.close();
            throw e;
        }
    }

    private Reply command(String line) throws IOException {
        try {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw fail(e);
        }
        return read();
    }

    private Reply read() throws IOException {
        try {
            String first = line();
            if (first.length() < 4 || !first.substring(0, 3).chars().allMatch(Character::isDigit)
                    || (first.charAt(3) != ' ' && first.charAt(3) != '-')) {
                if (first.length() == 3 && first.chars().allMatch(Character::isDigit)) {
                    return new Reply(Integer.parseInt(first), "");
                }
                throw new ProtocolException(label + ": malformed reply: " + first);
            }
            int code = Integer.parseInt(first.substring(0, 3));
            StringBuilder text = new StringBuilder(first.substring(4));
            if (first.charAt(3) == '-') {
                String end = first.substring(0, 3) + " ";
                while (true) {
                    String next = line();
                    boolean last = next.startsWith(end) || next.equals(end.strip());
                    text.append('\n').append(last ? next.substring(Math.min(4, next.length())) : next);
                    if (last) {
                        break;
                    }
                }
            }
            return new Reply(code, text.toString());
        } catch (IOException e) {
            throw fail(e);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException(label + ": the server closed the connection");
            }
            if (buf.size() >= MAX_LINE) {
                throw new ProtocolException(label + ": reply line longer than " + MAX_LINE + " bytes");
            }
            buf.write(b);
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** {@code r} when its code starts with {@code digit}, else a {@link ReplyException}. */
    private static Reply expect(Reply r, int digit) throws ReplyException {
        if (r.code() / 100 != digit) {
            throw new ReplyException(r);
        }
        return r;
    }

    /** Closes the client after an error that leaves the control connection out of step. */
    private IOException fail(IOException e) {
        if (e instanceof ReplyException) {
            return e;
        }
        try {
            control.close();
        } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
        }
        return e;
    }
}
