package dev.netloom.shell;

import dev.netloom.core.HostPort;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceState;
import dev.netloom.p2p.Download;
import dev.netloom.p2p.P2pConfig;
import dev.netloom.p2p.P2pService;
import dev.netloom.p2p.ShareStatus;
import dev.netloom.p2p.wire.Link;
import dev.netloom.p2p.wire.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code p2p}: share files and fetch them by link on netloom's peer protocol (docs/p2p.md). The
 * shares live in the {@code p2p} service, started here when it is not running (with
 * {@code --port} and {@code --rendezvous} as its overrides). On the command line ({@code netloom
 * p2p share PATH}) a share seeds in the foreground until SIGTERM; {@code netloom p2p get LINK}
 * exits 0 once the file is complete and verified, 1 otherwise with the reason.
 */
@Command(name = "p2p", description = {"Share files and fetch them by link, peer to peer.",
        "netloom's own protocol (docs/protocol.md). Alone: this peer's shares and downloads, as p2p status."},
        subcommands = {P2pCommand.Share.class, P2pCommand.Get.class, P2pCommand.Status.class})
final class P2pCommand extends ShellBound {

    @Override
    public Integer call() {
        return Status.print(shell);
    }

    /** The running p2p service, started with {@code overrides} when it is not running. */
    static P2pService node(Shell shell, Map<String, String> overrides) {
        var running = shell.registry().instance("p2p").filter(s -> s.state() == ServiceState.RUNNING);
        if (running.isPresent()) {
            if (!overrides.isEmpty()) {
                Map<String, String> had = shell.registry().overrides("p2p");
                for (Map.Entry<String, String> e : overrides.entrySet()) {
                    if (!e.getValue().equals(had.get(e.getKey()))) {
                        throw new ShellException("p2p is running already; for --" + e.getKey() + " restart it: restart p2p "
                                + e.getKey() + "=" + e.getValue());
                    }
                }
            }
            return (P2pService) running.get();
        }
        Service s = shell.registry().start("p2p", overrides);
        shell.err().println("p2p listening on " + HostPort.format(s.address()) + " (peer id "
                + ((P2pService) s).peerId().substring(0, 16) + ")");
        return (P2pService) s;
    }

    private static Map<String, String> overrides(Integer port, List<String> rendezvous) {
        Map<String, String> o = new LinkedHashMap<>();
        if (port != null) {
            o.put("port", Integer.toString(port));
        }
        if (rendezvous != null && !rendezvous.isEmpty()) {
            o.put("rendezvous", String.join(",", rendezvous));
        }
        return o;
    }

    @Command(name = "share", description = {"Share a file or a folder: hash it, seed it, print its link.",
            "On the command line (netloom p2p share PATH) it seeds in the foreground until SIGTERM (then exit 0)."})
    static final class Share extends ShellBound {
        @Parameters(paramLabel = "PATH", description = "a file or a folder")
        Path path;
        @Option(names = "--rendezvous", paramLabel = "HOST:PORT", split = ",",
                description = "a rendezvous to announce to (repeatable; p2p.rendezvous otherwise)")
        List<String> rendezvous;
        @Option(names = "--port", paramLabel = "N", description = "the port to serve peers on (p2p.port otherwise)")
        Integer port;
        @Option(names = "--wait", description = "keep seeding in the foreground until interrupted"
                + " (always so on netloom's command line)")
        boolean wait;

        @Override
        public Integer call() throws IOException {
            P2pService node = node(shell, overrides(port, rendezvous));
            Link link = node.share(path);
            shell.out().println(link);
            shell.out().flush();
            if (wait || shell.oneCommand()) { // on the command line the process would end with the command
                CountDownLatch stop = new CountDownLatch(1);
                if (!shell.interactive()) {
                    // on the command line, as serve does: SIGTERM or SIGINT end the wait, and netloom then
                    // stops the service gracefully and exits 0 (at a terminal the shell has Ctrl-C)
                    Signal.handle(new Signal("TERM"), sig -> stop.countDown());
                    Signal.handle(new Signal("INT"), sig -> stop.countDown());
                }
                try {
                    while (node.state() == ServiceState.RUNNING && !stop.await(500, TimeUnit.MILLISECONDS)) {
                        // seeding
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return 0;
        }
    }

    @Command(name = "get", description = {"Fetch a link from every peer that has it, chunks verified.",
            "Returns once the share is complete (it goes on seeding while p2p runs); 1 with the reason otherwise."})
    static final class Get extends ShellBound {
        @Parameters(paramLabel = "LINK", description = "a netloom:// link")
        String link;
        @Option(names = "-o", paramLabel = "DIR", description = "where to write (p2p.download-dir otherwise)")
        Path dir;
        @Option(names = "--rendezvous", paramLabel = "HOST:PORT", split = ",",
                description = "a rendezvous to ask for peers, besides the link's")
        List<String> rendezvous;
        @Option(names = "--port", paramLabel = "N", description = "the port to serve peers on (0, any free one, otherwise)")
        Integer port;
        @Option(names = "--timeout", paramLabel = "DURATION", description = "give up after this long (0, the default: never)")
        Duration timeout = Duration.ZERO;

        @Override
        public Integer call() throws IOException {
            Link l;
            try {
                l = Link.parse(link);
            } catch (IllegalArgumentException e) {
                throw ShellException.usage(e.getMessage());
            }
            Map<String, String> o = overrides(port == null ? 0 : port, rendezvous);
            P2pService node = node(shell, shell.registry().instance("p2p").isPresent() && port == null
                    ? overrides(null, rendezvous) : o);
            Path to = dir != null ? dir : node.settings().path(P2pConfig.DOWNLOAD_DIR);
            Download d = node.download(l, to);
            long start = System.nanoTime();
            boolean bar = shell.interactive() || Terminals.interactive();
            PrintWriter out = shell.out();
            ProgressBar progress = null;
            try {
                while (true) {
                    try {
                        Manifest m = d.completion().get(200, TimeUnit.MILLISECONDS);
                        if (progress != null) {
                            progress.finish(m.size());
                        }
                        break;
                    } catch (TimeoutException e) {
                        ShareStatus st = d.status();
                        if (bar && st.size() > 0) {
                            if (progress == null) {
                                progress = new ProgressBar(out, st.size());
                            }
                            progress.update(st.have(), st.peers() + " peers" + eta(st, start));
                        }
                        if (!timeout.isZero() && System.nanoTime() - start > timeout.toNanos()) {
                            if (progress != null) {
                                progress.finish(st.have());
                            }
                            throw new ShellException("p2p get: not complete after " + Formats.duration(timeout) + ": "
                                    + describe(st));
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ShellException("p2p get: interrupted; " + describe(d.status())
                        + " (the download goes on while p2p runs)");
            } catch (ExecutionException e) {
                throw new ShellException("p2p get: " + e.getCause().getMessage());
            }
            ShareStatus st = d.status();
            double seconds = (System.nanoTime() - start) / 1e9;
            out.println(String.format(Locale.ROOT, "complete: %s, %d bytes, every chunk verified, in %.2f s (%s/s) from %d peers"
                    + " (%s), in %s", st.name(), st.size(), seconds,
                    Formats.bytes((long) (st.downloaded() / Math.max(seconds, 1e-3))), st.peers(), sources(st),
                    to.resolve(st.name())));
            if (st.downloaded() < st.size()) {
                out.println("resumed: " + (st.size() - st.downloaded()) + " bytes were here already and verified again");
            }
            out.flush();
            return 0;
        }

        /** {@code direct 3, relay 1}: how the peers that sent chunks were reached; "resumed" when none sent any. */
        private static String sources(ShareStatus st) {
            if (st.sources().isEmpty()) {
                return "nothing left to fetch";
            }
            return String.join(", ", new TreeMap<>(st.sources()).entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).toList());
        }

        private static String eta(ShareStatus st, long start) {
            double seconds = (System.nanoTime() - start) / 1e9;
            if (st.downloaded() == 0 || seconds < 0.5) {
                return "";
            }
            double rate = st.downloaded() / seconds;
            return String.format(Locale.ROOT, "  ETA %.0f s", (st.size() - st.have()) / rate);
        }

        private static String describe(ShareStatus st) {
            if (st.size() == 0) {
                return "no peer has sent the manifest yet (" + st.peers() + " peers connected)";
            }
            return st.have() + " of " + st.size() + " bytes verified, " + st.peers() + " peers connected";
        }
    }

    @Command(name = "status", description = "This peer's shares and downloads, their peers and rates.")
    static final class Status extends ShellBound {
        @Override
        public Integer call() {
            return print(shell);
        }

        static int print(Shell shell) {
            PrintWriter out = shell.out();
            var running = shell.registry().instance("p2p").filter(s -> s.state() == ServiceState.RUNNING);
            if (running.isEmpty()) {
                out.println("p2p is not running: p2p share PATH, or p2p get LINK, starts it");
                return 0;
            }
            P2pService node = (P2pService) running.get();
            out.println("peer " + node.peerId() + " on " + HostPort.format(node.address()));
            Table t = Table.of("NAME", "ROOT", "STATE", "HAVE", "SIZE", "PEERS", "DOWN", "UP", "RATE");
            List<ShareStatus> all = node.status();
            for (ShareStatus s : all) {
                double rate = s.seconds() > 0 ? s.downloaded() / s.seconds() : 0;
                t.row(s.name(), s.root().substring(0, 16), s.role(), Formats.bytes(s.have()), Formats.bytes(s.size()),
                        s.peers(), Formats.bytes(s.downloaded()), Formats.bytes(s.uploaded()),
                        Formats.bytes((long) rate) + "/s");
            }
            if (t.isEmpty()) {
                out.println("nothing shared or downloading");
            } else {
                t.print(out);
                for (ShareStatus s : all) {
                    s.peerLines().forEach(p -> out.println("  " + s.name() + ": " + p));
                }
            }
            out.flush();
            return 0;
        }
    }
}
