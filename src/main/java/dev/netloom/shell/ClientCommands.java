package dev.netloom.shell;

import dev.netloom.core.HostPort;
import dev.netloom.tools.Endpoint;
import dev.netloom.tools.Send;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.UserInterruptException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Client commands: send (one message, print the reply) and connect (an interactive line client),
 * with chat, http, kv, ftp, dns, resolve, udpping, tcpping, ping and monitor from their own classes.
 */
final class ClientCommands {

    private ClientCommands() {
    }

    /** The command classes, in the order help lists them; the shell's {@link CommandFactory} makes them. */
    static List<Class<?>> all() {
        return List.of(SendCmd.class, Connect.class, ChatCommand.class, HttpCommand.class, KvCommand.class,
                FtpCommand.class, MailCommand.class, DnsCommand.class, ResolveCommand.class, UdpPingCommand.class,
                TcpPingCommand.class, PingCommand.class, ProxyCommand.class, LbCommand.class, P2pCommand.class, MonitorCommand.class);
    }

    /** {@link HostPort#parse} of a command's target; its message as a usage error. */
    static HostPort hostPort(String text, int defaultPort) {
        try {
            return HostPort.parse(text, defaultPort);
        } catch (IllegalArgumentException e) {
            throw ShellException.usage(e.getMessage());
        }
    }

    @Command(name = "send", description = {"Send a line over TCP or a datagram over UDP; print the reply.", "Send TEXT to tcp://HOST:PORT (with a newline, then half-close) or udp://HOST:PORT (one datagram, as is) and print the reply."})
    static final class SendCmd extends ShellBound {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "URL", description = "tcp://HOST:PORT or udp://HOST:PORT")
        String url;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "words joined by single spaces")
        List<String> words;
        @Option(names = "--timeout", paramLabel = "DURATION", description = "how long to wait for the reply (default 2s)")
        Duration timeout = Duration.ofSeconds(2);
        @Option(names = {"-n", "--no-newline"}, description = "TCP: do not append a newline")
        boolean noNewline;

        @Override
        public Integer call() {
            Endpoint to;
            try {
                to = Endpoint.parse(url);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "URL: " + e.getMessage());
            }
            if (timeout.isZero()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be more than 0");
            }
            String text = String.join(" ", words);
            if (to.transport().equals("tcp") && !noNewline) {
                text += "\n";
            }
            byte[] reply;
            try {
                reply = Send.exchange(to, text.getBytes(StandardCharsets.UTF_8), timeout);
            } catch (IOException e) {
                throw new ShellException(to + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            }
            String s = new String(reply, StandardCharsets.UTF_8);
            shell.out().print(s);
            if (!s.endsWith("\n")) {
                shell.out().println();
            }
            shell.out().flush();
            return 0;
        }
    }

    @Command(name = "connect", description = {"Interactive line client: type lines, see what comes back.",
            "Typed lines are sent, incoming lines print above the prompt; /leave or Ctrl-D returns to the shell."})
    static final class Connect extends ShellBound {
        @Parameters(index = "0", paramLabel = "HOST")
        String host;
        @Parameters(index = "1", paramLabel = "PORT")
        int port;

        @Override
        public Integer call() throws IOException, InterruptedException {
            LineReader reader = terminal(shell, "connect");
            try (Socket socket = new Socket()) {
                try {
                    socket.connect(new InetSocketAddress(host, port), 5000);
                } catch (IOException e) {
                    throw new ShellException("cannot connect to " + host + ":" + port + ": " + e.getMessage());
                }
                interact(shell, reader, socket, host + ":" + port, null);
            }
            return 0;
        }
    }

    /** The shell's line reader, for a command that needs a person at a terminal. */
    static LineReader terminal(Shell shell, String command) {
        return shell.lineReader()
                .orElseThrow(() -> new ShellException(command + " needs an interactive terminal; use `send` in scripts"));
    }

    /**
     * An interactive line session on a connected socket until /leave, Ctrl-D, Ctrl-C or the
     * server's close: typed lines are sent (and {@code first}, when given, before any), incoming
     * lines print above the prompt without breaking the line being typed.
     */
    static void interact(Shell shell, LineReader reader, Socket socket, String label, String first)
            throws IOException, InterruptedException {
        shell.out().println("connected to " + label + "; /leave or Ctrl-D returns to the shell");
        shell.out().flush();
        AtomicBoolean closed = new AtomicBoolean();
        Thread incoming = Thread.ofVirtual().name("connect-reader")
                .start(() -> copyIncoming(shell, socket, reader, label, closed));
        OutputStream out = socket.getOutputStream();
        Object history = reader.getVariable(LineReader.DISABLE_HISTORY);
        reader.setVariable(LineReader.DISABLE_HISTORY, true);
        try {
            if (first != null) {
                out.write((first + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            while (!closed.get()) {
                String line;
                try {
                    line = reader.readLine(label + "> ");
                } catch (UserInterruptException | EndOfFileException e) {
                    break;
                }
                if (line.equals("/leave") || closed.get()) {
                    break;
                }
                try {
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } catch (IOException e) {
                    shell.out().println("-- " + e.getMessage() + " --");
                    break;
                }
            }
        } finally {
            reader.setVariable(LineReader.DISABLE_HISTORY, history);
        }
        // We leave: the reader thread must not report the close (or wake a prompt) as the server's.
        closed.set(true);
        socket.close();
        // the server's close wakes the prompt as a Ctrl-C would, which also interrupts this
        // thread; we are leaving anyway, so that interrupt must not fail the wait for the reader
        Thread.interrupted();
        incoming.join(2000);
        shell.out().println("left " + label);
    }

    private static void copyIncoming(Shell shell, Socket socket, LineReader reader, String label,
                                     AtomicBoolean closed) {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                reader.printAbove(line);
            }
            if (closed.compareAndSet(false, true)) {
                reader.printAbove("-- connection closed by " + label + " --");
                shell.wakeReader(); // end the prompt that is waiting for a line to send
            }
        } catch (IOException e) {
            // we closed the socket ourselves on /leave; nothing to report
        }
    }
}
