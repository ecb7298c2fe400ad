package dev.netloom.admin;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One response of the admin listener: status, content type, body, and extra header fields
 * ({@code Allow}, {@code WWW-Authenticate}, {@code ETag}, a {@code Cache-Control} of its own).
 * Whole in memory, or, with {@code events}, a server-sent-events stream ({@link EventStream}) that
 * runs until its end closes the connection.
 */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers, EventStream.Source events) {

    static final String JSON = "application/json";

    Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
        this(status, contentType, body, headers, null);
    }

    static Reply json(int status, byte[] body) {
        return new Reply(status, JSON, body, Map.of());
    }

    static Reply text(int status, String text) {
        return new Reply(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** A 200 whose body is the events {@code source} sends, until the stream ends. */
    static Reply events(EventStream.Source source) {
        return new Reply(200, EventStream.CONTENT_TYPE, new byte[0], Map.of(), source);
    }

    /** This reply with one more header field. */
    Reply with(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Reply(status, contentType, body, h, events);
    }
}
