package dev.netloom.smtp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.netloom.http1.QueryParams;
import dev.netloom.mailbox.MailJson;
import dev.netloom.mailbox.Mailbox;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JSON API over HTTP on {@code smtp.api-port} (default 8025, as Mailpit and MailHog):
 *
 * <pre>
 * GET    /api/messages[?q=TEXT&amp;to=ADDR&amp;limit=50&amp;offset=0]
 *                                              {"total": N, "version": V, "messages": [{id, from, to, subject, date, size}]},
 *                                              newest first;
 *                                              q: in addresses, subject or text; to: in a recipient
 * GET    /api/messages/ID                      one message: the list fields, headers, text, html, attachments
 * GET    /api/messages/ID/raw                  the stored source, byte for byte (message/rfc822)
 * GET    /api/messages/ID/attachments/N        attachment N (from 0), decoded, with its content type
 * DELETE /api/messages/ID                      204, or 404
 * DELETE /api/messages                         204: every message
 * </pre>
 *
 * {@code from} and {@code to} are the envelope (MAIL FROM, RCPT TO), which includes Bcc
 * recipients; {@code date} is when the message arrived (ISO 8601, UTC). Errors are
 * {@code {"error": "..."}} with 400, 403, 404 or 405. Served by the JDK's HTTP server on virtual threads.
 *
 * <p>A request whose Host is not one of {@link ApiHosts} gets 403 (DNS rebinding), one with more than
 * one Host header 400 (RFC 9112 section 3.2), even when they are the same. An attachment is
 * always a download ({@code Content-Disposition: attachment}; every answer has {@code nosniff} and a sandboxing CSP),
 * and only types no browser runs keep the sender's Content-Type (see {@link MailJson#inert}). The JSON
 * shapes and those rules are {@link MailJson}'s, shared with the admin listener's Mail tab.
 */
final class MailApi implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MailApi.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MailStore store;
    private final HttpServer server;
    private final ExecutorService executor;
    private final ApiHosts hosts;

    private MailApi(MailStore store, HttpServer server, ExecutorService executor, ApiHosts hosts) {
        this.store = store;
        this.server = server;
        this.executor = executor;
        this.hosts = hosts;
    }

    /** Starts the API on {@code host:port}, answering only the Host names {@code hosts} allows. */
    static MailApi start(MailStore store, String host, int port, String name, ApiHosts hosts) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(name + "-api-", 1).factory());
        MailApi api = new MailApi(store, server, executor, hosts);
        server.createContext("/", api::handle);
        server.setExecutor(executor);
        server.start();
        return api;
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            route(x);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "smtp-api: {0}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "smtp-api: " + x.getRequestURI(), e);
            error(x, 500, "internal error: " + e.getMessage());
        }
    }

    private void route(HttpExchange x) throws IOException {
        if (!hostAllowed(x)) {
            return;
        }
        String path = x.getRequestURI().getPath();
        String method = x.getRequestMethod();
        if (!path.startsWith("/api/messages")) {
            error(x, 404, "no such resource; the API is under /api/messages");
            return;
        }
        String[] parts = path.substring("/api/messages".length()).split("/", -1);
        // parts[0] is "" (then /ID...) or the whole rest when there is no slash
        if (parts.length == 1 && parts[0].isEmpty()) {
            switch (method) {
                case "GET", "HEAD" -> list(x);
                case "DELETE" -> {
                    store.deleteAll();
                    empty(x);
                }
                default -> notAllowed(x, "GET, HEAD, DELETE");
            }
            return;
        }
        if (!parts[0].isEmpty() || parts.length < 2) {
            error(x, 404, "no such resource: " + path);
            return;
        }
        long id;
        try {
            id = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            error(x, 404, "not a message id: " + parts[1]);
            return;
        }
        String tail = parts.length == 2 ? "" : String.join("/", Arrays.copyOfRange(parts, 2, parts.length));
        message(x, method, id, tail);
    }

    /**
     * Whether the request's one Host header names this API (a DNS rebinding defence); answers
     * 400 for several Host headers and 403 for a name it does not answer.
     */
    private boolean hostAllowed(HttpExchange x) throws IOException {
        List<String> host = x.getRequestHeaders().get("Host");
        if (host != null && host.size() > 1) {
            // RFC 9112 section 3.2 (and nginx): checking only one of them would let the other through
            error(x, 400, "more than one Host header");
            return false;
        }
        if (!hosts.allows(host == null ? null : host.get(0), x.getLocalAddress().getAddress())) {
            error(x, 403, "host not allowed: the API answers localhost, loopback and its own address"
                    + " (and smtp.hostname), not a name a web page may have pointed here");
            return false;
        }
        return true;
    }

    /** {@code /api/messages/ID} and what lies under it ({@code tail}: "", raw, attachments/N). */
    private void message(HttpExchange x, String method, long id, String tail) throws IOException {
        if (tail.isEmpty() && method.equals("DELETE")) {
            if (store.delete(id)) {
                empty(x);
            } else {
                error(x, 404, "no message " + id);
            }
            return;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            notAllowed(x, tail.isEmpty() ? "GET, HEAD, DELETE" : "GET, HEAD");
            return;
        }
        Mailbox.Stored m = store.get(id);
        if (m == null) {
            error(x, 404, "no message " + id);
            return;
        }
        if (tail.isEmpty()) {
            send(x, 200, "application/json", JSON.writeValueAsBytes(MailJson.detail(m)));
        } else if (tail.equals("raw")) {
            send(x, 200, "message/rfc822", m.raw());
        } else if (tail.startsWith("attachments/")) {
            attachment(x, m, tail.substring("attachments/".length()));
        } else {
            error(x, 404, "no such resource: " + x.getRequestURI().getPath());
        }
    }

    private void list(HttpExchange x) throws IOException {
        MailJson.ListQuery q;
        try {
            q = MailJson.ListQuery.of(QueryParams.parse(x.getRequestURI().getRawQuery()));
        } catch (IllegalArgumentException e) {
            error(x, 400, e.getMessage());
            return;
        }
        send(x, 200, "application/json", JSON.writeValueAsBytes(MailJson.page(q.from(store), store.version())));
    }

    private void attachment(HttpExchange x, Mailbox.Stored m, String index) throws IOException {
        int i;
        try {
            i = Integer.parseInt(index);
        } catch (NumberFormatException e) {
            i = -1;
        }
        MailJson.Download a = MailJson.attachment(m, i);
        if (a == null) {
            error(x, 404, "message " + m.summary().id() + " has no attachment " + index);
            return;
        }
        x.getResponseHeaders().add("Content-Disposition", a.disposition());
        send(x, 200, a.contentType(), a.data());
    }

    private static void notAllowed(HttpExchange x, String allow) throws IOException {
        x.getResponseHeaders().add("Allow", allow);
        error(x, 405, "method " + x.getRequestMethod() + " not allowed; allowed: " + allow);
    }

    private static void error(HttpExchange x, int status, String message) throws IOException {
        send(x, status, "application/json", JSON.writeValueAsBytes(JSON.createObjectNode().put("error", message)));
    }

    private static void empty(HttpExchange x) throws IOException {
        x.sendResponseHeaders(204, -1);
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().add("X-Content-Type-Options", "nosniff"); // every answer is what it says it is
        // and none runs anything in our origin: attachments and the raw source (message/rfc822, which a
        // browser may render as MHTML) hold what the sender chose; the JSON needs no script either
        x.getResponseHeaders().add("Content-Security-Policy", MailJson.SANDBOX);
        x.getResponseHeaders().add("Content-Type", type.startsWith("application/json") ? type + "; charset=utf-8" : type);
        boolean head = x.getRequestMethod().equals("HEAD");
        x.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops the listener, giving requests in progress a second. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
