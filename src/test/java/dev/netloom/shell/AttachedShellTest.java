package dev.netloom.shell;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.HostPort;
import dev.netloom.core.Logging;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.core.ServiceState;
import dev.netloom.testing.RawHttpClient;
import dev.netloom.tools.AdminClient;
import org.jline.terminal.Terminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shell attached to a registry's admin listener on 127.0.0.1:0 (as {@code netloom attach}
 * runs it, in this JVM): its commands act on that registry's services through the JSON API and
 * print what the local shell prints; its errors are the shell's, with the same exit codes.
 */
class AttachedShellTest {

    @TempDir
    Path home;
    ServiceRegistry registry;
    AdminClient client;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    Shell shell;

    @BeforeEach
    void start() {
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty(home));
        registry.start("echo", Map.of("port", "0"));
        int admin = registry.start("admin", Map.of("port", "0", "metrics-token", "scrape-only-secret-1")).address().getPort();
        client = new AdminClient(new HostPort("127.0.0.1", admin), null);
        shell = Shell.attached(client, new PrintWriter(out, true), new PrintWriter(err, true), null);
    }

    @AfterEach
    void stop() {
        client.close();
        registry.close();
    }

    /** Runs {@code line} on the attached shell, checks its exit code, returns stdout then stderr (both cleared). */
    private String run(int code, String line) {
        int got = shell.execute(line);
        String text = out + err.toString();
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        assertEquals(code, got, line + " -> " + text);
        return text;
    }

    private String local(String line) {
        return new ScriptShell(registry, home.resolve("logs")).run(0, line);
    }

    private String apiState(String service) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://" + client.address() + "/api/services/" + service))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            return new ObjectMapper().readTree(body).path("state").asText();
        }
    }

    @Test
    void servicesAndStatusPrintWhatTheLocalShellPrints() {
        assertEquals(local("services"), run(0, "services"));
        String status = run(0, "status");
        assertTrue(status.startsWith("SERVICE  STATE"), status);
        String echoRow = "(?m)^echo +RUNNING +127\\.0\\.0\\.1:" + registry.running("echo").address().getPort()
                + " +\\S+ +0/0 +0 +0 B +0 B +0 +0$";
        assertTrue(Pattern.compile(echoRow).matcher(status).find(), status);
        assertTrue(Pattern.compile(echoRow).matcher(local("status")).find(), "the local shell's row has the same shape");
        assertTrue(run(2, "status nosuch").contains("error: unknown service 'nosuch'"));
        assertTrue(run(1, "status upper").contains("error: upper has not been started on " + client.address()));
        assertEquals("netloom@" + client.address() + "> ", shell.instance().prompt());
    }

    @Test
    void stopStartAndRestartActOnTheInstance() throws Exception {
        assertTrue(run(0, "stop echo --grace 1s").matches("echo stopped \\(graceful, \\d+ ms\\)\n"));
        assertEquals(ServiceState.STOPPED, registry.instance("echo").orElseThrow().state());
        assertEquals("stopped", apiState("echo"));

        String started = run(0, "start echo port=0 max-connections=7");
        assertEquals("echo listening on 127.0.0.1:" + registry.running("echo").address().getPort() + " (tcp)\n", started);
        assertEquals("running", apiState("echo"));
        assertEquals(Map.of("port", "0", "max-connections", "7"), registry.overrides("echo"));

        String restarted = run(0, "restart echo echo.idle-timeout=1m");
        assertTrue(restarted.startsWith("echo listening on 127.0.0.1:" + registry.running("echo").address().getPort()),
                restarted);
        assertEquals(Map.of("port", "0", "max-connections", "7", "idle-timeout", "1m"), registry.overrides("echo"));
        assertTrue(run(0, "config echo").matches("(?s).*\\necho\\.max-connections +7 +override .*"), "kept on restart");

        assertTrue(run(1, "start echo").contains("error: echo is already running"));
        assertTrue(run(2, "start upper port=abc").contains("error: upper.port: 'abc' is not valid"));
        assertTrue(run(2, "start upper nokey=1").contains("error: upper.nokey: unknown key"));
        assertTrue(registry.instance("upper").isEmpty(), "nothing started on a bad key");
        assertTrue(run(1, "stop upper").contains("error: upper is not running"));
        assertTrue(run(1, "stop admin").contains("cannot stop itself"));
    }

    @Test
    void theApiCallsAttachAddedRefuseBadInputWith4xx() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (String[] call : new String[][] {
                    {"POST", "/api/services/echo/stop?grace=soon", "400", "grace: 'soon' is not a duration"},
                    {"POST", "/api/services/echo/stop?force=1", "400", "stop takes only grace=DURATION, not 'force'"},
                    {"POST", "/api/services/upper/start?port", "400", "upper.port: '' is not valid"},
                    {"POST", "/api/services/upper/start?nokey=1", "400", "upper.nokey: unknown key"},
                    {"GET", "/api/services/nosuch/config", "404", "unknown service 'nosuch'"},
                    {"POST", "/api/services/echo/config", "405", "method not allowed"}}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + client.address() + call[1]))
                        .method(call[0], HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(Integer.parseInt(call[2]), r.statusCode(), call[1] + " -> " + r.body());
                assertTrue(new ObjectMapper().readTree(r.body()).path("error").asText().contains(call[3]), r.body());
            }
        }
        try (RawHttpClient raw = new RawHttpClient(client.address().port())) { // a request no URI class lets through
            RawHttpClient.Response r = raw.send("POST /api/services/upper/start?port=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Length: 0\r\n\r\n", new byte[0], false);
            assertEquals(400, r.status(), r.text());
            assertTrue(r.text().contains("malformed percent-encoding in the query: port=%zz"), r.text());
        }
        assertEquals(ServiceState.RUNNING, registry.running("echo").state(), "a refused stop stops nothing");
        assertTrue(registry.instance("upper").isEmpty(), "a refused start starts nothing");
    }

    @Test
    void connsListsAClientAndKillClosesIt() throws Exception {
        int port = registry.running("echo").address().getPort();
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port)) {
            c.setSoTimeout(5000);
            c.getOutputStream().write("hi\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("hi\n", new String(c.getInputStream().readNBytes(3), StandardCharsets.US_ASCII));
            String conns = run(0, "conns echo");
            assertTrue(conns.matches("(?s)ID +REMOTE +AGE +IDLE +IN +OUT +ACTIVITY\n.*"), conns);
            Matcher row = Pattern.compile("(?m)^ *(\\d+) +127\\.0\\.0\\.1:" + c.getLocalPort() + " +\\S+ +\\S+ +3 B +3 B ")
                    .matcher(conns);
            assertTrue(row.find(), conns);
            String id = row.group(1);
            assertEquals("killed echo connection " + id + "\n", run(0, "kill echo " + id));
            InputStream in = c.getInputStream();
            assertEquals(-1, in.read(), "the client sees the end of the stream");
            assertTrue(run(1, "kill echo " + id).contains("error: echo has no connection " + id));
        }
        assertEquals("echo has no connections\n", run(0, "conns echo"));
        assertTrue(run(2, "kill echo x").contains("error: CONN-ID: 'x' is not a whole number"));
        assertTrue(run(1, "conns upper").contains("error: upper is not running"));
    }

    @Test
    void configShowsSourcesAndHidesSecrets() {
        String admin = run(0, "config admin");
        assertTrue(admin.matches("(?s)KEY +VALUE +SOURCE +DESCRIPTION\n.*"), admin);
        assertTrue(admin.matches("(?s).*\\nadmin\\.metrics-token +\\*{8} +override .*"), admin);
        assertFalse(admin.contains("scrape-only-secret-1"), admin);
        assertTrue(admin.matches("(?s).*\\nadmin\\.port +0 +override .*"), admin);
        String upper = run(0, "config upper");
        assertTrue(upper.matches("(?s).*\\nupper\\.port +7008 +default .*"), upper);
        assertTrue(upper.endsWith("(upper is not running: these are the values `start upper` would use)\n"), upper);
        assertTrue(run(1, "config reload").contains("error: config reload acts on this machine, not on the attached"
                + " instance on " + client.address()));
    }

    @Test
    void commandsThatActFromThisProcessAreNotOffered() {
        String help = run(0, "help");
        assertTrue(help.contains("status") && help.contains("logs") && !help.contains("mail") && !help.contains("kv"),
                help);
        assertTrue(run(2, "mail list").contains("error: 'mail' runs from this process, not on the attached instance:"
                + " use `netloom mail ...`"));
        assertTrue(run(2, "bogus").contains("error: unknown command 'bogus'"));
        assertTrue(run(1, "logs --access http").contains("error: logs --access acts on this machine"));
    }

    @Test
    void aTokenIsAskedForAndCheckedWhenTheListenerWantsOne() {
        String token = "attach-test-token-0123456789";
        try (ServiceRegistry guarded = new ServiceRegistry(Catalogue.all(), ConfigFile.empty(home))) {
            guarded.start("echo", Map.of("port", "0"));
            int port = guarded.start("admin", Map.of("port", "0", "auth", "token", "token", token)).address().getPort();
            tokens(new HostPort("127.0.0.1", port), token);
        }
    }

    private void tokens(HostPort at, String token) {
        try (AdminClient none = new AdminClient(at, null); AdminClient wrong = new AdminClient(at, "not-the-token-at-all");
             AdminClient right = new AdminClient(at, token)) {
            assertEquals("the admin API at " + at + " needs a token (HTTP 401): --token TOKEN, or NETLOOM_ADMIN_TOKEN (the"
                    + " server's admin.token key, or the admin.token file in its netloom home)", Shell.reach(none));
            assertTrue(Shell.reach(wrong).startsWith("the admin API at " + at + " refused the token (HTTP 401)"),
                    Shell.reach(wrong));
            assertNull(Shell.reach(right));
            StringWriter text = new StringWriter();
            Shell attached = Shell.attached(right, new PrintWriter(text, true), new PrintWriter(text, true), null);
            assertEquals(0, attached.execute("status echo"), text.toString());
            assertTrue(text.toString().contains("echo     RUNNING"), text.toString());
        }
    }

    @Test
    void anAddressWhereNothingListensFailsClearly() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        HostPort at = new HostPort("127.0.0.1", closed);
        try (AdminClient nobody = new AdminClient(at, null)) {
            assertEquals("cannot connect to the admin API at " + at + ": connection refused (is netloom running there,"
                    + " with its admin listener on that port? admin.port, admin.enabled)", Shell.reach(nobody));
        }
    }

    @Test
    void logsShowsTheInstancesLogAndFollowsItUntilCtrlC() throws Exception {
        Logging.setup(home.resolve("logs"), false); // a log file for the admin API to read and stream
        registry.restart("echo");
        String port = String.valueOf(registry.running("echo").address().getPort());
        String tail = run(0, "logs echo -n 2");
        assertTrue(tail.matches(".* INFO  \\[[^]]+\\] echo: stopped, graceful, \\d+ ms\n"
                + ".* INFO  \\[[^]]+\\] echo: listening on 127\\.0\\.0\\.1:" + port + " \\(tcp\\)\n"), tail);
        assertTrue(run(0, "logs -n 0").isEmpty());
        String prompt = "netloom@" + client.address() + "> ";
        try (TerminalSession s = new TerminalSession(terminal -> Terminals.attachedShell(client, terminal, null))) {
            s.awaitPrompt(prompt);
            s.type("logs upper -f -n 0\n");
            s.awaitScreen("-- following the log of " + client.address() + "; Ctrl-C to stop --");
            registry.start("upper", Map.of("port", "0"));
            s.awaitScreen("upper: listening on 127.0.0.1:" + registry.running("upper").address().getPort());
            assertFalse(s.sinceInput().contains("echo:"), "only upper's lines");
            s.terminal().raise(Terminal.Signal.INT); // what the terminal does on Ctrl-C
            s.awaitPrompt(prompt);
            s.type("status upper\n");
            s.awaitScreen("upper    RUNNING");
        }
    }

    @Test
    void theInteractivePromptNamesTheInstanceAndQuitLeavesItRunning() throws Exception {
        String prompt = "netloom@" + client.address() + "> ";
        try (TerminalSession s = new TerminalSession(terminal -> Terminals.attachedShell(client, terminal, null))) {
            s.awaitScreen("attached to netloom on " + client.address());
            s.awaitPrompt(prompt);
            s.type("status echo\n");
            s.awaitScreen("echo     RUNNING");
            s.awaitPrompt(prompt);
            s.type("stop nosuch\n");
            s.awaitScreen("error: unknown service 'nosuch'");
            s.awaitPrompt(prompt);
        }
        assertEquals(ServiceState.RUNNING, registry.running("echo").state(), "quit leaves the services running");
    }
}
