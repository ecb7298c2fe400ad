package dev.netloom.proxy;

import dev.netloom.http1.BodyInputStream;
import dev.netloom.http1.ChunkedInputStream;
import dev.netloom.http1.ChunkedOutputStream;
import dev.netloom.http1.Forwarded;
import dev.netloom.http1.HttpDates;
import dev.netloom.http1.HttpException;
import dev.netloom.http1.HttpUrl;
import dev.netloom.http1.MessageHead;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One forwarded request: answered from the cache when RFC 9111 allows (fresh, or stale where
 * the request accepts it), validated with the origin when a stored response is stale, or sent
 * to the origin, whose response streams to the client (re-framed: a length as it came, chunked
 * otherwise for HTTP/1.1 clients) while a storable one is also kept. Concurrent misses for one
 * URL wait for the first ({@link CacheStore#board}). An origin that fails before its response
 * is a 502 or 504 page; one that fails mid-body closes the client's connection, so a cut body
 * never looks complete.
 */
final class Exchange {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");
    private static final Set<String> REQUEST_DROPS = Set.of("host", "expect", "max-forwards");
    private static final Set<String> VALIDATORS = Set.of("if-none-match", "if-modified-since", "if-match",
            "if-unmodified-since", "if-range");
    private static final Set<String> STORED_DROPS = Set.of("age");
    private static final int BUFFER = 16 * 1024;

    private final ProxyService service;
    private final ProxyConfig config;
    private final ProxyConnection pc;
    private final ProxyConnection.Request r;
    private final MessageHead req;
    private final Fields reqFields;
    private final boolean head;
    /** Whether the request may go again on a new connection if the reused one fails before a response. */
    private boolean retryable;
    /** Whether the response is now in the cache (for {@link CacheStore#land}). */
    private boolean stored;
    /** The response grew past the largest object while it was being copied: it is not stored. */
    private boolean overflow;
    /** The origin stopped taking the request body: the client's rest is unread, so its connection ends. */
    private boolean bodyCut;

    Exchange(ProxyService service, ProxyConnection pc, ProxyConnection.Request r) {
        this.service = service;
        this.config = service.proxy();
        this.pc = pc;
        this.r = r;
        this.req = r.head;
        this.reqFields = req::headerJoined;
        this.head = req.methodIs("HEAD");
    }

    /** Answers the request; true when the client's connection may carry another. */
    boolean run() throws IOException {
        boolean lookup = config.cacheSize() > 0 && (req.methodIs("GET") || head)
                && r.bodyFraming == MessageHead.NO_BODY;
        if (!lookup) {
            return forward(null, false);
        }
        CacheStore cache = service.cache();
        CacheControl rc = CacheControl.parse(req.headerJoined("Cache-Control"));
        boolean pragma = req.hasToken("Pragma", "no-cache");
        for (int attempt = 0; ; attempt++) {
            Stored s = cache.lookup(r.key, reqFields);
            if (s != null) {
                Reuse.Decision d = Reuse.decide(s.freshness(), s.control(), rc, pragma, System.currentTimeMillis());
                if (d == Reuse.Decision.FRESH) {
                    return serveStored(s, CacheStore.Result.HIT);
                }
                if (d == Reuse.Decision.STALE_ALLOWED) {
                    return serveStored(s, CacheStore.Result.STALE);
                }
                if (rc.onlyIfCached()) {
                    return pc.refuse(r, 504, "The stored response is stale and the request said only-if-cached.");
                }
                return forward(s, true);
            }
            if (rc.onlyIfCached()) {
                return pc.refuse(r, 504, "Not in the cache, and the request said only-if-cached.");
            }
            if (head || attempt > 0) {
                return forward(null, true); // a HEAD miss says MISS too; Storability never stores it
            }
            CacheStore.Flight flight = cache.board(r.key);
            if (flight.leads()) {
                try {
                    return forward(null, true);
                } finally {
                    cache.land(flight, stored);
                }
            }
            activity("waiting for the same URL's response");
            try {
                flight.done().get(config.readTimeout().toMillis() + config.connectTimeout().toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | TimeoutException e) {
                // look again, then go alone
            }
        }
    }

    private void activity(String what) {
        pc.conn().activity(r + ": " + what);
    }

    /** Serves a stored response (a 304 when the client's own conditional matches it). */
    private boolean serveStored(Stored s, CacheStore.Result result) throws IOException {
        long now = System.currentTimeMillis();
        service.cache().count(result);
        r.cacheResult = result;
        r.contentType = s.field("Content-Type");
        boolean notModified = s.status() == 200 && notModified(s);
        boolean keep = ProxyConnection.persistent(req);
        StringBuilder sb = Heads.statusLine(notModified ? 304 : s.status(), notModified ? null : s.reason());
        Heads.fields(sb, s.fields());
        Heads.field(sb, "Age", s.freshness().ageSeconds(now));
        Heads.field(sb, "Via", service.via());
        Heads.field(sb, "X-Cache", result.name());
        if (!notModified) {
            Heads.field(sb, "Content-Length", s.body().length);
        }
        if (!keep) {
            Heads.field(sb, "Connection", "close");
        }
        sb.append("\r\n");
        OutputStream out = pc.out();
        out.write(Heads.bytes(sb));
        long bytes = 0;
        if (!notModified && !head) {
            out.write(s.body());
            bytes = s.body().length;
        }
        r.status = notModified ? 304 : s.status();
        pc.finish(r, bytes);
        return keep;
    }

    /** The client's If-None-Match (or, without it, If-Modified-Since) matches the stored response. */
    private boolean notModified(Stored s) {
        String inm = req.headerJoined("If-None-Match");
        if (inm != null) {
            String etag = s.field("ETag");
            if (etag == null) {
                return false;
            }
            for (String t : inm.split(",")) {
                String tag = t.strip();
                if (tag.equals("*") || weak(tag).equals(weak(etag.strip()))) {
                    return true;
                }
            }
            return false;
        }
        String ims = req.header("If-Modified-Since");
        String lm = s.field("Last-Modified");
        if (ims == null || lm == null) {
            return false;
        }
        long since = HttpDates.parse(ims);
        long modified = HttpDates.parse(lm);
        return since >= 0 && modified >= 0 && modified <= since;
    }

    private static String weak(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    /**
     * Sends the request to the origin — conditional when {@code stale} is a stored response to
     * validate — and answers the client from what comes back; {@code store} keeps a storable
     * response.
     */
    private boolean forward(Stored stale, boolean store) throws IOException {
        long requestTime = System.currentTimeMillis();
        Origin origin;
        MessageHead resp;
        try {
            origin = null;
            resp = null;
            for (int attempt = 0; resp == null; attempt++) {
                origin = originFor();
                try {
                    send(origin, stale);
                    resp = response(origin);
                } catch (RetryableException e) {
                    origin.close();
                    if (attempt > 0) {
                        throw new OriginException(502, r.url.authority() + " closed the connection without a response",
                                e.getCause());
                    }
                }
            }
        } catch (OriginException e) {
            if (stale != null && Reuse.serveStaleOnError(stale.freshness(), stale.control(),
                    CacheControl.parse(req.headerJoined("Cache-Control")), System.currentTimeMillis())) {
                return serveStored(stale, CacheStore.Result.STALE);
            }
            if (store || stale != null) {
                service.cache().count(CacheStore.Result.MISS);
            }
            return pc.refuse(r, e.status(), e.getMessage());
        } catch (ClientGoneException e) {
            return false;
        }
        long responseTime = System.currentTimeMillis();
        r.peer = origin.key;
        int status = resp.status();
        if (stale != null && status == 304) {
            Stored merged = stale.updatedBy(Heads.endToEnd(resp, STORED_DROPS), stale.freshness());
            Freshness f = Freshness.of(requestTime, responseTime, stale.status(), merged.asFields(),
                    config.heuristicMax().toMillis());
            Stored updated = new Stored(stale.url(), stale.status(), stale.reason(), merged.fields(), stale.body(), f);
            release(origin, resp, MessageHead.NO_BODY, true);
            service.cache().put(reqFields, updated);
            return serveStored(updated, CacheStore.Result.REVALIDATED);
        }
        if (stale != null && status >= 500 && Reuse.serveStaleOnError(stale.freshness(), stale.control(),
                CacheControl.parse(req.headerJoined("Cache-Control")), responseTime)) {
            origin.close();
            return serveStored(stale, CacheStore.Result.STALE);
        }
        return relay(origin, resp, requestTime, responseTime, store || stale != null);
    }

    private Origin originFor() throws OriginException {
        Origin o = service.pool().take(Origin.key(r.url.host(), r.url.port()));
        return o != null ? o : Origin.connect(r.url.host(), r.url.port(), config);
    }

    /** Writes the request head and body to {@code origin}. */
    private void send(Origin origin, Stored stale) throws RetryableException, ClientGoneException, OriginException {
        StringBuilder sb = new StringBuilder(512);
        sb.append(req.method()).append(' ').append(r.url.target()).append(" HTTP/1.1\r\n");
        Heads.field(sb, "Host", r.url.hostHeader());
        Set<String> drops = stale == null ? REQUEST_DROPS : union(REQUEST_DROPS, VALIDATORS);
        if (config.forwarded() != Forwarded.OFF) {
            drops = union(drops, Set.of("x-forwarded-for", "forwarded"));
        }
        Heads.fields(sb, Heads.endToEnd(req, drops));
        String maxForwards = req.header("Max-Forwards");
        if (maxForwards != null && (req.methodIs("OPTIONS") || req.methodIs("TRACE"))) {
            try {
                Heads.field(sb, "Max-Forwards", Math.max(0, Long.parseLong(maxForwards.strip()) - 1));
            } catch (NumberFormatException e) {
                Heads.field(sb, "Max-Forwards", maxForwards.strip());
            }
        } else if (maxForwards != null) {
            Heads.field(sb, "Max-Forwards", maxForwards.strip());
        }
        Heads.field(sb, "Via", service.via());
        forwardedFor(sb);
        if (stale != null) {
            String etag = stale.field("ETag");
            String lm = stale.field("Last-Modified");
            if (etag != null) {
                Heads.field(sb, "If-None-Match", etag);
            }
            if (lm != null) {
                Heads.field(sb, "If-Modified-Since", lm);
            }
        }
        long framing = r.bodyFraming;
        if (framing > 0) {
            Heads.field(sb, "Content-Length", framing);
        } else if (framing == MessageHead.CHUNKED) {
            Heads.field(sb, "Transfer-Encoding", "chunked");
        }
        sb.append("\r\n");
        boolean retryable = origin.uses > 0 && framing == MessageHead.NO_BODY && IDEMPOTENT.contains(req.method());
        origin.uses++;
        try {
            origin.out.write(Heads.bytes(sb));
            if (framing == MessageHead.NO_BODY) {
                origin.out.flush();
            }
        } catch (IOException e) {
            if (retryable) {
                throw new RetryableException(e);
            }
            origin.close();
            throw new OriginException(502, "sending the request to " + origin.key + " failed: " + e.getMessage(), e);
        }
        if (framing != MessageHead.NO_BODY) {
            sendBody(origin, framing);
        }
        this.retryable = retryable;
    }

    /** Streams the client's request body to the origin in its framing; a 100 Continue first when asked. */
    private void sendBody(Origin origin, long framing) throws ClientGoneException {
        try {
            if (req.hasToken("Expect", "100-continue") && req.minorVersion() >= 1) {
                pc.out().write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                pc.out().flush();
            }
        } catch (IOException e) {
            origin.close();
            throw new ClientGoneException();
        }
        InputStream body = BodyInputStream.open(pc.reader(), framing);
        OutputStream to = framing == MessageHead.CHUNKED ? new ChunkedOutputStream(origin.out) : origin.out;
        byte[] buf = new byte[BUFFER];
        while (true) {
            int n;
            try {
                n = body.read(buf);
            } catch (IOException e) {
                origin.close();
                throw new ClientGoneException();
            }
            try {
                if (n < 0) {
                    if (to instanceof ChunkedOutputStream c) {
                        c.finish();
                    }
                    origin.out.flush();
                    return;
                }
                to.write(buf, 0, n);
            } catch (IOException e) {
                bodyCut = true; // the origin may have answered early (a 405, a 413) and closed: read that answer
                return;
            }
        }
    }

    /** Reads the final response head, passing 1xx on to an HTTP/1.1 client. */
    private MessageHead response(Origin origin) throws RetryableException, OriginException, ClientGoneException {
        int millis = (int) Math.min(Integer.MAX_VALUE, config.readTimeout().toMillis());
        while (true) {
            MessageHead resp;
            try {
                resp = origin.reader.readResponse(millis);
            } catch (SocketTimeoutException e) {
                origin.close();
                throw new OriginException(504, origin.key + " did not answer within " + millis + " ms", e);
            } catch (HttpException e) {
                origin.close();
                if (e.status() == 408) { // the head's deadline passed: the origin is too slow, not malformed
                    throw new OriginException(504, origin.key + " did not answer within " + millis + " ms", e);
                }
                throw new OriginException(502, origin.key + " sent a malformed response: " + e.getMessage(), e);
            } catch (EOFException | SocketException e) {
                if (retryable) {
                    throw new RetryableException(e);
                }
                origin.close();
                throw new OriginException(502, origin.key + " closed the connection without a response", e);
            } catch (IOException e) {
                origin.close();
                throw new OriginException(502, "reading the response of " + origin.key + " failed: " + e.getMessage(), e);
            }
            int status = resp.status();
            if (status >= 200) {
                return resp;
            }
            if (status == 101) {
                origin.close();
                throw new OriginException(502, origin.key + " switched protocols, which this proxy does not relay", null);
            }
            if (req.minorVersion() >= 1 && status != 100) {
                interim(resp, origin);
            }
        }
    }

    private void interim(MessageHead resp, Origin origin) throws ClientGoneException {
        StringBuilder sb = Heads.statusLine(resp.status(), resp.reason());
        Heads.fields(sb, Heads.endToEnd(resp, Set.of()));
        sb.append("\r\n");
        try {
            pc.out().write(Heads.bytes(sb));
            pc.out().flush();
        } catch (IOException e) {
            origin.close();
            throw new ClientGoneException();
        }
    }

    /** Sends the origin's response to the client, keeping a copy when it may be stored. */
    private boolean relay(Origin origin, MessageHead resp, long requestTime, long responseTime, boolean lookedUp)
            throws IOException {
        int status = resp.status();
        long framing;
        try {
            framing = resp.responseBodyLength(head);
        } catch (HttpException e) {
            origin.close();
            return pc.refuse(r, 502, origin.key + " sent a response that cannot be framed: " + e.getMessage());
        }
        Fields respFields = resp::headerJoined;
        String refusal = lookedUp ? Storability.refusal(req.method(), reqFields, status, respFields) : "not looked up";
        boolean store = refusal == null && status != 304 && (framing < 0 || framing <= service.cache().maxObject());
        if (lookedUp) {
            service.cache().count(CacheStore.Result.MISS);
            r.cacheResult = CacheStore.Result.MISS;
        }
        boolean chunkToClient = framing < 0 && req.minorVersion() >= 1;
        boolean keep = ProxyConnection.persistent(req) && (framing >= 0 || chunkToClient) && !bodyCut;
        List<Field> fields = Heads.endToEnd(resp, Set.of());
        r.contentType = resp.header("Content-Type");
        StringBuilder sb = Heads.statusLine(status, resp.reason());
        Heads.fields(sb, fields);
        Heads.field(sb, "Via", service.via());
        if (lookedUp) {
            Heads.field(sb, "X-Cache", "MISS");
        }
        if (framing >= 0 && !head && status != 304 && status != 204) {
            Heads.field(sb, "Content-Length", framing);
        } else if ((head || status == 304) && resp.header("Content-Length") != null) {
            Heads.field(sb, "Content-Length", resp.header("Content-Length").strip());
        } else if (chunkToClient) {
            Heads.field(sb, "Transfer-Encoding", "chunked");
        }
        if (!keep) {
            Heads.field(sb, "Connection", "close");
        }
        sb.append("\r\n");
        r.status = status;
        OutputStream out = pc.out();
        out.write(Heads.bytes(sb));
        ByteArrayOutputStream copy = store ? new ByteArrayOutputStream(framing > 0 ? (int) framing : BUFFER) : null;
        long sent;
        InputStream body = BodyInputStream.open(origin.reader, framing);
        // the cache changes before the last bytes go out: a client that asks again at once sees it
        Runnable atEnd = () -> {
            if (copy != null && !overflow) {
                Stored s = new Stored(r.key, status, resp.reason(), Heads.endToEnd(resp, STORED_DROPS),
                        copy.toByteArray(), Freshness.of(requestTime, responseTime, status, respFields,
                        config.heuristicMax().toMillis()));
                stored = service.cache().put(reqFields, s);
            }
            invalidate(resp);
        };
        try {
            sent = copyBody(body, out, chunkToClient, copy, origin, framing, atEnd);
        } catch (CutException e) {
            pc.finish(r, e.sent);
            pc.conn().close(); // a cut body must not look complete: no last chunk, no more requests
            return false;
        }
        pc.finish(r, sent);
        if (bodyCut) {
            pc.conn().lingerClose();
        }
        boolean complete = !(body instanceof ChunkedInputStream c) || c.finished();
        release(origin, resp, framing, complete);
        return keep;
    }

    /**
     * Copies the body to the client, and into {@code copy} while it stays under the largest
     * object; runs {@code atEnd} once the whole body has arrived, before its last bytes are
     * written. A failure on either side is a {@link CutException}.
     */
    private long copyBody(InputStream body, OutputStream out, boolean chunk, ByteArrayOutputStream copy, Origin origin,
                          long framing, Runnable atEnd) throws CutException {
        OutputStream to = chunk ? new ChunkedOutputStream(out) : out;
        byte[] buf = new byte[BUFFER];
        long sent = 0;
        boolean ended = false;
        try {
            while (true) {
                int n = body.read(buf);
                if (n < 0) {
                    break;
                }
                if (copy != null && !overflow) {
                    overflow = copy.size() + n > service.cache().maxObject();
                    copy.write(buf, 0, overflow ? 0 : n);
                }
                if (framing >= 0 && sent + n == framing) {
                    atEnd.run();
                    ended = true;
                }
                to.write(buf, 0, n);
                sent += n;
                if (body.available() == 0 && !ended) {
                    out.flush(); // a slow origin's bytes go on as they come
                }
            }
            if (!ended) {
                atEnd.run();
            }
            if (to instanceof ChunkedOutputStream c) {
                c.finish();
            }
            return sent;
        } catch (IOException e) {
            origin.close();
            throw new CutException(sent);
        }
    }

    /** Keeps the origin connection for reuse when the response left it in a known state, else closes it. */
    private void release(Origin origin, MessageHead resp, long framing, boolean complete) {
        boolean reusable = complete && framing != MessageHead.UNTIL_CLOSE && !resp.hasToken("Connection", "close")
                && (resp.minorVersion() >= 1 || resp.hasToken("Connection", "keep-alive"))
                && origin.reader.buffered() == 0 && config.poolIdle() > 0;
        if (reusable) {
            service.pool().give(origin);
        } else {
            origin.close();
        }
    }

    /** RFC 9111 §4.4: an unsafe request's non-error response invalidates its URI and same-origin Location URIs. */
    private void invalidate(MessageHead resp) {
        if (SAFE.contains(req.method()) || config.cacheSize() == 0 || resp.status() >= 400 || r.url == null) {
            return;
        }
        service.cache().remove(r.key);
        for (String name : List.of("Location", "Content-Location")) {
            String v = resp.header(name);
            if (v == null) {
                continue;
            }
            try {
                HttpUrl u = r.url.resolve(v);
                if (u.sameOrigin(r.url)) {
                    service.cache().remove("http://" + u.hostHeader().toLowerCase(Locale.ROOT) + u.target());
                }
            } catch (IllegalArgumentException ignored) {
                // a Location we cannot read invalidates nothing
            }
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }

    /** Adds X-Forwarded-For or Forwarded when {@code proxy.forwarded} asks for it. */
    private void forwardedFor(StringBuilder sb) {
        Forwarded mode = config.forwarded();
        if (mode != Forwarded.OFF) {
            Heads.field(sb, mode.field(), mode.value(req.headerJoined(mode.field()), pc.client()));
        }
    }

    /** A reused origin connection failed before any response byte: try once on a new one. */
    private static final class RetryableException extends Exception {
        RetryableException(Throwable cause) {
            super(cause);
        }
    }

    /** The client went away while its request was being sent. */
    private static final class ClientGoneException extends Exception {
    }

    /** The response could not be sent whole. */
    private static final class CutException extends Exception {
        final long sent;

        CutException(long sent) {
            this.sent = sent;
        }
    }
}
