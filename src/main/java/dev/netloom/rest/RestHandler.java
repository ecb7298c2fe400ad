package dev.netloom.rest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Routes every request of the {@code rest} service, after {@code rest.delay} and the custom
 * {@link Routes}: {@code /}, {@code /openapi.json}, {@code /db}, {@code /{singular}},
 * {@code /{collection}}, {@code /{collection}/{id}} and {@code /{parent}/{id}/{collection}}; checks the method (405 with Allow,
 * 501 for methods HTTP does not define), answers CORS preflights, and turns every failure
 * into a problem document: a {@link Problem} as itself, a database error as {@link DbErrors} says
 * (507 for a full disk, else 500 or 503; the driver's text only in the log).
 */
final class RestHandler implements HttpHandler {

    private static final System.Logger LOG = System.getLogger(RestHandler.class.getName());
    private static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");
    /** Every id from 1 to {@link Json#MAX_ID}, which has 16 digits. */
    private static final Pattern ID = Pattern.compile("[1-9][0-9]{0,15}");
    private static final Pattern HEADER_LIST = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+(\\s*,\\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*");

    private final RestService service;
    private final RestConfig config;
    private final Store store;
    private final Routes routes;
    private final Reads reads;
    private final Writes writes;

    RestHandler(RestService service, Store store, Routes routes) {
        this.service = service;
        this.config = service.config();
        this.store = store;
        this.routes = routes;
        this.reads = new Reads(config, store);
        this.writes = new Writes(config, store);
    }

    @Override
    public void handle(HttpExchange http) throws IOException {
        RestExchange x = service.begin(http);
        try {
            route(x);
        } catch (Problem p) {
            reply(x, p);
        } catch (SQLException e) {
            // the driver's text goes to the log, not to the client; a full disk's trace once, by the store
            if (DbErrors.diskFull(e)) {
                LOG.log(Level.WARNING, "rest: " + x.requestLine() + ": refused, the database's disk is full");
            } else {
                LOG.log(Level.ERROR, "rest: " + x.requestLine() + ": database error", e);
            }
            reply(x, DbErrors.problem(e, !x.method().equals("GET") && !x.method().equals("HEAD")));
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "rest: " + x.requestLine() + ": " + e);
        } catch (InterruptedException e) {
            // the service is stopping while the request waited out rest.delay
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "rest: " + x.requestLine() + ": unexpected error", e);
            reply(x, new Problem(500, "unexpected error; see the server log"));
        } finally {
            service.end(x);
            http.close();
            service.latency().recordSince(x.startNanos);
        }
    }

    private static void reply(RestExchange x, Problem p) throws IOException {
        if (!x.sent()) {
            x.problem(p);
        }
    }

    /** What a path names; each kind has its methods. */
    private enum Kind {
        ROOT("GET, HEAD, OPTIONS"), OPENAPI("GET, HEAD, OPTIONS"), DB("GET, HEAD, OPTIONS"),
        SINGULAR("GET, HEAD, PUT, PATCH, OPTIONS"), COLLECTION("GET, HEAD, POST, OPTIONS"),
        ITEM("GET, HEAD, PUT, PATCH, DELETE, OPTIONS"), NESTED("GET, HEAD, POST, OPTIONS");

        final String allow;

        Kind(String allow) {
            this.allow = allow;
        }

        boolean special() {
            return this == ROOT || this == OPENAPI || this == DB;
        }
    }

    private void route(RestExchange x) throws IOException, SQLException, InterruptedException {
        String method = x.method();
        if (!KNOWN_METHODS.contains(method)) {
            throw new Problem(501, "method " + method + " is not implemented");
        }
        cors(x);
        if (!config.delay().isZero()) {
            Thread.sleep(config.delay());
        }
        routes.apply(x);
        String path = x.path();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String[] seg = path.equals("/") ? new String[0] : path.substring(1).split("/", -1);
        if (!path.startsWith("/") || seg.length > 3) {
            throw Problem.notFound("no resource at " + x.path());
        }
        Kind kind = switch (seg.length) {
            case 0 -> Kind.ROOT;
            case 1 -> seg[0].equals("openapi.json") ? Kind.OPENAPI : seg[0].equals("db") ? Kind.DB
                    : store.singulars().contains(seg[0]) ? Kind.SINGULAR : Kind.COLLECTION;
            case 2 -> Kind.ITEM;
            default -> Kind.NESTED;
        };
        String allow = config.readOnly() ? "GET, HEAD, OPTIONS" : kind.allow;
        if (method.equals("OPTIONS")) {
            options(x, allow);
            return;
        }
        if (!List.of(allow.split(", ")).contains(method)) {
            String why = config.readOnly() && !kind.special() && !Set.of("TRACE", "CONNECT").contains(method)
                    ? "the API is read-only (rest.read-only=true)" : method + " is not allowed on " + x.path();
            throw new Problem(405, why).header("Allow", allow);
        }
        boolean read = method.equals("GET") || method.equals("HEAD");
        switch (kind) {
            case ROOT -> reads.root(x);
            case OPENAPI -> reads.openapi(x);
            case DB -> reads.database(x);
            case SINGULAR -> {
                if (read) {
                    reads.singular(x, seg[0]);
                } else {
                    writes.singular(x, seg[0]);
                }
            }
            case COLLECTION -> {
                if (read) {
                    reads.list(x, seg[0], null, 0);
                } else {
                    writes.create(x, seg[0], null, 0);
                }
            }
            case NESTED -> {
                long parentId = id(seg[1]);
                if (read) {
                    reads.list(x, seg[2], seg[0], parentId);
                } else {
                    writes.create(x, seg[2], seg[0], parentId);
                }
            }
            case ITEM -> {
                long id = id(seg[1]);
                switch (method) {
                    case "GET", "HEAD" -> reads.item(x, seg[0], id);
                    case "PUT" -> writes.replace(x, seg[0], id);
                    case "PATCH" -> writes.patch(x, seg[0], id);
                    default -> writes.delete(x, seg[0], id);
                }
            }
        }
    }

    private static long id(String text) {
        if (!ID.matcher(text).matches() || Long.parseLong(text) > Json.MAX_ID) {
            throw Problem.notFound("no item '" + text + "': ids are whole numbers from 1 to " + Json.MAX_ID);
        }
        return Long.parseLong(text);
    }

    private boolean originAllowed(String origin) {
        return config.corsOrigins().contains("*") || config.corsOrigins().contains(origin);
    }

    /** CORS response headers on every answer to an allowed origin. */
    private void cors(RestExchange x) {
        String origin = x.header("Origin");
        if (origin == null || !originAllowed(origin)) {
            return;
        }
        if (config.corsOrigins().contains("*")) {
            x.out().set("Access-Control-Allow-Origin", "*");
        } else {
            x.out().set("Access-Control-Allow-Origin", origin);
            x.out().add("Vary", "Origin");
        }
        x.out().set("Access-Control-Expose-Headers", "ETag, Location, Link, X-Total-Count");
    }

    /** A CORS preflight (OPTIONS with Origin and Access-Control-Request-Method), or a plain OPTIONS. */
    private void options(RestExchange x, String allow) throws IOException {
        x.out().set("Allow", allow);
        String origin = x.header("Origin");
        String asked = x.header("Access-Control-Request-Method");
        if (origin != null && asked != null && originAllowed(origin)) {
            x.out().set("Access-Control-Allow-Methods", allow);
            String headers = x.header("Access-Control-Request-Headers");
            x.out().set("Access-Control-Allow-Headers", headers != null && HEADER_LIST.matcher(headers.strip()).matches()
                    ? headers.strip() : "Content-Type, If-Match, If-None-Match");
            x.out().set("Access-Control-Max-Age", "600");
        }
        x.send(204, null, null);
    }
}
