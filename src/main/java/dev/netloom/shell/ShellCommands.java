package dev.netloom.shell;

import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.core.Settings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/** The commands that need no service: logs, source, quit, and the tools kv-check-aof, ftp-passwd and tls. */
final class ShellCommands {

    private ShellCommands() {
    }

    /** The command classes, in the order help lists them; the shell's {@link CommandFactory} makes them. */
    static List<Class<?>> all() {
        return List.of(Logs.class, Source.class, KvCheckAofCommand.class, PasswdCommand.Ftp.class,
                PasswdCommand.Smtp.class, TlsCommand.class, Quit.class);
    }

    @Command(name = "logs", description = {"Show the last lines of the log, of one service or all.",
            "-f follows until Ctrl-C; --access shows the access log of http or rest (Combined Log Format) instead."})
    static final class Logs extends ShellBound {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE")
        String name;
        @Option(names = "-n", paramLabel = "N", description = "lines to show (default 20)")
        int lines = 20;
        @Option(names = "-f", description = "follow: print new lines as they are written, until Ctrl-C")
        boolean follow;
        @Option(names = "--access", description = "the service's access log (its access-log key) instead of netloom's log")
        boolean access;

        @Override
        public Integer call() throws IOException {
            if (name != null && !access) {
                shell.instance().service(name);
            }
            if (lines < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "-n: '" + lines + "' is not 0 or more");
            }
            Predicate<String> wanted = name == null || access ? l -> true : about(name);
            Instance.Log log = access ? accessLog() : shell.instance().log();
            if (!log.exists()) {
                shell.out().println((access ? "no access log yet at " : "no log yet at ") + log.name());
                return 0;
            }
            log.tail(wanted, lines).forEach(shell.out()::println);
            shell.out().flush();
            if (follow) {
                // a file here is followed forever, which a script cannot end; an attached instance's
                // stream ends with it (and scripts drive headless servers that way)
                if (!shell.interactive() && log instanceof LogFile) {
                    throw new ShellException("logs -f needs an interactive terminal");
                }
                shell.out().println("-- following " + log.name() + "; Ctrl-C to stop --");
                shell.out().flush();
                log.follow(wanted, line -> {
                    shell.out().println(line);
                    shell.out().flush();
                });
            }
            return 0;
        }

        /** Whether a line of netloom's log is about service {@code name}: its own lines, and its threads'. */
        static Predicate<String> about(String name) {
            return l -> l.contains("] " + name + ": ") || l.contains("[" + name + "-");
        }

        /**
         * The access log of the service named: the one its running instance writes (its buffer
         * flushed first, so that the request just made shows), else the configured one.
         */
        private LogFile accessLog() {
            if (name == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--access needs a SERVICE (http or rest)");
            }
            ServiceRegistry registry = shell.local("logs --access");
            Settings settings = registry.effective(name);
            Settings.Entry entry = settings.entries().stream().filter(e -> e.key().name().equals("access-log")).findFirst()
                    .orElseThrow(() -> new ShellException(name + " keeps no access log (only services with an access-log key do: http, rest, proxy, lb)"));
            String value = entry.text();
            if (value.equalsIgnoreCase("off")) {
                throw new ShellException(name + "'s access log is off (" + name + ".access-log=off)");
            }
            registry.live(name).ifPresent(Service::flushLogs);
            return new LogFile(settings.home().resolve(value).normalize());
        }
    }

    @Command(name = "source", description = {"Run the commands in a file, stopping at the first failure.",
            "One command a line; # starts a comment."})
    static final class Source extends ShellBound {
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws IOException {
            if (!Files.isReadable(file)) {
                throw new ShellException("cannot read " + file);
            }
            return shell.runScript(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        }
    }

    @Command(name = "quit", aliases = "exit", description = "Leave the shell; a local one stops its services first.")
    static final class Quit extends ShellBound {

        @Override
        public Integer call() {
            shell.requestQuit();
            return 0;
        }
    }
}
