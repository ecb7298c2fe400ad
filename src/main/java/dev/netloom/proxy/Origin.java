package dev.netloom.proxy;

import dev.netloom.core.DataReader;
import dev.netloom.core.ReadTimeout;
import dev.netloom.http1.HeadReader;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * One connection from the proxy to an origin server: a blocking socket with the origin's read
 * timeout, a {@link HeadReader} for its responses and a buffered output for requests. Kept in
 * the {@link OriginPool} between requests when the response left it reusable.
 */
final class Origin implements Closeable {

    final String key;
    final Socket socket;
    final HeadReader reader;
    final OutputStream out;
    /** Requests it has carried; more than 0 means a failure may be a stale keep-alive connection. */
    int uses;
    long idleSince;

    private Origin(String key, Socket socket) throws IOException {
        this.key = key;
        this.socket = socket;
        this.reader = new HeadReader(new DataReader(socket.getInputStream(), 8192, ReadTimeout.of(socket)),
                8192, 64 * 1024, 200);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
    }

    /**
     * Connects to {@code host:port}.
     *
     * @throws OriginException 502 for a name that does not resolve or a refused connection, 504
     *                         for a connect that timed out
     */
    static Origin connect(String host, int port, ProxyConfig config) throws OriginException {
        Socket s = new Socket();
        String key = key(host, port);
        try {
            s.setTcpNoDelay(true);
            InetSocketAddress to = new InetSocketAddress(host, port);
            if (to.isUnresolved()) {
                throw new UnknownHostException(host);
            }
            s.connect(to, millis(config.connectTimeout().toMillis()));
            s.setSoTimeout(millis(config.readTimeout().toMillis()));
            return new Origin(key, s);
        } catch (UnknownHostException e) {
            closeQuietly(s);
            throw new OriginException(502, "the name " + host + " does not resolve", e);
        } catch (SocketTimeoutException e) {
            closeQuietly(s);
            throw new OriginException(504, "connecting to " + key + " timed out after " + config.connectTimeout().toMillis()
                    + " ms", e);
        } catch (IOException e) {
            closeQuietly(s);
            throw new OriginException(502, "cannot connect to " + key + ": " + e.getMessage(), e);
        }
    }

    static String key(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static int millis(long ms) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, ms));
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    @Override
    public String toString() {
        return key;
    }
}
