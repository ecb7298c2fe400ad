package dev.netloom.lb;

import dev.netloom.http1.HeadReader;
import dev.netloom.http1.HttpException;
import dev.netloom.http1.MessageHead;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.concurrent.locks.LockSupport;

/**
 * The common http-mode exchange done on the client's {@link IoLoop}, without a thread switch: a
 * request without a body and with an idempotent method, a server with a free slot (its idle
 * connection on this loop, or a new one connected from the loop), and a response framed by
 * {@code Content-Length} (or without a body).
 * Everything else is handed back to the session's virtual thread ({@link HttpSession}), at the
 * point where the fast path stopped: before the request head (it is partial or bad), with the
 * request parsed (a body, a queue, a failed connect, an error answer), or with the request sent
 * and maybe the response head read (an interim or chunked response, a server failure or timeout).
 * The session's own code then does what it would have done; the fast path makes no decision of
 * its own beyond "this one is simple", so both paths behave the same.
 */
final class FastPath implements LoopChannel.Handler {

    private static final System.Logger LOG = System.getLogger(FastPath.class.getName());
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** Where the session's thread goes on. */
    enum Kind { END, READ, EXCHANGE, CONNECT_FAILED, RESPONSE }

    /**
     * What the fast path hands back: {@code END} close, {@code READ} read the next request (its
     * head is partial or bad), {@code EXCHANGE} answer {@code req} (on {@code server} when
     * picked, its slot held), {@code CONNECT_FAILED} answer it after a failed connect to {@code
     * server} (slot held, the failure counted), {@code RESPONSE} answer it on {@code sc} of {@code server} (slot
     * held), where it was sent at {@code sentNanos}, its response head {@code first} when read
     * (else still to read).
     */
    record Resume(Kind kind, Transaction t, MessageHead req, Server server, ServerConnection sc, long sentNanos,
                  MessageHead first) {
        static final Resume END = new Resume(Kind.END, null, null, null, null, 0, null);
        static final Resume READ = new Resume(Kind.READ, null, null, null, null, 0, null);

        static Resume exchange(Transaction t, MessageHead req, Server picked) {
            return new Resume(Kind.EXCHANGE, t, req, picked, null, 0, null);
        }
    }

    private enum State { OFF, IDLE, CONNECTING, SENDING, WAITING, BODY }

    private final HttpSession session;
    private final LoopChannel client;
    private final HeadReader reader;
    private final Pool pool;
    private final PoolConfig config;
    private final byte[] buf;
    private final ByteBuffer bodyOut;
    private final ByteBuffer[] toClient = {EMPTY, EMPTY};
    private final long serverNanos;
    private volatile Resume resume;
    private Thread owner;
    private State state = State.OFF;
    // the exchange in flight (loop thread only)
    private Transaction t;
    private MessageHead req;
    private Server server;
    private ServerConnection sc;
    private MessageHead resp;
    private final ByteBuffer[] toServer = {EMPTY};
    private boolean persistent;
    private boolean keepClient;
    private long sent;
    private long left;
    private long headBytes;
    private long body;

    FastPath(HttpSession session, LoopChannel client, HeadReader reader, Pool pool, byte[] buf) {
        this.session = session;
        this.client = client;
        this.reader = reader;
        this.pool = pool;
        this.config = pool.config;
        this.buf = buf;
        this.bodyOut = ByteBuffer.wrap(buf);
        this.serverNanos = config.serverTimeout().toNanos();
    }

    /** On the session's thread: the loop serves the connection until it hands a request back. */
    Resume serve() {
        owner = Thread.currentThread();
        resume = null;
        client.loop.execute(this::start);
        boolean interrupted = false;
        Resume r;
        while ((r = resume) == null) {
            LockSupport.park(this);
            if (Thread.interrupted() && !interrupted) {
                interrupted = true;
                client.loop.execute(() -> {
                    if (state == State.IDLE) {
                        handBack(Resume.END);
                    }
                });
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return r;
    }

    private void start() {
        state = State.IDLE;
        client.handler(this);
        if (!client.isOpen()) {
            handBack(Resume.END);
        } else if (reader.buffered() > 0) {
            onRequest();
        } else {
            client.interest(SelectionKey.OP_READ);
        }
    }

    @Override
    public void ready(LoopChannel ch, int ops) {
        try {
            step(ch, ops);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "lb: connection " + session.conn.id() + " failed on its loop", e);
            if (sc != null) {
                sc.close();
                pool.release(server);
                clear();
            }
            session.conn.close();
            if (state != State.OFF) {
                handBack(Resume.END);
            }
        }
    }

    private void step(LoopChannel ch, int ops) {
        boolean fromClient = ch == client;
        switch (state) {
            case IDLE -> {
                if (fromClient) {
                    onRequest(); // ops 0 (closed): the read fails and the session ends
                }
            }
            case CONNECTING -> {
                if (fromClient) {
                    ch.interest(0);
                } else {
                    onConnect();
                }
            }
            case SENDING -> {
                if (fromClient) {
                    ch.interest(0); // a pipelined request (or the client's end) waits for this exchange
                } else {
                    flushToServer();
                }
            }
            case WAITING -> {
                if (fromClient) {
                    ch.interest(0);
                } else {
                    onResponse();
                }
            }
            case BODY -> {
                if (fromClient) {
                    if ((ops & SelectionKey.OP_WRITE) != 0 || ops == 0) {
                        flushToClient();
                    } else {
                        ch.interest(0);
                    }
                } else {
                    onBody();
                }
            }
            default -> ch.interest(0);
        }
    }

    private void onRequest() {
        MessageHead head;
        try {
            if (!reader.await()) {
                handBack(Resume.END);
                return;
            }
            head = reader.readRequest(0);
        } catch (IOException e) {
            if (e == LoopChannel.WOULD_BLOCK && reader.buffered() == 0) {
                client.interest(SelectionKey.OP_READ);
            } else {
                handBack(e == LoopChannel.WOULD_BLOCK ? Resume.READ : Resume.END); // a partial head: timed there
            }
            return;
        } catch (HttpException e) {
            handBack(Resume.READ); // the session reads it again and answers the error
            return;
        }
        if (!session.conn.busy("reading request")) {
            handBack(Resume.END);
            return;
        }
        t = new Transaction();
        req = head;
        t.tq = Transaction.millisSince(t.startNanos);
        t.requestLine = head; // its start line, made when logged
        session.conn.activity(head);
        session.conn.idleLimit(session.exchangeLimit);
        long framing;
        try {
            framing = head.requestBodyLength();
        } catch (HttpException e) {
            framing = -1;
        }
        Server s = framing == MessageHead.NO_BODY && HttpSession.idempotent(head) ? pick() : null;
        if (s != null) {
            t.tw = 0; // not queued
        }
        ServerConnection c = s == null ? null : s.takeIdle(client.loop);
        if (s == null) {
            handBack(Resume.exchange(t, head, null));
            return;
        }
        persistent = HttpSession.persistent(head);
        server = s;
        t.server = s;
        toServer[0] = session.requestHead(head, s).buffer();
        sent = System.nanoTime();
        if (c == null) {
            try {
                c = ServerConnection.startConnect(s.address, config.connectTimeout().toNanos(), session.service.watchdog(),
                        client.loop);
            } catch (IOException e) {
                connectFailed(e);
                return;
            }
            sc = c;
            c.uses++;
            c.channel.handler(this);
            state = State.CONNECTING;
            c.channel.interest(SelectionKey.OP_CONNECT);
            return;
        }
        t.tc = 0;
        sc = c;
        c.uses++;
        s.requests.increment();
        c.channel.handler(this);
        c.expectWithin(serverNanos);
        state = State.SENDING;
        flushToServer();
    }

    /** The connect begun in {@link #onRequest} completed (or failed, or timed out: ops 0). */
    private void onConnect() {
        try {
            if (!sc.finishConnect()) {
                return;
            }
        } catch (IOException e) {
            sc.channel.handler(null);
            boolean timedOut = sc.timedOut;
            sc.close();
            connectFailed(timedOut ? new IOException("connect timed out") : e);
            return;
        }
        t.tc = Transaction.millisSince(sent);
        server.requests.increment();
        sent = System.nanoTime();
        sc.expectWithin(serverNanos);
        state = State.SENDING;
        flushToServer();
    }

    /** A connect from the loop failed: counted as the session counts its own, which then retries or answers 503. */
    private void connectFailed(IOException e) {
        t.tc = Transaction.millisSince(sent);
        pool.failed(server, "connect: " + e.getMessage());
        Resume r = new Resume(Kind.CONNECT_FAILED, t, req, server, null, 0, null);
        sc = null;
        clear();
        handBack(r);
    }

    /** The sticky server when it can take the request, else the balancer's pick; null when it would queue. */
    private Server pick() {
        Server sticky = session.sticky(t, req);
        if (sticky != null && pool.acquireOn(sticky)) {
            return sticky;
        }
        return pool.tryAcquire(session.hashKey(req));
    }

    private void flushToServer() {
        try {
            sc.channel.tryWrite(toServer);
        } catch (IOException e) {
            handOverResponse(null);
            return;
        }
        if (toServer[0].hasRemaining()) {
            sc.channel.interest(SelectionKey.OP_WRITE);
            return;
        }
        sc.expectWithin(serverNanos); // from the request's last byte
        state = State.WAITING;
        sc.channel.interest(SelectionKey.OP_READ);
    }

    private void onResponse() {
        MessageHead r;
        long framing;
        try {
            r = sc.reader.readResponse(0);
            if (r.status() < 200 || r.status() == 101) {
                handOverResponse(r);
                return;
            }
            framing = r.responseBodyLength(req.methodIs("HEAD"));
        } catch (IOException e) {
            if (e != LoopChannel.WOULD_BLOCK) {
                handOverResponse(null); // the session reads on and fails as it does (502, 504, a retry)
            }
            return;
        } catch (HttpException e) {
            handOverResponse(null);
            return;
        }
        if (framing < 0) {
            handOverResponse(r); // chunked or until close: the session relays it
            return;
        }
        Server s = server;
        session.responded(t, s, r, sent);
        resp = r;
        keepClient = persistent && !session.service.stopping();
        toClient[0] = session.responseHead(r, t.cookie.endsWith("I") ? s.name() : null, keepClient,
                req.minorVersion() == 0 && keepClient, false).buffer();
        headBytes = toClient[0].remaining();
        left = framing;
        body = 0;
        toClient[1] = EMPTY;
        state = State.BODY;
        int there = (int) Math.min(left, Math.min(buf.length, sc.reader.buffered()));
        if (there > 0) {
            moreBody(there);
        } else {
            flushToClient();
        }
    }

    /** Takes up to {@code max} body bytes from the server connection into the buffer, then writes them on. */
    private void moreBody(int max) {
        int n;
        try {
            n = sc.reader.readBody(buf, 0, max);
        } catch (IOException e) {
            if (e == LoopChannel.WOULD_BLOCK) {
                sc.channel.interest(SelectionKey.OP_READ);
            } else {
                bodyFailed(e.getMessage());
            }
            return;
        }
        if (n < 0) {
            bodyFailed("the server closed " + left + " bytes before the end of the body");
            return;
        }
        left -= n;
        body += n;
        sc.expectWithin(serverNanos); // timeout-server is the server's inactivity, not the body's whole time
        toClient[1] = bodyOut.clear().limit(n);
        flushToClient();
    }

    private void onBody() {
        if (toClient[0].hasRemaining() || toClient[1].hasRemaining()) {
            return; // the server's socket closed from outside while the client's output waits: after it
        }
        moreBody((int) Math.min(buf.length, left));
    }

    private void flushToClient() {
        try {
            client.tryWrite(toClient);
        } catch (IOException e) {
            clientGone();
            return;
        }
        if (toClient[0].hasRemaining() || toClient[1].hasRemaining()) {
            client.interest(SelectionKey.OP_WRITE);
            sc.channel.interest(0);
            return;
        }
        client.interest(SelectionKey.OP_READ); // as it stays between requests: no change, no system call
        toClient[0] = EMPTY;
        if (left == 0) {
            complete();
        } else if (sc.reader.buffered() > 0) {
            onBody();
        } else {
            sc.channel.interest(SelectionKey.OP_READ);
        }
    }

    /** The response went out whole: the server connection is kept or closed, the request logged. */
    private void complete() {
        ServerConnection c = sc;
        Server s = server;
        c.expectNothing();
        t.bytes = headBytes + body;
        s.bytesIn.add(t.bytes);
        c.channel.handler(null); // its interest stays: an idle connection's close is seen (and then unwatched)
        if (resp.minorVersion() >= 1 && !resp.hasToken("Connection", "close") && s.eligible()) {
            s.giveIdle(c);
        } else {
            c.close();
        }
        pool.release(s);
        session.finish(t);
        clear();
        if (!keepClient || session.service.stopping() || !session.conn.idle()) {
            handBack(Resume.END);
            return;
        }
        session.conn.idleLimit(config.clientTimeout());
        state = State.IDLE;
        if (reader.buffered() > 0) {
            onRequest();
        } else {
            client.interest(SelectionKey.OP_READ);
        }
    }

    /** The server failed in the body: the client has what came, and the close that tells it the response is cut. */
    private void bodyFailed(String why) {
        if (sc.timedOut) {
            t.end('s', 'D');
            pool.failed(server, "timeout in the body");
        } else {
            t.end('S', 'D');
            pool.failed(server, "body cut: " + why);
        }
        abandon();
    }

    private void clientGone() {
        t.end('C', 'D');
        t.bytes = headBytes + body;
        abandon();
    }

    /** Ends the exchange in the middle of the response: both connections close. */
    private void abandon() {
        sc.channel.handler(null);
        sc.close();
        pool.release(server);
        session.finish(t);
        clear();
        handBack(Resume.END);
    }

    /** The session takes the exchange on from the response (its head {@code first} when read). */
    private void handOverResponse(MessageHead first) {
        Resume r = new Resume(Kind.RESPONSE, t, req, server, sc, sent, first);
        sc.channel.handler(null);
        sc.channel.interest(0);
        clear();
        handBack(r);
    }

    private void clear() {
        t = null;
        req = null;
        server = null;
        sc = null;
        resp = null;
        toServer[0] = EMPTY;
        toClient[0] = EMPTY;
        toClient[1] = EMPTY;
    }

    /** Gives the connection back to the session's thread, which goes on as {@code r} says. */
    private void handBack(Resume r) {
        state = State.OFF;
        client.handler(null);
        client.interest(0);
        resume = r;
        LockSupport.unpark(owner);
    }
}
