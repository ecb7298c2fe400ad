package dev.netloom.shell;

import dev.netloom.core.ConfigException;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.ConnectionInfo;
import dev.netloom.core.HostPort;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.StatsSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The commands that manage services: services, start, stop, restart, status, conns, kill, config. */
final class ServiceCommands {

    private ServiceCommands() {
    }

    /** The command classes, in the order help lists them; the shell's {@link CommandFactory} makes them. */
    static List<Class<?>> all() {
        return List.of(Services.class, Start.class, Stop.class, Restart.class, Status.class, Conns.class, Kill.class,
                Config.class);
    }

    @Command(name = "services", description = {"List every service netloom can run, with its port and state.",
            "PORT is the configured port (the config files, or the overrides of a running service's start);",
            "ADDRESS is the address a running service really listens on."})
    static final class Services extends ShellBound {

        @Override
        public Integer call() {
            Table t = Table.of("SERVICE", "TRANSPORT", "PORT", "STATE", "ADDRESS", "DESCRIPTION");
            for (Instance.ServiceView v : shell.instance().services()) {
                boolean live = v.state() != null && !v.state().finished();
                t.row(v.name(), v.transport().label(), v.port(), v.state() == null ? "-" : v.state().name(),
                        live ? v.address() : "-", v.description());
            }
            t.print(shell.out());
            return 0;
        }
    }

    @Command(name = "start", description = {"Start a service; KEY=VALUE pairs override its config.",
            "The overrides hold for this run (and restarts) only.",
            "The config files are read as they are now (an edit made while the shell runs is used)."})
    static final class Start extends ShellBound {
        @Parameters(index = "0", paramLabel = "SERVICE", description = "service name (see `services`)")
        String name;
        @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "config overrides, e.g. port=0 max-connections=100")
        List<String> overrides = new ArrayList<>();

        @Override
        public Integer call() {
            started(shell, shell.instance().start(name, overrides(name, overrides)));
            return 0;
        }
    }

    /** Prints the listening lines of a service just started, then any warnings its settings draw. */
    static void started(Shell shell, Instance.Started s) {
        s.listening().forEach(shell.out()::println);
        s.warnings().forEach(w -> shell.out().println("warning: " + w));
    }

    /** Parses {@code key=value} (or {@code service.key=value}) arguments; a ConfigException (usage error) for others. */
    static Map<String, String> overrides(String service, List<String> args) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("'" + a + "' is not key=value (see `config " + service + "` for keys)");
            }
            String key = a.substring(0, eq);
            if (key.startsWith(service + ".")) {
                key = key.substring(service.length() + 1);
            }
            map.put(key, a.substring(eq + 1));
        }
        return map;
    }

    @Command(name = "stop", description = {"Stop a service, letting busy connections finish first.",
            "Stop accepting, let busy connections finish within the grace period, then close the rest."})
    static final class Stop extends ShellBound {
        @Parameters(index = "0", paramLabel = "SERVICE")
        String name;
        @Option(names = "--grace", paramLabel = "DURATION", description = "grace period, e.g. 500ms, 10s (default: the service's `grace`)")
        Duration grace;

        @Override
        public Integer call() {
            shell.out().println(name + " stopped (" + shell.instance().stop(name, grace) + ")");
            return 0;
        }
    }

    @Command(name = "restart", description = {"Restart a service with the config files as they are now.",
            "Stops it if it runs, then starts a fresh instance.",
            "The previous start's overrides are kept; KEY=VALUE pairs are added to them, a key given again",
            "taking the new value (stop, then start, to drop them). A bad value leaves the running service as it is."})
    static final class Restart extends ShellBound {
        @Parameters(index = "0", paramLabel = "SERVICE", description = "service name (see `services`)")
        String name;
        @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "more config overrides, e.g. loss=0.3")
        List<String> overrides = new ArrayList<>();

        @Override
        public Integer call() {
            started(shell, shell.instance().restart(name, overrides(name, overrides)));
            return 0;
        }
    }

    @Command(name = "status", description = {"Show the state and counters of the services started here.",
            "State, address, uptime, connections, bytes, requests, errors."})
    static final class Status extends ShellBound {
        @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE")
        String name;

        @Override
        public Integer call() {
            Instance instance = shell.instance();
            List<Instance.ServiceView> services = name == null ? instance.started() : List.of(instance.service(name));
            if (name != null && services.getFirst().state() == null) {
                throw new ShellException(name + " has not been started " + instance.where());
            }
            if (services.isEmpty()) {
                shell.out().println("no services started; `services` lists them, `start SERVICE` starts one");
                return 0;
            }
            Table t = Table.of("SERVICE", "STATE", "ADDRESS", "UPTIME", "CONNS", "REJECTED", "IN", "OUT", "REQUESTS", "ERRORS");
            for (Instance.ServiceView s : services) {
                StatsSnapshot st = s.stats();
                String conns = s.transport() == ServiceType.Transport.TCP ? st.active() + "/" + st.total()
                        : st.peers() + " peers";
                t.row(s.name(), s.state(), s.address(), Formats.duration(st.uptime()), conns,
                        st.rejected(), Formats.bytes(st.bytesIn()), Formats.bytes(st.bytesOut()), st.requests(), st.errors());
            }
            t.print(shell.out());
            for (Instance.ServiceView s : services) {
                if (s.failure() != null) {
                    shell.out().println(s.name() + " failed: " + s.failure());
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
    static final class Conns extends ShellBound {
        @Parameters(index = "0", paramLabel = "SERVICE")
        String name;

        @Override
        public Integer call() {
            List<ConnectionInfo> list = shell.instance().connections(name);
            if (list.isEmpty()) {
                shell.out().println(name + " has no connections");
                return 0;
            }
            Table t = Table.of("ID", "REMOTE", "AGE", "IDLE", "IN", "OUT", "ACTIVITY");
            for (ConnectionInfo c : list) {
                String remote = c.remote() instanceof InetSocketAddress a ? HostPort.format(a) : String.valueOf(c.remote());
                t.row(c.id(), remote, Formats.duration(c.age()), Formats.duration(c.idle()), Formats.bytes(c.bytesIn()),
                        Formats.bytes(c.bytesOut()), c.activity());
            }
            t.print(shell.out());
            return 0;
        }
    }

    @Command(name = "kill", description = "Close one connection of a service (UDP: forget a peer).")
    static final class Kill extends ShellBound {
        @Parameters(index = "0", paramLabel = "SERVICE")
        String name;
        @Parameters(index = "1", paramLabel = "CONN-ID")
        long id;

        @Override
        public Integer call() {
            if (!shell.instance().kill(name, id)) {
                throw new ShellException(name + " has no connection " + id + " (see `conns " + name + "`)");
            }
            shell.out().println("killed " + name + " connection " + id);
            return 0;
        }
    }

    @Command(name = "config", description = {"Show a service's config; `config reload` re-reads the files.",
            "config SERVICE: each key, its value, and where the value came from (default, file, local, override).",
            "config reload: read netloom.properties and netloom.local.properties again and say what changed;",
            "running services keep their config until restarted."})
    static final class Config extends ShellBound {
        @Parameters(index = "0", paramLabel = "SERVICE|reload", description = "a service name, or reload")
        String name;

        @Override
        public Integer call() {
            if (name.equals("reload")) {
                return reload();
            }
            Instance.ConfigView config = shell.instance().config(name);
            Table t = Table.of("KEY", "VALUE", "SOURCE", "DESCRIPTION");
            for (Instance.Setting e : config.settings()) {
                t.row(name + "." + e.key(), e.value(), e.source(), e.description());
            }
            t.print(shell.out());
            if (!config.running()) {
                shell.out().println("(" + name + " is not running: these are the values `start " + name + "` would use)");
            }
            return 0;
        }

        private int reload() {
            ServiceRegistry registry = shell.local("config reload");
            ServiceRegistry.Reload r = registry.reload();
            ConfigFile now = r.after();
            List<String> files = new ArrayList<>();
            now.path().ifPresent(p -> files.add(p.toString()));
            now.localPath().filter(Files::exists).ifPresent(p -> files.add(p.toString()));
            shell.out().println("read " + (files.isEmpty() ? "no config file" : String.join(" and ", files)));
            List<String> stale = new ArrayList<>();
            boolean any = false;
            for (ServiceType type : registry.types()) {
                List<String> changes = r.changes(type.name());
                if (changes.isEmpty()) {
                    continue;
                }
                any = true;
                Optional<Service> running = registry.live(type.name());
                // a start or restart since the last reload may already have read these changes
                boolean old = running.isPresent() && !runsWithTheFiles(registry, running.get());
                shell.out().println(type.name() + ": " + String.join(", ", changes)
                        + (old ? " (running with its old config until `restart " + type.name() + "`)"
                        : running.isPresent() ? " (the running " + type.name() + " already uses it)" : ""));
                if (old) {
                    stale.add(type.name());
                }
            }
            if (!any) {
                shell.out().println("no changes since the shell started or the last `config reload`");
            }
            shell.out().println(stale.isEmpty() ? "running services keep their config until restarted; the next start reads the new one"
                    : "running services keep their config until restarted: restart " + String.join(", ", stale) + " to apply");
            return 0;
        }

        /** Whether {@code service} runs with what a restart would use now (its overrides on the files as now read). */
        private static boolean runsWithTheFiles(ServiceRegistry registry, Service service) {
            String name = service.settings().service();
            try {
                return values(service.settings()).equals(values(registry.settings(name, registry.overrides(name))));
            } catch (ConfigException e) {
                return false;
            }
        }

        private static Map<String, String> values(Settings settings) {
            Map<String, String> values = new LinkedHashMap<>();
            settings.entries().forEach(e -> values.put(e.key().name(), e.text()));
            return values;
        }
    }
}
