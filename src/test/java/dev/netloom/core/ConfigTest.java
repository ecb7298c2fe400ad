package dev.netloom.core;

import dev.netloom.Catalogue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {

    private final ServiceType echo = Catalogue.all().get(0);

    @Test
    void defaultsThenFileThenOverrides() {
        Settings s = echo.settings(Map.of("port", "9000", "idle-timeout", "30s"), Map.of("port", "0"));
        TcpConfig c = TcpConfig.from(s);
        assertEquals(0, c.port());
        assertEquals(Duration.ofSeconds(30), c.idleTimeout());
        assertEquals(10_000, c.maxConnections());
        assertEquals(Settings.Source.OVERRIDE, s.entries().stream().filter(e -> e.key().name().equals("port"))
                .findFirst().orElseThrow().source());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = ';', value = {
            "port; abc; echo.port: 'abc' is not valid: expected an integer 0-65535",
            "port; 70000; echo.port: '70000' is not valid: expected an integer 0-65535",
            "max-connections; 0; echo.max-connections: '0' is not valid: expected an integer 1-1000000",
            "idle-timeout; soon; echo.idle-timeout: 'soon' is not valid: expected a duration",
            "nope; 1; echo.nope: unknown key; echo has host, port",
    })
    void badValuesNameTheKeyAndWhatWasExpected(String key, String value, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> echo.settings(Map.of(), Map.of(key, value)));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"500ms,500", "30s,30000", "2m,120000", "1h,3600000", "7,7000", "0,0"})
    void durations(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), Key.parseDuration(text));
        assertEquals(Duration.ofMillis(millis), Key.parseDuration(Key.formatDuration(Duration.ofMillis(millis))));
    }

    @Test
    void sizesTakeUnits() {
        Key<Integer> k = Key.size("max-line", 1, 1, 1 << 20, "");
        assertEquals(8192, k.parse("upper", "8KiB"));
        assertEquals(1 << 20, k.parse("upper", "1 MiB"));
        assertThrows(ConfigException.class, () -> k.parse("upper", "2MiB"));
    }

    @ParameterizedTest
    @CsvSource({"0,0", "1000,1000", "1024,1KiB", "8192,8KiB", "65507,65507", "1572864,1536KiB", "67108864,64MiB",
            "1073741824,1GiB", "3221225472,3GiB"})
    void sizesAreWrittenInTheLargestUnitThatDividesThem(long bytes, String text) {
        assertEquals(text, Key.formatSize(bytes));
        assertEquals(bytes, Key.parseSize(text));
        assertTrue(Key.size("max-body", 1, 1, 2, "").isSize());
        assertTrue(!Key.integer("queue", 1, 1, 2, "").isSize());
    }

    @Test
    void fileIsCheckedWhenLoaded(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("netloom.properties");
        Files.writeString(f, "echo.port=7100\nudp-echo.max-datagram=1KiB\n");
        ConfigFile file = ConfigFile.load(f, true, Catalogue.all());
        assertEquals(Map.of("port", "7100"), file.entries("echo"));
        assertEquals(Map.of("max-datagram", "1KiB"), file.entries("udp-echo"));

        Files.writeString(f, "ecko.port=7100\n");
        assertTrue(assertThrows(ConfigException.class, () -> ConfigFile.load(f, true, Catalogue.all()))
                .getMessage().contains("'ecko.port' names no service"));
        Files.writeString(f, "upper.max-line=huge\n");
        assertTrue(assertThrows(ConfigException.class, () -> ConfigFile.load(f, true, Catalogue.all()))
                .getMessage().startsWith("upper.max-line: 'huge' is not valid"));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigFile.load(f, true, Catalogue.all()))
                .getMessage().endsWith(" (in " + f + ")"), "names the file, which a shell's start reads again");
        Files.writeString(f, "upper.max-line=1KiB\n");
        Files.writeString(dir.resolve(ConfigFile.LOCAL), "upper.max-line=bigger\n");
        assertTrue(assertThrows(ConfigException.class, () -> ConfigFile.load(f, true, Catalogue.all(), dir))
                .getMessage().endsWith(" (in " + dir.resolve(ConfigFile.LOCAL) + ")"), "the local file when it set the key");
    }

    @Test
    void missingFileIsAnErrorOnlyWhenNamed(@TempDir Path dir) {
        Path f = dir.resolve("absent.properties");
        assertEquals(Map.of(), ConfigFile.load(f, false, Catalogue.all()).entries("echo"));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigFile.load(f, true, Catalogue.all()))
                .getMessage().contains("does not exist"));
    }

    @Test
    void theLocalFileComesAfterTheFileAndBeforeOverrides(@TempDir Path home) throws IOException {
        Path f = home.resolve("netloom.properties");
        Files.writeString(f, "echo.port=7100\necho.max-connections=5\n");
        Files.writeString(home.resolve(ConfigFile.LOCAL), "echo.max-connections=6\necho.idle-timeout=9s\n");
        ConfigFile file = ConfigFile.load(f, true, Catalogue.all(), home);
        Settings s = echo.settings(file.entries("echo"), file.localEntries("echo"), Map.of("idle-timeout", "1s"), home);
        Map<String, Settings.Source> sources = new HashMap<>();
        s.entries().forEach(e -> sources.put(e.key().name(), e.source()));
        assertEquals(Settings.Source.FILE, sources.get("port"));
        assertEquals(Settings.Source.LOCAL, sources.get("max-connections"));
        assertEquals(Settings.Source.OVERRIDE, sources.get("idle-timeout"));
        assertEquals(6, TcpConfig.from(s).maxConnections());
        assertEquals(Duration.ofSeconds(1), TcpConfig.from(s).idleTimeout());

        Files.writeString(home.resolve(ConfigFile.LOCAL), "ecko.port=1\n");
        assertTrue(assertThrows(ConfigException.class, file::reload).getMessage()
                .startsWith(home.resolve(ConfigFile.LOCAL) + ": key 'ecko.port' names no service"));
    }

    @Test
    void savingToTheLocalFileReplacesKeysKeepsTheRestAndIsOwnerOnly(@TempDir Path home) throws IOException {
        Path local = home.resolve(ConfigFile.LOCAL);
        Files.writeString(local, "# mine\nftp.users=bob\nftp.user.bob.password=x\n");
        assertEquals(local, LocalFile.save(home, Map.of("ftp.users", "bob,alice", "ftp.user.alice.password", "h$a/b=")));
        assertEquals(List.of("# mine", "ftp.users=bob,alice", "ftp.user.bob.password=x", "ftp.user.alice.password=h$a/b="),
                Files.readAllLines(local));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(local)));
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(local)) {
            p.load(r);
        }
        assertEquals("h$a/b=", p.getProperty("ftp.user.alice.password"));
    }

    @Test
    void debugLoggingDoesNotLogTheJvmsExit(@TempDir Path logs) {
        System.setProperty("netloom.log", "debug");
        try {
            Logging.setup(logs, false);
            assertTrue(System.getLogger(ConfigTest.class.getName()).isLoggable(System.Logger.Level.DEBUG));
            System.gc(); // the level must survive a collection of the logger object
            assertTrue(!System.getLogger("java.lang.Runtime").isLoggable(System.Logger.Level.DEBUG),
                    "Runtime.exit would log a stack trace at DEBUG");
        } finally {
            System.clearProperty("netloom.log");
            Logging.setup(logs, false);
        }
    }
}
