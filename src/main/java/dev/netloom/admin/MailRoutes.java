package dev.netloom.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.http1.MessageHead;
import dev.netloom.mail.MessageReader;
import dev.netloom.mailbox.MailJson;
import dev.netloom.mailbox.Mailbox;
import dev.netloom.mailbox.MailboxOwner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Mail tab's calls, over the running {@code smtp} service's store (found in the registry as a
 * {@link MailboxOwner}; 409 when smtp is not running):
 *
 * <pre>
 * GET    /api/mail[?q=&amp;to=&amp;limit=50&amp;offset=0]   {"total", "version", "messages": [...]}, newest first (as smtp-api)
 *        ...&amp;wait=S&amp;version=V                  the same, once the store's version differs from V, or after S (0-30) seconds
 * DELETE /api/mail                              204: every message
 * GET    /api/mail/ID                           the detail: headers, text, html, attachments (as smtp-api)
 * DELETE /api/mail/ID                           204, or 404
 * GET    /api/mail/ID/raw                       the source, a download (message/rfc822, message-ID.eml)
 * GET    /api/mail/ID/attachments/N             a download; the sender's type only when inert
 * GET    /api/mail/ID/html[?remote=1]           the HTML part under a CSP without script (see below)
 * POST   /api/mail/ID/view[?remote=1]           {"url": "/mail-view/CAP", "expires_ms"}: the same HTML for an iframe
 * GET    /mail-view/CAP                         that HTML, with the capability in the URL instead of a token
 * </pre>
 *
 * <p>Nothing of a message may run in the dashboard's origin. The HTML is served with
 * {@code Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; img-src data: cid:;
 * font-src data:; frame-ancestors 'self'; sandbox} (no script in any form, no remote load, an opaque
 * origin even when opened directly), {@code Referrer-Policy: no-referrer} and {@code nosniff};
 * {@code remote=1} lets images, styles, fonts and media load from anywhere ({@code *}) and nothing
 * else. The dashboard shows it in an {@code <iframe sandbox>} without {@code allow-scripts} or
 * {@code allow-same-origin}. An iframe cannot send the {@code Authorization} header the API needs
 * off loopback, so the page asks for a view URL ({@code POST .../view}, authorised as any call) and
 * the iframe loads that: 128 random bits naming one message and mode, valid for {@link #VIEW_TTL_MS}
 * (re-loads work), at most {@link #MAX_VIEWS} at once. It opens that message's HTML and nothing else.
 */
final class MailRoutes {

    /** The prefix of view URLs; the admin's token check does not apply under it (the URL is the capability). */
    static final String VIEW = "/mail-view/";
    static final String STRICT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data: cid:;"
            + " font-src data:; frame-ancestors 'self'; sandbox";
    static final String REMOTE_CSP = "default-src 'none'; style-src 'unsafe-inline' *; img-src * data: cid:;"
            + " font-src * data:; media-src * data:; frame-ancestors 'self'; sandbox";
    static final long VIEW_TTL_MS = 5 * 60_000;
    static final int MAX_VIEWS = 256;
    static final int MAX_WAIT_SECONDS = 30;
    private static final String SMTP = "smtp";
    private static final Pattern MESSAGE = Pattern.compile("/api/mail/([^/]*)(/.*)?");
    private static final Pattern ID = Pattern.compile("[0-9]{1,18}");
    private static final Pattern CAPABILITY = Pattern.compile("[A-Za-z0-9_-]{22}");

    /** What a view URL opens, until when ({@code System.nanoTime()}). */
    private record View(long id, boolean remote, long expires) {
    }

    private final AdminApi api;
    private final AdminService self;
    private final ServiceRegistry registry;
    private final Map<String, View> views = new ConcurrentHashMap<>();
    private final Set<CompletableFuture<Long>> waiting = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();

    MailRoutes(AdminApi api, AdminService self, ServiceRegistry registry) {
        this.api = api;
        this.self = self;
        this.registry = registry;
    }

    /** {@code /api/mail} and what lies under it. */
    Reply route(MessageHead req, String path, Map<String, String> query) throws IOException {
        if (path.equals("/api/mail") || path.equals("/api/mail/")) {
            if (req.methodIs("DELETE")) {
                Optional<Mailbox> box = mailbox();
                if (box.isEmpty()) {
                    return notRunning();
                }
                box.get().deleteAll();
                return noContent();
            }
            return AdminApi.get(req, "GET, HEAD, DELETE").orElseGet(() -> list(query));
        }
        Matcher m = MESSAGE.matcher(path);
        if (!m.matches()) {
            return api.error(404, "no such resource: " + path);
        }
        if (!ID.matcher(m.group(1)).matches() || Long.parseLong(m.group(1)) == 0) {
            return api.error(400, "a message id is a positive number, not '" + m.group(1) + "'");
        }
        long id = Long.parseLong(m.group(1));
        String tail = m.group(2) == null ? "" : m.group(2);
        Optional<Reply> wrong = switch (tail) {
            case "", "/" -> req.methodIs("DELETE") ? Optional.empty() : AdminApi.get(req, "GET, HEAD, DELETE");
            case "/view" -> req.methodIs("POST") ? Optional.empty() : Optional.of(AdminApi.notAllowed("POST"));
            default -> AdminApi.get(req, "GET, HEAD");
        };
        if (wrong.isPresent()) {
            return wrong.get();
        }
        Boolean remote = remote(query);
        if (remote == null) {
            return api.error(400, "remote is 1 or 0, not '" + query.get("remote") + "'");
        }
        Optional<Mailbox> box = mailbox();
        if (box.isEmpty()) {
            return notRunning();
        }
        if (req.methodIs("DELETE")) {
            return box.get().delete(id) ? noContent() : noMessage(id);
        }
        Mailbox.Stored stored = box.get().get(id);
        if (stored == null) {
            return noMessage(id);
        }
        if (tail.startsWith("/attachments/")) {
            return attachment(stored, tail.substring("/attachments/".length()));
        }
        return switch (tail) {
            case "", "/" -> api.ok(MailJson.detail(stored));
            case "/raw" -> new Reply(200, "message/rfc822", stored.raw(), Map.of())
                    .with("Content-Disposition", "attachment; filename=\"message-" + id + ".eml\"")
                    .with("Content-Security-Policy", MailJson.SANDBOX)
                    .with("Cross-Origin-Resource-Policy", "same-origin");
            case "/html" -> html(stored, remote);
            case "/view" -> view(stored, remote);
            default -> api.error(404, "no such resource: " + path);
        };
    }

    /** {@code GET /mail-view/CAP}: the HTML a view URL names, without the API's token. */
    Reply open(MessageHead req, String path) throws IOException {
        Optional<Reply> wrong = AdminApi.get(req, "GET, HEAD");
        if (wrong.isPresent()) {
            return wrong.get();
        }
        String cap = path.substring(VIEW.length());
        View v = CAPABILITY.matcher(cap).matches() ? views.get(cap) : null;
        if (v == null || v.expires() - System.nanoTime() < 0) {
            return api.error(404, "this view has expired or never existed; open the message again");
        }
        Optional<Mailbox> box = mailbox();
        if (box.isEmpty()) {
            return notRunning();
        }
        Mailbox.Stored stored = box.get().get(v.id());
        return stored == null ? noMessage(v.id()) : html(stored, v.remote());
    }

    /** Ends every long poll at once (the admin listener is stopping): each answers what it has. */
    void wakeAll() {
        waiting.forEach(f -> f.complete(-1L));
    }

    private Reply list(Map<String, String> query) {
        try {
            MailJson.ListQuery q = MailJson.ListQuery.of(query);
            int wait = 0;
            long seen = 0;
            if (query.containsKey("wait")) {
                wait = parseWait(query.get("wait"));
                if (!query.containsKey("version")) {
                    return api.error(400, "wait needs version (from the last answer)");
                }
                try {
                    seen = Long.parseLong(query.get("version"));
                } catch (NumberFormatException e) {
                    return api.error(400, "version is a number from an earlier answer, not '" + query.get("version") + "'");
                }
            }
            Optional<Mailbox> box = mailbox();
            if (box.isPresent() && wait > 0) {
                awaitChange(box.get(), seen, wait);
                box = mailbox(); // smtp may have stopped meanwhile
            }
            if (box.isEmpty()) {
                return notRunning();
            }
            long version = box.get().version(); // before the read: a change in between is seen next time
            return api.ok(MailJson.page(q.from(box.get()), version));
        } catch (IllegalArgumentException e) {
            return api.error(400, e.getMessage());
        } catch (IOException e) {
            return api.error(500, e.getMessage());
        }
    }

    private static int parseWait(String text) {
        try {
            int w = Integer.parseInt(text);
            if (w >= 0 && w <= MAX_WAIT_SECONDS) {
                return w;
            }
        } catch (NumberFormatException e) {
            // the message below says it
        }
        throw new IllegalArgumentException("wait must be 0-" + MAX_WAIT_SECONDS + " seconds, not '" + text + "'");
    }

    /** Parks this (virtual) thread until {@code box} changes, smtp or admin stops, or {@code seconds} pass. */
    private void awaitChange(Mailbox box, long seen, int seconds) {
        CompletableFuture<Long> change = box.changeAfter(seen);
        waiting.add(change);
        try {
            if (!self.stopping()) { // checked after the add: a stop either sees this wait or is seen here
                change.get(seconds, TimeUnit.SECONDS);
            }
        } catch (TimeoutException | ExecutionException e) {
            // no change: answer the same list with the same version
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            waiting.remove(change);
            change.cancel(false);
        }
    }

    private Reply attachment(Mailbox.Stored stored, String index) {
        if (!index.matches("[0-9]{1,9}")) {
            return api.error(400, "an attachment index is a number from 0, not '" + index + "'");
        }
        MailJson.Download a = MailJson.attachment(stored, Integer.parseInt(index));
        if (a == null) {
            return api.error(404, "message " + stored.summary().id() + " has no attachment " + index);
        }
        return new Reply(200, a.contentType(), a.data(), Map.of())
                .with("Content-Disposition", a.disposition())
                .with("Content-Security-Policy", MailJson.SANDBOX)
                .with("Cross-Origin-Resource-Policy", "same-origin");
    }

    private Reply html(Mailbox.Stored stored, boolean remote) {
        String html = MessageReader.parse(stored.raw()).html();
        if (html == null) {
            return api.error(404, "message " + stored.summary().id() + " has no HTML part");
        }
        return new Reply(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), Map.of())
                .with("Content-Security-Policy", remote ? REMOTE_CSP : STRICT_CSP)
                .with("Referrer-Policy", "no-referrer")
                .with("Cross-Origin-Resource-Policy", "same-origin");
    }

    private Reply view(Mailbox.Stored stored, boolean remote) {
        long now = System.nanoTime();
        views.values().removeIf(v -> v.expires() - now < 0);
        while (views.size() >= MAX_VIEWS) {
            views.entrySet().stream().min(Comparator.comparingLong(e -> e.getValue().expires() - now))
                    .ifPresent(e -> views.remove(e.getKey()));
        }
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        String cap = Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
        views.put(cap, new View(stored.summary().id(), remote, now + TimeUnit.MILLISECONDS.toNanos(VIEW_TTL_MS)));
        ObjectNode n = api.json().createObjectNode();
        n.put("url", VIEW + cap);
        n.put("expires_ms", VIEW_TTL_MS);
        return api.ok(n);
    }

    /** {@code remote}: absent or 0 is false, 1 true, anything else null. */
    private static Boolean remote(Map<String, String> query) {
        String r = query.get("remote");
        return r == null || r.equals("0") ? Boolean.FALSE : r.equals("1") ? Boolean.TRUE : null;
    }

    private Optional<Mailbox> mailbox() {
        return registry.instance(SMTP).flatMap(s -> s instanceof MailboxOwner o ? o.mailbox() : Optional.empty());
    }

    private Reply notRunning() {
        return api.error(409, "smtp is not running: start it (the shell's start smtp, or POST /api/services/smtp/start)"
                + " to see its mail");
    }

    private Reply noMessage(long id) {
        return api.error(404, "no message " + id);
    }

    private static Reply noContent() {
        return new Reply(204, Reply.JSON, new byte[0], Map.of());
    }
}
