package dev.netloom.http;

import dev.netloom.core.Connection;
import dev.netloom.http1.AccessLog;
import dev.netloom.http1.HeadReader;
import dev.netloom.http1.HttpException;
import dev.netloom.http1.MessageHead;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * One HTTP/1.1 connection: reads requests in order (pipelined ones wait in the buffer), answers
 * each, and decides whether the connection persists: HTTP/1.1 unless {@code Connection: close},
 * HTTP/1.0 only with {@code Connection: keep-alive}, never past {@code max-requests}, never with
 * a body it cannot skip, and never after a malformed request.
 */
final class HttpConnection {

    /** A request body (which a static server ignores) is skipped up to this size, else the connection closes. */
    private static final long MAX_SKIPPED_BODY = 1024 * 1024;

    private final HttpService service;
    private final Connection conn;
    private final StaticHandler handler;
    private final int headerMillis;

    HttpConnection(HttpService service, Connection conn) {
        this.service = service;
        this.conn = conn;
        this.handler = new StaticHandler(service, conn);
        this.headerMillis = millis(service.http().headerTimeout().toMillis());
    }

    private static int millis(long ms) {
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    void run() throws IOException {
        // tcp-no-delay (default on): a head written alone must not wait for the previous segment's ACK
        HeadReader reader = new HeadReader(conn.reader(4096), 8192, 16 * 1024, 100);
        conn.idleLimit(service.http().keepAliveTimeout()); // the reaper closes it after that long between requests
        int served = 0;
        while (true) {
            try {
                if (!reader.await()) {
                    return;
                }
            } catch (SocketTimeoutException e) {
                return; // idle between requests past the keep-alive timeout: close quietly
            }
            if (!conn.busy("reading request")) {
                return;
            }
            MessageHead req;
            long bodyLength;
            long parsed;
            try {
                req = reader.readRequest(headerMillis);
                parsed = System.nanoTime();
                conn.activity(req);
                bodyLength = req.requestBodyLength();
            } catch (HttpException e) {
                handler.error(e.status(), false, null, false);
                log(null, e.status());
                conn.lingerClose(); // the client may still be sending the rest of what we refused
                return;
            } catch (EOFException e) {
                return;
            }
            served++;
            boolean keepAlive = persistent(req) && served < service.http().maxRequests() && !service.stopping()
                    && bodyLength >= 0 && bodyLength <= MAX_SKIPPED_BODY;
            keepAlive = handler.respond(req, keepAlive);
            service.latency().recordSince(parsed);
            log(req, handler.status());
            if (!keepAlive) {
                if (reader.buffered() > 0 || bodyLength != 0) {
                    conn.lingerClose(); // unread input would turn the close into a reset
                }
                return;
            }
            if ((bodyLength > 0 && !reader.skip(bodyLength)) || !conn.idle()) {
                return;
            }
        }
    }

    private static boolean persistent(MessageHead req) {
        if (req.hasToken("Connection", "close")) {
            return false;
        }
        return req.minorVersion() >= 1 || req.hasToken("Connection", "keep-alive");
    }

    private void log(MessageHead req, int status) {
        service.counted(status);
        AccessLog log = service.accessLog();
        if (log.on()) {
            log.log(conn.remote().getAddress().getHostAddress(), req == null ? "-" : req.startLine(), status,
                    handler.bodyBytes(), req == null ? null : req.header("Referer"),
                    req == null ? null : req.header("User-Agent"));
        }
    }
}
