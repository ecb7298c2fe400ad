package dev.netloom.rest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the API refuses, answered as {@code application/problem+json} (RFC 9457) with its
 * status, the status's title and {@code detail}; {@code headers} go out with it (Allow,
 * Accept-Post, Connection: close).
 */
final class Problem extends RuntimeException {

    private final int status;
    private final Map<String, String> headers = new LinkedHashMap<>();

    Problem(int status, String detail) {
        super(detail, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }

    Map<String, String> headers() {
        return headers;
    }

    Problem header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    static Problem badRequest(String detail) {
        return new Problem(400, detail);
    }

    static Problem notFound(String detail) {
        return new Problem(404, detail);
    }
}
