package dev.netloom.shell;

import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service commands and the shell's usage errors through {@link Shell#execute}, against real
 * services on port 0 and a config file in a temporary netloom home that the test edits while
 * the shell runs.
 */
class ServiceCommandsTest {

    @TempDir
    Path home;
    private Path file;
    private ServiceRegistry registry;
    private ScriptShell shell;

    @BeforeEach
    void open() throws IOException {
        file = home.resolve("netloom.properties");
        Files.writeString(file, "ping.port=0\nupper.port=0\n");
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.load(file, false, Catalogue.all(), home));
        shell = new ScriptShell(registry, home.resolve("logs"));
    }

    @AfterEach
    void close() {
        registry.stopAll();
    }

    private String run(int expectedCode, String line) {
        return shell.run(expectedCode, line);
    }

    @Test
    void anEditToTheFileIsUsedByTheNextStartAndRestartTakesOverrides() throws IOException {
        run(0, "start ping loss=0.1");
        Files.writeString(file, "ping.port=0\nping.delay=20ms\nupper.port=0\n");
        String restarted = run(0, "restart ping loss=0.3");
        assertTrue(restarted.startsWith("ping listening on 127.0.0.1:"), restarted);
        String config = run(0, "config ping");
        assertTrue(config.matches("(?s).*ping\\.loss\\s+0\\.3\\s+override.*"), config);
        assertTrue(config.matches("(?s).*ping\\.delay\\s+20ms\\s+file.*"), config);

        Files.writeString(file, "ping.port=0\nping.delay=50ms\nupper.port=0\n");
        String reload = run(0, "config reload");
        assertTrue(reload.startsWith("read " + file + "\n"), reload);
        assertTrue(reload.contains("ping: delay=50ms added (running with its old config until `restart ping`)\n"), reload);
        assertTrue(reload.endsWith("running services keep their config until restarted: restart ping to apply\n"), reload);
        assertTrue(run(0, "config ping").matches("(?s).*ping\\.delay\\s+20ms\\s+file.*"), "the running instance's config");
        assertTrue(run(0, "config reload").contains("no changes since the shell started or the last `config reload`"));

        String bad = run(2, "restart ping loss=lots");
        assertTrue(bad.startsWith("error: ping.loss: 'lots' is not valid"), bad);
        assertEquals("RUNNING", registry.instance("ping").orElseThrow().state().name());
    }

    @Test
    void reloadDoesNotCallARestartedServiceStaleWhenItAlreadyReadTheEdit() throws IOException {
        run(0, "start ping");
        Files.writeString(file, "ping.port=0\nping.delay=50ms\nupper.port=0\n");
        run(0, "restart ping");
        String reload = run(0, "config reload");
        assertTrue(reload.contains("ping: delay=50ms added (the running ping already uses it)\n"), reload);
        assertTrue(reload.endsWith("running services keep their config until restarted; the next start reads the new one\n"), reload);

        Files.writeString(file, "ping.port=0\nupper.port=0\n");
        reload = run(0, "config reload");
        assertTrue(reload.contains("ping: delay removed (running with its old config until `restart ping`)\n"), reload);
    }

    @Test
    void servicesShowsTheConfiguredPortAndTheLiveAddress() throws IOException {
        Files.writeString(file, "ping.port=0\nupper.port=0\nkv.port=16380\n");
        run(0, "start upper");
        int port = registry.running("upper").address().getPort();
        String services = run(0, "services");
        assertTrue(services.startsWith("SERVICE"), services);
        assertTrue(services.matches("(?s).*\\nkv\\s+tcp\\s+16380\\s+-\\s+-\\s+Redis.*"), services);
        assertTrue(services.matches("(?s).*\\nupper\\s+tcp\\s+0\\s+RUNNING\\s+127\\.0\\.0\\.1:" + port + "\\s+TCP line.*"), services);
        assertTrue(services.matches("(?s).*\\necho\\s+tcp\\s+7007\\s+-\\s+-\\s+TCP echo.*"), services);
    }

    @Test
    void dashDashHelpOnAnyCommandPrintsItsUsage() {
        for (String command : new String[] {"start", "stop", "restart", "kill", "send", "config", "logs", "ftp-passwd"}) {
            String help = run(0, command + " --help");
            assertTrue(help.startsWith("Usage:  " + command + " "), help);
            assertEquals(run(0, "help " + command), help, "the same as help " + command);
        }
        assertTrue(run(0, "start echo --help").startsWith("Usage:  start "));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "kill echo abc|error: CONN-ID: 'abc' is not a whole number",
            "start nosuch|error: unknown service 'nosuch'; services are echo",
            "start echo foo|error: 'foo' is not key=value (see `config echo` for keys)",
            "start echo port=abc|error: echo.port: 'abc' is not valid: expected an integer 0-65535",
            "restart|error: missing SERVICE (service name (see `services`))",
            "stop echo --grace soon|error: --grace: 'soon' is not a duration such as 500ms, 10s, 1m (DURATION: grace period",
            "send foo x|error: URL: 'foo' is not tcp://HOST:PORT or udp://HOST:PORT",
            "logs -n x|error: -n: 'x' is not a whole number (N: lines to show (default 20))",
            "logs echo --access|error: echo keeps no access log",
            "status echo --bogus|error: unknown option '--bogus'",
            "mail|error: missing a subcommand: send, list, show, raw, save, delete",
            "mail list --limit abc|error: --limit: 'abc' is not a whole number (N: at most N messages (default 50))",
            "ftp-passwd --save|error: --save needs --user NAME",
            "ftp-passwd --user a.b|error: --user: 'a.b' is not a user name",
            "help nosuch|error: unknown command 'nosuch'\n(`help` lists the commands)\n",
    })
    void usageErrorsExitTwoWithWordsNotPicocliMessages(String line, String message) {
        int expected = line.startsWith("logs echo") ? 1 : 2;
        String o = run(expected, line);
        assertTrue(o.startsWith(message), o);
        if (expected == 2 && o.contains("\nusage: ")) {
            assertTrue(o.contains("` for details)"), o);
        }
        assertTrue(!o.contains("Invalid value") && !o.contains("is not an int") && !o.contains("is not a long"), o);
    }

    @Test
    void everyCommandsSummaryIsOneWholeSentenceThatFitsItsLine() {
        assertTrue(run(0, "help serve").startsWith("serve is not a shell command"));
        String help = run(0, "help");
        String list = help.substring(help.indexOf("Commands"));
        for (String line : list.lines().skip(1).toList()) {
            assertTrue(line.matches("  \\S.*\\S\\.$"), "a summary wrapped or not a sentence: '" + line + "'");
        }
        List<String> bad = new ArrayList<>();
        checkSummaries(shell.shell.commandLine(), bad);
        assertEquals(List.of(), bad, "summaries that are not one sentence of at most 62 characters");
    }

    private static void checkSummaries(CommandLine cl, List<String> bad) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            // what picocli's command list shows: the header's first line, else the description's
            String[] d = sub.getCommandSpec().usageMessage().header();
            d = d.length > 0 ? d : sub.getCommandSpec().usageMessage().description();
            String summary = d.length == 0 ? "" : d[0];
            if (!summary.endsWith(".") || summary.length() > 62) {
                bad.add(sub.getCommandSpec().qualifiedName() + ": '" + summary + "'");
            }
            checkSummaries(sub, bad);
        }
    }

    @Test
    void logsAccessShowsTheHttpAccessLog() throws Exception {
        Path www = Files.createDirectories(home.resolve("www"));
        Files.writeString(www.resolve("index.html"), "hi\n");
        run(0, "start http port=0 root=" + www + " access-log=logs/web.log");
        int port = registry.running("http").address().getPort();
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html"))
                    .header("User-Agent", "access-test").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            // a second request on the same connection: the first one's line is then surely logged
            // (after its response), though not yet flushed by the log's once-a-second flusher
            assertEquals(404, client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/second")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
        String access = run(0, "logs http --access -n 2");
        assertTrue(access.matches("127\\.0\\.0\\.1 - - \\[.*] \"GET /index\\.html HTTP/1\\.1\" 200 3 \"-\" \"access-test\"\n(?s).*"),
                "logs --access shows a request made just before, not a second later: " + access);
        run(0, "restart http access-log=off");
        assertTrue(run(1, "logs http --access").startsWith("error: http's access log is off (http.access-log=off)"));
    }

    @Test
    void startWarnsOfAnFtpServerNobodyCanLogInto() throws IOException {
        try (LogCapture log = LogCapture.of(ServiceRegistry.class)) {
            String o = run(0, "start ftp port=0 root=" + Files.createDirectories(home.resolve("ftp")));
            assertTrue(o.matches("ftp listening on 127\\.0\\.0\\.1:\\d+ \\(tcp\\)\nwarning: ftp: no user can log in .*\n"), o);
            assertTrue(log.records().stream().anyMatch(r -> r.getLevel() == Level.WARNING
                    && r.getMessage().startsWith("ftp: no user can log in")), "the warning is logged too");
        }
    }
}
