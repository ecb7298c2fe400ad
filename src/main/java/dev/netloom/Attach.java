package dev.netloom;

import dev.netloom.admin.AdminConfig;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.HostPort;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.core.Settings;
import dev.netloom.core.TcpConfig;
import dev.netloom.shell.Shell;
import dev.netloom.shell.Terminals;
import dev.netloom.tools.AdminClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.LogManager;

/**
 * {@code netloom attach [HOST:PORT] [--token TOKEN] [-c 'CMD; CMD' | -f SCRIPT]}: the shell against
 * a running netloom through its admin API (a headless {@code serve}, another shell), interactive
 * on a terminal, else over {@code -c}, {@code -f} or stdin as the local shell runs them.
 *
 * <p>The address defaults to this home's admin listener ({@code admin.host}, a wildcard as
 * 127.0.0.1, and {@code admin.port}: 127.0.0.1:9091 unless configured). The token is
 * {@code --token}, else {@code NETLOOM_ADMIN_TOKEN}, else, for an address of this machine, this
 * home's {@code admin.token} key or the {@code admin.token} file the listener generates there.
 * Exit codes: those of the commands (0, 1 a command failed, 2 usage); 1 when the instance cannot
 * be reached or refuses the token; 2 for a bad address or option.
 */
@Command(name = "attach")
final class Attach {

    static final String HELP = """
            usage: netloom attach [HOST:PORT] [--token TOKEN] [-c 'CMD; CMD' | -f SCRIPT]

            Opens the shell against a running netloom (a headless `netloom serve`, another shell)
            through its admin API. services, start, stop, restart, status, conns, kill, config and
            logs [-f] act on that instance, printing what the local shell prints; the prompt names
            it (netloom@127.0.0.1:9091>). quit leaves it running. The client commands (send, http,
            kv, mail, ...) run from this process: `netloom COMMAND`.

              HOST:PORT        the admin listener (default: this home's admin.host and admin.port,
                               127.0.0.1:9091 unless configured); PORT alone means 127.0.0.1:PORT
              --token TOKEN    its bearer token (when bound off loopback or with admin.auth=token);
                               else NETLOOM_ADMIN_TOKEN, else, on this machine, this home's
                               admin.token key or admin.token file
              -c 'CMD; CMD'    run commands and exit, non-zero at the first that fails
              -f SCRIPT        run a file of commands, likewise (without a terminal: stdin's lines)

            `logs -f` follows the instance's log until Ctrl-C (in -c: until the instance goes away
            or SIGINT/SIGTERM). Exit codes: 0 success; 1 a command failed, or the instance cannot be
            reached or refuses the token; 2 a usage error.
            """;

    @Parameters(arity = "0..1", paramLabel = "HOST:PORT")
    private String address;
    @Option(names = "--token", paramLabel = "TOKEN")
    private String token;
    @Option(names = "-c", paramLabel = "CMDS")
    private String commands;
    @Option(names = "-f", paramLabel = "SCRIPT")
    private Path script;
    @Option(names = {"-h", "--help"})
    private boolean help;

    private Attach() {
    }

    /**
     * Runs {@code attach ARGS}; {@code commands} is a {@code -c} given before the word
     * ({@code netloom -c 'status' attach}), null for none.
     */
    static int run(List<String> args, String commands, ConfigFile file) {
        Attach a = new Attach();
        a.commands = commands;
        try {
            new CommandLine(a).setAllowOptionsAsOptionParameters(true).setExpandAtFiles(false)
                    .setPosixClusteredShortOptionsAllowed(false).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            return usage(e.getMessage());
        }
        if (a.help) {
            System.out.print(HELP);
            return 0;
        }
        // the commands print what fails; the JDK's and JLine's loggers stay quiet (no log file of this home)
        LogManager.getLogManager().reset();
        Settings admin = new ServiceRegistry(Catalogue.all(), file).settings("admin", Map.of());
        AdminClient client;
        try {
            HostPort where = a.address != null ? HostPort.parse(a.address, AdminConfig.DEFAULT_PORT) : defaultAddress(admin);
            client = new AdminClient(where, a.token(where, admin, file.home()));
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        try (client) {
            return a.attach(client);
        }
    }

    private int attach(AdminClient client) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        String problem = Shell.reach(client);
        if (problem != null) {
            err.println("netloom attach: " + problem);
            return 1;
        }
        if (commands != null) {
            return Shell.attached(client, out, err, null).bytesTo(System.out).runScript(Shell.splitCommands(commands), "-c");
        }
        if (script != null) {
            try {
                return Shell.attached(client, out, err, null).runScript(Files.readAllLines(script, StandardCharsets.UTF_8),
                        script.toString());
            } catch (IOException e) {
                err.println("netloom attach: cannot read " + script + ": " + e.getMessage());
                return 2;
            }
        }
        if (Terminals.interactive()) {
            return Terminals.runAttached(client);
        }
        return Shell.attached(client, out, err, null).runScript(Main.readStdin(), "stdin");
    }

    /** This home's admin listener: its host (a wildcard as 127.0.0.1) and port (9091 for 0). */
    private static HostPort defaultAddress(Settings admin) {
        String host = admin.get(TcpConfig.HOST);
        int port = admin.get(TcpConfig.PORT);
        boolean any = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
        return new HostPort(any ? "127.0.0.1" : HostPort.unbracket(host), port == 0 ? AdminConfig.DEFAULT_PORT : port);
    }

    /**
     * {@code --token}, else {@code NETLOOM_ADMIN_TOKEN}, else for an address of this machine this
     * home's {@code admin.token} key or token file; null for none. A token of this home is never
     * sent to another machine.
     */
    private String token(HostPort where, Settings admin, Path home) {
        if (token != null) {
            return token;
        }
        String env = System.getenv("NETLOOM_ADMIN_TOKEN");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        if (!thisMachine(where.host())) {
            return null;
        }
        String configured = admin.get(AdminConfig.TOKEN);
        if (!configured.isEmpty()) {
            return configured;
        }
        Path file = home.resolve(AdminConfig.TOKEN_FILE);
        try {
            return Files.isReadable(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean thisMachine(String host) {
        try {
            InetAddress a = InetAddress.getByName(host);
            return a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (IOException e) {
            return false;
        }
    }

    private static int usage(String message) {
        System.err.println("netloom attach: " + message);
        System.err.print(HELP);
        return 2;
    }
}
