package dev.netloom.tools;

import dev.netloom.core.Key;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/*
 * RESP2 as this client speaks it (the Redis serialization protocol, version 2):
 *
 *   request   *<n>\r\n then n bulk strings, $<len>\r\n<bytes>\r\n: a command and its arguments
 *   replies   +OK\r\n              simple string (status)
 *             -ERR message\r\n     error
 *             :42\r\n              integer, signed 64-bit
 *             $5\r\nhello\r\n      bulk string, binary-safe; $-1\r\n is the null bulk string
 *             *2\r\n<r1><r2>       array of any replies, nested; *-1\r\n is the null array
 *
 * Limits against a broken server: a bulk string up to 512 MiB (Redis' proto-max-bulk-len), a
 * status, error or length line up to 64 KiB, arrays nested up to 512 deep. RESP3 types are a
 * protocol error: this client never sends HELLO 3.
 */

/**
 * A small blocking RESP2 client, as redis-cli is one: {@link #connect} to a Redis-compatible
 * server (connect timeout 5 s), {@link #call} sends a command as an array of bulk strings and
 * reads one reply as a {@link Reply} tree within a timeout for that reply. {@link #format} and
 * {@link #formatRaw} print a reply exactly as redis-cli does on a terminal and with
 * {@code --raw}; {@link #splitArgs} splits a typed line into words as redis-cli's prompt does.
 *
 * <p>Errors are IOExceptions naming the server: cannot connect ({@link ConnectException}),
 * unknown host, no reply in time ({@link SocketTimeoutException}), the server closed the
 * connection ({@link EOFException}), a malformed reply ({@link ProtocolException}). After any
 * of them the client is closed: what the server sends later could not be matched to a command.
 * Not thread-safe; one command at a time.
 */
public final class RespClient implements AutoCloseable {

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_BULK = 512 * 1024 * 1024;
    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_DEPTH = 512;

    /** One reply; a server's error reply is a value ({@link Error}), not an exception. */
    public sealed interface Reply {
        /** A simple string such as {@code OK} or {@code PONG}. */
        record Status(String text) implements Reply {
        }

        /** An error reply; {@code message} starts with its code, e.g. {@code ERR ...}. */
        record Error(String message) implements Reply {
        }

        record Int(long value) implements Reply {
        }

        /** A bulk string, binary-safe. */
        record Bulk(byte[] value) implements Reply {
            @Override
            public boolean equals(Object o) {
                return o instanceof Bulk b && Arrays.equals(value, b.value);
            }

            @Override
            public int hashCode() {
                return Arrays.hashCode(value);
            }

            @Override
            public String toString() {
                return "Bulk[" + format(this).strip() + "]";
            }
        }

        record Array(List<Reply> items) implements Reply {
            public Array {
                items = List.copyOf(items);
            }
        }

        /** The null bulk string ({@code $-1}) or, with {@code array}, the null array ({@code *-1}). */
        record Nil(boolean array) implements Reply {
        }
    }

    private final Socket socket;
    private final String server;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int end;
    private long deadline;

    private RespClient(Socket socket, String server, InputStream in, OutputStream out) {
        this.socket = socket;
        this.server = server;
        this.in = in;
        this.out = out;
    }

    /** Connects to {@code host:port} within {@link #CONNECT_TIMEOUT}. */
    public static RespClient connect(String host, int port) throws IOException {
        String server = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new UnknownHostException("unknown host " + host);
        }
        Socket socket = new Socket();
        try {
            socket.connect(address, (int) CONNECT_TIMEOUT.toMillis());
            socket.setTcpNoDelay(true);
            return new RespClient(socket, server, socket.getInputStream(), socket.getOutputStream());
        } catch (SocketTimeoutException e) {
            socket.close();
            throw new SocketTimeoutException("cannot connect to " + server + ": no answer within "
                    + Key.formatDuration(CONNECT_TIMEOUT));
        } catch (IOException e) {
            socket.close();
            throw new ConnectException("cannot connect to " + server + ": " + e.getMessage());
        }
    }

    /** Reads one reply from {@code wire}, as it would come from a server. */
    public static Reply parse(byte[] wire) throws IOException {
        RespClient c = new RespClient(null, "input", new ByteArrayInputStream(wire), OutputStream.nullOutputStream());
        return c.read(0);
    }

    /** {@code host:port} as connected to, IPv6 hosts in brackets. */
    public String server() {
        return server;
    }

    /** Sends {@code args} (a command and its arguments) and reads its reply within {@code timeout}. */
    public Reply call(List<byte[]> args, Duration timeout) throws IOException {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("no command to send");
        }
        try {
            out.write(encode(args));
            out.flush();
            deadline = System.nanoTime() + timeout.toNanos();
            return read(0);
        } catch (SocketTimeoutException e) {
            close();
            throw new SocketTimeoutException("no reply from " + server + " within " + Key.formatDuration(timeout));
        } catch (EOFException | ProtocolException e) {
            close();
            throw e;
        } catch (IOException e) {
            close();
            throw new IOException(server + ": " + e.getMessage(), e);
        }
    }

    /** The request as it goes on the wire: an array of bulk strings. */
    public static byte[] encode(List<byte[]> args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : args) {
            b.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(a);
            b.writeBytes(new byte[] {'\r', '\n'});
        }
        return b.toByteArray();
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
        }
    }

    private Reply read(int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new ProtocolException(server + ": arrays nested deeper than " + MAX_DEPTH);
        }
        int type = next();
        return switch (type) {
            case '+' -> new Reply.Status(line());
            case '-' -> new Reply.Error(line());
            case ':' -> new Reply.Int(number(line()));
            case '$' -> {
                long n = number(line());
                if (n == -1) {
                    yield new Reply.Nil(false);
                }
                if (n < 0 || n > MAX_BULK) {
                    throw new ProtocolException(server + ": bad bulk string length " + n);
                }
                byte[] value = bytes((int) n);
                if (next() != '\r' || next() != '\n') {
                    throw new ProtocolException(server + ": bulk string of " + n + " bytes not followed by CRLF");
                }
                yield new Reply.Bulk(value);
            }
            case '*' -> {
                long n = number(line());
                if (n == -1) {
                    yield new Reply.Nil(true);
                }
                if (n < 0 || n > Integer.MAX_VALUE) {
                    throw new ProtocolException(server + ": bad array length " + n);
                }
                List<Reply> items = new ArrayList<>((int) Math.min(n, 1024));
                for (long i = 0; i < n; i++) {
                    items.add(read(depth + 1));
                }
                yield new Reply.Array(items);
            }
            default -> throw new ProtocolException(server + ": unexpected reply type "
                    + quote(new byte[] {(byte) type}) + " (not RESP2)");
        };
    }

    private long number(String line) throws ProtocolException {
        try {
            return Long.parseLong(line);
        } catch (NumberFormatException e) {
            throw new ProtocolException(server + ": '" + line + "' is not a number");
        }
    }

    /** The rest of a line up to CRLF, without it, as UTF-8. */
    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = next()) != '\r') {
            if (b.size() == MAX_LINE) {
                throw new ProtocolException(server + ": reply line longer than " + MAX_LINE + " bytes");
            }
            b.write(c);
        }
        if (next() != '\n') {
            throw new ProtocolException(server + ": CR not followed by LF");
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private byte[] bytes(int n) throws IOException {
        byte[] data = new byte[n];
        int have = 0;
        while (have < n) {
            if (pos == end) {
                fill();
            }
            int k = Math.min(n - have, end - pos);
            System.arraycopy(buf, pos, data, have, k);
            pos += k;
            have += k;
        }
        return data;
    }

    private int next() throws IOException {
        if (pos == end) {
            fill();
        }
        return buf[pos++] & 0xff;
    }

    private void fill() throws IOException {
        if (socket != null) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException();
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        }
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            throw new EOFException(server + " closed the connection");
        }
        pos = 0;
        end = n;
    }

    /**
     * The reply as redis-cli prints it on a terminal: {@code "value"} (escaped as
     * {@link #quote}), {@code (nil)}, {@code (integer) 5}, {@code (error) ERR ...}, a status as
     * is, {@code (empty array)}, and arrays numbered {@code 1) }, nested ones indented under
     * their number. Every line ends with a newline.
     */
    public static String format(Reply reply) {
        StringBuilder sb = new StringBuilder();
        formatTo(reply, "", sb);
        return sb.toString();
    }

    // redis-cli's cliFormatReplyTTY: an item's number is right-aligned to the widest in its
    // array, and a nested array's lines after its first are indented past that number.
    private static void formatTo(Reply reply, String prefix, StringBuilder sb) {
        switch (reply) {
            case Reply.Status s -> sb.append(s.text()).append('\n');
            case Reply.Error e -> sb.append("(error) ").append(e.message()).append('\n');
            case Reply.Int i -> sb.append("(integer) ").append(i.value()).append('\n');
            case Reply.Bulk b -> sb.append(quote(b.value())).append('\n');
            case Reply.Nil n -> sb.append("(nil)\n");
            case Reply.Array a when a.items().isEmpty() -> sb.append("(empty array)\n");
            case Reply.Array a -> {
                int width = String.valueOf(a.items().size()).length();
                String nested = prefix + " ".repeat(width + 2);
                for (int i = 0; i < a.items().size(); i++) {
                    String number = String.valueOf(i + 1);
                    sb.append(i == 0 ? "" : prefix).append(" ".repeat(width - number.length())).append(number).append(") ");
                    formatTo(a.items().get(i), nested, sb);
                }
            }
        }
    }

    /**
     * {@code value} in double quotes as redis-cli shows it (sdscatrepr): {@code \\ \" \n \r \t
     * \a \b} escaped, other bytes outside printable ASCII as {@code \xHH}.
     */
    public static String quote(byte[] value) {
        StringBuilder sb = new StringBuilder(value.length + 2).append('"');
        for (byte v : value) {
            int c = v & 0xff;
            switch (c) {
                case '\\', '"' -> sb.append('\\').append((char) c);
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /**
     * The reply as {@code redis-cli --raw} prints it: values as they are, array items one per
     * line, an integer as its digits, an error's message, nothing for nil; then a newline.
     */
    public static byte[] formatRaw(Reply reply) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        rawTo(reply, b);
        b.write('\n');
        return b.toByteArray();
    }

    private static void rawTo(Reply reply, ByteArrayOutputStream b) {
        switch (reply) {
            case Reply.Status s -> b.writeBytes(s.text().getBytes(StandardCharsets.UTF_8));
            case Reply.Error e -> b.writeBytes((e.message() + "\n").getBytes(StandardCharsets.UTF_8));
            case Reply.Int i -> b.writeBytes(Long.toString(i.value()).getBytes(StandardCharsets.US_ASCII));
            case Reply.Bulk v -> b.writeBytes(v.value());
            case Reply.Nil n -> {
            }
            case Reply.Array a -> {
                for (int i = 0; i < a.items().size(); i++) {
                    if (i > 0) {
                        b.write('\n');
                    }
                    rawTo(a.items().get(i), b);
                }
            }
        }
    }

    /**
     * Splits a typed line into words as redis-cli's prompt does (sdssplitargs): words are
     * separated by blanks; in double quotes {@code \xHH}, {@code \n \r \t \b \a} and a backslash
     * before any other character (such as {@code \"}) are escapes; in single quotes only
     * {@code \'} is. A quote may start inside a word ({@code a"b c"} is {@code ab c}), and a
     * closing quote must end its word. Text outside escapes becomes UTF-8.
     *
     * @throws IllegalArgumentException unbalanced quotes, or a closing quote followed by more
     *                                  of the word (redis-cli says "Invalid argument(s)")
     */
    public static List<byte[]> splitArgs(String line) {
        byte[] p = line.getBytes(StandardCharsets.UTF_8);
        List<byte[]> words = new ArrayList<>();
        int i = 0;
        while (true) {
            while (i < p.length && isSpace(p[i])) {
                i++;
            }
            if (i == p.length) {
                return words;
            }
            ByteArrayOutputStream word = new ByteArrayOutputStream();
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                int c = at(p, i);
                if (inDouble) {
                    if (c == '\\' && at(p, i + 1) == 'x' && isHex(at(p, i + 2)) && isHex(at(p, i + 3))) {
                        word.write(Character.digit(p[i + 2], 16) * 16 + Character.digit(p[i + 3], 16));
                        i += 3;
                    } else if (c == '\\' && at(p, i + 1) >= 0) {
                        i++;
                        int e = p[i] & 0xff;
                        word.write(switch (e) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> e;
                        });
                    } else if (c == '"') {
                        done = closes(p, i);
                    } else if (c < 0) {
                        throw new IllegalArgumentException("unbalanced quotes");
                    } else {
                        word.write(c);
                    }
                } else if (inSingle) {
                    if (c == '\\' && at(p, i + 1) == '\'') {
                        i++;
                        word.write('\'');
                    } else if (c == '\'') {
                        done = closes(p, i);
                    } else if (c < 0) {
                        throw new IllegalArgumentException("unbalanced quotes");
                    } else {
                        word.write(c);
                    }
                } else {
                    switch (c) {
                        case ' ', '\n', '\r', '\t', -1 -> done = true;
                        case '"' -> inDouble = true;
                        case '\'' -> inSingle = true;
                        default -> word.write(c);
                    }
                }
                if (c >= 0) {
                    i++;
                }
            }
            words.add(word.toByteArray());
        }
    }

    /** The byte at {@code i} (0-255), or -1 past the end. */
    private static int at(byte[] p, int i) {
        return i < p.length ? p[i] & 0xff : -1;
    }

    private static boolean closes(byte[] p, int quote) {
        if (quote + 1 < p.length && !isSpace(p[quote + 1])) {
            throw new IllegalArgumentException("a closing quote must be followed by a space or the end of the line");
        }
        return true;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r'); // C's isspace: space, \t \n \v \f \r
    }

    private static boolean isHex(int c) {
        return c >= 0 && c < 0x80 && Character.digit(c, 16) >= 0;
    }
}
