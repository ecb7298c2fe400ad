package dev.netloom.shell;

import dev.netloom.core.HostPort;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetSocketAddress;

/**
 * {@code mail}: the mail client. {@code mail send} composes a message and sends it over SMTP
 * ({@link MailSend}); {@code mail list}, {@code show}, {@code raw}, {@code save} and {@code delete} read the
 * {@code smtp} service's mailbox through its JSON API ({@link MailBox}): the one running in this
 * shell, else {@code --api HOST:PORT} (default 127.0.0.1:8025). Exit codes: 0 success, 1 the
 * server refused or could not be reached (the message says at which step), 2 usage errors.
 */
@Command(name = "mail", description = {"Mail client: send over SMTP, read the smtp service's mail.",
        "mail send (SMTP) and mail list|show|raw|save|delete (the smtp service's",
        "stored messages, through its JSON API).",
        "Exit code 0 on success, 1 if the server refuses or cannot be reached, 2 for usage errors."},
        subcommands = {MailSend.class, MailBox.List.class, MailBox.Show.class, MailBox.Raw.class, MailBox.Save.class,
                MailBox.Delete.class})
final class MailCommand {

    static final int DEFAULT_API_PORT = 8025;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    private MailCommand() {
    }

    /**
     * Where the JSON API is: {@code --api}, else the {@code smtp-api} endpoint of the smtp service
     * running in this shell, else 127.0.0.1:8025.
     */
    static HostPort api(Shell shell, String given) {
        if (given != null) {
            return ClientCommands.hostPort(given, DEFAULT_API_PORT);
        }
        InetSocketAddress running = shell.registry().instance("smtp").map(s -> s.endpoints().get("smtp-api")).orElse(null);
        return new HostPort("127.0.0.1", running != null ? running.getPort() : DEFAULT_API_PORT);
    }

    /** Options of the subcommands that read the mailbox. */
    static final class ApiOption {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
        boolean help;
        @Option(names = "--api", paramLabel = "HOST:PORT",
                description = "the smtp service's JSON API (default: the one running here, else 127.0.0.1:8025)")
        String api;
    }

    /** The message id argument. */
    static final class IdParameter {
        @Parameters(index = "0", paramLabel = "ID", description = "the message's id, as mail list shows")
        long id;
    }
}
