package dev.netloom.proxy;

import dev.netloom.core.Cidr;
import dev.netloom.core.Connection;
import dev.netloom.core.HostPort;
import dev.netloom.core.PasswordHash;
import dev.netloom.core.Splice;
import dev.netloom.http1.AccessLog;
import dev.netloom.http1.HeadReader;
import dev.netloom.http1.HttpException;
import dev.netloom.http1.HttpUrl;
import dev.netloom.http1.MessageHead;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client connection to the proxy: reads requests in order and answers each, by the cache,
 * by an origin ({@link Exchange}), or itself (errors, PURGE, {@code Max-Forwards: 0}); a CONNECT
 * turns the connection into a tunnel. The connection persists as HTTP/1.1 says (not after
 * {@code Connection: close}, HTTP/1.0 only with keep-alive, never after a request whose body was
 * not read, a malformed request or a response cut short).
 */
final class ProxyConnection {

    /** Proxy-Authorization values already verified, so PBKDF2 runs once per credential, not per request. */
    private static final Map<String, String> VERIFIED = new ConcurrentHashMap<>();
    private static final int MAX_VERIFIED = 1000;
    /** The origin-form path of the cache report. */
    static final String REPORT = "/netloom/cache";
    private static final int TOP = 10;

    private final ProxyService service;
    private final ProxyConfig config;
    private final Connection conn;
    private final OutputStream out;
    private final String client;
    private final int headerMillis;
    /** The idle limit while a request is being answered: the origin's timeouts, twice (a retry). */
    private final Duration exchangeLimit;
    private HeadReader reader;

    ProxyConnection(ProxyService service, Connection conn) throws IOException {
        this.service = service;
        this.config = service.proxy();
        this.conn = conn;
        this.out = new BufferedOutputStream(conn.out(), 16 * 1024);
        this.client = conn.remote().getAddress().getHostAddress();
        this.headerMillis = (int) Math.min(Integer.MAX_VALUE, config.headerTimeout().toMillis());
        Duration origin = config.connectTimeout().plus(config.readTimeout()).multipliedBy(2); // a retry included
        this.exchangeLimit = origin.compareTo(config.keepAlive()) > 0 ? origin : config.keepAlive();
    }

    void run() throws IOException {
        reader = new HeadReader(conn.reader(8192), 8192, 16 * 1024, 100); // the http service's limits (431, 414)
        conn.idleLimit(config.keepAlive());
        boolean allowed = Cidr.anyContains(config.allow(), conn.remote().getAddress());
        while (true) {
            try {
                if (!reader.await()) {
                    return;
                }
            } catch (SocketTimeoutException e) {
                return;
            }
            if (!conn.busy("reading request")) {
                return;
            }
            Request r = new Request(System.currentTimeMillis());
            try {
                r.head = reader.readRequest(headerMillis);
                r.parsedNanos = System.nanoTime();
                r.bodyFraming = r.head.requestBodyLength();
            } catch (HttpException e) {
                answerError(r, e.status(), e.getMessage());
                conn.lingerClose();
                return;
            } catch (EOFException e) {
                return;
            }
            conn.activity(r);
            // while the request is forwarded the client may rightly be silent for as long as the origin takes
            conn.idleLimit(exchangeLimit);
            boolean keep;
            if (!allowed) {
                keep = refuse(r, 403, "Your address " + client + " is not allowed to use this proxy (proxy.allow).");
            } else {
                keep = handle(r);
            }
            if (!keep || !conn.idle()) {
                return;
            }
            conn.idleLimit(config.keepAlive());
        }
    }

    /** Answers one request; true when the connection may carry another. */
    private boolean handle(Request r) throws IOException {
        MessageHead req = r.head;
        if (service.looped(req.headerJoined("Via"))) {
            return refuse(r, 508, "The request has already passed this proxy (its Via field says so): a forwarding loop.");
        }
        String user = authenticate(req);
        if (user == null) {
            r.status = 407;
            byte[] page = Heads.error(407, "This proxy needs a user name and password (Proxy-Authorization: Basic).",
                    service.via(), false, req.methodIs("HEAD"), "Proxy-Authenticate: Basic realm=\"netloom proxy\"");
            return sendOwn(r, page, false);
        }
        r.user = user;
        if (req.methodIs("CONNECT")) {
            tunnel(r);
            return false;
        }
        String target = req.target();
        if (target.startsWith("/") && target.regionMatches(true, 1, "http://", 0, 7)) {
            target = target.substring(1); // the prefix form: http://proxy:3128/http://origin/path
        }
        if (target.equals(REPORT) && (req.methodIs("GET") || req.methodIs("HEAD"))) {
            return report(r);
        }
        if (target.regionMatches(true, 0, "https://", 0, 8)) {
            return refuse(r, 501, "https:// URLs are reached through a CONNECT tunnel, not forwarded in plain text.");
        }
        if (!target.regionMatches(true, 0, "http://", 0, 7)) {
            return refuse(r, 400, "This is a proxy: ask for an absolute URL (GET http://host/path) or use the prefix form "
                    + "http://PROXY/http://host/path.");
        }
        try {
            r.url = HttpUrl.parse(target);
        } catch (IllegalArgumentException e) {
            return refuse(r, 400, e.getMessage());
        }
        r.key = "http://" + r.url.hostHeader().toLowerCase(Locale.ROOT) + r.url.target();
        DenyRules.Rule rule = config.deny().match(r.url.host(), r.key);
        if (rule != null) {
            return refuse(r, 403, "Access to " + r.key + " is denied by the rule " + rule.describe() + ".");
        }
        if (req.methodIs("PURGE")) {
            return purge(r);
        }
        if ((req.methodIs("OPTIONS") || req.methodIs("TRACE")) && "0".equals(strip(req.header("Max-Forwards")))) {
            return answerHere(r);
        }
        boolean keep = new Exchange(service, this, r).run();
        return keep && persistent(req) && !service.stopping();
    }

    private static String strip(String s) {
        return s == null ? null : s.strip();
    }

    /** The user of a valid {@code Proxy-Authorization}, "-" when no users are configured, null when refused. */
    private String authenticate(MessageHead req) {
        if (config.users().isEmpty()) {
            return "-";
        }
        String auth = req.header("Proxy-Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String known = VERIFIED.get(auth);
        if (known != null && config.users().containsKey(known)) {
            return known;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(auth.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String name = decoded.substring(0, colon);
        String hash = config.users().get(name);
        if (hash == null || !PasswordHash.verify(decoded.substring(colon + 1).toCharArray(), hash)) {
            return null;
        }
        if (VERIFIED.size() >= MAX_VERIFIED) {
            VERIFIED.clear();
        }
        VERIFIED.put(auth, name);
        return name;
    }

    /** PURGE URL: drops the stored response, for clients in {@code proxy.purge-allow}: 200, or 404 when none was stored. */
    private boolean purge(Request r) throws IOException {
        if (!Cidr.anyContains(config.purgeAllow(), conn.remote().getAddress())) {
            return refuse(r, 403, "PURGE is allowed only from proxy.purge-allow.");
        }
        boolean removed = service.purge(r.key);
        r.status = removed ? 200 : 404;
        byte[] body = ((removed ? "purged " : "not in the cache: ") + r.key + "\n").getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = Heads.statusLine(r.status, null);
        Heads.field(sb, "Via", service.via());
        Heads.field(sb, "Content-Type", "text/plain; charset=utf-8");
        Heads.field(sb, "Content-Length", body.length);
        sb.append("\r\n");
        out.write(Heads.bytes(sb));
        out.write(body);
        return finish(r, body.length) && skipBody(r);
    }

    /**
     * {@code GET /netloom/cache} (origin-form: asked of the proxy itself, as Squid's cache
     * manager is), from {@code purge-allow} clients: the cache's figures and its most hit URLs
     * as text, for {@code proxy cache} in the shell.
     */
    private boolean report(Request r) throws IOException {
        if (!Cidr.anyContains(config.purgeAllow(), conn.remote().getAddress())) {
            return refuse(r, 403, "The cache report is for proxy.purge-allow only.");
        }
        CacheStore.Stats s = service.cacheStats(TOP);
        StringBuilder text = new StringBuilder();
        text.append("entries ").append(s.entries()).append('\n');
        text.append("bytes ").append(s.bytes()).append(" of ").append(s.capacity()).append('\n');
        s.results().forEach((result, n) -> text.append(result.name().toLowerCase(Locale.ROOT)).append(' ').append(n)
                .append('\n'));
        text.append(String.format(Locale.ROOT, "hit-ratio %.1f%%%n", 100 * s.hitRatio()));
        for (Map.Entry<String, Long> e : s.top()) {
            text.append("top ").append(e.getValue()).append(' ').append(e.getKey()).append('\n');
        }
        byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = Heads.statusLine(200, null);
        Heads.field(sb, "Via", service.via());
        Heads.field(sb, "Content-Type", "text/plain; charset=utf-8");
        Heads.field(sb, "Cache-Control", "no-store");
        Heads.field(sb, "Content-Length", body.length);
        sb.append("\r\n");
        out.write(Heads.bytes(sb));
        if (!r.head.methodIs("HEAD")) {
            out.write(body);
        }
        r.status = 200;
        return finish(r, body.length) && skipBody(r);
    }

    /** OPTIONS or TRACE with {@code Max-Forwards: 0} is answered by the proxy (RFC 9110 §7.6.2). */
    private boolean answerHere(Request r) throws IOException {
        MessageHead req = r.head;
        StringBuilder sb = Heads.statusLine(200, null);
        Heads.field(sb, "Via", service.via());
        byte[] body = new byte[0];
        if (req.methodIs("TRACE")) {
            StringBuilder echo = new StringBuilder(req.startLine()).append("\r\n");
            for (Field f : Heads.endToEnd(req, Set.of("authorization", "cookie"))) {
                Heads.field(echo, f.name(), f.value());
            }
            body = echo.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
            Heads.field(sb, "Content-Type", "message/http");
        } else {
            Heads.field(sb, "Allow", "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, TRACE, CONNECT, PURGE");
        }
        Heads.field(sb, "Content-Length", body.length);
        sb.append("\r\n");
        out.write(Heads.bytes(sb));
        out.write(body);
        r.status = 200;
        return finish(r, body.length) && skipBody(r);
    }

    /** CONNECT host:port: a tunnel to an allowed port, spliced both ways until both ends close. */
    private void tunnel(Request r) throws IOException {
        HostPort to;
        try {
            String t = r.head.target();
            if (!t.contains(":")) {
                throw new IllegalArgumentException("CONNECT needs host:port, not " + t);
            }
            to = HostPort.parse(t, 0);
        } catch (IllegalArgumentException e) {
            refuse(r, 400, e.getMessage());
            return;
        }
        r.connectTarget = HostPort.format(to.host(), to.port());
        if (!config.connectPorts().contains(to.port())) {
            refuse(r, 403, "CONNECT to port " + to.port() + " is not allowed (proxy.connect-ports: "
                    + config.connectPorts() + ").");
            return;
        }
        DenyRules.Rule rule = config.deny().match(to.host(), "https://" + r.connectTarget + "/");
        if (rule != null) {
            refuse(r, 403, "Access to " + r.connectTarget + " is denied by the rule " + rule.describe() + ".");
            return;
        }
        SocketChannel target;
        try {
            target = connect(to);
        } catch (OriginException e) {
            refuse(r, e.status(), e.getMessage());
            return;
        }
        conn.closeWith(target);
        try (target) {
            out.write(("HTTP/1.1 200 Connection established\r\nVia: " + service.via() + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            r.status = 200;
            int early = reader.buffered(); // bytes the client sent before our 200 (a TLS ClientHello, say)
            if (early > 0) {
                byte[] b = new byte[early];
                int n = reader.readBody(b, 0, early);
                ByteBuffer bb = ByteBuffer.wrap(b, 0, n);
                while (bb.hasRemaining()) {
                    target.write(bb);
                }
            }
            conn.idleLimit(config.tunnelIdle());
            service.tunnels.increment();
            Splice splice = new Splice(conn, target, r.connectTarget, service.tunnelUp, service.tunnelDown,
                    Splice.Faults.NONE);
            conn.busy(splice);
            splice.relay();
            r.bytes = splice.down();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            log(r);
        }
    }

    private SocketChannel connect(HostPort to) throws OriginException {
        InetSocketAddress a = new InetSocketAddress(to.host(), to.port());
        String name = HostPort.format(to.host(), to.port());
        if (a.isUnresolved()) {
            throw new OriginException(502, "the name " + to.host() + " does not resolve", null);
        }
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open();
            ch.socket().setTcpNoDelay(true);
            ch.socket().connect(a, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()));
            return ch;
        } catch (SocketTimeoutException e) {
            closeQuietly(ch);
            throw new OriginException(504, "connecting to " + name + " timed out", e);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new OriginException(502, "cannot connect to " + name + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    /** Answers with an error page of the proxy's own; the connection persists when the request had no body. */
    boolean refuse(Request r, int status, String cause) throws IOException {
        r.status = status;
        boolean keep = r.bodyFraming == MessageHead.NO_BODY && persistent(r.head) && status != 400;
        return sendOwn(r, Heads.error(status, cause, service.via(), keep, r.head.methodIs("HEAD")), keep);
    }

    private boolean sendOwn(Request r, byte[] response, boolean keep) throws IOException {
        out.write(response);
        finish(r, response.length);
        if (!keep) {
            conn.lingerClose();
        }
        return keep;
    }

    /** An error for a request whose head could not be read: the connection closes after it. */
    private void answerError(Request r, int status, String cause) throws IOException {
        r.status = status;
        out.write(Heads.error(status, cause, service.via(), false, false));
        finish(r, 0);
    }

    /** Flushes the response, counts and logs it; true. */
    boolean finish(Request r, long bytes) throws IOException {
        out.flush();
        r.bytes = bytes;
        log(r);
        return true;
    }

    /** Reads and drops a request body the proxy answered without forwarding; false when it could not. */
    private boolean skipBody(Request r) throws IOException {
        return r.bodyFraming == MessageHead.NO_BODY || (r.bodyFraming > 0 && reader.skip(r.bodyFraming));
    }

    static boolean persistent(MessageHead req) {
        if (req == null || req.hasToken("Connection", "close") || req.hasToken("Proxy-Connection", "close")) {
            return false;
        }
        return req.minorVersion() >= 1 || req.hasToken("Connection", "keep-alive")
                || req.hasToken("Proxy-Connection", "keep-alive");
    }

    /**
     * Counts the answer, times it (from the request parsed to the answer written; not a CONNECT
     * tunnel, whose time is the tunnel's life) and writes its access log line (Squid's native
     * format or Combined).
     */
    void log(Request r) {
        service.counted(r.status);
        if (r.parsedNanos != 0 && r.connectTarget == null) {
            service.latency().recordSince(r.parsedNanos);
        }
        AccessLog log = service.accessLog();
        if (!log.on()) {
            return;
        }
        String method = r.head == null ? "NONE" : r.head.method();
        String url = r.key != null ? r.key : r.connectTarget != null ? r.connectTarget
                : r.head == null ? "error:invalid-request" : r.head.target();
        if (config.logFormat() == ProxyConfig.LogFormat.COMBINED) {
            log.log(client, r.head == null ? "-" : method + " " + url + " HTTP/1." + r.head.minorVersion(), r.status,
                    r.bytes, r.head == null ? null : r.head.header("Referer"),
                    r.head == null ? null : r.head.header("User-Agent"));
            return;
        }
        long now = System.currentTimeMillis();
        String hierarchy = r.peer == null ? "HIER_NONE/-" : "HIER_DIRECT/" + r.peer;
        log.line(String.format(Locale.ROOT, "%d.%03d %6d %s %s/%03d %d %s %s %s %s %s", now / 1000, now % 1000,
                now - r.started, client, r.squidCode(), r.status, r.bytes, method, url, r.user == null ? "-" : r.user,
                hierarchy, r.contentType == null ? "-" : r.contentType));
    }

    HeadReader reader() {
        return reader;
    }

    OutputStream out() {
        return out;
    }

    Connection conn() {
        return conn;
    }

    String client() {
        return client;
    }

    /** One request's facts as they become known: what {@code conns} shows and the access log writes. */
    static final class Request {
        final long started;
        long parsedNanos;
        MessageHead head;
        long bodyFraming;
        HttpUrl url;
        String key;
        String connectTarget;
        String user;
        int status;
        long bytes;
        CacheStore.Result cacheResult;
        String peer;
        String contentType;

        Request(long started) {
            this.started = started;
        }

        /** Squid's result code: TCP_HIT, TCP_MISS, TCP_REFRESH_UNMODIFIED, TCP_STALE_HIT, TCP_DENIED, TCP_TUNNEL, NONE. */
        String squidCode() {
            if (connectTarget != null && status == 200) {
                return "TCP_TUNNEL";
            }
            if (status == 403 || status == 407) {
                return "TCP_DENIED";
            }
            if (cacheResult != null) {
                return switch (cacheResult) {
                    case HIT -> "TCP_HIT";
                    case MISS -> "TCP_MISS";
                    case REVALIDATED -> "TCP_REFRESH_UNMODIFIED";
                    case STALE -> "TCP_STALE_HIT";
                };
            }
            return peer != null ? "TCP_MISS" : "NONE";
        }

        @Override
        public String toString() {
            String what = head == null ? "reading request" : head.method() + " " + (key != null ? key
                    : connectTarget != null ? connectTarget : head.target());
            return cacheResult == null ? what : what + " (" + cacheResult + ")";
        }
    }
}
