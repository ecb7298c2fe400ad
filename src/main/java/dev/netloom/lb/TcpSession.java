package dev.netloom.lb;

import dev.netloom.core.Connection;
import dev.netloom.core.HostPort;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * One client connection to a pool in tcp mode: a server picked (by the client address with
 * {@code source}), connected within {@code timeout-connect} (retried, on another server with
 * {@code redispatch}), and the bytes relayed both ways on one of the service's event loops with
 * half-close passed on ({@link LoopSplice}), this virtual thread waiting meanwhile. No server, a full queue or a queue timeout close the client.
 */
final class TcpSession {

    private final LbService service;
    private final Pool pool;
    private final Connection conn;

    TcpSession(LbService service, Pool pool, Connection conn) {
        this.service = service;
        this.pool = pool;
        this.conn = conn;
    }

    void run() throws IOException {
        Transaction t = new Transaction();
        PoolConfig config = pool.config;
        String clientIp = conn.remote().getAddress().getHostAddress();
        conn.idleLimit(config.clientTimeout());
        Set<Server> tried = new HashSet<>();
        try {
            while (true) {
                Server s;
                long queueStart = System.nanoTime();
                try {
                    s = pool.acquire(clientIp, tried);
                } catch (Pool.NoServerException e) {
                    t.tw = Transaction.millisSince(queueStart);
                    t.end(e.flags.charAt(0), e.flags.charAt(1));
                    conn.close();
                    return;
                }
                t.tw = Transaction.millisSince(queueStart);
                t.server = s;
                try {
                    conn.busy("connecting to " + s.name());
                    long c0 = System.nanoTime();
                    SocketChannel ch = connect(s, config);
                    t.tc = Transaction.millisSince(c0);
                    if (ch == null) {
                        if (t.retries >= config.retries()) {
                            t.end('S', 'C');
                            conn.close();
                            return;
                        }
                        t.retries++;
                        if (config.redispatch()) {
                            tried.add(s);
                        }
                        continue;
                    }
                    s.succeeded();
                    s.requests.increment();
                    relay(t, s, ch);
                    return;
                } finally {
                    pool.release(s);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            t.tt = Transaction.millisSince(t.startNanos);
            service.logged(pool, t, conn.remote().getAddress().getHostAddress() + ":" + conn.remote().getPort(), false);
        }
    }

    private void relay(Transaction t, Server s, SocketChannel ch) throws IOException, InterruptedException {
        conn.closeWith(ch); // kill, the idle timeout or a stop end the server's side too
        String name = s.name() + " " + HostPort.format(s.spec().host(), s.spec().port());
        try (ch) {
            SocketChannel clientChannel = Objects.requireNonNull(conn.plainChannel(), "the lb has no TLS");
            LoopSplice splice = new LoopSplice(service.loop(), conn, clientChannel, ch, name, s.bytesOut, s.bytesIn);
            conn.busy(splice);
            splice.relay();
            t.bytes = splice.down();
        }
    }

    private SocketChannel connect(Server s, PoolConfig config) {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open();
            ch.socket().setTcpNoDelay(true);
            ch.socket().connect(s.address, (int) Math.max(1, Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis())));
            return ch;
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
            pool.failed(s, "connect: " + e.getMessage());
            return null;
        }
    }
}
