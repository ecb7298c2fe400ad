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
 * {@code source}; this virtual thread may wait in the pool's queue), then connected from one of
 * the service's event loops within {@code timeout-connect} and the bytes relayed both ways there
 * with half-close passed on ({@link LoopSplice}), this thread waiting meanwhile; a failed connect
 * is retried, on another server with {@code redispatch}. No server, a full queue or a queue timeout close the client.
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
        SocketChannel clientChannel = Objects.requireNonNull(conn.plainChannel(), "the lb has no TLS");
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
                    LoopSplice splice = new LoopSplice(service.loop(), conn, clientChannel,
                            s.name() + " " + HostPort.format(s.spec().host(), s.spec().port()), s.address,
                            config.connectTimeout(), () -> {
                                s.succeeded();
                                s.requests.increment();
                            }, s.bytesOut, s.bytesIn);
                    conn.busy(splice);
                    splice.relay();
                    IOException failed = splice.connectError();
                    if (failed == null) {
                        t.tc = splice.connectMillis();
                        t.bytes = splice.down();
                        return;
                    }
                    t.tc = Transaction.millisSince(queueStart) - t.tw;
                    pool.failed(s, "connect: " + failed.getMessage());
                    if (t.retries >= config.retries()) {
                        t.end('S', 'C');
                        conn.close();
                        return;
                    }
                    t.retries++;
                    if (config.redispatch()) {
                        tried.add(s);
                    }
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
}
