package dev.netloom.admin;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One response of the admin listener, whole in memory: status, content type, body, and extra
 * header fields ({@code Allow}, {@code WWW-Authenticate}).
 */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {

    static final String JSON = "application/json";

    static Reply json(int status, byte[] body) {
        return new Reply(status, JSON, body, Map.of());
    }

    static Reply text(int status, String text) {
        return new Reply(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** This reply with one more header field. */
    Reply with(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Reply(status, contentType, body, h);
    }
}
