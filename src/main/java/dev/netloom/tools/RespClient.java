package dev.netloom.tools;

import dev.netloom.core.DataReader;
import dev.netloom.core.Key;
import dev.netloom.core.ReadTimeout;
import dev.netloom.resp.RespValue;
import dev.netloom.resp.RespValueReader;
import dev.netloom.resp.RespWriter;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * A small blocking RESP2 client, as redis-cli is one: {@link #connect} to a Redis-compatible
 * server (connect timeout 5 s), {@link #call} sends a command as an array of bulk strings
 * ({@link RespWriter#command}) and reads one reply as a {@link RespValue} tree
 * ({@link RespValueReader}) within a timeout for that reply. The protocol, the word splitting of
 * a typed line and redis-cli's printing of replies are in {@code dev.netloom.resp}.
 *
 * <p>Errors are IOExceptions naming the server: cannot connect ({@link ConnectException}),
 * unknown host, no reply in time ({@link SocketTimeoutException}), the server closed the
 * connection ({@link EOFException}), a malformed reply ({@link ProtocolException}). After any
 * of them the client is closed: what the server sends later could not be matched to a command.
 * Not thread-safe; one command at a time. This client never sends HELLO 3: RESP3 replies are a
 * protocol error.
 */
public final class RespClient implements AutoCloseable {

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final Socket socket;
    private final String server;
    private final OutputStream out;
    private final DataReader in;
    private final RespValueReader replies;

    private RespClient(Socket socket, String server) throws IOException {
        this.socket = socket;
        this.server = server;
        this.out = socket.getOutputStream();
        this.in = new DataReader(socket.getInputStream(), 16 * 1024, ReadTimeout.of(socket));
        this.replies = new RespValueReader(in, server);
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
            return new RespClient(socket, server);
        } catch (SocketTimeoutException e) {
            socket.close();
            throw new SocketTimeoutException("cannot connect to " + server + ": no answer within "
                    + Key.formatDuration(CONNECT_TIMEOUT));
        } catch (IOException e) {
            socket.close();
            throw new ConnectException("cannot connect to " + server + ": " + e.getMessage());
        }
    }

    /** {@code host:port} as connected to, IPv6 hosts in brackets. */
    public String server() {
        return server;
    }

    /** Sends {@code args} (a command and its arguments) and reads its reply within {@code timeout}. */
    public RespValue call(List<byte[]> args, Duration timeout) throws IOException {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("no command to send");
        }
        try {
            out.write(RespWriter.command(args));
            out.flush();
            in.deadline(System.nanoTime() + timeout.toNanos());
            return replies.read();
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

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
