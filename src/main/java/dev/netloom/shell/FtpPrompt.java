package dev.netloom.shell;

import dev.netloom.tools.FtpClient;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.Parser;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code ftp HOST>} prompt of {@code ftp open}: one FTP command a line, words split as the
 * shell splits them (quotes for names with spaces), until {@code close}, {@code quit},
 * {@code exit}, Ctrl-D or Ctrl-C. A refusal from the server prints its reply
 * ({@code error: 550 No such file}) and the prompt goes on; a lost connection ends it.
 */
final class FtpPrompt {

    static final String HELP = """
            ls [PATH]                  list a directory (LIST)
            cd PATH / pwd              change / show the remote directory
            get [-c] REMOTE [LOCAL]    download; -c resumes into a partial LOCAL
            put [-c] LOCAL [REMOTE]    upload; -c resumes a partial REMOTE
            mkdir DIR / rmdir DIR      make / remove a remote directory
            rm FILE                    delete a remote file
            rename FROM TO             rename a remote file or directory
            size FILE                  a remote file's size in bytes
            binary / ascii             transfer type: bytes as they are (default), or text lines
            passive / active           who opens data connections: we (default) or the server
            close (quit, exit)         log out and return to the shell""";

    private final Shell shell;
    private final LineReader reader;
    private final FtpClient client;
    private final Parser parser = new DefaultParser();
    private final FtpTransfers transfers;

    FtpPrompt(Shell shell, LineReader reader, FtpClient client) {
        this.shell = shell;
        this.reader = reader;
        this.client = client;
        this.transfers = FtpCommand.transfers(shell);
    }

    /** Reads and runs lines until the user leaves; the connection is then logged out. */
    int run() throws IOException {
        String host = client.server().substring(0, client.server().lastIndexOf(':'));
        println("connected to " + client.server() + "; help lists the commands; close, quit or Ctrl-D returns to the shell");
        Object history = reader.getVariable(LineReader.DISABLE_HISTORY);
        reader.setVariable(LineReader.DISABLE_HISTORY, true);
        try {
            while (true) {
                String line;
                try {
                    line = reader.readLine("ftp " + host + "> ");
                } catch (UserInterruptException | EndOfFileException e) {
                    break;
                }
                List<String> words;
                try {
                    words = new ArrayList<>(parser.parse(line, line.length(), Parser.ParseContext.ACCEPT_LINE).words());
                } catch (RuntimeException e) {
                    println("error: cannot parse the line: " + e.getMessage());
                    continue;
                }
                words.removeIf(String::isEmpty);
                if (words.isEmpty()) {
                    continue;
                }
                String name = words.remove(0);
                if (name.equals("close") || name.equals("quit") || name.equals("exit") || name.equals("bye")) {
                    break;
                }
                try {
                    run(name, words);
                } catch (FtpClient.ReplyException e) {
                    println("error: " + e.getMessage());
                } catch (ShellException e) {
                    if (!client.isOpen()) {
                        throw e;
                    }
                    println("error: " + e.getMessage());
                } catch (IOException e) {
                    if (!client.isOpen()) {
                        throw new ShellException("connection lost: " + e.getMessage());
                    }
                    println("error: " + e.getMessage());
                }
            }
        } finally {
            reader.setVariable(LineReader.DISABLE_HISTORY, history);
        }
        try {
            FtpTransfers.call(() -> {
                client.quit();
                return null;
            });
        } catch (IOException e) {
            // leaving anyway: a server that drops the connection at QUIT changes nothing here
        }
        println("left " + client.server());
        return 0;
    }

    private void run(String name, List<String> args) throws IOException {
        boolean resume = (name.equals("get") || name.equals("put")) && args.remove("-c");
        switch (name) {
            case "help" -> println(HELP);
            case "ls", "dir" -> FtpTransfers.call(() -> client.list(args.isEmpty() ? null : arg(args, 0, 1, "ls [PATH]"), false))
                    .forEach(this::println);
            case "cd" -> reply(() -> client.cwd(arg(args, 1, 1, "cd PATH")));
            case "pwd" -> println(FtpTransfers.call(client::pwd));
            case "mkdir" -> reply(() -> client.mkdir(arg(args, 1, 1, "mkdir DIR")));
            case "rmdir" -> reply(() -> client.rmdir(arg(args, 1, 1, "rmdir DIR")));
            case "rm", "delete" -> reply(() -> client.delete(arg(args, 1, 1, "rm FILE")));
            case "rename" -> reply(() -> client.rename(arg(args, 2, 2, "rename FROM TO"), args.get(1)));
            case "size" -> println(String.valueOf(FtpTransfers.call(() -> client.size(arg(args, 1, 1, "size FILE")))));
            case "binary" -> reply(() -> client.setBinary(true));
            case "ascii" -> reply(() -> client.setBinary(false));
            case "passive", "active" -> {
                client.setPassive(name.equals("passive"));
                println(name + " mode: " + (name.equals("passive") ? "we connect to the server (EPSV/PASV)"
                        : "the server connects to us (EPRT/PORT)"));
            }
            case "get" -> {
                String remote = arg(args, 1, 2, "get [-c] REMOTE [LOCAL]");
                Path local = Path.of(args.size() > 1 ? args.get(1) : remote.substring(remote.lastIndexOf('/') + 1));
                transfers.get(client, remote, local, resume);
            }
            case "put" -> {
                Path local = Path.of(arg(args, 1, 2, "put [-c] LOCAL [REMOTE]"));
                transfers.put(client, local, args.size() > 1 ? args.get(1) : String.valueOf(local.getFileName()), resume);
            }
            default -> println("error: unknown command '" + name + "'; help lists the commands");
        }
    }

    private interface Exchange {
        FtpClient.Reply run() throws IOException;
    }

    /** Runs a command whose answer is the server's reply, and prints that reply. */
    private void reply(Exchange exchange) throws IOException {
        println(FtpTransfers.call(exchange::run).toString());
    }

    /** The first argument, once there are between {@code min} and {@code max} of them; else the usage. */
    private static String arg(List<String> args, int min, int max, String usage) {
        if (args.size() < min || args.size() > max) {
            throw new ShellException("usage: " + usage);
        }
        return args.get(0);
    }

    private void println(String text) {
        shell.out().println(text);
        shell.out().flush();
    }
}
