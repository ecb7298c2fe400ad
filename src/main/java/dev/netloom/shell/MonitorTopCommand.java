package dev.netloom.shell;

import dev.netloom.core.ConnectionInfo;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceState;
import dev.netloom.monitor.TrafficTop;
import dev.netloom.monitor.analysis.PacketFacts;
import dev.netloom.monitor.decode.PacketDecoder;
import dev.netloom.monitor.pcap.CaptureException;
import dev.netloom.monitor.pcap.LiveCapture;
import dev.netloom.monitor.pcap.RawPacket;
import org.jline.reader.LineReader;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code monitor top [-i IF] [--connections] [-n N] [--top N] [FILTER...]}: a live view of who
 * is moving bytes, as iftop: per conversation the rate each way over the last 2 s, both ways over
 * 10 s and 40 s, the total and the peak second, busiest first, redrawn every second. From a live
 * capture (libpcap, the filter as tcpdump's), or, with {@code --connections} or without the
 * privilege to capture, from netloom's own services' connection counters. At a terminal it takes
 * the screen and {@code q} (or Ctrl-C) leaves; without one it prints a table a second, {@code -n}
 * times (default: until interrupted).
 */
@Command(name = "top", description = {"Live rates per conversation, as iftop; q leaves.",
        "From a capture (-i IF, default any; a filter as tcpdump's), or with --connections (or without the right to"
                + " capture) from netloom's services' connections. Rates each way over 2 s, 10 s and 40 s, totals, peaks."})
final class MonitorTopCommand extends ShellBound {

    @Option(names = "-i", paramLabel = "IF", description = "the interface to capture on (default any)")
    String device = "any";

    @Option(names = "--connections", description = "rates from netloom's own services' connections, no capture")
    boolean connections;

    @Option(names = "-n", paramLabel = "N", description = "stop after N screens (default: until q or Ctrl-C)")
    int screens;

    @Option(names = "--top", paramLabel = "N", description = "rows shown (default 20)")
    int top = 20;

    @Parameters(paramLabel = "FILTER", arity = "0..*", description = "a capture filter, e.g. tcp port 8080")
    List<String> filter;

    private final Map<String, long[]> lastCounts = new HashMap<>();

    @Override
    public Integer call() throws IOException {
        if (screens < 0 || top < 1) {
            throw ShellException.usage("-n must be 0 or more and --top at least 1");
        }
        TrafficTop rates = new TrafficTop();
        LiveCapture capture = null;
        String source;
        if (!connections) {
            try {
                capture = LiveCapture.open(device, 128, false, filter == null ? "" : String.join(" ", filter), 0);
            } catch (CaptureException e) {
                if (e.reason() != CaptureException.Reason.NOT_PERMITTED) {
                    throw e;
                }
                shell.err().println("monitor top: cannot capture (" + e.getMessage() + "); showing netloom's connections");
                shell.err().flush();
            }
        }
        Thread pump = null;
        if (capture != null) {
            source = "capture on " + device + (filter == null || filter.isEmpty() ? "" : " (" + String.join(" ", filter) + ")");
            LiveCapture c = capture;
            // a platform thread: pcap_next_ex blocks in native code, which would pin a virtual thread's carrier
            pump = Thread.ofPlatform().name("monitor-top").daemon().start(() -> pump(c, rates));
        } else {
            source = "netloom's connections (A: the client, B: the service)";
        }
        try {
            return show(rates, source, capture == null);
        } finally {
            if (capture != null) {
                capture.close();
                try {
                    pump.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static void pump(LiveCapture capture, TrafficTop rates) {
        try {
            for (RawPacket p = capture.next(); p != null; p = capture.next()) {
                PacketFacts f = PacketFacts.of(PacketDecoder.decode(p));
                if (f.src() == null) {
                    continue;
                }
                String a = endpoint(f.src(), f.srcPort());
                String b = endpoint(f.dst(), f.dstPort());
                boolean forward = a.compareTo(b) <= 0;
                String proto = f.tcp() ? "tcp" : f.udp() ? "udp" : "ip";
                rates.add(proto + " " + (forward ? a + " <-> " + b : b + " <-> " + a), p.epochNanos(), f.frameLength(), forward);
            }
        } catch (IOException e) {
            // the capture was closed or failed: the view shows what it had
        }
    }

    private static String endpoint(String address, int port) {
        String a = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
        return port > 0 ? a + ":" + port : a;
    }

    /** Adds what each of netloom's connections moved since the last call. */
    private void sampleConnections(TrafficTop rates, long now) {
        Map<String, long[]> seen = new HashMap<>();
        for (Service s : shell.registry().instances()) {
            if (s.state() != ServiceState.RUNNING) {
                continue;
            }
            for (ConnectionInfo c : s.connections()) {
                String key = s.name() + " " + c.remote() + " #" + c.id();
                long[] before = lastCounts.getOrDefault(key, new long[2]);
                rates.add(key, now, Math.max(0, c.bytesIn() - before[0]), true);
                rates.add(key, now, Math.max(0, c.bytesOut() - before[1]), false);
                seen.put(key, new long[] {c.bytesIn(), c.bytesOut()});
            }
        }
        lastCounts.clear();
        lastCounts.putAll(seen);
    }

    private int show(TrafficTop rates, String source, boolean fromConnections) throws IOException {
        Terminal terminal = shell.lineReader().map(LineReader::getTerminal).orElse(null);
        Attributes saved = terminal != null ? terminal.enterRawMode() : null;
        PrintWriter out = shell.out();
        try {
            for (int n = 1; screens == 0 || n <= screens; n++) {
                long now = System.currentTimeMillis() * 1_000_000L;
                if (fromConnections) {
                    sampleConnections(rates, now);
                }
                String screen = render(rates.snapshot(now, top), source);
                if (terminal != null) {
                    out.print("\033[H\033[2J" + screen.replace("\n", "\r\n") + "\r\nq: quit");
                } else {
                    out.print(screen);
                    out.println();
                }
                out.flush();
                if (terminal != null) {
                    int key = terminal.reader().read(1000);
                    if (key == 'q' || key == 'Q' || key == 3) {
                        break;
                    }
                } else if (!sleep()) {
                    break;
                }
            }
        } finally {
            if (terminal != null) {
                terminal.setAttributes(saved);
                out.println();
                out.flush();
            }
        }
        return 0;
    }

    private static boolean sleep() {
        try {
            Thread.sleep(1000); // the view's refresh period
            return true;
        } catch (InterruptedException e) {
            return false; // Ctrl-C: the last screen stays
        }
    }

    static String render(List<TrafficTop.Row> rows, String source) {
        StringWriter text = new StringWriter();
        PrintWriter w = new PrintWriter(text);
        w.println("monitor top: " + source);
        Table t = Table.of("CONVERSATION", "A>B 2s", "B>A 2s", "10s", "40s", "TOTAL", "PEAK");
        double forward = 0;
        double backward = 0;
        for (TrafficTop.Row r : rows) {
            t.row(r.name(), rate(r.forward2s()), rate(r.backward2s()), rate(r.rate10s()), rate(r.rate40s()),
                    Formats.bytes(r.total()), rate(r.peakPerSecond()));
            forward += r.forward2s();
            backward += r.backward2s();
        }
        t.print(w);
        w.printf(Locale.ROOT, "total (2 s): A>B %s, B>A %s%n", rate(forward), rate(backward));
        w.flush();
        return text.toString();
    }

    private static String rate(double bytesPerSecond) {
        return AnalysisTables.rate(bytesPerSecond * 8) + "/s";
    }
}
