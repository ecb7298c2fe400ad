package dev.netloom;

import dev.netloom.core.ConfigFile;
import dev.netloom.core.Logging;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.http1.AccessLog;
import dev.netloom.kv.KvService;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.LogManager;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every store keeps its files to its owner: rest.db, the mail store and SQLite's -wal/-shm beside
 * them, the kv append-only file (also after a rewrite, which replaces it with a temporary file),
 * and the logs (netloom's and the http and rest access logs, also after a rotation) are 0600; the
 * directories netloom makes for them are 0700. The temp directory is
 * opened to 0777 first and nothing depends on the umask (Java cannot change it; the modes are
 * given at creation and set again).
 */
class PrivateStoresTest {

    @TempDir
    Path home;

    @BeforeEach
    void posix() throws Exception {
        assumeTrue(Files.getFileStore(home).supportsFileAttributeView("posix"), "POSIX modes only");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    /** The files in {@code dir} whose names start with {@code prefix}, each checked 0600; at least {@code min} of them. */
    private static List<Path> assertPrivate(Path dir, String prefix, int min) throws Exception {
        assertEquals("rwx------", mode(dir), dir.toString());
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
                assertEquals("rw-------", mode(f), f.toString());
                files.add(f);
            }
        }
        assertTrue(files.size() >= min, "expected " + min + " files " + prefix + "* in " + dir + ": " + files);
        return files;
    }

    @Test
    void restDatabaseAndItsWalAreOwnerOnly() throws Exception {
        ServiceRegistry registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty(home));
        try (registry) {
            Service rest = registry.start("rest", Map.of("port", "0", "migrations", Path.of("db/rest").toAbsolutePath().toString(),
                    "seed", Path.of("db/seed.json").toAbsolutePath().toString(), "access-log", "logs/rest-access.log"));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + rest.address().getPort() + "/users"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada\",\"email\":\"ada@example.test\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, r.statusCode(), r.body());
            List<Path> files = assertPrivate(home.resolve("db"), "rest.db", 1);
            assertTrue(files.stream().anyMatch(f -> f.toString().endsWith("-wal")), "WAL mode: " + files);
            assertPrivate(home.resolve("logs"), "rest-access.log", 1);
        }
    }

    @Test
    void accessLogsAreOwnerOnlyAlsoAfterARotation() throws Exception {
        Path logs = home.resolve("logs");
        try (AccessLog log = new AccessLog(logs.resolve("access.log"), 300, 2)) {
            for (int i = 0; i < 20; i++) {
                log.log("127.0.0.1", "GET /private/" + i + " HTTP/1.1", 200, 5, "-", "test");
                log.flush();
            }
        }
        List<Path> files = assertPrivate(logs, "access.log", 2);
        assertTrue(files.contains(logs.resolve("access.log.1")), "rotated: " + files);
    }

    @Test
    void mailStoreAndItsWalAreOwnerOnly() throws Exception {
        ServiceRegistry registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty(home));
        try (registry) {
            Service smtp = registry.start("smtp", Map.of("port", "0", "api-port", "0", "store", "mail/smtp.db"));
            try (var socket = Net.connect(smtp); var in = socket.getInputStream(); var out = socket.getOutputStream()) {
                assertTrue(Net.readLine(in).startsWith("220"));
                out.write(Net.utf8("HELO t\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n"));
                for (String expect : List.of("250", "250", "250", "354")) {
                    assertTrue(Net.readLine(in).startsWith(expect));
                }
                out.write(Net.utf8("Subject: hi\r\n\r\nsecret\r\n.\r\n"));
                assertTrue(Net.readLine(in).startsWith("250"));
            }
            List<Path> files = assertPrivate(home.resolve("mail"), "smtp.db", 1);
            assertTrue(files.stream().anyMatch(f -> f.toString().endsWith("-wal")), "WAL mode: " + files);
        }
    }

    @Test
    void appendOnlyFileIsOwnerOnlyAlsoAfterARewrite() throws Exception {
        Path dir = home.resolve("data/kv");
        try (Service kv = Net.start(KvService.type(), "dir=" + dir);
             Jedis j = new Jedis(kv.address().getHostString(), kv.address().getPort(), 10_000)) {
            j.set("k", "secret");
            assertPrivate(dir, "appendonly.aof", 1);
            j.bgrewriteaof();
            await().atMost(Duration.ofSeconds(20)).until(() -> j.info("persistence").contains("aof_rewrite_in_progress:0")
                    && j.info("persistence").contains("aof_rewrites:1"));
            assertPrivate(dir, "appendonly.aof", 1);
            assertEquals("rwx------", mode(home.resolve("data")));
        }
    }

    @Test
    void logsAreOwnerOnly() throws Exception {
        try {
            Path logs = home.resolve("logs");
            Logging.setup(logs, false);
            System.getLogger("test").log(System.Logger.Level.INFO, "private");
            assertPrivate(logs, "netloom.", 2); // the log and its lock
        } finally {
            LogManager.getLogManager().reset(); // the temp directory goes; no handler may keep writing there
        }
    }
}
