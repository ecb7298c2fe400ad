package dev.netloom;

import dev.netloom.admin.AdminConfig;
import dev.netloom.core.AbstractService;
import dev.netloom.core.ConfigException;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceException;
import dev.netloom.core.ServiceRegistry;

import java.io.PrintStream;
import java.util.Map;

/**
 * Starts the {@code admin} listener beside the interactive shell and {@code serve}, unless
 * {@code admin.enabled=false} or it already runs. Its port being taken (another netloom, a test
 * run beside it) is no reason to stop the shell or the services: the listener is skipped with
 * one warning line, and {@code start admin port=0} can start it later.
 */
final class AdminAutostart {

    private AdminAutostart() {
    }

    /** Starts it with {@code overrides}; prints its listening line on {@code out}, a skip on {@code err}. */
    static void start(ServiceRegistry registry, Map<String, String> overrides, PrintStream out, PrintStream err) {
        String name = "admin";
        if (registry.instance(name).map(s -> !s.state().finished()).orElse(false)) {
            return;
        }
        try {
            if (!registry.settings(name, overrides).get(AdminConfig.ENABLED)) {
                return;
            }
            Service s = registry.start(name, overrides);
            AbstractService.listening(s).forEach(out::println);
            out.flush();
        } catch (ConfigException | ServiceException e) {
            err.println("netloom: admin listener not started: " + e.getMessage()
                    + " (admin.enabled=false turns it off, admin.port=0 takes any free port)");
            err.flush();
        }
    }
}
