package dev.netloom.shell;

import dev.netloom.core.Logging;
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
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

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
            if (name != null) {
                shell.registry().type(name);
            }
            if (lines < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "-n: '" + lines + "' is not 0 or more");
            }
            Predicate<String> wanted = name == null || access ? l -> true
                    : l -> l.contains("] " + name + ": ") || l.contains("[" + name + "-");
            Path file = access ? accessLog() : Logging.current(shell.logsDir());
            if (access) { // the running instance's last second of requests, still in its buffer
                shell.registry().instance(name).filter(s -> !s.state().finished()).ifPresent(Service::flushLogs);
            }
            if (!Files.exists(file)) {
                shell.out().println((access ? "no access log yet at " : "no log yet at ") + file);
                return 0;
            }
            Deque<String> tail = new ArrayDeque<>();
            try (Stream<String> all = Files.lines(file, StandardCharsets.UTF_8)) {
                all.filter(wanted).forEach(l -> {
                    tail.addLast(l);
                    if (tail.size() > Math.max(0, lines)) {
                        tail.removeFirst();
                    }
                });
            }
            tail.forEach(shell.out()::println);
            shell.out().flush();
            if (follow) {
                if (!shell.interactive()) {
                    throw new ShellException("logs -f needs an interactive terminal");
                }
                follow(file, wanted);
            }
            return 0;
        }

        /** The access log of the service named: the one its running instance writes, else the configured one. */
        private Path accessLog() {
            if (name == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--access needs a SERVICE (http or rest)");
            }
            ServiceRegistry registry = shell.registry();
            Settings settings = registry.instance(name).filter(s -> !s.state().finished()).map(Service::settings)
                    .orElseGet(() -> {
                        registry.current();
                        return registry.settings(name, Map.of());
                    });
            Settings.Entry entry = settings.entries().stream().filter(e -> e.key().name().equals("access-log")).findFirst()
                    .orElseThrow(() -> new ShellException(name + " keeps no access log (only services with an access-log key do: http, rest, proxy, lb)"));
            String value = entry.text();
            if (value.equalsIgnoreCase("off")) {
                throw new ShellException(name + "'s access log is off (" + name + ".access-log=off)");
            }
            return settings.home().resolve(value).normalize();
        }

        private void follow(Path file, Predicate<String> wanted) throws IOException {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                raf.seek(raf.length());
                shell.out().println("-- following " + file + "; Ctrl-C to stop --");
                shell.out().flush();
                while (!Thread.currentThread().isInterrupted()) {
                    String line = raf.readLine();
                    if (line == null) {
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException e) {
                            break;
                        }
                        continue;
                    }
                    String text = new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
                    if (wanted.test(text)) {
                        shell.out().println(text);
                        shell.out().flush();
                    }
                }
                Thread.interrupted(); // Ctrl-C ended the follow, not the shell
            }
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

    @Command(name = "quit", aliases = "exit", description = "Stop every service gracefully and leave the shell.")
    static final class Quit extends ShellBound {

        @Override
        public Integer call() {
            shell.requestQuit();
            return 0;
        }
    }
}
