package dev.netloom.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netloom.core.HostPort;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A client of the smtp service's JSON API ({@code /api/messages}, see smtp's MailApi) on the JDK's
 * HTTP client: list, one message, its stored source, an attachment, delete. Each call is one
 * request (connect timeout 10s, answer within 30s). Errors: {@link java.net.ConnectException}
 * when nothing listens, {@link java.net.http.HttpTimeoutException} when the answer is late,
 * {@link Refused} for an HTTP error status (with the API's {@code error} text).
 */
public final class MailApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final HostPort api;

    /** A client of the API at {@code api} (HOST:PORT of the smtp service's api-port). */
    public MailApiClient(HostPort api) {
        this.api = api;
    }

    /** The API's address, for messages. */
    public HostPort api() {
        return api;
    }

    /**
     * One page of messages, newest first: {@code {"messages": [...], "total": N}}; {@code search}
     * and {@code to} (each null for none) filter as the API's {@code q} and {@code to} do.
     */
    public JsonNode list(int limit, String search, String to) throws IOException {
        StringBuilder path = new StringBuilder("/api/messages?limit=").append(limit);
        if (search != null) {
            path.append("&q=").append(URLEncoder.encode(search, StandardCharsets.UTF_8));
        }
        if (to != null) {
            path.append("&to=").append(URLEncoder.encode(to, StandardCharsets.UTF_8));
        }
        return json(path.toString());
    }

    /** One message: envelope, headers, text and html parts, the attachment list. */
    public JsonNode message(long id) throws IOException {
        return json("/api/messages/" + id);
    }

    /** The message's stored source, byte for byte. */
    public byte[] raw(long id) throws IOException {
        return send("GET", "/api/messages/" + id + "/raw").body();
    }

    /** Attachment {@code part} (from 0), decoded; its Content-Type in the response headers. */
    public HttpResponse<byte[]> attachment(long id, int part) throws IOException {
        return send("GET", "/api/messages/" + id + "/attachments/" + part);
    }

    /** Deletes one message. */
    public void delete(long id) throws IOException {
        send("DELETE", "/api/messages/" + id);
    }

    /** Deletes every message. */
    public void deleteAll() throws IOException {
        send("DELETE", "/api/messages");
    }

    private JsonNode json(String path) throws IOException {
        return JSON.readTree(send("GET", path).body());
    }

    /** One request; {@link Refused} for a status of 400 or more. */
    private HttpResponse<byte[]> send(String method, String path) throws IOException {
        URI uri = URI.create("http://" + api + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(ANSWER_TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<byte[]> r;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build()) {
            r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (r.statusCode() >= 400) {
            String message = new String(r.body(), StandardCharsets.UTF_8);
            try {
                message = JSON.readTree(r.body()).path("error").asText(message);
            } catch (IOException notJson) {
                // the body as it is
            }
            throw new Refused(message + " (HTTP " + r.statusCode() + ")");
        }
        return r;
    }

    /** The API answered with an error status; the message is its error text and {@code (HTTP nnn)}. */
    public static final class Refused extends IOException {
        public Refused(String message) {
            super(message);
        }
    }
}
