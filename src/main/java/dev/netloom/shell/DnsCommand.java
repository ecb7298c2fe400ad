package dev.netloom.shell;

import dev.netloom.core.HostPort;
import dev.netloom.dns.DigFormat;
import dev.netloom.dns.DnsClient;
import dev.netloom.dns.DnsFormatException;
import dev.netloom.dns.DnsMessage;
import dev.netloom.dns.DnsType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * {@code dns NAME [TYPE] [@SERVER[:PORT]] [+tcp] [+short] ...}: a dig for the shell, on
 * {@link DnsClient}: the query is built and the answer parsed by hand (RFC 1035), UDP first with
 * EDNS0 (1232 bytes), TCP when the answer comes truncated or with {@code +tcp}; 2 tries of 2 s
 * ({@code +tries=N}, {@code +retry=N}, {@code +time=N}). An IP address as NAME asks for its PTR
 * record under in-addr.arpa or ip6.arpa, as {@code dig -x}. Without {@code @SERVER}, the first
 * {@code nameserver} of /etc/resolv.conf (127.0.0.1 when there is none, as dig).
 *
 * <p>Output is dig 9.18's, on stdout: its sections, or with {@code +short} the answer data only,
 * byte for byte what {@code dig +short} prints, so a script can switch between the two. Notes
 * (timeouts per try, an id mismatch, the TCP retry) are dig's lines too. Exit codes: 0 when the
 * server answered NOERROR with at least one answer record; 1 for every other outcome, printed as
 * such: NXDOMAIN, SERVFAIL, REFUSED or NOERROR without records (the status is in the header;
 * with +short nothing prints, as dig), no server reached ({@code ;; no servers could be
 * reached}), a malformed answer ({@code error: malformed answer from ...}); 2 for usage errors.
 * dig exits 0 whenever an answer came and 9 when none did; ours is stricter so that
 * {@code netloom dns NAME && ...} means "NAME has records".
 */
@Command(name = "dns", description = {
        "DNS lookup like dig, printed as dig prints it.",
        "dns NAME [TYPE] [@SERVER[:PORT]] [+OPTION...].",
        "TYPE: A (default), AAAA, CNAME, MX, NS, TXT, SOA, PTR, SRV, ANY or TYPEn.",
        "An IP address as NAME asks for its PTR record (in-addr.arpa, ip6.arpa).",
        "SERVER: the first nameserver of /etc/resolv.conf unless given.",
        "+tcp            TCP from the start (UDP retries in TCP when truncated)",
        "+short          the answer data only, exactly as dig +short prints it",
        "+time=SECONDS   wait per try (2); +tries=N (2); +retry=N (tries - 1)",
        "+bufsize=N      EDNS0 UDP buffer size (1232); +noedns sends no OPT record",
        "Exit code 0: NOERROR with records; 1: NXDOMAIN, SERVFAIL, REFUSED, no records,",
        "no reply or a malformed one; 2: usage error."})
final class DnsCommand extends ShellBound {

    private static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");

    @Spec
    CommandSpec spec;
    @Parameters(arity = "1..*", paramLabel = "ARG", description = "NAME, then TYPE, @SERVER[:PORT] and +OPTIONs")
    List<String> words;
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    /** What the words asked for. */
    private record Request(String name, int type, String server, int port, DnsClient.Options options, boolean brief) {
    }

    @Override
    public Integer call() throws IOException {
        Request req = parse();
        String serverName = req.server() != null ? req.server() : defaultServer(RESOLV_CONF);
        InetSocketAddress to;
        try {
            to = new InetSocketAddress(InetAddress.getByName(serverName), req.port());
        } catch (UnknownHostException e) {
            throw new ShellException("unknown host " + serverName);
        }
        DnsMessage.Question question;
        try {
            question = new DnsMessage.Question(DnsMessage.absoluteName(req.name()), req.type(), DnsType.IN);
        } catch (DnsFormatException e) {
            throw usage(e.getMessage());
        }
        DnsClient client = new DnsClient(to, req.options(), line -> {
            // dig +short leaves out its comment lines, the TCP retry among them, but not the errors
            if (!(req.brief() && line.startsWith(";; Truncated"))) {
                shell.out().println(line);
                shell.out().flush();
            }
        });
        DnsClient.Exchange x;
        try {
            x = exchange(client, question);
        } catch (DnsClient.NoReplyException e) {
            shell.out().println(";; " + e.getMessage());
            shell.out().flush();
            return 1;
        } catch (IOException e) {
            throw new ShellException(e.getMessage() != null ? e.getMessage() : e.toString());
        }
        DnsMessage reply = x.reply();
        shell.out().print(req.brief() ? DigFormat.shortForm(reply)
                : DigFormat.full(String.join(" ", words), x, to, serverName, ZonedDateTime.now()));
        shell.out().flush();
        return reply.rcode() == 0 && !reply.answers().isEmpty() ? 0 : 1;
    }

    /** The query runs on a virtual thread, so Ctrl-C (an interrupt of the shell's thread) ends it at once. */
    private static DnsClient.Exchange exchange(DnsClient client, DnsMessage.Question question) throws IOException {
        FutureTask<DnsClient.Exchange> task = new FutureTask<>(() -> client.query(question));
        Thread worker = Thread.ofVirtual().name("dns-client").start(task);
        try {
            return task.get();
        } catch (InterruptedException e) {
            worker.interrupt();
            throw new ShellException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private Request parse() {
        String name = null;
        int type = -1;
        String server = null;
        int port = 53;
        DnsClient.Options o = DnsClient.Options.defaults();
        Duration time = o.timeout();
        int tries = o.tries();
        boolean tcp = false;
        int udpSize = o.udpSize();
        boolean brief = false;
        for (String w : words) {
            if (w.startsWith("@")) {
                HostPort at = server(w);
                server = at.host();
                port = at.port();
            } else if (w.startsWith("+")) {
                String opt = w.substring(1);
                String key = opt.contains("=") ? opt.substring(0, opt.indexOf('=')) : opt;
                String value = opt.contains("=") ? opt.substring(opt.indexOf('=') + 1) : null;
                switch (key) {
                    case "tcp", "notcp" -> tcp = flag(w, value, key.equals("tcp"));
                    case "short", "noshort" -> brief = flag(w, value, key.equals("short"));
                    case "edns", "noedns" -> udpSize = flag(w, value, key.equals("edns")) ? 1232 : 0;
                    case "time" -> time = Duration.ofSeconds(number(w, value, 1, 300));
                    case "tries" -> tries = number(w, value, 1, 100);
                    case "retry" -> tries = number(w, value, 0, 99) + 1;
                    case "bufsize" -> udpSize = number(w, value, 512, 65535);
                    default -> throw usage("unknown option " + w);
                }
            } else if (name == null) {
                name = w;
            } else if (type < 0 && DnsType.parse(w) > 0) {
                type = DnsType.parse(w);
            } else {
                throw usage(type < 0 ? "'" + w + "' is not a record type (A, AAAA, CNAME, MX, NS, TXT, SOA, PTR, SRV, "
                        + "ANY or TYPEn)" : "more than one NAME and TYPE: '" + w + "'");
            }
        }
        if (name == null) {
            throw usage("a NAME is needed");
        }
        Optional<InetAddress> ip = literal(name);
        if (ip.isPresent() && (type < 0 || type == DnsType.PTR)) {
            name = DnsMessage.reverseName(ip.get());
            type = DnsType.PTR;
        }
        return new Request(name, type < 0 ? DnsType.A : type, server, port, new DnsClient.Options(time, tries, tcp, udpSize),
                brief);
    }

    /** The server of {@code @HOST}, {@code @HOST:PORT} or {@code @[IPV6]:PORT} (a bare IPv6 address is all host), port 53 unless given. */
    private HostPort server(String w) {
        try {
            return HostPort.parse(w.substring(1), 53);
        } catch (IllegalArgumentException e) {
            throw usage("'" + w + "' is not @HOST, @HOST:PORT or @[IPV6]:PORT (a port is 1-65535)");
        }
    }

    /** An IPv4 or IPv6 address literal, never a host name looked up. */
    static Optional<InetAddress> literal(String text) {
        boolean v4 = text.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
        boolean v6 = text.contains(":") && text.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text)); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * The first {@code nameserver} in a resolv.conf, or 127.0.0.1 when it has none or cannot be
     * read (dig's fallback too).
     */
    static String defaultServer(Path resolvConf) {
        try {
            for (String line : Files.readAllLines(resolvConf)) {
                String[] f = line.strip().split("\\s+");
                if (f.length >= 2 && f[0].equals("nameserver")) {
                    return f[1].contains("%") ? f[1].substring(0, f[1].indexOf('%')) : f[1];
                }
            }
        } catch (IOException e) {
            // no readable resolv.conf: the local host, as dig assumes
        }
        return "127.0.0.1";
    }

    private boolean flag(String word, String value, boolean on) {
        if (value != null) {
            throw usage(word + " takes no value");
        }
        return on;
    }

    private int number(String word, String value, int min, int max) {
        if (value == null || !value.matches("\\d{1,6}") || Integer.parseInt(value) < min || Integer.parseInt(value) > max) {
            throw usage(word + ": a number from " + min + " to " + max + " is expected");
        }
        return Integer.parseInt(value);
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
