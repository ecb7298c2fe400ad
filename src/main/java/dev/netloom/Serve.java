package dev.netloom;

import dev.netloom.core.AbstractService;
import dev.netloom.core.AcceptGate;
import dev.netloom.core.ConfigException;
import dev.netloom.core.PrivateFiles;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceException;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.core.ServiceType;
import sun.misc.Signal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * Headless mode: {@code netloom serve SVC... [SVC.key=value...]} starts the services, prints
 * {@code SVC listening on HOST:PORT (tcp|udp)} for each on stdout (and a line for each of its
 * {@link Service#endpoints()}, such as {@code smtp-api listening on HOST:PORT (http)}), and runs until SIGINT or
 * SIGTERM, which stop every service gracefully (each within its grace period) before exit 0.
 */
final class Serve {

    static final String HELP = """
            usage: netloom serve SVC... [--config FILE] [SVC.key=value...]

            Starts the services and runs them headless until SIGINT or SIGTERM, which stop each one
            gracefully (within its grace period) before exit 0. For each service it prints
            `SVC listening on HOST:PORT (tcp|udp)` on stdout (smtp also `smtp-api listening on ...`);
            with SVC.port=0 that is the port really bound. The admin listener (metrics, JSON API)
            starts with them (its line printed last) unless admin.enabled=false; a taken admin.port
            skips it with a warning.
            Warnings and the log go to stderr and logs/netloom.0.log.

              SVC              a service name (`netloom services` lists them):
                               %s
              SVC.key=value    override a key for this run, e.g. echo.port=0 http.root=www
              --config FILE    read FILE instead of netloom.properties in the netloom home
              --workers N      a master and N worker processes sharing the ports (SO_REUSEPORT);
                               SIGHUP reloads without dropping a request (docs/production.md)
              --user NAME      bind as root, then drop to NAME before serving
              --allow-root     let --workers run as root without --user

            Exit codes: 0 stopped by a signal; 1 a service could not start; 2 a usage or config error.
            """.formatted(String.join(", ", Catalogue.all().stream().map(ServiceType::name).toList()));

    private final ServiceRegistry registry;
    private final Path config;

    /** {@code config}: the file {@code --config} named (null: the home's), which workers are given too. */
    Serve(ServiceRegistry registry, Path config) {
        this.registry = registry;
        this.config = config;
    }

    int run(List<String> args) {
        ServeOptions options;
        List<String> names = new ArrayList<>();
        Map<String, Map<String, String>> overrides = new LinkedHashMap<>();
        Privileges.User user;
        try {
            options = ServeOptions.parse(args);
            parse(options.words(), names, overrides);
            user = production(options, names);
        } catch (ConfigException | ServiceException e) {
            System.err.println("netloom serve: " + e.getMessage());
            return 2;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        if (options.master()) {
            return new Master(registry, config, options, names, overrides, stop).run();
        }
        if (options.worker()) { // a worker outlives no master: a SIGKILLed master leaves no orphans serving
            ProcessHandle.of(options.workerOf()).ifPresentOrElse(m -> m.onExit().thenRun(stop::countDown),
                    stop::countDown);
        }
        if (user != null) {
            AcceptGate.hold();
        }
        List<String> admin = names.contains("admin") ? List.of()
                : AdminAutostart.startQuietly(registry, overrides.getOrDefault("admin", Map.of()), System.err);
        for (String name : names) {
            try {
                Service s = registry.start(name, overrides.getOrDefault(name, Map.of()));
                AbstractService.listening(s).forEach(System.out::println);
                System.out.flush();
            } catch (ConfigException e) {
                System.err.println("netloom serve: " + e.getMessage());
                registry.stopAll();
                return 2;
            } catch (ServiceException e) {
                System.err.println("netloom serve: " + e.getMessage());
                registry.stopAll();
                return 1;
            }
        }
        if (user != null) {
            try {
                Privileges.dropTo(user);
            } catch (RuntimeException | LinkageError e) {
                System.err.println("netloom serve: cannot drop to user " + user + ": " + e.getMessage());
                registry.stopAll();
                return 1;
            }
            AcceptGate.open();
        }
        if (!admin.isEmpty()) {
            admin.forEach(System.out::println);
        }
        if (options.worker()) {
            System.out.println(WorkerProcess.READY);
        }
        System.out.flush();
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        registry.stopAll();
        return 0;
    }

    /**
     * The checks of production mode ({@code --workers}, {@code --user}; docs/production.md): a
     * service that cannot share its state is refused workers; root must name a user to drop to, or
     * say {@code --allow-root}; {@code --user} needs root and a user that exists; and nothing in the
     * netloom home may be writable by others. Returns the user to drop to, or null.
     */
    private Privileges.User production(ServeOptions options, List<String> names) {
        if (options.workers() > 0) {
            for (String name : names) {
                Catalogue.oneProcess(name).ifPresent(why -> {
                    throw new ConfigException(name + " cannot run in worker processes: " + why
                            + "; serve it without --workers (docs/production.md lists which services can)");
                });
            }
        }
        if (options.user() == null && (!options.master() || options.allowRoot())) {
            return null;
        }
        boolean root = Privileges.root();
        if (options.user() == null) {
            if (root) {
                throw new ConfigException("--workers as root: name an unprivileged user the workers drop to after"
                        + " binding (--user NAME), or say --allow-root to keep root");
            }
            return null;
        }
        if (!root) {
            throw new ConfigException("--user " + options.user() + " needs root (to bind, then drop to that user);"
                    + " run netloom as " + options.user() + " instead, with systemd's User= and"
                    + " AmbientCapabilities=CAP_NET_BIND_SERVICE for ports below 1024 (docs/production.md)");
        }
        Privileges.User user;
        try {
            user = Privileges.lookup(options.user());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--user: " + e.getMessage());
        }
        Path home = registry.configFile().home();
        try {
            List<Path> open = PrivateFiles.writableByOthers(home, 4);
            if (!open.isEmpty()) {
                throw new ConfigException("writable by others in the netloom home, which a root process reads: "
                        + String.join(", ", open.stream().limit(5).map(Path::toString).toList())
                        + (open.size() > 5 ? " and " + (open.size() - 5) + " more" : "") + " (chmod o-w them)");
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ConfigException("cannot check the netloom home " + home + ": " + e.getMessage());
        }
        return user;
    }

    private void parse(List<String> args, List<String> names, Map<String, Map<String, String>> overrides) {
        List<String> assignments = new ArrayList<>();
        for (String a : args) {
            if (a.contains("=")) {
                assignments.add(a);
            } else {
                ServiceType type = registry.type(a);
                if (!names.contains(type.name())) {
                    names.add(type.name());
                }
            }
        }
        if (names.isEmpty()) {
            throw new ConfigException("name at least one service to serve; services are "
                    + String.join(", ", registry.types().stream().map(ServiceType::name).toList()));
        }
        for (String a : assignments) {
            String key = a.substring(0, a.indexOf('='));
            String service = Stream.concat(names.stream(), Stream.of("admin")).filter(n -> key.startsWith(n + "."))
                    .max(Comparator.comparingInt(String::length))
                    .orElseThrow(() -> new ConfigException("'" + a + "' must be SVC.key=value for a service being served ("
                            + String.join(", ", names) + ")"));
            overrides.computeIfAbsent(service, k -> new LinkedHashMap<>())
                    .put(key.substring(service.length() + 1), a.substring(a.indexOf('=') + 1));
        }
        for (String name : overrides.keySet()) { // check every override before anything starts
            registry.settings(name, overrides.get(name));
        }
    }
}
