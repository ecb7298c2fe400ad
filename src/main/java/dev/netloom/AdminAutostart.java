package dev.netloom;

import dev.netloom.admin.AdminConfig;
import dev.netloom.core.AbstractService;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Starts the {@code admin} listener beside the interactive shell and {@code serve}, unless
 * {@code admin.enabled=false} or it already runs. Its port being taken (another netloom, a test
 * run beside it) is no reason to stop the shell or the services: the listener is skipped with
 * one warning line, and {@code start admin port=0} can start it later. Nor is any other failure to
 * start it, down to a class that cannot load because the process is out of file descriptors.
 */
final class AdminAutostart {

    private AdminAutostart() {
    }

    /** Starts it with {@code overrides}, prints its listening line on {@code out} (a skip on {@code err}). */
    static void start(ServiceRegistry registry, Map<String, String> overrides, PrintStream out, PrintStream err) {
        List<String> lines = startQuietly(registry, overrides, err);
        lines.forEach(out::println);
        out.flush();
    }

    /**
     * Starts it with {@code overrides} and returns its listening lines (empty when it is off or was
     * skipped, which is said on {@code err}). {@code serve} starts it before the services and prints
     * its line after theirs: a script that acts on the services' lines finds it loaded already.
     */
    static List<String> startQuietly(ServiceRegistry registry, Map<String, String> overrides, PrintStream err) {
        String name = "admin";
        if (registry.instance(name).map(s -> !s.state().finished()).orElse(false)) {
            return List.of();
        }
        try {
            if (!registry.settings(name, overrides).get(AdminConfig.ENABLED)) {
                return List.of();
            }
            Service s = registry.start(name, overrides);
            return AbstractService.listening(s);
        } catch (RuntimeException | LinkageError e) {
            // ConfigException, ServiceException (port taken); a class that cannot load when out of
            // descriptors: none of them may take the shell or the served services down
            registry.instance(name).ifPresent(s -> s.stop(Duration.ZERO));
            err.println("netloom: admin listener not started: " + e.getMessage()
                    + " (admin.enabled=false turns it off, admin.port=0 takes any free port)");
            err.flush();
            return List.of();
        }
    }
}
