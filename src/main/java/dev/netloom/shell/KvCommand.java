package dev.netloom.shell;

import dev.netloom.core.HostPort;
import dev.netloom.resp.RedisCliFormat;
import dev.netloom.resp.RespArgs;
import dev.netloom.resp.RespValue;
import dev.netloom.tools.RespClient;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.UserInterruptException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * {@code kv HOST:PORT [--raw] [COMMAND [ARG...]]}: redis-cli for the shell, on {@link RespClient}.
 * With a command it sends it once, prints the reply as redis-cli does (or as {@code redis-cli
 * --raw}) and exits 1 if the reply is an error, so scripts stop there. Without, a prompt on the
 * terminal like redis-cli's: each line is split into words as redis-cli splits them, sent, and
 * its reply printed, until {@code quit}, {@code exit}, Ctrl-D or Ctrl-C. Each exchange runs on a
 * virtual thread, so Ctrl-C ends a wait for a reply (BLPOP) at once.
 */
@Command(name = "kv", description = {
        "Redis client like redis-cli, for kv or any RESP2 server.",
        "With a COMMAND: send it,",
        "print the reply as redis-cli does; exit code 1 if the reply is an error.",
        "Without: an interactive prompt; quit, exit or Ctrl-D returns to the shell.",
        "HOST:PORT may be PORT alone, meaning 127.0.0.1:PORT.",
        "Words of the COMMAND that look like options (INCRBY n -5) are sent as they are;",
        "after --, even --raw and --timeout are."})
final class KvCommand extends ShellBound {

    @Parameters(index = "0", paramLabel = "HOST:PORT",
            description = "the server; PORT alone is 127.0.0.1:PORT; an IPv6 host in brackets")
    String target;
    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "a command and its arguments, each word as it is")
    List<String> command;
    @Option(names = "--raw", description = "print values as they are, one per line (as redis-cli --raw)")
    boolean raw;
    @Option(names = "--timeout", paramLabel = "DURATION", description = "how long to wait for each reply (default 30s)")
    Duration timeout = Duration.ofSeconds(30);

    /** Sets up the command's {@code kv} so that words of the Redis command are never taken for unknown options. */
    static void configure(CommandLine kv) {
        kv.setUnmatchedOptionsArePositionalParams(true);
    }

    @Override
    public Integer call() throws IOException {
        if (timeout.isZero() || timeout.isNegative()) {
            throw ShellException.usage("--timeout must be more than 0");
        }
        HostPort server = ClientCommands.hostPort(target, 0);
        LineReader reader = command != null ? null : shell.lineReader().orElseThrow(() -> new ShellException("kv without "
                + "a COMMAND needs an interactive terminal; in scripts give one: kv " + target + " COMMAND [ARG...]"));
        RespClient client;
        try {
            client = RespClient.connect(server.host(), server.port());
        } catch (IOException e) {
            throw new ShellException(e.getMessage());
        }
        try (client) {
            if (reader != null) {
                return interactive(client, reader);
            }
            RespValue reply;
            try {
                reply = exchange(client, command.stream().map(w -> w.getBytes(StandardCharsets.UTF_8)).toList());
            } catch (IOException e) {
                throw new ShellException(e.getMessage());
            }
            print(reply);
            return reply instanceof RespValue.Error ? 1 : 0;
        }
    }

    private int interactive(RespClient client, LineReader reader) throws IOException {
        String label = client.server();
        shell.out().println("connected to " + label + "; quit, exit or Ctrl-D returns to the shell");
        shell.out().flush();
        Object history = reader.getVariable(LineReader.DISABLE_HISTORY);
        boolean expanding = !reader.isSet(LineReader.Option.DISABLE_EVENT_EXPANSION);
        reader.setVariable(LineReader.DISABLE_HISTORY, true);
        // the line must come as typed: JLine's event expansion would take its backslashes and its '!'
        reader.setOpt(LineReader.Option.DISABLE_EVENT_EXPANSION);
        try {
            while (true) {
                String line;
                try {
                    line = reader.readLine(label + "> ");
                } catch (UserInterruptException | EndOfFileException e) {
                    break;
                }
                List<byte[]> words;
                try {
                    words = RespArgs.split(line);
                } catch (IllegalArgumentException e) {
                    shell.out().println("Invalid argument(s)"); // redis-cli's words for unbalanced quotes
                    shell.out().flush();
                    continue;
                }
                if (words.isEmpty()) {
                    continue;
                }
                String first = new String(words.get(0), StandardCharsets.UTF_8);
                if (first.equalsIgnoreCase("quit") || first.equalsIgnoreCase("exit")) {
                    break;
                }
                try {
                    print(exchange(client, words));
                } catch (IOException e) {
                    throw new ShellException("connection lost: " + e.getMessage());
                }
            }
        } finally {
            reader.setVariable(LineReader.DISABLE_HISTORY, history);
            if (expanding) {
                reader.unsetOpt(LineReader.Option.DISABLE_EVENT_EXPANSION);
            }
        }
        shell.out().println("left " + label);
        return 0;
    }

    /** Sends {@code words} and reads the reply on a virtual thread, which Ctrl-C interrupts (closing the socket). */
    private RespValue exchange(RespClient client, List<byte[]> words) throws IOException {
        Duration wait = timeout;
        return Interruptible.call("kv-client", () -> client.call(words, wait), "interrupted");
    }

    /** The reply on the shell's output; with --raw, as bytes when the shell has the raw stream. */
    private void print(RespValue reply) throws IOException {
        if (!raw) {
            shell.out().print(RedisCliFormat.format(reply));
            shell.out().flush();
            return;
        }
        byte[] bytes = RedisCliFormat.raw(reply);
        if (shell.bytesOut().isPresent()) {
            shell.out().flush();
            OutputStream stream = shell.bytesOut().get();
            stream.write(bytes);
            stream.flush();
        } else {
            shell.out().print(new String(bytes, StandardCharsets.UTF_8));
            shell.out().flush();
        }
    }
}
