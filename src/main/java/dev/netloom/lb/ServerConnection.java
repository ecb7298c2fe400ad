package dev.netloom.lb;

import dev.netloom.core.DataReader;
import dev.netloom.core.ReadTimeout;
import dev.netloom.http1.HeadReader;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One connection from the lb to a server in http mode: a blocking socket with {@code
 * timeout-server} as its read timeout, a {@link HeadReader} for responses and a buffered output
 * for requests. Kept by its {@link Server} between requests when the response left it reusable.
 */
final class ServerConnection implements Closeable {

    final Socket socket;
    final HeadReader reader;
    final OutputStream out;
    /** Requests it has carried; more than 0 means a failure may be a stale keep-alive connection. */
    int uses;
    long idleSince;

    private ServerConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.reader = new HeadReader(new DataReader(socket.getInputStream(), 16 * 1024, ReadTimeout.of(socket)),
                8192, 64 * 1024, 200);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
    }

    /** Connects within {@code connectMillis}; reads then wait at most {@code readMillis}. */
    static ServerConnection open(InetSocketAddress to, int connectMillis, int readMillis) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(to, connectMillis);
            s.setSoTimeout(readMillis);
            return new ServerConnection(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
