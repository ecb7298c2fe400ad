package dev.netloom.ftp;

import javax.net.ssl.SSLSocket;
import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The data connection of one transfer, set up by PASV/EPSV (we listen) or PORT/EPRT (we
 * connect), used once and closed.
 *
 * <p>Against bounce and theft: a passive listener takes its port from the configured range, binds
 * the control connection's local address, and accepts only a peer with the control connection's
 * remote address (others are closed and the wait goes on); an active connection goes only to the
 * client's own address (PORT to anywhere else is refused before this class is used). Sockets come
 * from channels, so binary transfers can use {@code FileChannel.transferTo}.
 */
final class DataConnection implements Closeable {

    private static final AtomicInteger NEXT_PORT = new AtomicInteger();

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final InetAddress client;
    private final int timeoutMillis;
    private volatile Socket socket;

    private DataConnection(ServerSocket listener, InetSocketAddress target, InetAddress client, int timeoutMillis) {
        this.listener = listener;
        this.target = target;
        this.client = client;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Listens on {@code local}'s address at a free port of {@code from}-{@code to} (0-0: any).
     *
     * @throws IOException when every port of the range is taken
     */
    static DataConnection passive(InetAddress local, InetAddress client, int from, int to, int timeoutMillis)
            throws IOException {
        int count = to - from + 1;
        int start = Math.floorMod(NEXT_PORT.getAndIncrement(), count);
        for (int i = 0; i < count; i++) {
            int port = from == 0 && to == 0 ? 0 : from + (start + i) % count;
            ServerSocket ss = ServerSocketChannel.open().socket();
            try {
                ss.bind(new InetSocketAddress(local, port), 1);
                ss.setSoTimeout(timeoutMillis);
                return new DataConnection(ss, null, client, timeoutMillis);
            } catch (BindException e) {
                ss.close(); // taken: try the next one
            } catch (IOException e) {
                ss.close();
                throw e;
            }
        }
        throw new BindException("no free passive port in " + from + "-" + to);
    }

    /** Will connect to {@code target}, which the caller has checked is the client's own address. */
    static DataConnection active(InetSocketAddress target, int timeoutMillis) {
        return new DataConnection(null, target, target.getAddress(), timeoutMillis);
    }

    /** The port a passive connection listens on. */
    int port() {
        return listener.getLocalPort();
    }

    /** Accepts the client's connection (passive) or connects to it (active), within the data timeout. */
    Socket open() throws IOException {
        Socket s;
        if (listener != null) {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (true) {
                s = listener.accept();
                if (s.getInetAddress().equals(client)) {
                    break;
                }
                s.close(); // not the client: someone trying to steal the transfer
                if (timeoutMillis > 0 && System.currentTimeMillis() >= deadline) {
                    throw new SocketTimeoutException("the client did not connect");
                }
            }
            listener.close();
        } else {
            s = SocketChannel.open().socket();
            s.connect(target, timeoutMillis);
        }
        s.setSoTimeout(timeoutMillis);
        socket = s;
        return s;
    }

    /** Closes the listener and the connection: after a transfer, on ABOR, or when replaced. */
    @Override
    public void close() {
        try {
            if (listener != null) {
                listener.close();
            }
        } catch (IOException ignored) {
            // closed is all that was wanted
        }
        try {
            Socket s = socket;
            if (s != null) {
                if (!s.isClosed() && !(s instanceof SSLSocket)) {
                    // a close alone does not wake a thread blocked in sendfile (transferTo); a shutdown does
                    s.shutdownOutput();
                }
                s.close();
            }
        } catch (IOException ignored) {
            // closed is all that was wanted
        }
    }

    /** {@code h1,h2,h3,h4,p1,p2} (RFC 959 section 4.1.2); null when malformed. */
    static InetSocketAddress parsePort(String arg) {
        String[] f = arg.strip().split(",");
        if (f.length != 6) {
            return null;
        }
        byte[] ip = new byte[4];
        int[] p = new int[2];
        try {
            for (int i = 0; i < 6; i++) {
                int v = Integer.parseInt(f[i].strip());
                if (v < 0 || v > 255) {
                    return null;
                }
                if (i < 4) {
                    ip[i] = (byte) v;
                } else {
                    p[i - 4] = v;
                }
            }
            return new InetSocketAddress(InetAddress.getByAddress(ip), p[0] * 256 + p[1]);
        } catch (NumberFormatException | UnknownHostException e) {
            return null;
        }
    }

    /** {@code |1|132.235.1.2|6275|} or {@code |2|::1|6275|} (RFC 2428 section 2); null when malformed. */
    static InetSocketAddress parseEprt(String arg) {
        String a = arg.strip();
        if (a.length() < 7) {
            return null;
        }
        String d = a.substring(0, 1);
        String[] f = a.split(Pattern.quote(d), -1);
        if (f.length != 5 || !f[0].isEmpty() || !f[4].isEmpty() || !(f[1].equals("1") || f[1].equals("2"))) {
            return null;
        }
        // only literal addresses: a name would mean a DNS lookup on the client's say-so
        if (!f[2].matches(f[1].equals("1") ? "[0-9.]+" : "[0-9A-Fa-f:.]+")) {
            return null;
        }
        try {
            int port = Integer.parseInt(f[3]);
            return port < 1 || port > 65535 ? null : new InetSocketAddress(InetAddress.getByName(f[2]), port);
        } catch (NumberFormatException | UnknownHostException e) {
            return null;
        }
    }
}
