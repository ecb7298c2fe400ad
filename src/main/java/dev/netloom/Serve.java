package dev.netloom;

import dev.netloom.core.AbstractService;
import dev.netloom.core.ConfigException;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceException;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.core.ServiceType;
import sun.misc.Signal;

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

            Exit codes: 0 stopped by a signal; 1 a service could not start; 2 a usage or config error.
            """.formatted(String.join(", ", Catalogue.all().stream().map(ServiceType::name).toList()));

    private final ServiceRegistry registry;

    Serve(ServiceRegistry registry) {
        this.registry = registry;
    }

    int run(List<String> args) {
        List<String> names = new ArrayList<>();
        Map<String, Map<String, String>> overrides = new LinkedHashMap<>();
        try {
            parse(args, names, overrides);
        } catch (ConfigException | ServiceException e) {
            System.err.println("netloom serve: " + e.getMessage());
            return 2;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
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
        if (!admin.isEmpty()) {
            admin.forEach(System.out::println);
            System.out.flush();
        }
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        registry.stopAll();
        return 0;
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
