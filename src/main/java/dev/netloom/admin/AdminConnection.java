package dev.netloom.admin;

import dev.netloom.core.Connection;
import dev.netloom.http1.HeadReader;
import dev.netloom.http1.HeadWriter;
import dev.netloom.http1.HttpException;
import dev.netloom.http1.MessageHead;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;

/**
 * One HTTP/1.1 connection of the admin listener: requests in order, each answered whole
 * ({@link Reply}) with {@code Content-Length}; persistent unless the client or a malformed
 * request says otherwise. An event stream ({@link EventStream}) is the connection's last
 * response: its body ends when the connection closes. A request body (none of the API's calls takes one) is skipped up to
 * 64 KiB; a larger one gets 413 and the connection closes.
 */
final class AdminConnection {

    private static final long MAX_BODY = 64 * 1024;
    private static final int HEAD_MILLIS = 10_000;

    private final AdminService service;
    private final Connection conn;
    private final HeadWriter w = new HeadWriter();

    AdminConnection(AdminService service, Connection conn) {
        this.service = service;
        this.conn = conn;
    }

    void run() throws IOException {
        HeadReader reader = new HeadReader(conn.reader(4096), 8192, 16 * 1024, 100);
        conn.idleLimit(Duration.ofSeconds(60));
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
            MessageHead req;
            long bodyLength;
            try {
                req = reader.readRequest(HEAD_MILLIS);
                conn.activity(req);
                bodyLength = req.requestBodyLength();
            } catch (HttpException e) {
                send(service.api().error(e.status(), e.getMessage()), false, false);
                conn.lingerClose();
                return;
            } catch (EOFException e) {
                return;
            }
            if (bodyLength < 0 || bodyLength > MAX_BODY) {
                send(service.api().error(bodyLength < 0 ? 411 : 413, "a request body must have a length of at most "
                        + MAX_BODY + " bytes"), false, false);
                conn.lingerClose();
                return;
            }
            if (bodyLength > 0 && !reader.skip(bodyLength)) {
                return;
            }
            boolean keepAlive = !req.hasToken("Connection", "close")
                    && (req.minorVersion() >= 1 || req.hasToken("Connection", "keep-alive")) && !service.stopping();
            Reply reply = service.api().handle(req, conn.remote());
            count(reply.status());
            if (reply.events() != null) {
                stream(reply, req.methodIs("HEAD"));
                return;
            }
            send(reply, keepAlive, req.methodIs("HEAD"));
            if (!keepAlive || !conn.idle()) {
                return;
            }
        }
    }

    private void count(int status) {
        service.counted(status);
    }

    private void send(Reply r, boolean keepAlive, boolean head) throws IOException {
        head(r, r.status() == 204 || r.status() == 304 ? -1 : r.body().length, keepAlive);
        OutputStream out = conn.out();
        w.copyTo(out);
        if (!head) {
            out.write(r.body());
        }
        out.flush();
        w.trim(64 * 1024);
    }

    /** The head of {@code r} into the writer; {@code length} -1 for none (204, 304, a stream). */
    private void head(Reply r, long length, boolean keepAlive) {
        w.status(r.status()).date().header("Server", "netloom").header("Content-Type", r.contentType());
        if (length >= 0) {
            w.header("Content-Length", length);
        }
        if (!r.headers().containsKey("Cache-Control")) {
            w.header("Cache-Control", "no-store");
        }
        w.header("X-Content-Type-Options", "nosniff");
        for (Map.Entry<String, String> h : r.headers().entrySet()) {
            w.header(h.getKey(), h.getValue());
        }
        w.header("Connection", keepAlive ? "keep-alive" : "close").end();
    }

    /**
     * A server-sent-events response: its head, then its events until the source, the client (a
     * read that ends), a kill or the service's stop ends it; the body ends with the connection.
     * The connection stays busy meanwhile, so a stop does not wait for it to go idle: the service
     * ends its streams at once instead.
     */
    private void stream(Reply r, boolean headOnly) throws IOException {
        head(r, -1, false);
        OutputStream out = conn.out();
        if (headOnly) {
            w.copyTo(out);
            out.flush();
            return;
        }
        EventStream events = new EventStream(EventStream.KEEPALIVE);
        conn.activity("event stream");
        // fed before the head goes out: what happens after the client has the head reaches it
        try (Closeable feed = r.events().open(events)) {
            service.streamOpened(events);
            w.copyTo(out);
            out.flush();
            Thread.ofVirtual().name("admin-stream-" + conn.id()).start(() -> endOnClientClose(events));
            events.run(out);
        } finally {
            service.streamClosed(events);
        }
    }

    /** Reads (and drops) what the client sends until it closes its side; then ends the stream. */
    private void endOnClientClose(EventStream events) {
        try {
            InputStream in = conn.in();
            byte[] sink = new byte[512];
            while (!events.ended()) {
                try {
                    if (in.read(sink) < 0) {
                        break;
                    }
                } catch (SocketTimeoutException e) {
                    // the socket's read timeout, not the client leaving: keep watching
                }
            }
        } catch (IOException e) {
            // closed under us: the stream is over either way
        } finally {
            events.end();
        }
    }
}
