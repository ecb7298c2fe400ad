package dev.netloom.shell;

import dev.netloom.core.LocalFile;
import dev.netloom.core.ServiceState;
import dev.netloom.lb.LbService;
import dev.netloom.lb.ServerSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lb}: the running load balancer's pools and servers (state, weight, connections, checks,
 * response times), and the runtime changes HAProxy's runtime API makes: {@code add}, {@code
 * remove}, {@code weight}, {@code drain}, {@code maint}, {@code ready}; kept in memory until
 * {@code lb save} writes the server lists to netloom.local.properties.
 */
@Command(name = "lb", description = {"The load balancer's pools and servers, and live changes.",
        "Alone: each pool's servers with state (UP/DOWN/DRAIN/MAINT), weight, active connections, requests,",
        "errors, last check and response-time p50/p99, then the latest state changes.",
        "Changes apply to live traffic at once and last until lb save or a restart."},
        subcommands = {LbCommand.Add.class, LbCommand.Remove.class, LbCommand.Weight.class, LbCommand.Drain.class,
                LbCommand.Maint.class, LbCommand.Ready.class, LbCommand.Save.class})
final class LbCommand extends ShellBound {

    static LbService running(Shell shell) {
        return shell.registry().instance("lb").filter(s -> s.state() == ServiceState.RUNNING)
                .map(LbService.class::cast)
                .orElseThrow(() -> new ShellException("the lb service is not running: start lb"));
    }

    @Override
    public Integer call() {
        PrintWriter out = shell.out();
        for (LbService.PoolView p : running(shell).view()) {
            out.println("pool " + p.name() + " on " + p.listen() + " (" + p.mode() + ", " + p.algorithm() + ", check "
                    + p.check() + ", " + p.queued() + " queued)");
            Table t = Table.of("SERVER", "ADDRESS", "STATE", "WEIGHT", "ACTIVE", "REQUESTS", "ERRORS", "P50", "P99",
                    "LAST CHECK");
            for (LbService.ServerView s : p.servers()) {
                t.row(s.name(), s.address(), s.state(), s.weight() == s.configuredWeight() ? s.weight()
                        : s.weight() + "/" + s.configuredWeight(), s.active(), s.requests(), s.errors(), micros(s.p50()),
                        micros(s.p99()), s.lastCheck() + (s.lastCheckMillis() == 0 ? "" : " ("
                                + (System.currentTimeMillis() - s.lastCheckMillis()) / 1000 + "s ago)"));
            }
            if (t.isEmpty()) {
                out.println("  no servers: lb add " + p.name() + " NAME HOST:PORT");
            } else {
                t.print(out);
            }
            p.events().forEach(e -> out.println("  " + e));
        }
        out.flush();
        return 0;
    }

    private static String micros(long us) {
        if (us < 0) {
            return "-";
        }
        return us < 10_000 ? String.format(Locale.ROOT, "%.1fms", us / 1000.0) : us / 1000 + "ms";
    }

    /** What a change did, or its error in the shell's words. */
    private static int change(Shell shell, Runnable action, String done) {
        try {
            action.run();
        } catch (IllegalArgumentException e) {
            throw new ShellException("lb: " + e.getMessage());
        }
        shell.out().println(done);
        shell.out().flush();
        return 0;
    }

    @Command(name = "add", description = {"Add a server to a pool; it takes traffic at once.",
            "With slow start set, its weight ramps up. POOL is default for the pool of lb's own keys."})
    static final class Add extends OnServer {
        @Parameters(index = "2", paramLabel = "HOST:PORT")
        String address;
        @Parameters(index = "3", arity = "0..1", paramLabel = "weight=N", description = "1-256, 1 by default")
        String weight;

        @Override
        public Integer call() {
            String w = "";
            if (weight != null) {
                if (!weight.startsWith("weight=")) {
                    throw ShellException.usage("expected weight=N, not " + weight);
                }
                w = "*" + weight.substring("weight=".length());
            }
            String spec = name + "=" + address + w;
            return change(shell, () -> running(shell).add(pool, ServerSpec.parse(spec)), "added " + spec + " to " + pool);
        }
    }

    /** A change to one server: POOL NAME first. */
    abstract static class OnServer extends ShellBound {
        @Parameters(index = "0", paramLabel = "POOL", description = "default, or a name of lb.pools")
        String pool;
        @Parameters(index = "1", paramLabel = "NAME", description = "the server's name")
        String name;
    }

    @Command(name = "remove", description = {"Drain a server, wait for it to finish, then remove it.",
            "Waits at most --wait (30s); a server still busy then stays, drained."})
    static final class Remove extends OnServer {
        @Option(names = "--wait", paramLabel = "SECONDS", description = "how long to wait for it to drain (30)")
        int wait = 30;

        @Override
        public Integer call() {
            try {
                if (!running(shell).remove(pool, name, Duration.ofSeconds(wait))) {
                    throw new ShellException("lb: " + name + " still had work after " + wait + "s: it stays, drained;"
                            + " try again, or lb maint " + pool + " " + name);
                }
            } catch (IllegalArgumentException e) {
                throw new ShellException("lb: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ShellException("lb remove: interrupted; " + name + " stays, drained");
            }
            shell.out().println("removed " + name + " from " + pool);
            shell.out().flush();
            return 0;
        }
    }

    @Command(name = "weight", description = "Set a server's weight (0-256; 0 takes no new traffic).")
    static final class Weight extends OnServer {
        @Parameters(index = "2", paramLabel = "N")
        int weight;

        @Override
        public Integer call() {
            return change(shell, () -> running(shell).weight(pool, name, weight), name + " weight " + weight);
        }
    }

    @Command(name = "drain", description = {"No new traffic to a server; what it carries finishes.",
            "New requests (http) or connections (tcp) go to the other servers."})
    static final class Drain extends OnServer {

        @Override
        public Integer call() {
            return change(shell, () -> running(shell).drain(pool, name), name + " DRAIN");
        }
    }

    @Command(name = "maint", description = {"Take a server out of service: no traffic, no checks.",
            "Its idle connections are closed; lb ready brings it back."})
    static final class Maint extends OnServer {

        @Override
        public Integer call() {
            return change(shell, () -> running(shell).maint(pool, name), name + " MAINT");
        }
    }

    @Command(name = "ready", description = "Bring a drained or maintained server back into service.")
    static final class Ready extends OnServer {

        @Override
        public Integer call() {
            return change(shell, () -> running(shell).ready(pool, name), name + " READY");
        }
    }

    @Command(name = "save", description = {"Save the servers and weights to netloom.local.properties.",
            "Writes lb.servers and lb.NAME.servers as they are now, so a restart keeps them."})
    static final class Save extends ShellBound {
        @Override
        public Integer call() {
            Map<String, String> keys = running(shell).serverKeys();
            try {
                Path file = LocalFile.save(shell.registry().configFile().home(), keys);
                keys.forEach((k, v) -> shell.out().println(k + "=" + v));
                shell.out().println("saved to " + file);
            } catch (IOException e) {
                throw new ShellException("lb save: " + e.getMessage());
            }
            shell.out().flush();
            return 0;
        }
    }
}
