package dev.netloom.shell;

import dev.netloom.core.HostPort;
import dev.netloom.http1.ContentTypes;
import dev.netloom.mail.Attachment;
import dev.netloom.mail.Draft;
import dev.netloom.mail.MessageWriter;
import dev.netloom.tools.ClientTls;
import dev.netloom.tools.SmtpClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code mail send}: composes a message ({@link MessageWriter}: RFC 5322 headers, MIME parts,
 * base64 attachments) and sends it with {@link SmtpClient}, which walks the dialog and names the
 * step and reply of any failure. Bcc recipients get the message without appearing in it. Prints
 * the server's final reply; recipients the server refused while others were accepted are listed
 * and make the exit code 1.
 */
@Command(name = "send", sortOptions = false, description = {"Compose and send a message over SMTP.",
        "Example: mail send --to bob@example.com --from me@example.com --subject Hi --body 'Hello' --server 127.0.0.1:2525"})
final class MailSend extends ShellBound {

    @Spec
    CommandLine.Model.CommandSpec spec;
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;
    @Option(names = "--to", required = true, split = ",", paramLabel = "ADDRESS", description = "recipients (comma-separated)")
    List<String> to;
    @Option(names = "--cc", split = ",", paramLabel = "ADDRESS", description = "copy recipients, shown in the message")
    List<String> cc = new ArrayList<>();
    @Option(names = "--bcc", split = ",", paramLabel = "ADDRESS", description = "blind copies, not shown in the message")
    List<String> bcc = new ArrayList<>();
    @Option(names = "--from", required = true, paramLabel = "ADDRESS", description = "the sender (From and MAIL FROM)")
    String from;
    @Option(names = "--subject", required = true, paramLabel = "TEXT", description = "the subject (any characters)")
    String subject;
    // plain options, not picocli ArgGroups: the shell reuses this object, and a group set by one
    // command line would still be set on the next
    @Option(names = "--body", paramLabel = "TEXT", description = "the text of the message")
    String bodyText;
    @Option(names = "--body-file", paramLabel = "FILE", description = "the text of the message, from FILE (UTF-8)")
    Path bodyFile;
    @Option(names = "--html-file", paramLabel = "FILE", description = "an HTML version of the text (multipart/alternative)")
    Path htmlFile;
    @Option(names = "--attach", paramLabel = "FILE", description = "attach FILE (repeatable)")
    List<Path> attachments = new ArrayList<>();
    @Option(names = "--server", paramLabel = "HOST[:PORT]", description = "the SMTP server (default 127.0.0.1:2525)")
    String server = "127.0.0.1:2525";
    @Option(names = "--starttls", description = "upgrade to TLS with STARTTLS (refuse to go on without it)")
    boolean starttls;
    @Option(names = "--tls", description = "TLS from the first byte (SMTPS, port 465 style)")
    boolean tls;
    @Option(names = "--user", paramLabel = "USER", description = "AUTH as USER (password asked without echo, or --password-stdin)")
    String user;
    @Option(names = "--password-stdin", description = "read the password from the first line of stdin")
    boolean passwordStdin;
    @Option(names = {"-k", "--insecure"}, description = "with TLS: accept any certificate (testing only)")
    boolean insecure;
    @Option(names = "--cafile", paramLabel = "PEM", description = "with TLS: trust the certificates in PEM")
    Path caFile;
    @Option(names = "--timeout", paramLabel = "DURATION", description = "wait for each reply (default 30s)")
    Duration timeout = Duration.ofSeconds(30);
    @Option(names = {"-v", "--verbose"}, description = "print the dialog (C: and S: lines; passwords hidden)")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        HostPort where = ClientCommands.hostPort(server, 25);
        checkOptions();
        byte[] message = compose();
        // the envelope takes bare addresses: "Bob <bob@example.com>" in a header is bob@example.com here
        List<String> recipients = new ArrayList<>();
        for (List<String> list : List.of(to, cc, bcc)) {
            list.forEach(a -> recipients.add(addressOf(a)));
        }
        String sender = addressOf(from);
        char[] password = user == null ? null
                : (passwordStdin ? Passwords.stdinLine() : Passwords.ask(shell, user + "@" + where.host())).toCharArray();
        SmtpClient.Security mode = tls ? SmtpClient.Security.TLS
                : starttls ? SmtpClient.Security.STARTTLS : SmtpClient.Security.NONE;
        SmtpClient.Options options = new SmtpClient.Options(where.host(), where.port(), mode, user, password, null,
                timeout, mode == SmtpClient.Security.NONE ? null : ClientTls.context(caFile, insecure));
        SmtpClient.Result result;
        try {
            result = Interruptible.call("mail-send", () -> SmtpClient.send(options, sender, recipients, message),
                    "interrupted: the message was not sent (the server discards an unfinished one)");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage()); // an address SMTP cannot carry
        } catch (SmtpClient.SmtpException e) {
            throw new ShellException(where + ": " + e.getMessage());
        } catch (IOException e) {
            throw new ShellException(where + ": " + e.getMessage());
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
        print(result, message.length);
        return result.refusedRecipients().isEmpty() ? 0 : 1;
    }

    /** The usage errors picocli cannot see: options that exclude or need each other. */
    private void checkOptions() {
        if (timeout.isZero() || timeout.isNegative()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be more than 0");
        }
        if ((bodyText == null) == (bodyFile == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give the text with --body or --body-file (one of them)");
        }
        if (starttls && tls) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--starttls and --tls exclude each other");
        }
        if ((insecure || caFile != null) && !starttls && !tls) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--insecure and --cafile go with --starttls or --tls");
        }
        if (passwordStdin && user == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--password-stdin goes with --user");
        }
    }

    /** The message, as RFC 5322 and MIME bytes; a usage error for a header it cannot write. */
    private byte[] compose() {
        String text = bodyText != null ? bodyText : read(bodyFile);
        String html = htmlFile == null ? null : read(htmlFile);
        List<Attachment> files = new ArrayList<>();
        for (Path p : attachments) {
            files.add(new Attachment(p.getFileName().toString(), ContentTypes.of(p.getFileName().toString()), bytes(p)));
        }
        try {
            return MessageWriter.write(new Draft(from, to, cc, subject, text, html, files), ZonedDateTime.now(),
                    domainOf(from));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The server's final reply (after the dialog with {@code -v}) and each refused recipient. */
    private void print(SmtpClient.Result result, int size) {
        if (verbose) {
            result.transcript().forEach(shell.out()::println);
        }
        shell.out().println(result.accepted().code() + " " + result.accepted().text().replace("\n", " ")
                + " (" + size + " bytes to " + result.acceptedRecipients().size() + " recipient(s))");
        for (Map.Entry<String, SmtpClient.Reply> refused : result.refusedRecipients().entrySet()) {
            shell.out().println("refused <" + refused.getKey() + ">: " + refused.getValue().code() + " "
                    + refused.getValue().text());
        }
        shell.out().flush();
    }

    private static String domainOf(String address) {
        String a = addressOf(address);
        int at = a.lastIndexOf('@');
        String d = at < 0 ? "" : a.substring(at + 1);
        return d.isEmpty() || !d.chars().allMatch(c -> c > ' ' && c < 0x7f && "@<>".indexOf(c) < 0) ? "localhost" : d;
    }

    /** The address in {@code Name <address>}, or the whole text stripped. */
    private static String addressOf(String text) {
        int open = text.lastIndexOf('<');
        int close = text.lastIndexOf('>');
        return open >= 0 && close > open ? text.substring(open + 1, close).strip() : text.strip();
    }

    private static String read(Path p) {
        return new String(bytes(p), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new ShellException("no such file: " + p);
        } catch (IOException e) {
            throw new ShellException("cannot read " + p + ": " + e.getMessage());
        }
    }
}
