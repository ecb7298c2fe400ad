package dev.netloom.http;

import dev.netloom.core.Connection;
import dev.netloom.http1.ByteRanges;
import dev.netloom.http1.EntityTags;
import dev.netloom.http1.HeadWriter;
import dev.netloom.http1.HttpDates;
import dev.netloom.http1.HttpException;
import dev.netloom.http1.MessageHead;
import dev.netloom.http1.Status;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Answers one request of one connection: method rules, path mapping, validators, ranges, and
 * the body from memory (one write with the head) or from disk (sendfile). Keeps the status and
 * body bytes of the last response for the access log. One instance per connection.
 */
final class StaticHandler {

    private static final byte[] SERVER = "Server: netloom\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = "Connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ACCEPT_RANGES = "Accept-Ranges: bytes\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VARY = "Vary: Accept-Encoding\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final String ALLOW = "GET, HEAD, OPTIONS";
    private static final Set<String> KNOWN_METHODS = Set.of("POST", "PUT", "DELETE", "PATCH", "CONNECT", "TRACE");
    /** Above this a HeadWriter buffer grown for an in-memory body is dropped after the response. */
    private static final int KEEP_BUFFER = 64 * 1024;
    /** In-memory bodies from this size go out by a gathering write instead of a copy into the head buffer. */
    private static final int GATHER_MIN = 8 * 1024;

    private final HttpService service;
    private final Connection conn;
    private final HeadWriter w = new HeadWriter();
    private int status;
    private long sent;

    StaticHandler(HttpService service, Connection conn) {
        this.service = service;
        this.conn = conn;
    }

    int status() {
        return status;
    }

    long bodyBytes() {
        return sent;
    }

    /**
     * Answers {@code req}; {@code keepAlive} says whether the connection may stay open after it.
     * Returns whether it does: a malformed target (400) closes it, as RFC 9112 §3 advises.
     */
    boolean respond(MessageHead req, boolean keepAlive) throws IOException {
        boolean head = req.methodIs("HEAD");
        if (!req.methodIs("GET") && !head) {
            String m = req.method();
            if (m.equals("OPTIONS")) {
                begin(204, keepAlive, req).header("Allow", ALLOW).end();
                finish();
            } else if (KNOWN_METHODS.contains(m)) {
                error(405, keepAlive, req, false);
            } else {
                error(501, keepAlive, req, false);
            }
            return keepAlive;
        }
        UrlPath url;
        try {
            url = UrlPath.parse(req.target());
        } catch (HttpException e) {
            error(e.status(), false, req, head);
            return false;
        }
        StaticFiles.Lookup found = service.files().lookup(url);
        if (found instanceof StaticFiles.NotFound) {
            error(404, keepAlive, req, head);
        } else if (found instanceof StaticFiles.Forbidden) {
            error(403, keepAlive, req, head);
        } else {
            FileEntry e = ((StaticFiles.Found) found).entry();
            if (e.directory()) {
                directory(req, url, e, keepAlive, head);
            } else if (url.trailingSlash()) {
                error(404, keepAlive, req, head); // "/file.txt/" names a directory that does not exist
            } else {
                file(req, e, keepAlive, head);
            }
        }
        return keepAlive;
    }

    private void directory(MessageHead req, UrlPath url, FileEntry dir, boolean keepAlive, boolean head) throws IOException {
        if (!url.trailingSlash() && !url.path().equals("/")) {
            String location = UrlPath.encode(url.path() + "/") + url.query();
            begin(301, keepAlive, req).header("Location", location).header("Content-Type", "text/plain; charset=utf-8");
            small(("Moved to " + location + "\n").getBytes(StandardCharsets.UTF_8), head);
            return;
        }
        for (String index : service.http().index()) {
            String indexPath = (url.path().equals("/") ? "" : url.path()) + "/" + index;
            StaticFiles.Lookup l = service.files().lookup(new UrlPath(indexPath, false, ""));
            if (l instanceof StaticFiles.Found f && !f.entry().directory()) {
                file(req, f.entry(), keepAlive, head);
                return;
            }
        }
        if (!service.http().listing()) {
            error(403, keepAlive, req, head);
            return;
        }
        byte[] html = DirectoryListing.render(dir.real(), service.files().root(), url.path(),
                service.http().dotfiles());
        begin(200, keepAlive, req).header("Content-Type", "text/html; charset=utf-8").header("Cache-Control", "no-cache");
        small(html, head);
    }

    private void file(MessageHead req, FileEntry entry, boolean keepAlive, boolean head) throws IOException {
        FileEntry v = entry;
        boolean gzip = false;
        if (entry.gzip() != null && acceptsGzip(req.headerJoined("Accept-Encoding"))) {
            v = entry.gzip();
            gzip = true;
        }
        if (notModified(req, v)) {
            begin(304, keepAlive, req).header("ETag", v.etag()).header("Last-Modified", v.lastModified());
            if (entry.gzip() != null) {
                w.line(VARY);
            }
            w.end();
            finish();
            return;
        }
        ByteRanges.Result ranges = ifRangeHolds(req, v) ? ByteRanges.parse(req.header("Range"), v.size()) : new ByteRanges.Full();
        if (ranges instanceof ByteRanges.Unsatisfiable) {
            begin(416, keepAlive, req).header("Content-Range", "bytes */" + v.size()).header("Content-Type", "text/plain; charset=utf-8");
            small("416 Range Not Satisfiable\n".getBytes(StandardCharsets.US_ASCII), head);
            return;
        }
        List<ByteRanges.Range> parts = ranges instanceof ByteRanges.Partial p ? p.ranges() : null;
        if (parts == null) {
            begin(200, keepAlive, req).line(v.fullHead()).end();
            body(v, 0, v.size(), head);
            return;
        }
        begin(206, keepAlive, req).header("Last-Modified", v.lastModified()).header("ETag", v.etag()).line(ACCEPT_RANGES);
        if (entry.gzip() != null || gzip) {
            w.line(VARY);
        }
        if (gzip) {
            w.header("Content-Encoding", "gzip");
        }
        if (parts.size() == 1) {
            ByteRanges.Range r = parts.get(0);
            w.header("Content-Type", v.contentType())
                    .header("Content-Range", "bytes " + r.first() + "-" + r.last() + "/" + v.size())
                    .header("Content-Length", r.length()).end();
            body(v, r.first(), r.length(), head);
        } else {
            multipart(v, parts, head);
        }
    }

    /** RFC 9110 §12.5.3: gzip (or *) listed with a q-value above zero. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String item : acceptEncoding.split(",")) {
            String[] parts = item.split(";");
            String coding = parts[0].strip();
            if (!coding.equalsIgnoreCase("gzip") && !coding.equals("*")) {
                continue;
            }
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].strip();
                if (p.regionMatches(true, 0, "q=", 0, 2)) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            return q > 0;
        }
        return false;
    }

    /** RFC 9110 §13.1.1-13.1.3: If-None-Match (weak comparison) wins over If-Modified-Since. */
    private static boolean notModified(MessageHead req, FileEntry v) {
        String inm = req.headerJoined("If-None-Match");
        if (inm != null) {
            return EntityTags.listed(inm, v.etag(), true);
        }
        String ims = req.header("If-Modified-Since");
        if (ims != null) {
            long since = HttpDates.parse(ims);
            return since >= 0 && v.modified() / 1000 <= since / 1000;
        }
        return false;
    }

    /** RFC 9110 §13.1.5: a Range counts only if If-Range (when sent) still matches, strongly. */
    private static boolean ifRangeHolds(MessageHead req, FileEntry v) {
        String ifRange = req.header("If-Range");
        if (ifRange == null || req.header("Range") == null) {
            return true;
        }
        String t = ifRange.strip();
        if (t.startsWith("\"")) {
            return t.equals(v.etag());
        }
        if (t.startsWith("W/")) {
            return false;
        }
        long date = HttpDates.parse(t);
        return date >= 0 && date / 1000 == v.modified() / 1000;
    }

    private void multipart(FileEntry v, List<ByteRanges.Range> parts, boolean head) throws IOException {
        String boundary = "netloom-" + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + Long.toHexString(ThreadLocalRandom.current().nextLong());
        byte[][] partHeads = new byte[parts.size()][];
        long length = 0;
        for (int i = 0; i < parts.size(); i++) {
            ByteRanges.Range r = parts.get(i);
            partHeads[i] = ("\r\n--" + boundary + "\r\nContent-Type: " + v.contentType() + "\r\nContent-Range: bytes "
                    + r.first() + "-" + r.last() + "/" + v.size() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            length += partHeads[i].length + r.length();
        }
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        length += tail.length;
        w.header("Content-Type", "multipart/byteranges; boundary=" + boundary).header("Content-Length", length).end();
        OutputStream out = conn.out();
        w.writeTo(out);
        if (head) {
            return;
        }
        for (int i = 0; i < parts.size(); i++) {
            out.write(partHeads[i]);
            ByteRanges.Range r = parts.get(i);
            sendBody(v, r.first(), r.length(), out);
            sent += partHeads[i].length + r.length();
        }
        out.write(tail);
        sent += tail.length;
    }

    /** Sends the body after a complete head (Content-Length included): with it in one write when in memory. */
    private void body(FileEntry v, long offset, long length, boolean head) throws IOException {
        if (head || length == 0) {
            finish();
        } else if (v.body() != null && length >= GATHER_MIN) {
            gather(v.body(), (int) offset, (int) length);
            sent = length;
        } else if (v.body() != null) {
            w.body(v.body(), (int) offset, (int) length);
            sent = length;
            finish();
        } else {
            OutputStream out = conn.out();
            w.writeTo(out);
            sendBody(v, offset, length, out);
            sent = length;
        }
    }

    /** Head and an in-memory body in one writev, without copying the body. */
    private void gather(byte[] body, int offset, int length) throws IOException {
        conn.write(w.buffer(), ByteBuffer.wrap(body, offset, length));
    }

    private void sendBody(FileEntry v, long offset, long length, OutputStream out) throws IOException {
        if (v.body() != null) {
            out.write(v.body(), (int) offset, (int) length);
        } else {
            sendFile(v.real(), offset, length);
        }
    }

    /** Zero-copy send (sendfile), counted: see {@link Connection#transferFrom}. */
    private void sendFile(Path file, long offset, long length) throws IOException {
        try (FileChannel fc = FileChannel.open(file, StandardOpenOption.READ)) {
            conn.transferFrom(fc, offset, length);
        }
    }

    /** An error response with a short plain-text body that names no file-system path. */
    void error(int code, boolean keepAlive, MessageHead req, boolean head) throws IOException {
        begin(code, keepAlive, req).header("Content-Type", "text/plain; charset=utf-8");
        if (code == 405) {
            w.header("Allow", ALLOW);
        }
        small((code + " " + Status.reason(code) + "\n").getBytes(StandardCharsets.US_ASCII), head);
    }

    private HeadWriter begin(int code, boolean keepAlive, MessageHead req) {
        status = code;
        sent = 0;
        w.status(code).line(SERVER).date();
        if (!keepAlive) {
            w.line(CLOSE);
        } else if (req != null && req.minorVersion() == 0) {
            w.line(KEEP_ALIVE);
        }
        return w;
    }

    private void small(byte[] body, boolean head) throws IOException {
        w.header("Content-Length", body.length).end();
        if (!head) {
            w.body(body, 0, body.length);
            sent = body.length;
        }
        finish();
    }

    private void finish() throws IOException {
        w.writeTo(conn.out());
        w.trim(KEEP_BUFFER);
    }
}
