package dev.netloom.lb;

import dev.netloom.core.Connection;
import dev.netloom.core.DataReader;
import dev.netloom.core.HostPort;
import dev.netloom.core.Linger;
import dev.netloom.http1.BodyInputStream;
import dev.netloom.http1.ChunkedOutputStream;
import dev.netloom.http1.Forwarded;
import dev.netloom.http1.HeadReader;
import dev.netloom.http1.HeadWriter;
import dev.netloom.http1.HttpException;
import dev.netloom.http1.MessageHead;
import dev.netloom.http1.Status;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One client connection to a pool in http mode: each request is read with the shared {@code
 * http1} codec, routed on its own (sticky cookie, else the pool's algorithm), sent to the server
 * on a kept-alive connection when one is idle, and its response relayed back. Requests get
 * {@code X-Forwarded-For}/{@code X-Forwarded-Proto} (or {@code Forwarded}) and an {@code
 * X-Request-Id} when they have none. A failed connect is retried ({@code retries}, on another
 * server with {@code redispatch}); a request without a body whose reused connection failed before
 * any response byte is sent again on a new one. The lb answers 502 for a bad server response,
 * 504 for a server timeout and 503 when no server can take the request, each with a short body.
 *
 * <p>The connection's sockets live on one of the service's event loops ({@link LoopChannel}); the
 * common exchange is done there by {@link FastPath}, which hands anything else to this virtual
 * thread at the point it reached ({@link FastPath.Resume}); the code here then blocks through the
 * loop and gives the connection back to the fast path between requests.
 */
final class HttpSession {

    private static final int BUFFER = 16 * 1024;
    /** Interim responses passed on before the final one; a server sending more is broken (502). */
    private static final int MAX_INTERIM = 10;

    final LbService service;
    final Connection conn;
    final Duration exchangeLimit;
    private final Pool pool;
    private final PoolConfig config;
    private final LoopChannel channel;
    private final OutputStream out;
    private final String clientIp;
    private final String client;
    private final byte[] buf = new byte[BUFFER];
    private final HeadWriter requestWriter = new HeadWriter();
    private final HeadWriter responseWriter = new HeadWriter();
    private HeadReader reader;
    /** The forwarding field's value for a request that brought none (it depends on the client only). */
    private String forwardedValue;
    /** Whether the last attempt gave its server connection back for reuse. */
    private boolean kept;
    /** The server whose slot this request holds, until {@link #releaseServer}. */
    private Server held;

    HttpSession(LbService service, Pool pool, Connection conn) throws IOException {
        this.service = service;
        this.pool = pool;
        this.config = pool.config;
        this.conn = conn;
        this.channel = LoopChannel.register(service.loop(),
                Objects.requireNonNull(conn.plainChannel(), "the lb has no TLS"), conn);
        this.out = new BufferedOutputStream(channel.out(), BUFFER);
        this.clientIp = conn.remote().getAddress().getHostAddress();
        this.client = (clientIp.indexOf(':') >= 0 ? "[" + clientIp + "]" : clientIp) + ":" + conn.remote().getPort();
        Duration server = config.connectTimeout().multipliedBy(config.retries() + 1L).plus(config.queueTimeout())
                .plus(config.serverTimeout().multipliedBy(2));
        this.exchangeLimit = server.compareTo(config.clientTimeout()) > 0 ? server : config.clientTimeout();
    }

    void run() throws IOException {
        reader = new HeadReader(new DataReader(channel.in(), 8192, channel), 8192, 16 * 1024, 100);
        FastPath fast = new FastPath(this, channel, reader, pool, buf);
        conn.idleLimit(config.clientTimeout());
        while (slow(fast.serve())) {
            conn.idleLimit(config.clientTimeout());
        }
    }

    /** Goes on with what the fast path handed back; true when the connection may carry another request. */
    private boolean slow(FastPath.Resume r) throws IOException {
        Transaction t = r.t();
        MessageHead req = r.req();
        switch (r.kind()) {
            case END -> {
                return false;
            }
            case READ -> {
                try {
                    if (!reader.await()) {
                        return false;
                    }
                } catch (SocketTimeoutException e) {
                    return false;
                }
                if (!conn.busy("reading request")) {
                    return false;
                }
                t = new Transaction();
                try {
                    req = reader.readRequest(millis(config.requestTimeout()));
                    t.tq = Transaction.millisSince(t.startNanos);
                    t.requestLine = req; // its start line, made when logged
                } catch (HttpException e) {
                    t.end(e.status() == 408 ? 'c' : 'P', 'R');
                    own(t, e.status(), e.getMessage(), false, false);
                    finish(t);
                    lingerClose();
                    return false;
                } catch (EOFException e) {
                    return false;
                }
                conn.activity(req);
                conn.idleLimit(exchangeLimit);
            }
            default -> {
                // the fast path read the request and began the exchange
            }
        }
        boolean keep;
        try {
            keep = exchange(t, req, r.server() != null ? r : null);
        } finally {
            finish(t);
        }
        return keep && !service.stopping() && conn.idle();
    }

    /** Closes after an error answer without losing it: {@link Linger}'s way, on this non-blocking socket. */
    private void lingerClose() {
        try {
            conn.shutdownOutput();
            Linger.drain(channel.in(), channel);
        } catch (IOException ignored) {
            // the client went away: the socket is closed either way
        }
        conn.close();
    }

    /** Answers one request; true when the client connection may carry another. */
    private boolean exchange(Transaction t, MessageHead req, FastPath.Resume resumed) throws IOException {
        long framing;
        try {
            framing = req.requestBodyLength();
        } catch (HttpException e) {
            t.end('P', 'R');
            own(t, e.status(), e.getMessage(), false, req.methodIs("HEAD"));
            lingerClose();
            return false;
        }
        boolean persistent = persistent(req);
        Server sticky = sticky(t, req);
        Set<Server> tried = new HashSet<>();
        int connectFailures = 0;
        boolean freshOnly = false;
        FastPath.Resume onServer = resumed; // the fast path picked a server (its slot held), maybe sent the request
        while (true) {
            Server s;
            long queueStart = System.nanoTime();
            if (onServer != null) {
                s = onServer.server();
            } else if (sticky != null && pool.acquireOn(sticky)) {
                s = sticky;
            } else {
                try {
                    s = pool.acquire(hashKey(req), tried);
                } catch (Pool.NoServerException e) {
                    t.tw = Transaction.millisSince(queueStart);
                    t.end(e.flags.charAt(0), e.flags.charAt(1));
                    return own(t, 503, e.getMessage() + ".", persistent && framing == MessageHead.NO_BODY,
                            req.methodIs("HEAD")) && skipBody(framing);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            if (onServer == null) {
                t.tw = Transaction.millisSince(queueStart);
            }
            t.server = s;
            held = s;
            try {
                Outcome o = onServer != null && onServer.kind() == FastPath.Kind.CONNECT_FAILED ? Outcome.CONNECT_FAILED
                        : attempt(t, req, s, framing, persistent, freshOnly,
                                onServer != null && onServer.sc() != null ? onServer : null);
                onServer = null;
                switch (o) {
                    case CONNECT_FAILED -> {
                        connectFailures++;
                        if (connectFailures > config.retries()) {
                            t.end('S', 'C');
                            return own(t, 503, "no server of pool " + pool.name() + " could be reached ("
                                    + connectFailures + " connection attempts failed).",
                                    persistent && framing == MessageHead.NO_BODY, req.methodIs("HEAD"))
                                    && skipBody(framing);
                        }
                        t.retries++;
                        if (config.redispatch()) {
                            tried.add(s);
                            sticky = null;
                        }
                    }
                    case STALE -> freshOnly = true; // the same request again, on a new connection
                    case KEEP -> {
                        return true;
                    }
                    default -> {
                        return false;
                    }
                }
            } finally {
                releaseServer();
            }
        }
    }

    /** Gives the server's slot back (once): when its part is done, before the client's last bytes go out. */
    private void releaseServer() {
        Server s = held;
        if (s != null) {
            held = null;
            pool.release(s);
        }
    }

    /** How one attempt on a server ended. */
    private enum Outcome { KEEP, CLOSE, CONNECT_FAILED, STALE }

    /**
     * One try on server {@code s}: an idle connection or a new one, the request sent, the response
     * relayed; {@code resumed} non-null goes on where the fast path left the request, sent on its
     * connection.
     */
    private Outcome attempt(Transaction t, MessageHead req, Server s, long framing, boolean persistent,
                            boolean freshOnly, FastPath.Resume resumed) throws IOException {
        ServerConnection sc = resumed != null ? resumed.sc() : freshOnly ? null : s.takeIdle(channel.loop);
        if (resumed != null) {
            t.tc = 0;
        } else if (sc == null) {
            long c0 = System.nanoTime();
            try {
                sc = ServerConnection.open(s.address, millis(config.connectTimeout()), service.watchdog(), channel.loop);
            } catch (IOException e) {
                t.tc = Transaction.millisSince(c0);
                pool.failed(s, "connect: " + e.getMessage());
                return Outcome.CONNECT_FAILED;
            }
            t.tc = Transaction.millisSince(c0);
        } else {
            t.tc = 0;
        }
        boolean reused = resumed != null ? sc.uses > 1 : sc.uses > 0; // the fast path counted its use already
        if (resumed == null) {
            sc.uses++;
            s.requests.increment();
        }
        kept = false;
        try {
            return resumed != null ? respond(t, req, s, sc, framing, persistent, true, resumed.sentNanos(), resumed.first())
                    : send(t, req, s, sc, framing, persistent, reused);
        } finally {
            if (!kept) {
                sc.close();
            }
        }
    }

    private Outcome send(Transaction t, MessageHead req, Server s, ServerConnection sc, long framing, boolean persistent,
                         boolean reused) throws IOException {
        long sent = System.nanoTime();
        long serverNanos = config.serverTimeout().toNanos();
        sc.expectWithin(serverNanos);
        try {
            requestHead(req, s).copyTo(sc.out);
            if (framing != MessageHead.NO_BODY) {
                if (req.hasToken("Expect", "100-continue") && req.minorVersion() >= 1 && !continueClient()) {
                    t.end('C', 'R');
                    return Outcome.CLOSE;
                }
                if (!copyRequestBody(sc, framing, serverNanos)) {
                    t.end('C', 'D');
                    return Outcome.CLOSE;
                }
            }
            sc.out.flush();
        } catch (IOException e) {
            if (reused && framing == MessageHead.NO_BODY) {
                return Outcome.STALE;
            }
            pool.failed(s, "sending the request: " + e.getMessage());
            t.end('S', 'D');
            return failWith(t, 502, "the server " + s.name() + " failed while the request was sent.", Outcome.CLOSE);
        }
        sc.expectWithin(serverNanos); // from the request's last byte
        return respond(t, req, s, sc, framing, persistent, reused, sent, null);
    }

    /** Reads the response to the request sent at {@code sent} (its head {@code first} when read already) and relays it. */
    private Outcome respond(Transaction t, MessageHead req, Server s, ServerConnection sc, long framing,
                            boolean persistent, boolean reused, long sent, MessageHead first) throws IOException {
        boolean head = req.methodIs("HEAD");
        long serverNanos = config.serverTimeout().toNanos();
        MessageHead resp;
        if (first == null) {
            try {
                if (!sc.reader.await()) {
                    throw new EOFException("closed before responding");
                }
            } catch (IOException e) {
                if (e instanceof SocketTimeoutException || sc.timedOut) {
                    return serverTimeout(t, s);
                }
                if (reused && framing == MessageHead.NO_BODY && idempotent(req)) {
                    return Outcome.STALE;
                }
                pool.failed(s, "no response: " + e.getMessage());
                t.end('S', 'H');
                return failWith(t, 502, "the server " + s.name() + " closed the connection without a response.",
                        Outcome.CLOSE);
            }
        }
        long framingOut;
        try {
            resp = first != null ? first : sc.reader.readResponse(0);
            for (int interim = 1; resp.status() < 200 && resp.status() != 101; interim++) {
                if (interim > MAX_INTERIM) {
                    throw new HttpException(502, "more than " + MAX_INTERIM + " interim (1xx) responses");
                }
                if (req.minorVersion() >= 1 && resp.status() != 100) {
                    responseHead(resp, null, true, false, false).copyTo(out);
                    out.flush();
                }
                resp = sc.reader.readResponse(0);
            }
            if (resp.status() == 101) {
                throw new HttpException(502, "the server switched protocols, which this lb does not relay");
            }
            framingOut = resp.responseBodyLength(head);
        } catch (HttpException e) {
            pool.failed(s, "bad response: " + e.getMessage());
            t.end('S', 'H');
            return failWith(t, 502, "the server " + s.name() + " sent a bad response: " + e.getMessage() + ".",
                    Outcome.CLOSE);
        } catch (IOException e) {
            if (e instanceof SocketTimeoutException || sc.timedOut) {
                return serverTimeout(t, s);
            }
            pool.failed(s, "response head: " + e.getMessage());
            t.end('S', 'H');
            return failWith(t, 502, "the server " + s.name() + " failed while sending its response head.", Outcome.CLOSE);
        }
        responded(t, s, resp, sent);
        boolean dechunk = framingOut == MessageHead.CHUNKED && req.minorVersion() == 0;
        boolean keepClient = persistent && framingOut != MessageHead.UNTIL_CLOSE && !dechunk && !service.stopping();
        HeadWriter respHead = responseHead(resp, t.cookie.endsWith("I") ? s.name() : null, keepClient,
                req.minorVersion() == 0 && keepClient, dechunk);
        int headBytes = respHead.length();
        respHead.copyTo(out);
        long body;
        try {
            body = relayBody(sc, framingOut, dechunk, serverNanos);
        } catch (ClientGone e) {
            t.end('C', 'D');
            t.bytes = headBytes + e.sent;
            return Outcome.CLOSE;
        } catch (IOException e) {
            if (e instanceof SocketTimeoutException || sc.timedOut) {
                t.end('s', 'D');
                pool.failed(s, "timeout in the body");
                return cutShort();
            }
            t.end('S', 'D');
            pool.failed(s, "body cut: " + e.getMessage());
            return cutShort();
        }
        sc.expectNothing();
        t.bytes = headBytes + body;
        s.bytesIn.add(t.bytes);
        boolean reusable = framingOut != MessageHead.UNTIL_CLOSE && resp.minorVersion() >= 1
                && !resp.hasToken("Connection", "close") && s.eligible();
        if (reusable) {
            s.giveIdle(sc);
            kept = true;
        }
        releaseServer();
        out.flush();
        return keepClient ? Outcome.KEEP : Outcome.CLOSE;
    }

    /**
     * Notes a final response head from {@code s} to the request sent at {@code sent}: the response
     * time (log and {@code lb}'s p50/p99), the status, and a 5xx as a failure (passive ejection).
     */
    void responded(Transaction t, Server s, MessageHead resp, long sent) {
        t.tr = Transaction.millisSince(sent);
        s.times.record((System.nanoTime() - sent) / 1000);
        t.status = resp.status();
        if (t.status >= 500) {
            pool.failed(s, "status " + t.status);
        } else {
            s.succeeded();
        }
    }

    /** The server failed in the body: the client gets what came, then the close that tells it the response is cut. */
    private Outcome cutShort() {
        try {
            out.flush();
        } catch (IOException ignored) {
            // the client is gone too
        }
        return Outcome.CLOSE;
    }

    private Outcome serverTimeout(Transaction t, Server s) throws IOException {
        pool.failed(s, "timeout");
        t.end('s', 'H');
        return failWith(t, 504, "the server " + s.name() + " did not answer within " + config.serverTimeout().toMillis()
                + " ms (lb.timeout-server).", Outcome.CLOSE);
    }

    private Outcome failWith(Transaction t, int status, String cause, Outcome o) throws IOException {
        own(t, status, cause, false, false);
        return o;
    }

    /** The request head as the server gets it: HTTP/1.1, hop-by-hop fields dropped, forwarding fields added. */
    HeadWriter requestHead(MessageHead req, Server s) {
        HeadWriter w = requestWriter.reset().requestLine11(req);
        Set<String> named = connectionTokens(req);
        Forwarded fwdMode = config.forwarded();
        boolean host = false;
        boolean requestId = false;
        String prior = null;
        for (int i = 0; i < req.fieldCount(); i++) {
            Field kind = Field.of(req, i);
            if (kind == Field.HOP_BY_HOP || (named != null && named.contains(req.name(i).toLowerCase(Locale.ROOT)))) {
                continue;
            }
            if (kind == Field.HOST) {
                host = true;
            } else if (kind == Field.REQUEST_ID) {
                requestId = true;
            } else if (kind == Field.X_FORWARDED_FOR && fwdMode == Forwarded.X_FORWARDED_FOR
                    || kind == Field.FORWARDED && fwdMode == Forwarded.FORWARDED) {
                prior = prior == null ? req.value(i) : prior + ", " + req.value(i);
                continue;
            } else if (kind == Field.X_FORWARDED_PROTO && fwdMode == Forwarded.X_FORWARDED_FOR) {
                continue;
            }
            w.field(req, i);
        }
        if (!host) {
            w.header("Host", HostPort.format(s.spec().host(), s.spec().port()));
        }
        if (fwdMode != Forwarded.OFF) {
            if (prior == null && forwardedValue == null) {
                forwardedValue = fwdMode.value(null, clientIp); // the same for every request of this client
            }
            w.header(fwdMode.field(), prior == null ? forwardedValue : fwdMode.value(prior, clientIp));
        }
        if (fwdMode == Forwarded.X_FORWARDED_FOR) {
            w.header("X-Forwarded-Proto", "http");
        }
        if (!requestId) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            w.headerHex("X-Request-Id", r.nextLong(), r.nextLong());
        }
        return w.end();
    }

    /**
     * The fields the lb treats apart, found with one comparison for most names (those of other
     * lengths with none): {@code HOP_BY_HOP} are dropped both ways (RFC 9110 §7.6.1, and Expect,
     * which the lb answers, and Proxy-Authorization, which is for the lb).
     */
    private enum Field {
        OTHER, HOP_BY_HOP, HOST, REQUEST_ID, X_FORWARDED_FOR, FORWARDED, X_FORWARDED_PROTO, TRANSFER_ENCODING;

        static Field of(MessageHead m, int i) {
            return switch (m.nameLength(i)) {
                case 2 -> m.nameIs(i, "TE") ? HOP_BY_HOP : OTHER;
                case 4 -> m.nameIs(i, "Host") ? HOST : OTHER;
                case 6 -> m.nameIs(i, "Expect") ? HOP_BY_HOP : OTHER;
                case 7 -> m.nameIs(i, "Trailer") || m.nameIs(i, "Upgrade") ? HOP_BY_HOP : OTHER;
                case 9 -> m.nameIs(i, "Forwarded") ? FORWARDED : OTHER;
                case 10 -> m.nameIs(i, "Connection") || m.nameIs(i, "Keep-Alive") ? HOP_BY_HOP : OTHER;
                case 12 -> m.nameIs(i, "X-Request-Id") ? REQUEST_ID : OTHER;
                case 15 -> m.nameIs(i, "X-Forwarded-For") ? X_FORWARDED_FOR : OTHER;
                case 16 -> m.nameIs(i, "Proxy-Connection") ? HOP_BY_HOP : OTHER;
                case 17 -> m.nameIs(i, "X-Forwarded-Proto") ? X_FORWARDED_PROTO
                        : m.nameIs(i, "Transfer-Encoding") ? TRANSFER_ENCODING : OTHER;
                case 19 -> m.nameIs(i, "Proxy-Authorization") ? HOP_BY_HOP : OTHER;
                default -> OTHER;
            };
        }
    }

    /** Whether a request may be sent again after its connection failed (RFC 9110 §9.2.2). */
    static boolean idempotent(MessageHead req) {
        return req.methodIs("GET") || req.methodIs("HEAD") || req.methodIs("OPTIONS") || req.methodIs("TRACE")
                || req.methodIs("PUT") || req.methodIs("DELETE");
    }

    /**
     * The response head as the client gets it; {@code cookieServer} non-null sets the sticky
     * cookie; {@code dechunk} drops Transfer-Encoding (a chunked body sent to an HTTP/1.0 client).
     */
    HeadWriter responseHead(MessageHead resp, String cookieServer, boolean keep, boolean sayKeepAlive,
                            boolean dechunk) {
        HeadWriter w = responseWriter.reset().statusLine11(resp);
        Set<String> named = connectionTokens(resp);
        boolean interim = resp.status() < 200;
        for (int i = 0; i < resp.fieldCount(); i++) {
            Field kind = Field.of(resp, i);
            if (kind == Field.HOP_BY_HOP || (named != null && named.contains(resp.name(i).toLowerCase(Locale.ROOT)))
                    || (dechunk && kind == Field.TRANSFER_ENCODING)) {
                continue;
            }
            w.field(resp, i);
        }
        if (!interim) {
            if (cookieServer != null) {
                w.header("Set-Cookie", config.stickyCookie() + "=" + cookieServer + "; Path=/; HttpOnly");
            }
            if (!keep) {
                w.header("Connection", "close");
            } else if (sayKeepAlive) {
                w.header("Connection", "keep-alive");
            }
        }
        return w.end();
    }

    /** The field names a Connection field lists, lower-case; null when none but keep-alive or close (dropped anyway). */
    private static Set<String> connectionTokens(MessageHead m) {
        boolean others = false;
        for (int i = 0; i < m.fieldCount() && !others; i++) {
            others = m.nameLength(i) == 10 && m.nameIs(i, "Connection") && !m.valueIs(i, "keep-alive")
                    && !m.valueIs(i, "close");
        }
        if (!others) {
            return null;
        }
        String c = m.headerJoined("Connection");
        Set<String> names = new HashSet<>();
        for (String token : c.split(",")) {
            names.add(token.strip().toLowerCase(Locale.ROOT));
        }
        return names;
    }

    /**
     * Copies the request body to the server in its framing; false when the client's body ended
     * early. The server's deadline moves with each piece: a slow upload is the client's time.
     */
    private boolean copyRequestBody(ServerConnection sc, long framing, long serverNanos) throws IOException {
        OutputStream to = sc.out;
        InputStream body = framing > 0 ? null : BodyInputStream.open(reader, framing);
        ChunkedOutputStream chunked = body == null ? null : new ChunkedOutputStream(to);
        long left = framing;
        while (body != null || left > 0) {
            int n;
            try {
                n = body == null ? reader.readBody(buf, 0, (int) Math.min(buf.length, left)) : body.read(buf);
            } catch (IOException e) {
                return false; // the client's body broke off or was malformed: its fault, not the server's
            }
            if (n < 0) {
                if (body == null) {
                    return false;
                }
                break;
            }
            if (chunked != null) {
                chunked.write(buf, 0, n);
            } else {
                to.write(buf, 0, n);
            }
            sc.expectWithin(serverNanos);
            left -= n;
        }
        if (chunked != null) {
            chunked.finish();
        }
        return true;
    }

    /** Answers {@code Expect: 100-continue} itself; false when the client is gone. */
    private boolean continueClient() {
        try {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The client stopped reading the response. */
    private static final class ClientGone extends IOException {
        final long sent;

        ClientGone(long sent, IOException cause) {
            super(cause);
            this.sent = sent;
        }
    }

    /** Relays the response body; its bytes as sent to the client. */
    private long relayBody(ServerConnection sc, long framing, boolean dechunk, long serverNanos) throws IOException {
        if (framing == MessageHead.NO_BODY) {
            return 0;
        }
        InputStream body = framing > 0 ? null : BodyInputStream.open(sc.reader, framing);
        OutputStream to = out;
        ChunkedOutputStream chunked = framing == MessageHead.CHUNKED && !dechunk ? new ChunkedOutputStream(out) : null;
        long sent = 0;
        long left = framing;
        while (framing < 0 || left > 0) {
            int n = body == null ? sc.reader.readBody(buf, 0, (int) Math.min(buf.length, left)) : body.read(buf);
            if (n < 0) {
                if (framing > 0) {
                    throw new EOFException("the server closed " + left + " bytes before the end of the body");
                }
                break;
            }
            try {
                if (chunked != null) {
                    chunked.write(buf, 0, n);
                } else {
                    to.write(buf, 0, n);
                }
            } catch (IOException e) {
                throw new ClientGone(sent, e);
            }
            sent += n;
            left -= n;
            sc.expectWithin(serverNanos); // timeout-server is the server's inactivity, not the body's whole time
        }
        if (chunked != null) {
            try {
                chunked.finish();
            } catch (IOException e) {
                throw new ClientGone(sent, e);
            }
        }
        return sent;
    }

    /** The server named by a valid sticky cookie (null when none, or it cannot take traffic: then a new one is set). */
    Server sticky(Transaction t, MessageHead req) {
        String name = config.stickyCookie();
        if (name == null) {
            return null;
        }
        String value = cookie(req, name);
        Server s = value == null ? null : pool.server(value);
        if (s != null && s.eligible()) {
            t.cookie = "VN";
            return s;
        }
        t.cookie = value == null ? "NI" : "DI";
        return null;
    }

    static String cookie(MessageHead req, String name) {
        for (int i = 0; i < req.fieldCount(); i++) {
            if (!req.name(i).equalsIgnoreCase("Cookie")) {
                continue;
            }
            for (String pair : req.value(i).split(";")) {
                String p = pair.strip();
                if (p.length() > name.length() && p.startsWith(name) && p.charAt(name.length()) == '=') {
                    return p.substring(name.length() + 1);
                }
            }
        }
        return null;
    }

    String hashKey(MessageHead req) {
        return switch (config.algorithm().kind()) {
            case SOURCE -> clientIp;
            case URI -> req.target();
            case HEADER -> {
                String v = req.headerJoined(config.algorithm().header());
                yield v == null ? "" : v;
            }
            default -> null;
        };
    }

    /** Reads and drops a request body the lb answered itself; false when it could not. */
    private boolean skipBody(long framing) throws IOException {
        return framing == MessageHead.NO_BODY || (framing > 0 && reader.skip(framing));
    }

    /** An answer of the lb's own (an error) with a short text body; returns {@code keep}. */
    private boolean own(Transaction t, int status, String cause, boolean keep, boolean head) throws IOException {
        t.status = status;
        byte[] body = (status + " " + Status.reason(status) + "\n" + cause + "\n").getBytes(StandardCharsets.UTF_8);
        String h = "HTTP/1.1 " + status + " " + Status.reason(status) + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\nCache-Control: no-store\r\n"
                + (keep ? "" : "Connection: close\r\n") + "\r\n";
        byte[] hb = h.getBytes(StandardCharsets.ISO_8859_1);
        out.write(hb);
        if (!head) {
            out.write(body);
        }
        out.flush();
        t.bytes = hb.length + (head ? 0 : body.length);
        return keep;
    }

    void finish(Transaction t) {
        t.tt = Transaction.millisSince(t.startNanos);
        service.logged(pool, t, client, true);
    }

    static boolean persistent(MessageHead req) {
        if (req.hasToken("Connection", "close")) {
            return false;
        }
        return req.minorVersion() >= 1 || req.hasToken("Connection", "keep-alive");
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }
}
