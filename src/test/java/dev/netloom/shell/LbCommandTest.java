package dev.netloom.shell;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shell's {@code lb} command against an lb started in the shell in front of two http
 * services started there too, with the shell's own {@code http get} as the client: the table,
 * each runtime change as the next requests see it, and {@code lb save}.
 */
class LbCommandTest extends ShellInHome {

    private int backend(String name) throws Exception {
        Path root = Files.createDirectories(home.resolve(name));
        Files.writeString(root.resolve("who.txt"), "backend " + name + "\n");
        shell.run(0, "restart http port=0 root=" + root);
        return registry.instance("http").orElseThrow().address().getPort();
    }

    @Test
    void showsThePoolsAndChangesThemLive() throws Exception {
        assertTrue(shell.run(1, "lb").contains("the lb service is not running"));
        // one http service is enough to be two backends: a's and b's are the same server under two names
        int http = backend("a");
        shell.run(0, "start lb port=0 access-log=off check=tcp check-interval=200ms servers=a=127.0.0.1:" + http);
        int lb = registry.instance("lb").orElseThrow().address().getPort();
        String url = "http://127.0.0.1:" + lb + "/who.txt";
        assertTrue(shell.run(0, "http get " + url).contains("backend a"));

        String row = "(?s).*\\ba\\s+127\\.0\\.0\\.1:" + http + "\\s+UP\\s+1\\s+0\\s+1\\s+0\\s.*";
        // the loops add their counters every 100 ms: the request may still count as active for a moment
        await().atMost(Duration.ofSeconds(5)).until(() -> shell.run(0, "lb").matches(row));
        String table = shell.run(0, "lb");
        assertTrue(table.contains("pool default on 127.0.0.1:" + lb + " (http, roundrobin, check tcp, 0 queued)"), table);
        assertTrue(table.matches(row), table);

        assertTrue(shell.run(0, "lb add default b 127.0.0.1:" + http + " weight=3").contains("added b=127.0.0.1:" + http
                + "*3 to default"));
        assertTrue(shell.run(0, "lb weight default a 2").contains("a weight 2"));
        assertTrue(shell.run(0, "lb drain default a").contains("a DRAIN"));
        for (int i = 0; i < 4; i++) {
            assertTrue(shell.run(0, "http get " + url).contains("backend a"));
        }
        // the lb releases a request's slot just after its last byte went out: wait for the table to settle
        await().atMost(Duration.ofSeconds(5)).until(() -> shell.run(0, "lb")
                .matches("(?s).*\\bb\\s+\\S+\\s+UP\\s+3\\s+0\\s+4\\s.*"));
        table = shell.run(0, "lb");
        assertTrue(table.matches("(?s).*\\ba\\s+\\S+\\s+DRAIN\\s+2\\s+0\\s+1\\s.*"), "a got nothing more: " + table);
        assertTrue(table.contains("a DRAIN"), "the change is in the events: " + table);
        assertTrue(shell.run(0, "lb maint default b").contains("b MAINT"));
        assertTrue(shell.run(0, "http get " + url).contains("503"), "no server left");
        assertTrue(shell.run(0, "lb ready default b").contains("b READY"));
        assertTrue(shell.run(0, "lb remove default a").contains("removed a from default"));
        assertFalse(shell.run(0, "lb").matches("(?s).*\\ba\\s+127.*"));

        assertTrue(shell.run(1, "lb weight default nobody 1").contains("pool default has no server nobody"));
        assertTrue(shell.run(1, "lb drain web b").contains("no pool web"));
        assertTrue(shell.run(1, "lb add default c 127.0.0.1").contains("c: "), "a bad address is named");

        String saved = shell.run(0, "lb save");
        assertTrue(saved.contains("lb.servers=b=127.0.0.1:" + http + "*3"), saved);
        assertTrue(Files.readString(home.resolve("netloom.local.properties")).contains("lb.servers=b=127.0.0.1:" + http + "*3"));
    }
}
