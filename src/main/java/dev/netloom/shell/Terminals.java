package dev.netloom.shell;

import dev.netloom.core.ServiceRegistry;
import dev.netloom.monitor.BandwidthSampler;
import dev.netloom.monitor.InterfaceCounters;
import dev.netloom.tools.AdminClient;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/** Builds the JLine side of the shell: the terminal, the line reader with completion and history. */
public final class Terminals {

    private static final System.Logger LOG = System.getLogger(Terminals.class.getName());

    private Terminals() {
    }

    /**
     * Whether stdin and stdout are a terminal. The launcher tells us ({@code -Dnetloom.tty});
     * without it, {@code System.console()} decides.
     */
    public static boolean interactive() {
        String tty = System.getProperty("netloom.tty");
        if (tty != null) {
            return Boolean.parseBoolean(tty);
        }
        return System.console() != null;
    }

    /** The history file: {@code NETLOOM_HISTORY}, else {@code ~/.netloom_history}. */
    static Path historyFile() {
        String h = System.getenv("NETLOOM_HISTORY");
        return h != null && !h.isBlank() ? Path.of(h) : Path.of(System.getProperty("user.home"), ".netloom_history");
    }

    /** A shell reading from {@code terminal}; {@code history} may be null for none. */
    public static Shell shell(ServiceRegistry registry, Path logsDir, Terminal terminal, Path history) {
        return shell(terminal, history, reader -> new Shell(registry, logsDir, terminal.writer(), terminal.writer(), reader));
    }

    /** A shell on the netloom that {@code client} reaches, reading from {@code terminal}; {@code history} may be null. */
    public static Shell attachedShell(AdminClient client, Terminal terminal, Path history) {
        return shell(terminal, history, reader -> Shell.attached(client, terminal.writer(), terminal.writer(), reader));
    }

    private static Shell shell(Terminal terminal, Path history, Function<LineReader, Shell> make) {
        LineReaderBuilder builder = LineReaderBuilder.builder().terminal(terminal).appName("netloom")
                .option(LineReader.Option.AUTO_FRESH_LINE, true)
                .option(LineReader.Option.HISTORY_IGNORE_DUPS, true);
        if (history != null) {
            builder.variable(LineReader.HISTORY_FILE, history);
        }
        ShellCompleter[] completer = new ShellCompleter[1];
        LineReader reader = builder.completer((r, line, candidates) -> completer[0].complete(r, line, candidates)).build();
        Shell shell = make.apply(reader);
        completer[0] = new ShellCompleter(shell);
        // Ctrl-C while a command runs interrupts that command; the services keep running
        terminal.handle(Terminal.Signal.INT, signal -> shell.interruptCommand());
        return shell;
    }

    /**
     * Runs the interactive shell on the system terminal until quit or Ctrl-D, with the bandwidth
     * sampler of {@code monitor bw} running meanwhile ({@link #sampler}).
     */
    public static int runInteractive(ServiceRegistry registry, Path logsDir) {
        try (Terminal terminal = TerminalBuilder.builder().system(true).name("netloom").build();
             Closeable sampler = sampler(registry.configFile().home())) {
            return run(shell(registry, logsDir, terminal, historyFile()));
        } catch (IOException e) {
            System.err.println("netloom: cannot open the terminal: " + e.getMessage());
            return 1;
        }
    }

    /** Runs the interactive shell attached to the netloom {@code client} reaches, until quit or Ctrl-D. */
    public static int runAttached(AdminClient client) {
        try (Terminal terminal = TerminalBuilder.builder().system(true).name("netloom").build()) {
            return run(attachedShell(client, terminal, historyFile()));
        } catch (IOException e) {
            System.err.println("netloom: cannot open the terminal: " + e.getMessage());
            return 1;
        }
    }

    private static int run(Shell shell) {
        int code = shell.runInteractive();
        shell.lineReader().ifPresent(r -> {
            try {
                r.getHistory().save();
            } catch (IOException ignored) {
                // history is a convenience; failing to save it must not fail the exit
            }
        });
        return code;
    }

    /**
     * The shell's bandwidth sampler: /proc/net/dev into {@code home/data/monitor/bandwidth.db}
     * every 10 s while the interactive shell is open (docs/monitor.md says why the shell owns it
     * rather than a service). Where it cannot run (not Linux, the file not writable) the reason is
     * logged and the shell goes on without it.
     */
    static Closeable sampler(Path home) {
        if (!Files.isReadable(InterfaceCounters.PROC_NET_DEV)) {
            return () -> { };
        }
        try {
            return BandwidthSampler.start(home, BandwidthSampler.DEFAULT_INTERVAL);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "bandwidth sampler not started: " + e.getMessage());
            return () -> { };
        }
    }
}
