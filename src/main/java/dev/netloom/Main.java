package dev.netloom;

import dev.netloom.core.ConfigException;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.Logging;
import dev.netloom.core.NativeLibs;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.shell.Shell;
import dev.netloom.shell.Terminals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The command line.
 *
 * <pre>
 * netloom [--config FILE]                   the shell (interactive on a terminal, else reads commands from stdin)
 * netloom [--config FILE] -c 'CMD; CMD'     run commands, exit non-zero at the first failing one
 * netloom [--config FILE] -f SCRIPT         run a file of commands, likewise
 * netloom serve SVC... [--config FILE] [SVC.key=value...]   headless: run services until SIGINT/SIGTERM
 * netloom attach [HOST:PORT] [--token T] [-c 'CMD; CMD']    the shell on a running netloom, through its admin API
 * netloom COMMAND [ARGS]                    one shell command, e.g. netloom send tcp://127.0.0.1:7007 hi
 * netloom --version                         the version and git commit, from the build
 * </pre>
 *
 * Exit codes: 0 success, 1 a command or service failed, 2 usage or configuration error.
 * The home directory ({@code -Dnetloom.home}, else {@code NETLOOM_HOME}, else the working
 * directory) holds {@code netloom.properties} and {@code logs/}.
 */
public final class Main {

    static final String HELP = """
            usage: netloom [--config FILE]                 open the shell (reads commands from stdin without a terminal)
                   netloom [--config FILE] -c 'CMD; CMD'   run commands; exit non-zero at the first that fails
                   netloom [--config FILE] -f SCRIPT       run a file of commands, likewise
                   netloom serve SVC... [--config FILE] [SVC.key=value...]
                                                           run services headless until SIGINT/SIGTERM
                   netloom attach [HOST:PORT] [-c 'CMD; CMD']
                                                           the shell on a running netloom through its admin API
                                                           (default 127.0.0.1:9091; attach --help for more)
                   netloom COMMAND [ARGS...]               run one shell command (e.g. send, services)
                   netloom help [COMMAND]                  the shell's commands, or one command's usage (help serve: serve's)
                   netloom --version                       print the version and the git commit it was built from
            """;

    private Main() {
    }

    public static void main(String[] args) {
        NativeLibs.presetSearchPath(); // before JNA's first library: no ldconfig run at start
        NativeLibs.presetDispatchPath(); // and its own library from target/native, not a temp file
        ProcessExit.exit(run(args));
    }

    static int run(String[] args) {
        Path home = home();
        Arguments a;
        try {
            a = Arguments.parse(args);
        } catch (Arguments.UsageException e) {
            return usage(e.getMessage());
        }
        if (a.early() == Arguments.Early.HELP) {
            System.out.println(HELP);
            return 0;
        }
        if (a.early() == Arguments.Early.VERSION) {
            System.out.println("netloom " + version());
            return 0;
        }
        if (a.serveHelp()) {
            System.out.print(Serve.HELP);
            return 0;
        }
        ConfigFile file;
        try {
            Path config = a.config() != null ? a.config() : home.resolve("netloom.properties");
            file = ConfigFile.load(config, a.config() != null, Catalogue.all(), home);
        } catch (ConfigException e) {
            System.err.println("netloom: " + e.getMessage());
            return 2;
        }
        if (!a.words().isEmpty() && a.words().getFirst().equals("attach")) {
            return Attach.run(a.words().subList(1, a.words().size()), a.commands(), file);
        }
        Path logs = home.resolve("logs");
        Logging.setup(logs, a.serve());
        ServiceRegistry registry = new ServiceRegistry(Catalogue.all(), file);
        if (a.serve()) {
            return new Serve(registry, a.config()).run(a.words().subList(1, a.words().size()));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(registry::stopAll, "shutdown"));
        try {
            return shell(a, registry, logs);
        } finally {
            registry.stopAll();
        }
    }

    /** Runs {@code -c}, else {@code -f}, else the one command the words make, else the shell on a terminal or stdin. */
    private static int shell(Arguments a, ServiceRegistry registry, Path logs) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        if (a.commands() != null) {
            return scripted(registry, logs, out, err, Shell.splitCommands(a.commands()), "-c");
        }
        if (a.script() != null) {
            try {
                return scripted(registry, logs, out, err, Files.readAllLines(a.script(), StandardCharsets.UTF_8),
                        a.script().toString());
            } catch (IOException e) {
                err.println("netloom: cannot read " + a.script() + ": " + e.getMessage());
                return 2;
            }
        }
        if (!a.words().isEmpty()) {
            return Shell.forOneCommand(registry, logs, out, err, a.words().getFirst()).bytesTo(System.out)
                    .execute(quoteJoin(a.words()));
        }
        if (Terminals.interactive()) {
            AdminAutostart.start(registry, Map.of(), System.out, System.err);
            return Terminals.runInteractive(registry, logs);
        }
        return scripted(registry, logs, out, err, readStdin(), "stdin");
    }

    private static int scripted(ServiceRegistry registry, Path logs, PrintWriter out, PrintWriter err, List<String> lines,
                                String source) {
        return new Shell(registry, logs, out, err, null).bytesTo(System.out).runScript(lines, source);
    }

    static List<String> readStdin() {
        try {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).lines().toList();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** Rejoins argv into one shell line, quoting words that need it. */
    static String quoteJoin(List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            if (w.isEmpty() || w.matches(".*[\\s'\"\\\\;#].*")) {
                sb.append('\'').append(w.replace("'", "'\\''")).append('\'');
            } else {
                sb.append(w);
            }
        }
        return sb.toString();
    }

    static Path home() {
        String h = System.getProperty("netloom.home");
        if (h == null || h.isBlank()) {
            h = System.getenv("NETLOOM_HOME");
        }
        return Path.of(h == null || h.isBlank() ? "." : h).toAbsolutePath().normalize();
    }

    /**
     * {@code VERSION (commit C)}: the version and git commit the build wrote into
     * {@code dev/netloom/version.properties} (the Makefile passes the commit; a build without it, or
     * without git, says {@code unknown}), else the jar manifest's version.
     */
    static String version() {
        Properties p = new Properties();
        try (var in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall back to the manifest
        }
        String v = built(p.getProperty("version"));
        if (v == null) {
            v = Main.class.getPackage().getImplementationVersion();
        }
        String commit = built(p.getProperty("commit"));
        return (v != null ? v : "unknown") + " (commit " + (commit != null ? commit : "unknown") + ")";
    }

    /** A value the build filled in, or null (absent, blank, or a placeholder left unfiltered). */
    private static String built(String value) {
        return value == null || value.isBlank() || value.contains("${") ? null : value.strip();
    }

    private static int usage(String message) {
        System.err.println("netloom: " + message);
        System.err.println(HELP);
        return 2;
    }

}
