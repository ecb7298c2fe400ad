package dev.netloom.rest;

import dev.netloom.core.Key;
import dev.netloom.core.Settings;
import dev.netloom.core.TcpConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Settings of the {@code rest} service.
 *
 * @param host            address to listen on (127.0.0.1)
 * @param port            port (8081; 0 = any free port)
 * @param backlog         listen queue length (1024)
 * @param grace           how long stop lets requests in progress finish (5s)
 * @param jdbcUrl         {@code jdbc:sqlite:…} built from a path ({@code db/rest.db}), or any JDBC URL given as is
 * @param migrations      directory holding {@code sqlite/} and {@code postgresql/} versioned SQL files (db/rest)
 * @param seed            JSON file {@code {"collection":[{…},…]}} loaded into an empty database (db/seed.json), if any
 * @param collections     collections that always exist (users)
 * @param autoCollections whether a POST to an unknown collection creates it (false: 404)
 * @param readOnly        refuse every write with 405 (false)
 * @param corsOrigins     origins allowed by CORS; {@code *} for any, empty for none (*)
 * @param maxBody         largest request body in bytes (1 MiB), else 413
 * @param maxPerPage      largest page, and the page size of a list asked for without {@code _page} (1000)
 * @param readers         database connections used for reads (4)
 * @param cacheItems      items kept in memory for GET by id (10000; 0 = none)
 * @param accessLog       Combined Log Format file, or empty for none (logs/rest-access.log)
 * @param watch           reload the seed file into the database whenever it changes (false)
 * @param routes          json-server's rewrite rules ({@code {"/api/*": "/$1"}}), if any (none)
 * @param delay           how long every request waits before it is handled (0: none)
 * @param foreignKeySuffix what follows a singular collection name in a field that points at one
 *                        of its items: {@code userId} points into {@code users} (Id)
 */
public record RestConfig(String host, int port, int backlog, Duration grace, String jdbcUrl, Path migrations,
                         Optional<Path> seed, List<String> collections, boolean autoCollections, boolean readOnly,
                         List<String> corsOrigins, int maxBody, int maxPerPage, int readers,
                         int cacheItems, Optional<Path> accessLog, boolean watch, Optional<Path> routes,
                         Duration delay, String foreignKeySuffix) {

    public static final int DEFAULT_PORT = 8081;
    /** Collection names: what a URL segment may hold without escaping, and short. */
    public static final Pattern COLLECTION = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    private static final Pattern FOREIGN_KEY = Pattern.compile("[A-Za-z0-9_]{1,32}");

    public static final Key<String> DB = Key.string("db", "db/rest.db",
            "SQLite file (relative to the netloom home) or a JDBC URL"
                    + " (jdbc:postgresql://127.0.0.1:5432/netloom?user=netloom&password=secret)");
    public static final Key<String> MIGRATIONS = Key.string("migrations", "db/rest",
            "directory of versioned schema files (sqlite/, postgresql/)");
    public static final Key<String> SEED = Key.string("seed", "db/seed.json",
            "JSON loaded into an empty database ({\"users\":[…]}), or off; a file that is missing or does not parse"
                    + " stops the start");
    public static final Key<String> COLLECTIONS = Key.string("collections", "users",
            "collections that always exist, comma-separated");
    public static final Key<Boolean> AUTO_COLLECTIONS = Key.bool("auto-collections", false,
            "a POST to an unknown collection creates it (else 404)");
    public static final Key<Boolean> READ_ONLY = Key.bool("read-only", false, "refuse every write with 405");
    public static final Key<String> CORS_ORIGINS = Key.string("cors-origins", "*",
            "origins allowed to call from a browser: * (any), off, or a comma-separated list");
    public static final Key<Integer> MAX_BODY = Key.size("max-body", 1024 * 1024, 2, 64 * 1024 * 1024,
            "largest request body (else 413)");
    public static final Key<Integer> MAX_PER_PAGE = Key.integer("max-per-page", 1000, 1, 100_000,
            "largest page; a list without _page is cut to this many items");
    public static final Key<Integer> READERS = Key.integer("readers", 4, 1, 64,
            "database connections used for reads");
    public static final Key<Integer> CACHE_ITEMS = Key.integer("cache-items", 10_000, 0, 10_000_000,
            "items kept in memory for GET by id (0 = none); changed only by the writer after commits");
    public static final Key<Boolean> WATCH = Key.bool("watch", false,
            "the seed file is the data: loaded at start and again whenever it changes (json-server --watch);"
                    + " a file that does not load leaves the data as it was");
    public static final Key<String> ROUTES = Key.string("routes", "off",
            "json-server's rewrite rules, a JSON file such as {\"/api/*\": \"/$1\", \"/blog/:id\": \"/posts/:id\"},"
                    + " or off");
    public static final Key<Duration> DELAY = Key.duration("delay", Duration.ZERO,
            "every request waits this long before it is handled (json-server --delay), for testing UIs");
    public static final Key<String> FOREIGN_KEY_SUFFIX = Key.string("foreign-key-suffix", "Id",
            "a field named a singular collection name and this suffix points at one of its items (userId: users)");
    public static final Key<String> ACCESS_LOG = Key.string("access-log", "logs/rest-access.log",
            "access log file in Combined Log Format, or off");

    public RestConfig {
        if (!FOREIGN_KEY.matcher(foreignKeySuffix).matches()) {
            throw new IllegalArgumentException("foreign-key-suffix '" + foreignKeySuffix
                    + "' must be letters, digits or '_' (at most 32)");
        }
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative");
        }
        if (watch && seed.isEmpty()) {
            throw new IllegalArgumentException("watch=true needs a seed file to watch (seed is off)");
        }
        for (String c : collections) {
            if (!COLLECTION.matcher(c).matches() || reserved(c)) {
                throw new IllegalArgumentException("collection name '" + c
                        + "' must be a letter then letters, digits, '_' or '-' (at most 64), and not db");
            }
        }
        collections = List.copyOf(collections);
        corsOrigins = List.copyOf(corsOrigins);
    }

    public static List<Key<?>> keys() {
        return List.of(TcpConfig.HOST, TcpConfig.PORT.withDefault(DEFAULT_PORT), TcpConfig.BACKLOG, TcpConfig.GRACE,
                DB, MIGRATIONS, SEED, COLLECTIONS, AUTO_COLLECTIONS, READ_ONLY, CORS_ORIGINS, MAX_BODY, MAX_PER_PAGE,
                READERS, CACHE_ITEMS, ACCESS_LOG, WATCH, ROUTES, DELAY, FOREIGN_KEY_SUFFIX);
    }

    public static RestConfig from(Settings s) {
        String db = s.get(DB);
        String url = db.startsWith("jdbc:") ? db : "jdbc:sqlite:" + s.path(DB);
        String seed = s.get(SEED);
        String log = s.get(ACCESS_LOG);
        String cors = s.get(CORS_ORIGINS);
        String routes = s.get(ROUTES);
        List<String> origins = cors.equalsIgnoreCase("off") ? List.of() : list(cors);
        return Settings.build(s.service(), () -> new RestConfig(s.get(TcpConfig.HOST), s.get(TcpConfig.PORT),
                s.get(TcpConfig.BACKLOG), s.get(TcpConfig.GRACE), url, s.path(MIGRATIONS),
                seed.equalsIgnoreCase("off") ? Optional.empty() : Optional.of(s.path(SEED)),
                list(s.get(COLLECTIONS)), s.get(AUTO_COLLECTIONS), s.get(READ_ONLY), origins, s.get(MAX_BODY),
                s.get(MAX_PER_PAGE), s.get(READERS), s.get(CACHE_ITEMS),
                log.equalsIgnoreCase("off") ? Optional.empty() : Optional.of(s.path(ACCESS_LOG)), s.get(WATCH),
                routes.equalsIgnoreCase("off") ? Optional.empty() : Optional.of(s.path(ROUTES)), s.get(DELAY),
                s.get(FOREIGN_KEY_SUFFIX)));
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    /** True for a name netloom serves itself, which no collection or singular resource may take: db. */
    public static boolean reserved(String name) {
        return name.equals("db");
    }

    /**
     * The field by which an item points at an item of {@code collection}: its singular and the
     * suffix ({@code users}: {@code userId}; {@code people}: {@code personId}).
     */
    public String foreignKey(String collection) {
        return Inflections.singular(collection) + foreignKeySuffix;
    }

    /** True when the database is SQLite (else PostgreSQL). */
    public boolean sqlite() {
        return jdbcUrl.startsWith("jdbc:sqlite:");
    }
}
