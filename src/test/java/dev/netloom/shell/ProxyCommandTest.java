package dev.netloom.shell;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code proxy cache} and {@code proxy purge} against a proxy started in the shell, in front of
 * an http service started there too, with the shell's own {@code http -x} as the proxy's client.
 */
class ProxyCommandTest extends ShellInHome {

    @Test
    void cacheShowsWhatTheProxyKeptAndPurgeDropsIt() throws Exception {
        String refused = shell.run(1, "proxy cache");
        assertTrue(refused.contains("the proxy service is not running here"), refused);
        Files.createDirectories(home.resolve("www"));
        Files.writeString(home.resolve("www/a.txt"), "cached text\n");
        shell.run(0, "start http port=0 root=" + home.resolve("www"));
        shell.run(0, "start proxy port=0 access-log=off heuristic-max=1h");
        int http = registry.instance("http").orElseThrow().address().getPort();
        int proxy = registry.instance("proxy").orElseThrow().address().getPort();
        String url = "http://127.0.0.1:" + http + "/a.txt";
        String got = shell.run(0, "http get -x 127.0.0.1:" + proxy + " " + url);
        assertTrue(got.contains("cached text"), got);
        String report = shell.run(0, "proxy cache");
        assertTrue(report.contains("entries 1"), report);
        assertTrue(report.contains("miss 1"), report);
        assertTrue(report.contains("top 0 " + url), report);
        assertTrue(shell.run(0, "proxy purge " + url).contains("purged " + url));
        assertTrue(shell.run(1, "proxy purge " + url).contains("not in the cache"));
        assertTrue(shell.run(0, "proxy cache --proxy 127.0.0.1:" + proxy).contains("entries 0"));
    }
}
