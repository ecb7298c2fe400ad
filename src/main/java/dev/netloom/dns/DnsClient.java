package dev.netloom.dns;

import dev.netloom.dns.DnsMessage.Question;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Sends one query to one server and returns its answer, as dig does: over UDP from a fresh
 * ephemeral port (the id random, RFC 5452), waiting up to {@code timeout} per try for
 * {@code tries} tries; over TCP (RFC 7766: each message behind a two-byte length) when the UDP
 * answer has TC set, or from the start with {@code tcp}. A datagram with another id, or that
 * answers another question, is reported through {@code notes} and ignored while the wait goes
 * on: it may be a late answer to an earlier try, or a forgery. Notes are the lines dig prints for
 * the same events ({@code ;; communications error to 127.0.0.1#53: timed out},
 * {@code ;; Warning: ID mismatch: expected ID 1, got 2}, {@code ;; Truncated, retrying in TCP mode.}).
 *
 * <p>Errors: {@link NoReplyException} when no try got an answer; {@link DnsFormatException}
 * for an answer with our id that cannot be parsed, is not a response, or (over TCP, where
 * nothing else can arrive) has another id or question; other {@link IOException}s from the
 * sockets, such as an interrupt.
 */
public final class DnsClient {

    private static final SecureRandom IDS = new SecureRandom();

    private final InetSocketAddress server;
    private final Options options;
    private final Consumer<String> notes;

    /**
     * How to ask: {@code timeout} per try (default 2 s), {@code tries} (default 2), {@code tcp}
     * to skip UDP, {@code udpSize} the EDNS0 buffer size to advertise (default 1232, the size
     * the DNS flag day 2020 settled on; 0 sends no OPT record, as dig's {@code +noedns}).
     */
    public record Options(Duration timeout, int tries, boolean tcp, int udpSize) {
        public Options {
            if (timeout.isNegative() || timeout.isZero() || tries < 1 || udpSize < 0 || udpSize > 65535
                    || udpSize > 0 && udpSize < 512) {
                throw new IllegalArgumentException("timeout > 0, tries >= 1 and udpSize 0 or 512..65535 expected");
            }
        }

        public static Options defaults() {
            return new Options(Duration.ofSeconds(2), 2, false, 1232);
        }
    }

    /** An answer: the message, its size in bytes, whether it came over TCP, and the round trip. */
    public record Exchange(DnsMessage reply, int size, boolean tcp, Duration elapsed) {
    }

    /** No try reached the server in time (each failure was reported as a note). */
    public static final class NoReplyException extends IOException {
        NoReplyException() {
            super("no servers could be reached");
        }
    }

    public DnsClient(InetSocketAddress server, Options options, Consumer<String> notes) {
        this.server = server;
        this.options = options;
        this.notes = notes;
    }

    /** Asks {@code question} with recursion desired and returns the answer; see the class for the errors. */
    public Exchange query(Question question) throws IOException {
        DnsMessage query = DnsMessage.query(IDS.nextInt(0x10000), question, options.udpSize());
        byte[] bytes = DnsCodec.encode(query);
        return options.tcp() ? tcp(query, bytes) : udp(query, bytes);
    }

    private Exchange udp(DnsMessage query, byte[] bytes) throws IOException {
        byte[] buf = new byte[65535];
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(server);
            for (int t = 0; t < options.tries(); t++) {
                long start = System.nanoTime();
                long deadline = start + options.timeout().toNanos();
                socket.send(new DatagramPacket(bytes, bytes.length));
                while (true) {
                    long left = deadline - System.nanoTime();
                    DatagramPacket packet = new DatagramPacket(buf, buf.length);
                    try {
                        if (left <= 0) {
                            throw new SocketTimeoutException();
                        }
                        socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                        socket.receive(packet);
                    } catch (SocketTimeoutException e) {
                        notes.accept(";; communications error to " + where() + ": timed out");
                        break;
                    } catch (PortUnreachableException e) {
                        notes.accept(";; communications error to " + where() + ": connection refused");
                        break;
                    }
                    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                    byte[] got = Arrays.copyOf(buf, packet.getLength());
                    DnsMessage reply = check(query, got, false);
                    if (reply == null) {
                        continue;
                    }
                    if (reply.tc()) {
                        notes.accept(";; Truncated, retrying in TCP mode.");
                        return tcp(query, bytes);
                    }
                    return new Exchange(reply, got.length, false, elapsed);
                }
            }
        }
        throw new NoReplyException();
    }

    private Exchange tcp(DnsMessage query, byte[] bytes) throws IOException {
        int millis = (int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis());
        for (int t = 0; t < options.tries(); t++) {
            long start = System.nanoTime();
            try (Socket socket = new Socket()) {
                socket.connect(server, millis);
                socket.setSoTimeout(millis);
                OutputStream out = socket.getOutputStream();
                byte[] framed = new byte[bytes.length + 2];
                framed[0] = (byte) (bytes.length >> 8);
                framed[1] = (byte) bytes.length;
                System.arraycopy(bytes, 0, framed, 2, bytes.length);
                out.write(framed);
                out.flush();
                DataInputStream in = new DataInputStream(socket.getInputStream());
                byte[] got;
                try {
                    got = in.readNBytes(in.readUnsignedShort());
                } catch (EOFException e) {
                    throw new DnsFormatException("the server closed the TCP connection without an answer");
                }
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                return new Exchange(check(query, got, true), got.length, true, elapsed);
            } catch (SocketTimeoutException e) {
                notes.accept(";; communications error to " + where() + ": timed out");
            } catch (ConnectException e) {
                notes.accept(";; communications error to " + where() + ": connection refused");
            }
        }
        throw new NoReplyException();
    }

    /**
     * The answer in {@code got}, or null (after a note) when it is not the answer to
     * {@code query} and more may come; over TCP that is an error instead.
     */
    private DnsMessage check(DnsMessage query, byte[] got, boolean tcp) throws DnsFormatException {
        if (got.length >= 2) {
            int id = (got[0] & 0xFF) << 8 | got[1] & 0xFF;
            if (id != query.id()) {
                String text = "ID mismatch: expected ID " + query.id() + ", got " + id;
                return ignore(tcp, text);
            }
        }
        DnsMessage reply;
        try {
            reply = DnsCodec.parse(got);
        } catch (DnsFormatException e) {
            throw new DnsFormatException("malformed answer from " + where() + ": " + e.getMessage());
        }
        if (!reply.qr()) {
            throw new DnsFormatException("the message from " + where() + " is a query, not an answer (QR is 0)");
        }
        Question asked = query.questions().getFirst();
        if (!reply.questions().isEmpty()) {
            Question q = reply.questions().getFirst();
            if (!q.name().toLowerCase(Locale.ROOT).equals(asked.name().toLowerCase(Locale.ROOT))
                    || q.type() != asked.type() || q.dnsClass() != asked.dnsClass()) {
                return ignore(tcp, "Question section mismatch: got " + q.name() + "/" + DnsType.name(q.type()) + "/"
                        + DnsType.className(q.dnsClass()));
            }
        }
        return reply;
    }

    private DnsMessage ignore(boolean tcp, String text) throws DnsFormatException {
        if (tcp) {
            throw new DnsFormatException(text + " in the answer from " + where());
        }
        notes.accept(";; Warning: " + text);
        return null;
    }

    private String where() {
        return DigFormat.address(server.getAddress()) + "#" + server.getPort();
    }
}
