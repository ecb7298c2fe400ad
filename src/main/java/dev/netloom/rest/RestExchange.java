package dev.netloom.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.netloom.http1.QueryParams;
import dev.netloom.http1.Status;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One request and its response: what the handler reads (method, path, query, headers, body
 * within the limit) and writes (one response, HEAD without its body), and what the access log
 * and stats record afterwards (status, bytes).
 */
final class RestExchange {

    static final String JSON = "application/json";
    static final String PROBLEM = "application/problem+json";

    final HttpExchange http;
    final long id;
    final long startNanos = System.nanoTime();
    private String path;
    private String rawQuery;
    private int status;
    private long bytesOut;
    private long bytesIn;
    private boolean sent;

    RestExchange(HttpExchange http, long id) {
        this.http = http;
        this.id = id;
        this.path = http.getRequestURI().getRawPath();
        this.rawQuery = http.getRequestURI().getRawQuery();
    }

    String method() {
        return http.getRequestMethod();
    }

    /** The path the API serves: the request's, or what {@code rest.routes} rewrote it to. */
    String path() {
        return path;
    }

    /** The query as sent (or as rewritten), still percent-encoded; null when there is none. */
    String rawQuery() {
        return rawQuery;
    }

    /** Serves {@code url} (a path with an optional query) instead of the request's: a custom route. */
    void rewrite(String url) {
        int q = url.indexOf('?');
        path = q < 0 ? url : url.substring(0, q);
        rawQuery = q < 0 ? null : url.substring(q + 1);
    }

    String header(String name) {
        return http.getRequestHeaders().getFirst(name);
    }

    Headers out() {
        return http.getResponseHeaders();
    }

    int status() {
        return status;
    }

    long bytesOut() {
        return bytesOut;
    }

    /** Request body bytes read. */
    long bytesIn() {
        return bytesIn;
    }

    boolean sent() {
        return sent;
    }

    String requestLine() {
        return method() + " " + http.getRequestURI() + " " + http.getProtocol();
    }

    /**
     * The query's parameters, decoded, in order.
     *
     * @throws Problem 400 on a malformed percent escape
     */
    List<Map.Entry<String, String>> params() {
        try {
            return QueryParams.list(rawQuery);
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest(e.getMessage());
        }
    }

    /**
     * The request body, at most {@code max} bytes.
     *
     * @throws Problem 413 (and the connection closes) when the body is larger
     */
    byte[] body(int max) throws IOException {
        String length = header("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > max) {
                    throw tooLarge(max);
                }
            } catch (NumberFormatException e) {
                throw Problem.badRequest("Content-Length is not a number").header("Connection", "close");
            }
        }
        byte[] body = http.getRequestBody().readNBytes(max + 1);
        bytesIn = body.length;
        if (body.length > max) {
            throw tooLarge(max);
        }
        return body;
    }

    private static Problem tooLarge(int max) {
        return new Problem(413, "the body is larger than " + max + " bytes (rest.max-body)").header("Connection", "close");
    }

    void send(int code, String contentType, byte[] body) throws IOException {
        status = code;
        sent = true;
        Headers h = out();
        if (body == null) {
            http.sendResponseHeaders(code, -1);
            return;
        }
        h.set("Content-Type", contentType);
        if (method().equals("HEAD")) {
            h.set("Content-Length", Integer.toString(body.length));
            http.sendResponseHeaders(code, -1);
            return;
        }
        http.sendResponseHeaders(code, body.length);
        try (OutputStream os = http.getResponseBody()) {
            os.write(body);
        }
        bytesOut = body.length;
    }

    /**
     * Starts a response whose body is streamed (chunked) into the stream returned; its bytes are
     * counted for the access log. Closing the stream ends the response.
     */
    OutputStream stream(int code, String contentType) throws IOException {
        status = code;
        sent = true;
        out().set("Content-Type", contentType);
        http.sendResponseHeaders(code, 0);
        return new FilterOutputStream(http.getResponseBody()) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                bytesOut += len;
            }

            @Override
            public void write(int b) throws IOException {
                out.write(b);
                bytesOut++;
            }
        };
    }

    void json(int code, String body) throws IOException {
        send(code, JSON, body.getBytes(StandardCharsets.UTF_8));
    }

    void problem(Problem p) throws IOException {
        p.headers().forEach(out()::set);
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("type", "about:blank");
        doc.put("title", Status.reason(p.status()));
        doc.put("status", p.status());
        doc.put("detail", p.getMessage());
        doc.put("instance", http.getRequestURI().getRawPath());
        send(p.status(), PROBLEM, Json.write(doc).getBytes(StandardCharsets.UTF_8));
    }
}
