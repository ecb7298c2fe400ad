package dev.netloom.shell;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.netloom.core.Key;
import dev.netloom.monitor.analysis.AnalysisReport;
import dev.netloom.monitor.analysis.Analyzer;
import dev.netloom.monitor.analysis.PacketFacts;
import dev.netloom.monitor.decode.PacketDecoder;
import dev.netloom.monitor.pcap.CaptureFiles;
import dev.netloom.monitor.pcap.LiveCapture;
import dev.netloom.monitor.pcap.PacketSource;
import dev.netloom.monitor.pcap.RawPacket;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code monitor analyze FILE [--json] [--interval D] [--top N]}: a pcap or pcapng file's
 * conversations, protocol hierarchy, top talkers, I/O over time and TCP analysis, as tshark's
 * {@code -z conv,tcp}, {@code -z io,phs}, {@code -z io,stat} and {@code tcp.analysis.*} report
 * them (docs/monitor.md). Every packet is decoded once and forgotten: memory grows with the
 * conversations, not the file.
 */
@Command(name = "analyze", description = {"Analyse a capture file, or live: flows, protocols, TCP loss.",
        "Conversations, protocol hierarchy, top talkers, I/O per interval, and Wireshark's TCP analysis (retransmissions,"
                + " duplicate ACKs, out-of-order, zero windows, lost segments, handshake and ACK RTT), of a pcap or pcapng"
                + " FILE, or live with -i IF [FILTER...] until -c N packets, --duration or Ctrl-C. --json for scripts."})
final class MonitorAnalyzeCommand extends ShellBound {

    /** Bytes of each packet the analysis reads: every header up to an application's first line. */
    static final int HEADERS = 512;

    @Parameters(paramLabel = "FILE|FILTER", arity = "0..*",
            description = "a capture file (pcap or pcapng); with -i, a capture filter as tcpdump's instead")
    List<String> words;

    @Option(names = "-i", paramLabel = "IF", description = "analyse a live capture on IF instead of a file")
    String device;

    @Option(names = "-c", paramLabel = "N", description = "live: stop after N packets")
    Long count;

    @Option(names = "--duration", paramLabel = "DURATION", description = "live: stop after this long (e.g. 10s)")
    String duration;

    @Option(names = "--json", description = "print one JSON document instead of tables")
    boolean json;

    @Option(names = "--interval", paramLabel = "DURATION", description = "the I/O table's interval (default 1s)")
    String interval = "1s";

    @Option(names = "--top", paramLabel = "N", description = "conversations and talkers shown in the tables (default 10)")
    int top = 10;

    @Override
    public Integer call() throws IOException {
        Duration step = Key.parseDuration(interval);
        if (step == null || step.isZero() || step.isNegative()) {
            throw ShellException.usage("--interval: a positive duration such as 1s, 500ms or 1m, not '" + interval + "'");
        }
        if (top < 1) {
            throw ShellException.usage("--top must be at least 1, not " + top);
        }
        Analyzer analyzer = new Analyzer(step);
        String source;
        if (device == null) {
            if (words == null || words.size() != 1) {
                throw ShellException.usage("give one capture FILE, or -i IF for a live capture");
            }
            if (count != null || duration != null) {
                throw ShellException.usage("-c and --duration are for a live capture (-i)");
            }
            Path file = Path.of(words.getFirst());
            if (!Files.isReadable(file)) {
                throw new ShellException("cannot read " + file + ": no such file, or not readable");
            }
            // the analysis reads headers: each packet's first bytes, the rest of a big one skipped unread
            try (PacketSource in = CaptureFiles.open(file, HEADERS)) {
                for (RawPacket p = in.next(); p != null; p = in.next()) {
                    analyzer.add(PacketFacts.of(PacketDecoder.decode(p)));
                }
            }
            source = file.toString();
        } else {
            source = live(analyzer);
        }
        AnalysisReport report;
        synchronized (analyzer) { // a live capture's reader may still be finishing a packet
            report = analyzer.report();
        }
        if (json) {
            shell.out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
            shell.out().flush();
        } else {
            AnalysisTables.print(report, source, top, shell.out());
        }
        return 0;
    }

    /** Analyses a live capture until -c, --duration or Ctrl-C; returns how the report names its source. */
    private String live(Analyzer analyzer) throws IOException {
        if (count != null && count < 1) {
            throw ShellException.usage("-c must be at least 1, not " + count);
        }
        Duration limit = duration == null ? null : Key.parseDuration(duration);
        if (duration != null && (limit == null || limit.isZero() || limit.isNegative())) {
            throw ShellException.usage("--duration: a positive duration such as 10s or 1m, not '" + duration + "'");
        }
        String filter = words == null ? "" : String.join(" ", words);
        LiveCapture capture = LiveCapture.open(device, HEADERS, false, filter, 0);
        shell.err().println("analysing " + device + (filter.isEmpty() ? "" : " (" + filter + ")") + " until "
                + (count != null ? count + " packets" : limit != null ? Key.formatDuration(limit) : "Ctrl-C"));
        shell.err().flush();
        if (count != null) {
            capture.stopAfter(count);
        }
        // a platform thread: pcap_next_ex blocks in native code, which would pin a virtual thread's carrier
        Thread reader = Thread.ofPlatform().name("monitor-analyze").daemon().start(() -> {
            try {
                for (RawPacket p = capture.next(); p != null; p = capture.next()) {
                    PacketFacts f = PacketFacts.of(PacketDecoder.decode(p));
                    synchronized (analyzer) {
                        analyzer.add(f);
                    }
                }
            } catch (IOException e) {
                // closed or failed: the report has what came before
            }
        });
        try {
            PingOptions.untilInterrupted(() -> {
                try {
                    if (limit == null) {
                        reader.join();
                    } else {
                        reader.join(limit);
                    }
                } catch (InterruptedException e) {
                    // Ctrl-C or SIGTERM: the report of what was captured
                }
                return 0;
            });
        } finally {
            capture.close();
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return "live capture on " + device + (filter.isEmpty() ? "" : " (" + filter + ")");
    }
}
