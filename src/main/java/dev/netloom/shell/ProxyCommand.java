package dev.netloom.shell;

import dev.netloom.core.HostPort;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceState;
import dev.netloom.tools.ProxyAdmin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * {@code proxy cache} and {@code proxy purge URL}: the running proxy's cache, asked over HTTP on
 * its own port (tools.ProxyAdmin), so they work the same against a proxy in another process
 * with {@code --proxy HOST:PORT}.
 */
@Command(name = "proxy", description = {"The HTTP proxy's cache: its figures, or drop one URL.",
        "Asks the proxy service running in this shell, or the one at --proxy HOST:PORT."},
        subcommands = {ProxyCommand.Cache.class, ProxyCommand.Purge.class})
final class ProxyCommand {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private ProxyCommand() {
    }

    /** The proxy to ask: {@code --proxy}, else the proxy service running in this shell. */
    static InetSocketAddress where(Shell shell, String option) {
        if (option != null) {
            try {
                HostPort hp = HostPort.parse(option, 3128);
                return new InetSocketAddress(hp.host(), hp.port());
            } catch (IllegalArgumentException e) {
                throw ShellException.usage("--proxy: " + e.getMessage());
            }
        }
        return shell.registry().instance("proxy").filter(s -> s.state() == ServiceState.RUNNING).map(Service::address)
                .orElseThrow(() -> new ShellException("the proxy service is not running here: start proxy,"
                        + " or name one with --proxy HOST:PORT"));
    }

    static int print(Shell shell, ProxyAdmin.Answer a) {
        PrintWriter out = shell.out();
        out.print(a.text());
        out.flush();
        return a.status() == 200 ? 0 : 1;
    }

    @Command(name = "cache", description = {"Show the proxy cache's entries, bytes and hit ratio.",
            "Answers by result (hit, miss, revalidated, stale) and the ten URLs most often hit too."})
    static final class Cache extends ShellBound {
        @Option(names = "--proxy", paramLabel = "HOST:PORT", description = "a proxy in another process")
        String proxy;

        @Override
        public Integer call() {
            try {
                return print(shell, ProxyAdmin.report(where(shell, proxy), TIMEOUT));
            } catch (IOException e) {
                throw new ShellException("proxy cache: " + e.getMessage());
            }
        }
    }

    @Command(name = "purge", description = {"Drop URL from the proxy cache (a PURGE request).",
            "Exit code 0 when it was stored, 1 when it was not."})
    static final class Purge extends ShellBound {
        @Option(names = "--proxy", paramLabel = "HOST:PORT", description = "a proxy in another process")
        String proxy;
        @Parameters(index = "0", paramLabel = "URL")
        String url;

        @Override
        public Integer call() {
            try {
                return print(shell, ProxyAdmin.purge(where(shell, proxy), url, TIMEOUT));
            } catch (IllegalArgumentException e) {
                throw ShellException.usage(e.getMessage());
            } catch (IOException e) {
                throw new ShellException("proxy purge: " + e.getMessage());
            }
        }
    }
}
