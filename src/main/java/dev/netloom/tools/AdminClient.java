package dev.netloom.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netloom.core.HostPort;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/*
 * GET /api/logs/stream is a server-sent-events stream (WHATWG HTML, "Server-sent events"): lines
 * `event: log`, `data: <one log line>`, then a blank line ending the event; lines starting with `:`
 * are comments (`: keepalive`). Several data lines of one event are joined with newlines; one space
 * after the colon is dropped.
 */

/**
 * A client of the admin listener's JSON API (docs/admin.md) on the JDK's HTTP client, for
 * {@code netloom attach}: one HTTP/1.1 client for the session (its connections kept alive), with
 * {@code Authorization: Bearer TOKEN} on every request when a token is given. Connect timeout 5s;
 * an answer within 30s, or 2 minutes for start, stop and restart (a stop waits for its grace).
 * Errors: {@link java.net.ConnectException} when nothing listens,
 * {@link java.net.http.HttpTimeoutException} when the answer is late, {@link Refused} for an HTTP
 * error status, with the API's {@code error} text.
 */
public final class AdminClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ANSWER = Duration.ofSeconds(30);
    private static final Duration ACTION = Duration.ofMinutes(2);

    private final HostPort address;
    private final URI base;
    private final String token;
    private final HttpClient http;

    /**
     * A client of the admin API at {@code address}; {@code token} null or empty for none.
     *
     * @throws IllegalArgumentException an address no URL can hold ({@code [bad:host]:9091})
     */
    public AdminClient(HostPort address, String token) {
        try {
            base = new URI("http://" + address);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + address + "' is not an address a URL can hold: " + e.getReason(), e);
        }
        this.address = address;
        this.token = token == null || token.isEmpty() ? null : token;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** The API's address. */
    public HostPort address() {
        return address;
    }

    /** Whether requests carry a token. */
    public boolean hasToken() {
        return token != null;
    }

    /** {@code GET /api/services}: every service of the catalogue with its state and stats. */
    public JsonNode services() throws IOException {
        return json("GET", "/api/services", ANSWER);
    }

    /** {@code GET /api/services/NAME}. */
    public JsonNode service(String name) throws IOException {
        return json("GET", "/api/services/" + name, ANSWER);
    }

    /** {@code POST /api/services/NAME/ACTION?params}: start, stop or restart; the service after it. */
    public JsonNode action(String name, String action, Map<String, String> params) throws IOException {
        String query = params.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
        return json("POST", "/api/services/" + name + "/" + action + (query.isEmpty() ? "" : "?" + query), ACTION);
    }

    /** {@code GET /api/services/NAME/connections}. */
    public JsonNode connections(String name) throws IOException {
        return json("GET", "/api/services/" + name + "/connections", ANSWER);
    }

    /** {@code DELETE /api/services/NAME/connections/ID}; false when the service has no such connection (404). */
    public boolean kill(String name, long id) throws IOException {
        try {
            send("DELETE", "/api/services/" + name + "/connections/" + id, ANSWER, HttpResponse.BodyHandlers.ofByteArray());
            return true;
        } catch (Refused e) {
            if (e.status() == 404 && e.getMessage().contains("no connection")) {
                return false;
            }
            throw e;
        }
    }

    /** {@code GET /api/config}: {@code {service: {key: value}}} as each would start now. */
    public JsonNode config() throws IOException {
        return json("GET", "/api/config", ANSWER);
    }

    /** {@code GET /api/services/NAME/config}: {@code {running, settings: [{key, value, source, description}]}}. */
    public JsonNode config(String name) throws IOException {
        return json("GET", "/api/services/" + name + "/config", ANSWER);
    }

    /** {@code GET /api/logs?lines=N}: {@code {file, lines: [...]}}. */
    public JsonNode logs(int lines) throws IOException {
        return json("GET", "/api/logs?lines=" + lines, ANSWER);
    }

    /**
     * {@code GET /api/logs/stream}: gives each log line the stream sends to {@code line} until
     * the stream ends (the instance went away) or this thread is interrupted; either returns
     * normally, the interrupt flag left set.
     */
    public void followLogs(Consumer<String> line) throws IOException {
        HttpResponse<InputStream> r = send("GET", "/api/logs/stream", null, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String event = "message";
            StringBuilder data = null;
            for (String l; (l = in.readLine()) != null; ) {
                if (l.isEmpty()) {
                    if (data != null && event.equals("log")) {
                        line.accept(data.toString());
                    }
                    event = "message";
                    data = null;
                } else if (!l.startsWith(":")) {
                    int colon = l.indexOf(':');
                    String field = colon < 0 ? l : l.substring(0, colon);
                    String value = colon < 0 ? "" : l.substring(l.startsWith(" ", colon + 1) ? colon + 2 : colon + 1);
                    if (field.equals("event")) {
                        event = value;
                    } else if (field.equals("data")) {
                        data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    }
                }
            }
        } catch (IOException e) {
            if (!Thread.currentThread().isInterrupted()) {
                throw e;
            }
        }
    }

    private JsonNode json(String method, String path, Duration timeout) throws IOException {
        return JSON.readTree(send(method, path, timeout, HttpResponse.BodyHandlers.ofByteArray()).body());
    }

    /** One request; {@link Refused} for a status of 400 or more; {@code timeout} null for none (a stream). */
    private <T> HttpResponse<T> send(String method, String path, Duration timeout, HttpResponse.BodyHandler<T> body)
            throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("Accept", "application/json");
        if (timeout != null) {
            b.timeout(timeout);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<T> r;
        try {
            r = http.send(b.build(), body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (r.statusCode() >= 400) {
            byte[] bytes = r.body() instanceof InputStream in ? in.readAllBytes() : (byte[]) r.body();
            String message = new String(bytes, StandardCharsets.UTF_8).strip();
            try {
                message = JSON.readTree(bytes).path("error").asText(message);
            } catch (IOException notJson) {
                // the body as it is
            }
            throw new Refused(r.statusCode(), message);
        }
        return r;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.close();
    }

    /** The API answered with an error status; the message is its error text. */
    public static final class Refused extends IOException {

        private final int status;

        public Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        /** The HTTP status: 400, 401, 404, 409, ... */
        public int status() {
            return status;
        }
    }
}
