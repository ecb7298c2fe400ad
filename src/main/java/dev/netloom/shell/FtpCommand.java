package dev.netloom.shell;

import dev.netloom.tools.FtpClient;
import dev.netloom.tools.FtpUrl;
import org.jline.reader.LineReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code ftp}: an FTP client on {@link FtpClient}. {@code ftp open HOST[:PORT] [--user U]} logs in
 * (the password asked on the terminal without echo; anonymous without {@code --user}) and opens
 * an {@code ftp HOST>} prompt ({@link FtpPrompt}); it needs a terminal. The one-shot forms
 * {@code ftp get ftp://[USER[:PASS]@]HOST[:PORT]/PATH [LOCAL] [-c]} and
 * {@code ftp put LOCAL ftp://USER@HOST[:PORT]/PATH [-c]} work in scripts and as
 * {@code netloom ftp get ...}: exit 0 on success, 1 when the server refuses or the transfer
 * fails (the message carries the server's reply), 2 for usage errors. A password missing from
 * the URL is asked on a terminal, or read as the first line of stdin with {@code --password-stdin}.
 */
@Command(name = "ftp", description = {"FTP client: an interactive prompt, or one get or put.",
        "ftp open HOST[:PORT] for a prompt (ls, cd, get, put, ...),",
        "or one transfer: ftp get ftp://[USER[:PASS]@]HOST[:PORT]/PATH [LOCAL], ftp put LOCAL ftp://USER@HOST/PATH.",
        "Exit code 0 on success, 1 if the server refuses or the transfer fails, 2 for usage errors."},
        subcommands = {FtpCommand.Open.class, FtpCommand.Get.class, FtpCommand.Put.class})
final class FtpCommand {

    static final String ANONYMOUS = "anonymous";
    static final String ANONYMOUS_PASSWORD = "netloom@";

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    private FtpCommand() {
    }

    /** Options every form shares. */
    static final class Common {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
        boolean help;
        @Option(names = "--active",
                description = "active mode: the server connects back (EPRT/PORT); default passive (EPSV/PASV)")
        boolean active;
        @Option(names = "--ascii", description = "ASCII type (CRLF on the wire, LF here); default binary")
        boolean ascii;
        @Option(names = "--timeout", paramLabel = "DURATION", description = "wait for each reply and data read (default 30s)")
        Duration timeout = Duration.ofSeconds(30);
    }

    @Command(name = "open", description = {"Log in to an FTP server and open an ftp HOST> prompt.",
            "At the prompt, help lists its commands. The password is asked without echo;",
            "anonymous without --user. Needs a terminal."})
    static final class Open extends ShellBound {
        @Spec
        CommandSpec spec;
        @Mixin
        Common common;
        @Parameters(index = "0", paramLabel = "HOST[:PORT]", description = "the server; port 21 unless given")
        String target;
        @Option(names = "--user", paramLabel = "USER", description = "log in as USER (default: anonymous)")
        String user;

        @Override
        public Integer call() throws IOException {
            FtpUrl where = parse(spec, () -> FtpUrl.host(target));
            LineReader reader = shell.lineReader().orElseThrow(() -> new ShellException("ftp open needs an interactive "
                    + "terminal; in scripts use ftp get URL [LOCAL] or ftp put LOCAL URL"));
            FtpClient client = login(shell, common, new FtpUrl(user, null, where.host(), where.port(), ""), false);
            try (client) {
                return new FtpPrompt(shell, reader, client).run();
            }
        }
    }

    @Command(name = "get", description = {"Download one file from an FTP server.",
            "ftp get ftp://[USER[:PASS]@]HOST[:PORT]/PATH [LOCAL] [-c]."})
    static final class Get extends ShellBound {
        @Spec
        CommandSpec spec;
        @Mixin
        Common common;
        @Parameters(index = "0", paramLabel = "URL", description = "ftp://[USER[:PASS]@]HOST[:PORT]/PATH (PATH relative to "
                + "the login directory; //PATH is absolute)")
        String url;
        @Parameters(index = "1", arity = "0..1", paramLabel = "LOCAL", description = "where to save (default: PATH's file name)")
        Path local;
        @Option(names = {"-c", "--continue"}, description = "resume: fetch only what LOCAL lacks (REST)")
        boolean resume;
        @Option(names = "--password-stdin", description = "read the password from the first line of stdin")
        boolean passwordStdin;

        @Override
        public Integer call() throws IOException {
            FtpUrl where = parse(spec, () -> FtpUrl.parse(url));
            if (where.path().isEmpty() || where.path().endsWith("/")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "the URL names no file: " + url);
            }
            Path to = local != null ? local : Path.of(where.path().substring(where.path().lastIndexOf('/') + 1));
            FtpClient client = login(shell, common, where, passwordStdin);
            try (client) {
                transfers(shell).get(client, where.path(), to, resume);
                quietQuit(client);
            } catch (IOException e) {
                throw new ShellException("get " + where.path() + ": " + e.getMessage());
            }
            return 0;
        }
    }

    @Command(name = "put", description = {"Upload one file to an FTP server.",
            "ftp put LOCAL ftp://USER[:PASS]@HOST[:PORT]/PATH [-c]; a PATH ending in / gets LOCAL's name."})
    static final class Put extends ShellBound {
        @Spec
        CommandSpec spec;
        @Mixin
        Common common;
        @Parameters(index = "0", paramLabel = "LOCAL", description = "the file to send")
        Path local;
        @Parameters(index = "1", paramLabel = "URL", description = "ftp://[USER[:PASS]@]HOST[:PORT]/PATH")
        String url;
        @Option(names = {"-c", "--continue"}, description = "resume: send only what the server's file lacks (SIZE, REST)")
        boolean resume;
        @Option(names = "--password-stdin", description = "read the password from the first line of stdin")
        boolean passwordStdin;

        @Override
        public Integer call() throws IOException {
            FtpUrl where = parse(spec, () -> FtpUrl.parse(url));
            String remote = where.path().isEmpty() || where.path().endsWith("/")
                    ? where.path() + local.getFileName() : where.path();
            FtpClient client = login(shell, common, where, passwordStdin);
            try (client) {
                transfers(shell).put(client, local, remote, resume);
                quietQuit(client);
            } catch (IOException e) {
                throw new ShellException("put " + remote + ": " + e.getMessage());
            }
            return 0;
        }
    }

    private interface Parse {
        FtpUrl get();
    }

    private static FtpUrl parse(CommandSpec spec, Parse parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** A progress bar only for a person watching: the shell on a terminal, or netloom run from one. */
    static FtpTransfers transfers(Shell shell) {
        return new FtpTransfers(shell, shell.interactive() || Terminals.interactive());
    }

    /**
     * Connects and logs in as the URL's user (anonymous when none), setting the type and mode of
     * {@code common}; the password comes from the URL, stdin, or the terminal, in that order.
     */
    static FtpClient login(Shell shell, Common common, FtpUrl where, boolean passwordStdin) throws IOException {
        if (common.timeout.isZero() || common.timeout.isNegative()) {
            throw ShellException.usage("--timeout must be more than 0");
        }
        String user = where.user() != null ? where.user() : ANONYMOUS;
        String password = where.password() != null ? where.password()
                : where.user() == null ? ANONYMOUS_PASSWORD
                : passwordStdin ? Passwords.stdinLine() : Passwords.ask(shell, user + "@" + where.host());
        FtpClient client;
        try {
            client = FtpTransfers.call(() -> FtpClient.connect(where.host(), where.port(), common.timeout));
        } catch (IOException e) {
            throw new ShellException(e.getMessage());
        }
        try {
            FtpTransfers.call(() -> {
                client.login(user, password);
                if (common.ascii) {
                    client.setBinary(false);
                }
                return null;
            });
        } catch (IOException e) {
            client.close();
            throw new ShellException(client.server() + ": login as " + user + " failed: " + e.getMessage());
        }
        client.setPassive(!common.active);
        return client;
    }

    /** QUIT after a one-shot transfer; the transfer is done, so a server that hangs up first is no failure. */
    private static void quietQuit(FtpClient client) {
        try {
            client.quit();
        } catch (IOException e) {
            // the file is complete and its 226 was read
        }
    }
}
