package dev.netloom.shell;

import dev.netloom.core.ConfigException;
import dev.netloom.core.Key;
import dev.netloom.core.ServiceException;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.tools.AdminClient;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.Parser;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The netloom shell: parses a line into a picocli command and runs it against an
 * {@link Instance}: this process's {@link ServiceRegistry}, or another netloom through its admin
 * API ({@link #attached}, {@code netloom attach}), which offers the commands that act on the
 * services ({@link #ATTACHED}). Runs interactively on a JLine {@link LineReader} (completion,
 * history, Ctrl-C cancels the line), or over lines from a script, stdin or {@code -c}, stopping
 * at the first command that fails.
 */
public final class Shell {

    public static final String PROMPT = "netloom> ";
    private static final System.Logger LOG = System.getLogger(Shell.class.getName());
    /**
     * The commands of an attached shell: those that act on the services, which the admin API
     * serves. The others act from this process (clients, this machine's files, a service's running
     * object) and are run with {@code netloom COMMAND} instead.
     */
    static final List<Class<?>> ATTACHED = Stream.concat(ServiceCommands.all().stream(),
            Stream.of(ShellCommands.Logs.class, ShellCommands.Source.class, ShellCommands.Quit.class)).toList();

    @Command(name = "", description = "netloom shell: start, stop and inspect network services.",
            subcommands = CommandLine.HelpCommand.class, synopsisHeading = "", customSynopsis = "",
            commandListHeading = "%nCommands (help COMMAND for details):%n")
    private static final class Root {
    }

    private final Instance instance;
    /** This process's registry; null when attached. */
    private final ServiceRegistry registry;
    private final PrintWriter out;
    private final PrintWriter err;
    private final LineReader reader;
    /** Whether this shell runs one command given on netloom's command line ({@link #forOneCommand}). */
    private final boolean oneCommand;
    private final CommandLine commands;
    private final Parser parser = new DefaultParser();
    private volatile boolean quit;
    private volatile Thread commandThread;
    private volatile OutputStream bytesOut;

    /**
     * @param reader a JLine reader for interactive use, or null for scripts (then {@code connect}
     *               and {@code logs -f} are refused)
     */
    public Shell(ServiceRegistry registry, Path logsDir, PrintWriter out, PrintWriter err, LineReader reader) {
        this(new LocalInstance(registry, logsDir), out, err, reader, null);
    }

    private Shell(Instance instance, PrintWriter out, PrintWriter err, LineReader reader, String only) {
        this.instance = instance;
        this.registry = instance instanceof LocalInstance local ? local.registry() : null;
        this.out = out;
        this.err = err;
        this.reader = reader;
        this.oneCommand = only != null;
        this.commands = new CommandLine(Root.class, new CommandFactory(this));
        List<Class<?>> all = registry == null ? ATTACHED : everyCommand();
        List<Class<?>> named = only == null || only.equals("help") ? List.of()
                : all.stream().filter(c -> names(c).contains(only)).toList();
        (named.isEmpty() ? all : named).forEach(commands::addSubcommand);
        CommandLine kv = commands.getSubcommands().get("kv");
        if (kv != null) {
            KvCommand.configure(kv);
        }
        // one notation for every duration option (--grace, --timeout), as config files write them
        commands.registerConverter(Duration.class, text -> {
            Duration d = Key.parseDuration(text);
            if (d == null) {
                throw new CommandLine.TypeConversionException("'" + text + "' is not a duration such as 500ms, 10s, 1m");
            }
            return d;
        });
        // "@FILE" is ours to read (http -d @body.json), not picocli's argument-file expansion.
        commands.setExpandAtFiles(false);
        commands.setOut(out);
        commands.setErr(err);
        commands.setParameterExceptionHandler(new UsageErrors(err));
        commands.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof ShellException s && s.isUsage()) {
                // a bad key=value, an unknown service, a config file that no longer checks: usage errors
                err.println("error: " + e.getMessage());
                err.flush();
                return UsageErrors.EXIT;
            }
            if (e instanceof ShellException || e instanceof ServiceException) {
                err.println("error: " + e.getMessage());
            } else {
                err.println("error: " + e);
                LOG.log(Level.ERROR, "command failed: " + parsed.originalArgs(), e);
            }
            err.flush();
            return 1;
        });
    }

    /**
     * A shell for one command line from the command line ({@code netloom p2p get ...}): only the
     * command its first word names is built, not the ~40 of the whole shell (picocli reads each
     * one's annotations: about half a second in a fresh JVM). An unknown or missing first word,
     * and {@code help}, get every command.
     */
    public static Shell forOneCommand(ServiceRegistry registry, Path logsDir, PrintWriter out, PrintWriter err,
                                      String firstWord) {
        return new Shell(new LocalInstance(registry, logsDir), out, err, null, firstWord);
    }

    /**
     * A shell on another netloom through its admin API ({@code netloom attach}): the commands of
     * {@link #ATTACHED}, the prompt {@code netloom@HOST:PORT> }; {@code reader} null for scripts.
     */
    public static Shell attached(AdminClient client, PrintWriter out, PrintWriter err, LineReader reader) {
        return new Shell(new AttachedInstance(client), out, err, reader, null);
    }

    /**
     * Null when the admin API {@code client} names answers it; else why not, in words: nothing
     * listens there, it wants a token, it refused the one given.
     */
    public static String reach(AdminClient client) {
        try {
            new AttachedInstance(client).started();
            return null;
        } catch (ShellException | ConfigException e) {
            return e.getMessage();
        }
    }

    private static List<Class<?>> everyCommand() {
        return Stream.of(ServiceCommands.all(), ClientCommands.all(), ShellCommands.all()).flatMap(List::stream).toList();
    }

    /** The names a command class answers to: its name and aliases. */
    private static List<String> names(Class<?> c) {
        Command cmd = c.getAnnotation(Command.class);
        if (cmd == null) {
            return List.of();
        }
        return Stream.concat(Stream.of(cmd.name()), Stream.of(cmd.aliases())).toList();
    }

    /**
     * Whether this shell runs one command from netloom's command line: the process ends with the
     * command, so a command that serves ({@code p2p share}) stays in the foreground.
     */
    boolean oneCommand() {
        return oneCommand;
    }

    /** The instance the shell drives: this process, or the one it is attached to. */
    Instance instance() {
        return instance;
    }

    /** This process's registry, for the commands only a local shell has (null when attached: they are not offered). */
    ServiceRegistry registry() {
        return registry;
    }

    /** This process's registry for {@code what}; a ShellException saying that it runs only locally when attached. */
    ServiceRegistry local(String what) {
        if (registry == null) {
            throw new ShellException(what + " acts on this machine, not on the attached instance " + instance.where()
                    + "; run it in a local shell");
        }
        return registry;
    }

    PrintWriter out() {
        return out;
    }

    /** Where notes go that must not mix with a command's output on stdout (p2p share prints its link first). */
    PrintWriter err() {
        return err;
    }

    /**
     * Lets commands write bytes unchanged (an HTTP body) to {@code stream}, the stream under
     * {@code out}; without it they write through {@code out} as UTF-8 text.
     */
    public Shell bytesTo(OutputStream stream) {
        this.bytesOut = stream;
        return this;
    }

    Optional<OutputStream> bytesOut() {
        return Optional.ofNullable(bytesOut);
    }

    Optional<LineReader> lineReader() {
        return Optional.ofNullable(reader);
    }

    boolean interactive() {
        return reader != null;
    }

    void requestQuit() {
        quit = true;
    }

    public boolean quitRequested() {
        return quit;
    }

    /** The command names, for completion and help. */
    public List<String> commandNames() {
        return new ArrayList<>(commands.getSubcommands().keySet());
    }

    CommandLine commandLine() {
        return commands;
    }

    /** Ends a pending {@code readLine} as if Ctrl-C had been pressed. */
    void wakeReader() {
        if (reader != null) {
            reader.getTerminal().raise(Terminal.Signal.INT);
        }
    }

    /** Runs one command line; returns its exit code (0 success, 1 failure, 2 usage error). */
    public int execute(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return 0;
        }
        List<String> words;
        try {
            words = parser.parse(trimmed, trimmed.length(), Parser.ParseContext.ACCEPT_LINE).words();
        } catch (RuntimeException e) {
            err.println("error: cannot parse the line: " + e.getMessage());
            err.flush();
            return 2;
        }
        // a quoted '' is an empty argument (kv k '' sets an empty string), kept as the word it is
        if (words.isEmpty()) {
            return 0;
        }
        if (words.size() == 2 && words.get(0).equals("help") && words.get(1).equals("serve")) {
            out.println("serve is not a shell command: `netloom serve SVC...` runs services headless from the"
                    + " command line; `netloom serve --help` shows its usage");
            out.flush();
            return 0;
        }
        if (words.size() == 2 && words.get(0).equals("help") && words.get(1).equals("attach")) {
            out.println("attach is not a shell command: `netloom attach [HOST:PORT]` opens this shell on another"
                    + " netloom through its admin API; `netloom attach --help` shows its usage");
            out.flush();
            return 0;
        }
        if (!commands.getSubcommands().containsKey(words.get(0))) {
            boolean local = registry == null && everyCommand().stream().anyMatch(c -> names(c).contains(words.get(0)));
            err.println("error: " + (local ? "'" + words.get(0) + "' runs from this process, not on the attached instance:"
                    + " use `netloom " + words.get(0) + " ...` (`help` lists what an attached shell offers)"
                    : "unknown command '" + words.get(0) + "'; `help` lists the commands"));
            err.flush();
            return 2;
        }
        commandThread = Thread.currentThread();
        try {
            int code = commands.execute(words.toArray(String[]::new));
            out.flush();
            return code;
        } finally {
            commandThread = null;
            Thread.interrupted(); // a Ctrl-C aimed at this command must not reach the next one
        }
    }

    /** Interrupts the running command (Ctrl-C while a command runs, e.g. {@code logs -f}). */
    public void interruptCommand() {
        Thread t = commandThread;
        if (t != null) {
            t.interrupt();
        }
    }

    /**
     * Runs {@code lines} in order; at the first failure prints which line failed and returns its
     * exit code. {@code quit} ends the run early with 0.
     */
    public int runScript(List<String> lines, String source) {
        for (int i = 0; i < lines.size() && !quit; i++) {
            int code = execute(lines.get(i));
            if (code != 0) {
                err.println("netloom: " + source + ":" + (i + 1) + ": command failed: " + lines.get(i).strip());
                err.flush();
                return code;
            }
        }
        return 0;
    }

    /** Reads and runs lines until {@code quit} or end of input (Ctrl-D). Ctrl-C cancels the line. */
    public int runInteractive() {
        out.println(registry != null
                ? "netloom shell — `help` lists commands, `services` the catalogue, Tab completes, `quit` leaves."
                : "attached to netloom " + instance.where() + " — `help` lists commands, `quit` leaves (the services"
                + " keep running).");
        out.flush();
        while (!quit) {
            String line;
            try {
                line = reader.readLine(instance.prompt());
            } catch (UserInterruptException e) {
                continue;
            } catch (EndOfFileException e) {
                break;
            }
            execute(line);
        }
        return 0;
    }

    /** Splits {@code -c} text into commands at semicolons outside quotes. */
    public static List<String> splitCommands(String text) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == ';') {
                parts.add(cur.toString());
                cur.setLength(0);
                continue;
            }
            cur.append(c);
        }
        parts.add(cur.toString());
        return parts.stream().filter(p -> !p.isBlank()).map(String::strip).toList();
    }
}
