package dev.netloom.shell;

import dev.netloom.core.AbstractService;
import dev.netloom.core.ConnectionInfo;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.core.ServiceState;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.StatsSnapshot;
import dev.netloom.core.StopResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** The commands that manage services: services, start, stop, restart, status, conns, kill, config. */
final class ServiceCommands {

    private ServiceCommands() {
    }

    /** Every command object, to register with picocli. */
    static List<Object> all(Shell shell) {
        return List.of(new Services(shell), new Start(shell), new Stop(shell), new Restart(shell),
                new Status(shell), new Conns(shell), new Kill(shell), new Config(shell));
    }

    /** The line that {@code start} and {@code serve} print, which scripts read the real port from. */
    static String listening(Service s) {
        return String.join(System.lineSeparator(), AbstractService.listening(s));
    }

    @Command(name = "services", description = "List every service netloom can run, with its default port and state.")
    static final class Services implements Callable<Integer> {
        private final Shell shell;

        Services(Shell shell) {
            this.shell = shell;
        }

        @Override
        public Integer call() {
            Table t = Table.of("SERVICE", "TRANSPORT", "PORT", "STATE", "DESCRIPTION");
            for (ServiceType type : shell.registry().types()) {
                String state = shell.registry().instance(type.name()).map(s -> s.state().name()).orElse("-");
                t.row(type.name(), type.transport().label(), type.defaultPort(), state, type.description());
            }
            t.print(shell.out());
            return 0;
        }
    }

    @Command(name = "start", description = "Start a service; key=value pairs override its config for this run.")
    static final class Start implements Callable<Integer> {
        private final Shell shell;
        @Parameters(index = "0", paramLabel = "SERVICE", description = "service name (see `services`)")
        String name;
        @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "config overrides, e.g. port=0 max-connections=100")
        List<String> overrides = new ArrayList<>();

        Start(Shell shell) {
            this.shell = shell;
        }

        @Override
        public Integer call() {
            Service s = shell.registry().start(name, overrides(name, overrides));
            shell.out().println(listening(s));
            return 0;
        }
    }

    /** Parses {@code key=value} (or {@code service.key=value}) arguments. */
    static Map<String, String> overrides(String service, List<String> args) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new ShellException("'" + a + "' is not key=value (see `config " + service + "` for keys)");
            }
            String key = a.substring(0, eq);
            if (key.startsWith(service + ".")) {
                key = key.substring(service.length() + 1);
            }
            map.put(key, a.substring(eq + 1));
        }
        return map;
    }

    @Command(name = "stop", description = "Stop a service: stop accepting, let busy connections finish within the grace period, then close the rest.")
    static final class Stop implements Callable<Integer> {
        private final Shell shell;
        @Parameters(index = "0", paramLabel = "SERVICE")
        String name;
        @Option(names = "--grace", paramLabel = "DURATION", description = "grace period, e.g. 500ms, 10s (default: the service's `grace`)")
        Duration grace;

        Stop(Shell shell) {
            this.shell = shell;
        }

        @Override
        public Integer call() {
            StopResult r = shell.registry().stop(name, grace);
            shell.out().println(name + " stopped (" + r.describe() + ")");
            return 0;
        }
    }

    @Command(name = "restart", description = "Stop a service (if running) and start a fresh instance with the same overrides.")
    static final class Restart implements Callable<Integer> {
        private final Shell shell;
        @Parameters(index = "0", paramLabel = "SERVICE")
        String name;

        Restart(Shell shell) {
            this.shell = shell;
        }

        @Override
        public Integer call() {
            shell.out().println(listening(shell.registry().restart(name)));
            return 0;
        }
    }

    @Command(name = "status", description = "Show services started in this session: state, address, uptime, connections, bytes, requests, errors.")
    static final class Status implements Callable<Integer> {
        private final Shell shell;
        @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE")
        String name;

        Status(Shell shell) {
            this.shell = shell;
        }

        @Override
        public Integer call() {
            ServiceRegistry registry = shell.registry();
            List<Service> services = name == null ? registry.instances()
                    : List.of(registry.instance(registry.type(name).name())
                    .orElseThrow(() -> new ShellException(name + " has not been started in this session")));
            if (services.isEmpty()) {
                shell.out().println("no services started; `services` lists them, `start SERVICE` starts one");
                return 0;
            }
            Table t = Table.of("SERVICE", "STATE", "ADDRESS", "UPTIME", "CONNS", "REJECTED", "IN", "OUT", "REQUESTS", "ERRORS");
            for (Service s : services) {
                StatsSnapshot st = s.stats();
                String conns = s.transport() == ServiceType.Transport.TCP ? st.active() + "/" + st.total()
                        : st.peers() + " peers";
                t.row(s.name(), s.state(), AbstractService.format(s.address()), Formats.duration(st.uptime()), conns,
                        st.rejected(), Formats.bytes(st.bytesIn()), Formats.bytes(st.bytesOut()), st.requests(), st.errors());
            }
            t.print(shell.out());
            for (Service s : services) {
                if (s.state() == ServiceState.FAILED) {
                    shell.out().println(s.name() + " failed: " + s.failure().map(Throwable::getMessage).orElse("unknown cause"));
                }
                if (name != null && s.transport() == ServiceType.Transport.UDP) {
                    StatsSnapshot st = s.stats();
                    shell.out().println("datagrams in " + st.datagramsIn() + ", out " + st.datagramsOut());
                }
                if (name != null) {
                    s.details().forEach(shell.out()::println);
                }
            }
            return 0;
        }
    }

    @Command(name = "conns", description = "List a service's open connections (UDP: recent peers).")
    static final class Conns implements Callable<Integer> {
        private final Shell shell;
        @Parameters(index = "0", paramLabel = "SERVICE")
        String name;

        Conns(Shell shell) {
            this.shell = shell;
        }

        @Override
        public Integer call() {
            List<ConnectionInfo> list = shell.registry().running(name).connections();
            if (list.isEmpty()) {
                shell.out().println(name + " has no connections");
                return 0;
            }
            Table t = Table.of("ID", "REMOTE", "AGE", "IDLE", "IN", "OUT", "ACTIVITY");
            for (ConnectionInfo c : list) {
                String remote = c.remote() instanceof java.net.InetSocketAddress a ? AbstractService.format(a) : String.valueOf(c.remote());
                t.row(c.id(), remote, Formats.duration(c.age()), Formats.duration(c.idle()), Formats.bytes(c.bytesIn()),
                        Formats.bytes(c.bytesOut()), c.activity());
            }
            t.print(shell.out());
            return 0;
        }
    }

    @Command(name = "kill", description = "Close one connection of a service (UDP: forget a peer).")
    static final class Kill implements Callable<Integer> {
        private final Shell shell;
        @Parameters(index = "0", paramLabel = "SERVICE")
        String name;
        @Parameters(index = "1", paramLabel = "CONN-ID")
        long id;

        Kill(Shell shell) {
            this.shell = shell;
        }

        @Override
        public Integer call() {
            if (!shell.registry().running(name).kill(id)) {
                throw new ShellException(name + " has no connection " + id + " (see `conns " + name + "`)");
            }
            shell.out().println("killed " + name + " connection " + id);
            return 0;
        }
    }

    @Command(name = "config", description = "Show a service's effective config: each key, its value, and where the value came from.")
    static final class Config implements Callable<Integer> {
        private final Shell shell;
        @Parameters(index = "0", paramLabel = "SERVICE")
        String name;

        Config(Shell shell) {
            this.shell = shell;
        }

        @Override
        public Integer call() {
            Optional<Service> running = shell.registry().instance(name).filter(s -> !s.state().finished());
            Settings settings = running.map(Service::settings).orElseGet(() -> shell.registry().settings(name, Map.of()));
            Table t = Table.of("KEY", "VALUE", "SOURCE", "DESCRIPTION");
            for (Settings.Entry e : settings.entries()) {
                t.row(name + "." + e.key().name(), e.text(), e.source().name().toLowerCase(), e.key().description());
            }
            t.print(shell.out());
            if (running.isEmpty()) {
                shell.out().println("(" + name + " is not running: these are the values `start " + name + "` would use)");
            }
            return 0;
        }
    }
}
