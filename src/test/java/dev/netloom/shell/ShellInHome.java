package dev.netloom.shell;

import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.ServiceRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * A test's shell on a fresh registry of every service, with an empty config in a temporary home
 * (logs under it); whatever the test started is stopped after it. Bodies print as text, as at a
 * terminal, unless {@link #bodiesToBytes} says otherwise.
 */
abstract class ShellInHome {

    @TempDir
    Path home;
    ServiceRegistry registry;
    ScriptShell shell;

    /** Whether {@code http get} bodies go to {@link ScriptShell#bytes} rather than the text output. */
    boolean bodiesToBytes() {
        return false;
    }

    @BeforeEach
    void startShell() {
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.empty(home));
        shell = new ScriptShell(registry, home.resolve("logs"), bodiesToBytes());
    }

    @AfterEach
    void stopServices() {
        registry.stopAll();
    }
}
