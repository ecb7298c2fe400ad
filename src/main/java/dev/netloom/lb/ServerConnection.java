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
 * One connection from the lb to a server in http mode: a blocking socket, a {@link HeadReader}
 * for responses and a buffered output for requests. Kept by its {@link Server} between requests
 * when the response left it reusable.
 *
 * <p>{@code timeout-server} is a deadline the {@link Watchdog} enforces, not a socket read
 * timeout: a timed read on a virtual thread arms and cancels a timer each time it blocks, which
 * cost 15 of 58 µs of CPU per request in http mode (bench/README.md); the watchdog looks at the
 * deadlines every 100 ms and closes a connection past its own, marking it {@link #timedOut}.
 */
final class ServerConnection implements Closeable {

    final Socket socket;
    final HeadReader reader;
    final OutputStream out;
    private final Watchdog watchdog;
    /** Requests it has carried; more than 0 means a failure may be a stale keep-alive connection. */
    int uses;
    long idleSince;
    /** System.nanoTime() by which the server must have sent more, or 0 while the lb owes it nothing. */
    volatile long deadline;
    /** Set by the watchdog before it closes the connection for a missed deadline. */
    volatile boolean timedOut;

    private ServerConnection(Socket socket, Watchdog watchdog) throws IOException {
        this.socket = socket;
        this.watchdog = watchdog;
        this.reader = new HeadReader(new DataReader(socket.getInputStream(), 16 * 1024, ReadTimeout.of(socket)),
                8192, 64 * 1024, 200);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
    }

    /** Connects within {@code connectMillis}; {@code watchdog} then enforces its deadlines. */
    static ServerConnection open(InetSocketAddress to, int connectMillis, Watchdog watchdog) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(to, connectMillis);
            ServerConnection c = new ServerConnection(s, watchdog);
            watchdog.watch(c);
            return c;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** The server must send something within {@code nanos} from now (timeout-server as inactivity). */
    void expectWithin(long nanos) {
        deadline = System.nanoTime() + nanos;
    }

    /** The lb owes the server nothing now (between requests). */
    void expectNothing() {
        deadline = 0;
    }

    @Override
    public void close() {
        watchdog.forget(this);
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
