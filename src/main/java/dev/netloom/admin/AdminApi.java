package dev.netloom.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netloom.core.AbstractService;
import dev.netloom.core.ConfigException;
import dev.netloom.core.ConnectionInfo;
import dev.netloom.core.HostPort;
import dev.netloom.core.Key;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceException;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.core.ServiceState;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.StatsSnapshot;
import dev.netloom.core.StopResult;
import dev.netloom.http1.MessageHead;
import dev.netloom.http1.QueryParams;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin listener's routes, each answering one request whole:
 *
 * <pre>
 * GET    /  /NAME.EXT                            the dashboard's files (UiFiles), no token needed
 * GET    /metrics                                Prometheus text 0.0.4, or OpenMetrics on Accept
 * GET    /api/services                           [{name, description, state, address, stats, ...}]
 * GET    /api/services/NAME                      one service
 * POST   /api/services/NAME/start|stop|restart   the service after the action (200), 409 when its state forbids it;
 *        ?KEY=VALUE&...                          start, restart: config overrides, as the shell's start/restart take
 *        ?grace=DURATION                         stop: the grace period (default the service's grace key)
 * GET    /api/services/NAME/config               {name, running, settings: [{key, value, source, description}]}
 * GET    /api/services/NAME/connections          [{id, remote, age_ms, idle_ms, bytes_in, bytes_out, activity}]
 * DELETE /api/services/NAME/connections/ID       204, or 404
 * GET    /api/config                             {service: {key: value}} as the services would start now
 * GET    /api/history?service=NAME&since=T       {service: {t: [...], active: [...], bytes_in: [...], ...}} (History)
 * GET    /api/logs?lines=N                       {"file": ..., "lines": [...]} the last N lines (100)
 * GET    /api/logs/stream?lines=N                text/event-stream: the last N lines (0), then each new one
 * ...    /api/mail...                            the Mail tab's calls over the smtp service's store: {@link MailRoutes}
 * GET    /mail-view/CAP                          a message's HTML for the Mail tab's iframe (the URL is the credential)
 * </pre>
 *
 * Errors are {@code {"error": "..."}} with 400, 401 (and {@code WWW-Authenticate: Bearer}), 403,
 * 404, 405 (with {@code Allow}), 409 or 500. Secrets ({@code *password*}, {@code *token*} keys) are
 * shown as {@code ********}.
 */
final class AdminApi {

    private static final Pattern SERVICE = Pattern.compile("/api/services/([a-z][a-z0-9-]*)(/.*)?");
    private static final Pattern CONNECTION = Pattern.compile("/connections/([^/]+)");
    private static final Pattern ACTION = Pattern.compile("/(start|stop|restart)");
    private static final String HIDDEN = "********";
    private static final ObjectMapper ERRORS = new ObjectMapper();

    private final AdminService self;
    private final ServiceRegistry registry;
    private final Exposition exposition;
    private final History history;
    private final ObjectMapper json;
    private final UiFiles ui = new UiFiles();
    private final LogApi logs;
    private final MailRoutes mail;

    AdminApi(AdminService self, ServiceRegistry registry, Exposition exposition, History history, ObjectMapper json) {
        this.self = self;
        this.registry = registry;
        this.exposition = exposition;
        this.history = history;
        this.json = json;
        this.logs = new LogApi(registry.configFile().home().resolve("logs"), self.admin().logLines(), json);
        this.mail = new MailRoutes(this, self, registry);
    }

    /** Answers {@code req}; never throws but for what the connection cannot survive. */
    Reply handle(MessageHead req, InetSocketAddress remote) {
        String target = req.target();
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? "" : target.substring(q + 1);
        try {
            if (path.equals("/metrics")) {
                String token = self.admin().metricsToken();
                if (!AdminToken.accepts(token, req.header("Authorization"))) {
                    return unauthorized();
                }
                return get(req).orElseGet(() -> metrics(req));
            }
            if (path.startsWith(MailRoutes.VIEW)) {
                // the URL is the capability (an iframe sends no Authorization header): see MailRoutes
                Reply refused = crossSite(req, true);
                return refused != null ? refused : mail.open(req, path);
            }
            String token = self.apiToken();
            if (UiFiles.names(path)) {
                // the page's own files carry no data: a browser loads them before it can send the token
                Reply refused = crossSite(req, token != null);
                return refused != null ? refused : get(req).orElseGet(() -> ui.get(path, req));
            }
            if (!AdminToken.accepts(token, req.header("Authorization"))) {
                return unauthorized();
            }
            Reply refused = crossSite(req, token != null);
            if (refused != null) {
                return refused;
            }
            return route(req, path, query);
        } catch (ConfigException e) {
            return error(400, e.getMessage());
        } catch (RuntimeException | IOException e) {
            return error(500, String.valueOf(e.getMessage()));
        }
    }

    private Reply route(MessageHead req, String path, String query) throws IOException {
        if (path.equals("/api") || path.equals("/api/")) {
            return get(req).orElseGet(() -> Reply.text(200, "netloom admin: GET /metrics, /api/services, /api/config,"
                    + " /api/history, /api/logs, /api/logs/stream; the dashboard at /; see docs/admin.md\n"));
        }
        if (path.equals("/api/history")) {
            return get(req).orElseGet(() -> history(query));
        }
        if (path.equals("/api/services")) {
            return get(req).orElse(ok(services()));
        }
        if (path.equals("/api/config")) {
            return get(req).orElse(ok(config()));
        }
        if (path.equals("/api/logs")) {
            return get(req).orElse(ok(logs.lines(query)));
        }
        if (path.equals("/api/logs/stream")) {
            return get(req).orElseGet(() -> logs.stream(query));
        }
        if (path.equals("/api/mail") || path.startsWith("/api/mail/")) {
            return mail.route(req, path, params(query));
        }
        Matcher m = SERVICE.matcher(path);
        if (!m.matches()) {
            return error(404, "no such resource: " + path);
        }
        String name = m.group(1);
        if (registry.types().stream().noneMatch(t -> t.name().equals(name))) {
            return error(404, "unknown service '" + name + "'");
        }
        String rest = m.group(2) == null ? "" : m.group(2);
        if (rest.isEmpty() || rest.equals("/")) {
            return get(req).orElse(ok(service(registry.type(name))));
        }
        Matcher a = ACTION.matcher(rest);
        if (a.matches()) {
            return req.methodIs("POST") ? action(name, a.group(1), params(query)) : notAllowed("POST");
        }
        if (rest.equals("/config")) {
            return get(req).orElse(ok(config(name)));
        }
        if (rest.equals("/connections")) {
            return get(req).orElse(connections(name));
        }
        Matcher c = CONNECTION.matcher(rest);
        if (c.matches()) {
            return req.methodIs("DELETE") ? kill(name, c.group(1)) : notAllowed("DELETE");
        }
        return error(404, "no such resource: " + path);
    }

    private Reply metrics(MessageHead req) {
        try {
            Exposition.Scrape s = exposition.scrape(req.headerJoined("Accept"));
            return new Reply(200, s.contentType(), s.body(), Map.of());
        } catch (IOException e) {
            return error(500, "metrics: " + e.getMessage());
        }
    }

    /** Empty for GET and HEAD; else 405. */
    private static Optional<Reply> get(MessageHead req) {
        return get(req, "GET, HEAD");
    }

    /** Empty for GET and HEAD; else 405 with {@code Allow: allow}. */
    static Optional<Reply> get(MessageHead req, String allow) {
        return req.methodIs("GET") || req.methodIs("HEAD") ? Optional.empty() : Optional.of(notAllowed(allow));
    }

    private ArrayNode services() {
        ArrayNode out = json.createArrayNode();
        for (ServiceType t : registry.types()) {
            out.add(service(t));
        }
        return out;
    }

    private ObjectNode service(ServiceType t) {
        ObjectNode n = json.createObjectNode();
        n.put("name", t.name());
        n.put("description", t.description());
        n.put("transport", t.transport().label());
        Service s = registry.instance(t.name()).orElse(null);
        if (s == null) {
            n.put("state", "not-started");
            return n;
        }
        n.put("state", s.state().name().toLowerCase(Locale.ROOT));
        s.failure().ifPresent(f -> n.put("failure", String.valueOf(f.getMessage())));
        InetSocketAddress a = s.address();
        n.put("address", a == null ? null : HostPort.format(a));
        ArrayNode listeners = n.putArray("listeners");
        if (s.state() == ServiceState.RUNNING) {
            s.listeners().forEach(listeners::add);
            ObjectNode endpoints = n.putObject("endpoints");
            s.endpoints().forEach((k, v) -> endpoints.put(k, HostPort.format(v)));
        }
        StatsSnapshot st = s.stats();
        ObjectNode stats = n.putObject("stats");
        stats.put("uptime_ms", st.uptime().toMillis());
        stats.put("active", st.active());
        stats.put("accepted", st.total());
        stats.put("refused", st.rejected());
        stats.put("bytes_in", st.bytesIn());
        stats.put("bytes_out", st.bytesOut());
        stats.put("requests", st.requests());
        stats.put("errors", st.errors());
        if (t.transport() == ServiceType.Transport.UDP) {
            stats.put("datagrams_in", st.datagramsIn());
            stats.put("datagrams_out", st.datagramsOut());
            stats.put("peers", st.peers());
        }
        ObjectNode results = stats.putObject("by_result");
        s.requestsByResult().forEach(results::put);
        ArrayNode details = n.putArray("details");
        s.details().forEach(details::add);
        return n;
    }

    /**
     * start, stop or restart; {@code params} are start's and restart's overrides ({@code
     * port=0}), stop's {@code grace}. A start or restart answers with the service, its
     * {@code listening} lines and the {@code warnings} its settings draw, as the shell prints them.
     */
    private Reply action(String name, String what, Map<String, String> params) {
        if (name.equals(self.name())) {
            return error(409, "the admin listener cannot " + what + " itself through its own API; use the shell");
        }
        Service current = registry.instance(name).orElse(null);
        boolean running = current != null && !current.state().finished();
        Service started;
        try {
            switch (what) {
                case "start" -> {
                    if (running) {
                        return error(409, name + " is already " + current.state().name().toLowerCase(Locale.ROOT));
                    }
                    started = registry.start(name, params);
                }
                case "stop" -> {
                    Duration grace = grace(params);
                    if (current == null || current.state() != ServiceState.RUNNING) {
                        return error(409, name + " is not running");
                    }
                    StopResult r = registry.stop(name, grace);
                    ObjectNode n = service(registry.type(name));
                    n.put("stop", r.describe());
                    return ok(n);
                }
                default -> started = registry.restart(name, params);
            }
        } catch (ServiceException e) {
            return error(running || what.equals("start") && isRunning(name) ? 409 : 500, e.getMessage());
        }
        ObjectNode n = service(registry.type(name));
        ArrayNode listening = n.putArray("listening");
        AbstractService.listening(started).forEach(listening::add);
        ArrayNode warnings = n.putArray("warnings");
        registry.type(name).warnings(started.settings()).forEach(warnings::add);
        return ok(n);
    }

    /** stop's {@code grace=DURATION}, or null for the service's own; a ConfigException (400) for anything else. */
    private static Duration grace(Map<String, String> params) {
        for (String p : params.keySet()) {
            if (!p.equals("grace")) {
                throw new ConfigException("stop takes only grace=DURATION, not '" + p + "'");
            }
        }
        String text = params.get("grace");
        if (text == null) {
            return null;
        }
        Duration d = Key.parseDuration(text);
        if (d == null) {
            throw new ConfigException("grace: '" + text + "' is not a duration such as 500ms, 10s, 1m");
        }
        return d;
    }

    private boolean isRunning(String name) {
        return registry.instance(name).map(s -> s.state() == ServiceState.RUNNING).orElse(false);
    }

    private Reply connections(String name) {
        Service s = registry.instance(name).orElse(null);
        ArrayNode out = json.createArrayNode();
        if (s == null || s.state() != ServiceState.RUNNING) {
            return error(409, name + " is not running");
        }
        for (ConnectionInfo c : s.connections()) {
            ObjectNode n = out.addObject();
            n.put("id", c.id());
            n.put("remote", c.remote() instanceof InetSocketAddress a ? HostPort.format(a) : String.valueOf(c.remote()));
            n.put("age_ms", c.age().toMillis());
            n.put("idle_ms", c.idle().toMillis());
            n.put("bytes_in", c.bytesIn());
            n.put("bytes_out", c.bytesOut());
            n.put("activity", c.activity());
        }
        return ok(out);
    }

    private Reply kill(String name, String idText) {
        long id;
        try {
            id = Long.parseLong(idText);
        } catch (NumberFormatException e) {
            return error(400, "a connection id is a number, not '" + idText + "'");
        }
        Service s = registry.instance(name).orElse(null);
        if (s == null || s.state() != ServiceState.RUNNING) {
            return error(409, name + " is not running");
        }
        return s.kill(id) ? new Reply(204, Reply.JSON, new byte[0], Map.of())
                : error(404, name + " has no connection " + id);
    }

    private ObjectNode config() {
        ObjectNode out = json.createObjectNode();
        for (ServiceType t : registry.types()) {
            ObjectNode n = out.putObject(t.name());
            Settings s = registry.settings(t.name(), registry.overrides(t.name()));
            for (Settings.Entry e : s.entries()) {
                n.put(e.key().name(), shown(e));
            }
        }
        return out;
    }

    /**
     * What the shell's {@code config NAME} shows: the running instance's settings, else what a
     * start would use now; each with its source and description, secrets hidden.
     */
    private ObjectNode config(String name) {
        ObjectNode out = json.createObjectNode();
        out.put("name", name);
        out.put("running", registry.live(name).isPresent());
        ArrayNode settings = out.putArray("settings");
        for (Settings.Entry e : registry.effective(name).entries()) {
            ObjectNode n = settings.addObject();
            n.put("key", e.key().name());
            n.put("value", shown(e));
            n.put("source", e.source().name().toLowerCase(Locale.ROOT));
            n.put("description", e.key().description());
        }
        return out;
    }

    /** The entry's value, or {@code ********} for a set secret (a key whose name holds password, token or secret). */
    private static String shown(Settings.Entry e) {
        String key = e.key().name();
        boolean secret = key.contains("password") || key.contains("token") || key.contains("secret");
        return secret && !e.text().isEmpty() ? HIDDEN : e.text();
    }

    /** The parameters of a query; malformed percent-encoding is a ConfigException (400). */
    static Map<String, String> params(String query) {
        try {
            return QueryParams.parse(query);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** {@code ?service=NAME} (one, 404 when unknown) and {@code ?since=EPOCH_SECONDS} (the points after). */
    private Reply history(String query) {
        Map<String, String> q = params(query);
        String service = q.get("service");
        if (service != null && registry.types().stream().noneMatch(t -> t.name().equals(service))) {
            return error(404, "unknown service '" + service + "'");
        }
        double since = 0;
        if (q.containsKey("since")) {
            try {
                since = Double.parseDouble(q.get("since"));
            } catch (NumberFormatException e) {
                return error(400, "since is a time in epoch seconds, not '" + q.get("since") + "'");
            }
        }
        return ok(history.json(service, since));
    }

    /**
     * Without a token the API trusts the loopback, so a web page the user opens must not reach it:
     * a Host that is no address or {@code localhost} (DNS rebinding) gets 403, and so does a
     * browser's cross-origin call (an {@code Origin} other than this listener's).
     */
    private static Reply crossSite(MessageHead req, boolean tokenChecked) {
        String host = req.header("Host");
        if (!tokenChecked && host != null) {
            String h = host.replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT);
            if (!(h.equals("localhost") || h.matches("[0-9.]+") || h.startsWith("["))) {
                return errorStatic(403, "Host '" + host + "' is not this listener's address");
            }
        }
        String origin = req.header("Origin");
        if (origin != null && !origin.equalsIgnoreCase("http://" + host)) {
            return errorStatic(403, "cross-origin requests are refused (Origin " + origin + ")");
        }
        return null;
    }

    /** The API's JSON mapper. */
    ObjectMapper json() {
        return json;
    }

    /** Stops every long poll of the Mail tab (the listener is stopping). */
    void wakeWaiting() {
        mail.wakeAll();
    }

    /** 200 with {@code node} as (pretty) JSON. */
    Reply ok(Object node) {
        try {
            return Reply.json(200, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            return error(500, e.getMessage());
        }
    }

    static Reply notAllowed(String allow) {
        return errorStatic(405, "method not allowed; allowed: " + allow).with("Allow", allow);
    }

    private static Reply unauthorized() {
        return errorStatic(401, "a bearer token is required: Authorization: Bearer TOKEN")
                .with("WWW-Authenticate", "Bearer realm=\"netloom-admin\"");
    }

    /** {@code {"error": message}} with {@code status}. */
    Reply error(int status, String message) {
        return errorStatic(status, message);
    }

    static Reply errorStatic(int status, String message) {
        ObjectNode n = ERRORS.createObjectNode();
        n.put("error", message);
        n.put("status", status);
        return Reply.json(status, (n.toString() + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
