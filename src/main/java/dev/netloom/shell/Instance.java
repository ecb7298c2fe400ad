package dev.netloom.shell;

import dev.netloom.core.ConnectionInfo;
import dev.netloom.core.ServiceState;
import dev.netloom.core.ServiceType;
import dev.netloom.core.StatsSnapshot;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The netloom process a shell drives: this one ({@link LocalInstance}, its ServiceRegistry), or
 * another one through its admin API ({@link AttachedInstance}, {@code netloom attach}). The service
 * commands ({@code services}, {@code start}, {@code stop}, {@code restart}, {@code status},
 * {@code conns}, {@code kill}, {@code config}, {@code logs}) ask it for what they print, so each
 * command's code and output format exist once.
 *
 * <p>Errors: a ConfigException (a usage error, exit 2) for an unknown service or a bad
 * {@code key=value}; a ServiceException or ShellException (exit 1) for what the state forbids
 * ({@code X is not running}) or an instance that cannot be reached.
 */
interface Instance {

    /** The shell's prompt: {@code netloom> }, or {@code netloom@127.0.0.1:9091> } attached. */
    String prompt();

    /** Where the services run, for messages: {@code in this session}, {@code on 127.0.0.1:9091}. */
    String where();

    /** Every service of the catalogue, in its order, each with its instance's state if it has one. */
    List<ServiceView> services();

    /** One service of the catalogue, as {@link #services()} gives it; a ConfigException when there is none such. */
    ServiceView service(String name);

    /** The services started (running, stopped or failed), in start order where the instance knows it. */
    List<ServiceView> started();

    /** Starts {@code name} with {@code overrides} on its config; what {@code start} prints. */
    Started start(String name, Map<String, String> overrides);

    /** Restarts {@code name}, the overrides added to its last start's; what {@code restart} prints. */
    Started restart(String name, Map<String, String> overrides);

    /** Stops {@code name} within {@code grace} (null: its {@code grace} key); how the stop went. */
    String stop(String name, Duration grace);

    /** The connections (UDP: peers) of running service {@code name}. */
    List<ConnectionInfo> connections(String name);

    /** Closes connection {@code id} of running service {@code name}; false when it has none such. */
    boolean kill(String name, long id);

    /** What {@code config NAME} shows: the running instance's settings, else what a start would use. */
    ConfigView config(String name);

    /** netloom's own log of this instance. */
    Log log();

    /**
     * One service as {@code services} and {@code status} show it.
     *
     * @param state   its instance's state; null when it was never started
     * @param address {@code HOST:PORT} it listens on, {@code -} when it does not
     * @param port    the configured port: a live instance's, else what a start would use
     * @param stats   its counters; null when never started
     * @param failure why it FAILED, null otherwise
     * @param details the lines {@code status SERVICE} adds
     */
    record ServiceView(String name, ServiceType.Transport transport, String description, ServiceState state,
                       String address, String port, StatsSnapshot stats, String failure, List<String> details) {
    }

    /** What {@code start} and {@code restart} print: the listening lines, then the settings' warnings. */
    record Started(List<String> listening, List<String> warnings) {
    }

    /** {@code config NAME}: whether it runs (else these are what a start would use) and its settings. */
    record ConfigView(boolean running, List<Setting> settings) {
    }

    /** One key of {@link ConfigView}: its value, where it came from (default, file, local, override) and meaning. */
    record Setting(String key, String value, String source, String description) {
    }

    /** A log to show the end of and to follow: a file here, or the admin API's log of the attached instance. */
    interface Log {

        /** What it is, for messages: the file, or {@code the log of 127.0.0.1:9091}. */
        String name();

        /** Whether there is a log yet (a local file may not exist). */
        boolean exists() throws IOException;

        /** The last {@code lines} lines that {@code wanted} accepts. */
        List<String> tail(Predicate<String> wanted, int lines) throws IOException;

        /**
         * Prints each new line that {@code wanted} accepts to {@code print} until the thread is
         * interrupted (Ctrl-C) or the log ends (an attached instance that goes away).
         */
        void follow(Predicate<String> wanted, Consumer<String> print) throws IOException;
    }
}
