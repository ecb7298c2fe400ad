package dev.netloom.core;

import dev.netloom.Catalogue;
import dev.netloom.testing.Net;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lifecycle through the registry, as the shell drives it. */
class ServiceRegistryTest {

    private static ServiceRegistry registry() {
        return new ServiceRegistry(Catalogue.all(), ConfigFile.empty());
    }

    @Test
    void startStopRestart() throws IOException {
        try (ServiceRegistry r = registry()) {
            Service first = r.start("echo", Map.of("port", "0"));
            assertEquals(ServiceState.RUNNING, first.state());
            assertNotEquals(0, first.address().getPort());
            try (Socket s = new Socket(first.address().getAddress(), first.address().getPort())) {
                s.getOutputStream().write(Net.utf8("ping\n"));
                assertEquals("ping", Net.readLine(s.getInputStream()));
            }
            assertTrue(assertThrows(ServiceException.class, () -> r.start("echo", Map.of()))
                    .getMessage().startsWith("echo is already running"));

            Service second = r.restart("echo");
            assertEquals(ServiceState.STOPPED, first.state(), "an instance is used once");
            assertEquals(ServiceState.RUNNING, second.state());
            assertEquals("0", second.settings().entries().stream()
                    .filter(e -> e.key().name().equals("port")).findFirst().orElseThrow().text(), "restart keeps overrides");

            StopResult stop = r.stop("echo", Duration.ofSeconds(1));
            assertTrue(stop.graceful());
            assertEquals(ServiceState.STOPPED, second.state());
            assertThrows(ServiceException.class, () -> r.stop("echo", null));
            assertTrue(assertThrows(ServiceException.class, second::start).getMessage().contains("already started"));
        }
    }

    @Test
    void takenPortFailsWithAClearMessage() throws IOException {
        try (ServiceRegistry r = registry()) {
            ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            int port = taken.getLocalPort();
            try (taken) {
                ServiceException e = assertThrows(ServiceException.class,
                        () -> r.start("upper", Map.of("port", String.valueOf(port))));
                assertEquals("upper: address already in use: 127.0.0.1:" + port
                        + " (another process listens there; pick another with port=)", e.getMessage());
                Service failed = r.instance("upper").orElseThrow();
                assertEquals(ServiceState.FAILED, failed.state());
                assertTrue(failed.failure().isPresent());
            }
            // a failed service can be started again once the port is free
            assertEquals(ServiceState.RUNNING, r.start("upper", Map.of("port", String.valueOf(port))).state());
        }
    }

    @Test
    void udpPortTakenFailsToo() throws IOException {
        try (ServiceRegistry r = registry(); DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            ServiceException e = assertThrows(ServiceException.class,
                    () -> r.start("udp-echo", Map.of("port", String.valueOf(taken.getLocalPort()))));
            assertTrue(e.getMessage().startsWith("udp-echo: address already in use: 127.0.0.1:" + taken.getLocalPort()),
                    e.getMessage());
            assertEquals(ServiceState.FAILED, r.instance("udp-echo").orElseThrow().state());
        }
    }

    @Test
    void unknownServiceAndBadOverridesStartNothing() {
        try (ServiceRegistry r = registry()) {
            assertTrue(assertThrows(ConfigException.class, () -> r.start("ecko", Map.of()))
                    .getMessage().startsWith("unknown service 'ecko'; services are echo, upper"));
            assertThrows(ConfigException.class, () -> r.start("echo", Map.of("port", "-1")));
            assertTrue(r.instance("echo").isEmpty());
        }
    }

    @Test
    void theConfigFilesAreReadAtEveryStartAndRestartAddsOverrides(@TempDir Path home) throws IOException {
        Path file = home.resolve("netloom.properties");
        Files.writeString(file, "ping.port=0\nping.loss=0.1\n");
        try (ServiceRegistry r = new ServiceRegistry(Catalogue.all(), ConfigFile.load(file, true, Catalogue.all(), home))) {
            Service first = r.start("ping", Map.of("delay", "5ms"));
            assertEquals("0.1", text(first, "loss"));

            Files.writeString(file, "ping.port=0\nping.loss=0.2\nping.jitter=1ms\n");
            Service second = r.restart("ping", Map.of("loss", "0.3"));
            assertEquals("0.3", text(second, "loss"), "an override given to restart wins over the file");
            assertEquals("5ms", text(second, "delay"), "restart keeps the previous start's overrides");
            assertEquals("1ms", text(second, "jitter"), "restart reads the file as it is now");

            assertThrows(ConfigException.class, () -> r.restart("ping", Map.of("loss", "lots")));
            assertEquals(ServiceState.RUNNING, second.state(), "a bad value leaves the running instance alone");

            Files.writeString(home.resolve(ConfigFile.LOCAL), "ping.loss=0.5\n");
            ServiceRegistry.Reload reload = r.reload();
            assertEquals(List.of("jitter=1ms added", "loss 0.1 -> 0.5"), reload.changes("ping"));
            assertEquals(List.of(), reload.changes("echo"));
            assertEquals("0.3", text(second, "loss"), "a running instance keeps its settings");
            assertEquals(Settings.Source.LOCAL, r.settings("ping", Map.of()).entries().stream()
                    .filter(e -> e.key().name().equals("loss")).findFirst().orElseThrow().source());
            assertEquals(List.of(), r.reload().changes("ping"), "nothing changed since the last reload");

            Files.writeString(file, "ping.loss=often\n");
            assertTrue(assertThrows(ConfigException.class, () -> r.start("echo", Map.of("port", "0")))
                    .getMessage().startsWith("ping.loss: 'often' is not valid"), "start reports a file that no longer checks");
        }
    }

    private static String text(Service s, String key) {
        return s.settings().entries().stream().filter(e -> e.key().name().equals(key)).findFirst().orElseThrow().text();
    }

    @Test
    void startFailuresNameTheKeyAndWhatIsWrong(@TempDir Path home) throws IOException {
        try (ServiceRegistry r = new ServiceRegistry(Catalogue.all(), ConfigFile.empty(home))) {
            Path missing = home.resolve("nonexistent");
            ServiceException e = assertThrows(ServiceException.class, () -> r.start("http",
                    Map.of("port", "0", "root", missing.toString(), "access-log", "off")));
            assertEquals("http: root " + missing + ": no such file or directory (http.root)", e.getMessage());
            e = assertThrows(ServiceException.class, () -> r.start("http", Map.of("port", "0", "root", "nonexistent",
                    "access-log", "off")));
            assertEquals("http: root " + missing + ": no such file or directory (http.root)", e.getMessage(),
                    "a relative path is shown resolved against the home");
            Path file = Files.writeString(home.resolve("file"), "not a directory");
            e = assertThrows(ServiceException.class, () -> r.start("http", Map.of("port", "0", "root", home.toString(),
                    "access-log", file.resolve("logs/access.log").toString())));
            assertTrue(e.getMessage().startsWith("http: access-log " + file.resolve("logs/access.log") + " ("), e.getMessage());
            assertTrue(e.getMessage().endsWith(" (http.access-log)"), e.getMessage());
            assertTrue(e.getMessage().contains("a file where a directory is needed")
                    || e.getMessage().contains("not a directory"), e.getMessage());
            e = assertThrows(ServiceException.class, () -> r.start("http", Map.of("port", "0", "root", file.toString(),
                    "access-log", "off")));
            assertEquals("http: root " + file + ": not a directory (http.root)", e.getMessage());
            e = assertThrows(ServiceException.class, () -> r.start("ftp", Map.of("port", "0", "root", file.toString())));
            assertEquals("ftp: root " + file + ": not a directory (ftp.root)", e.getMessage(),
                    "not a server that starts and answers every login 530");
            e = assertThrows(ServiceException.class, () -> r.start("echo", Map.of("port", "0", "host", "192.0.2.1")));
            assertEquals("echo: cannot listen on 192.0.2.1:0: 192.0.2.1 is not an address of this machine"
                    + " (pick another with host=, e.g. 127.0.0.1 or 0.0.0.0)", e.getMessage());
        }
    }

    @Test
    void aPrivilegedPortIsExplained() {
        // as the JDK reports a bind below 1024 without root or CAP_NET_BIND_SERVICE (the tests may run as root)
        Settings low = Catalogue.all().get(0).settings(Map.of(), Map.of("port", "80"));
        assertEquals("echo: permission denied to listen on 127.0.0.1:80 (ports below 1024 need root or"
                        + " CAP_NET_BIND_SERVICE; pick one above 1023 with port=)",
                StartFailure.describe(low, new BindException("Permission denied")));
        Settings high = Catalogue.all().get(0).settings(Map.of(), Map.of("port", "8080"));
        assertEquals("echo: permission denied to listen on 127.0.0.1:8080 (pick another with port=)",
                StartFailure.describe(high, new SocketException("Permission denied")));
    }

    @Test
    void anFtpServerNobodyCanLogIntoDrawsAWarning(@TempDir Path home) throws IOException {
        try (ServiceRegistry r = new ServiceRegistry(Catalogue.all(), ConfigFile.empty(home))) {
            Service ftp = r.start("ftp", Map.of("port", "0", "root", home.toString()));
            List<String> warnings = r.type("ftp").warnings(ftp.settings());
            assertEquals(1, warnings.size());
            assertTrue(warnings.get(0).startsWith("ftp: no user can log in (ftp.users is empty and ftp.anonymous is false);"
                    + " add one with `ftp-passwd --user NAME --save`"), warnings.get(0));
            Files.createDirectories(home.resolve("pub"));
            Service anonymous = r.restart("ftp", Map.of("anonymous", "true"));
            assertEquals(List.of(), r.type("ftp").warnings(anonymous.settings()));
            assertEquals(List.of(), r.type("echo").warnings(r.settings("echo", Map.of())));
            assertTrue(r.type("smtp").warnings(r.settings("smtp", Map.of("auth-required", "true"))).get(0)
                    .startsWith("smtp: no client can send (smtp.auth-required is true and smtp.users is empty"));
            assertEquals(List.of(), r.type("smtp").warnings(r.settings("smtp", Map.of())));
        }
    }
}
