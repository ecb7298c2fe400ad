package dev.netloom.shell;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.netloom.core.Key;
import dev.netloom.monitor.analysis.AnalysisReport;
import dev.netloom.monitor.analysis.Analyzer;
import dev.netloom.monitor.analysis.PacketFacts;
import dev.netloom.monitor.decode.PacketDecoder;
import dev.netloom.monitor.pcap.CaptureFiles;
import dev.netloom.monitor.pcap.PacketSource;
import dev.netloom.monitor.pcap.RawPacket;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code monitor analyze FILE [--json] [--interval D] [--top N]}: a pcap or pcapng file's
 * conversations, protocol hierarchy, top talkers, I/O over time and TCP analysis, as tshark's
 * {@code -z conv,tcp}, {@code -z io,phs}, {@code -z io,stat} and {@code tcp.analysis.*} report
 * them (docs/monitor.md). Every packet is decoded once and forgotten: memory grows with the
 * conversations, not the file.
 */
@Command(name = "analyze", description = {"Analyse a pcap or pcapng file: flows, protocols, TCP loss.",
        "Conversations, protocol hierarchy, top talkers, I/O per interval, and Wireshark's TCP analysis (retransmissions,"
                + " duplicate ACKs, out-of-order, zero windows, lost segments, handshake and ACK RTT). --json for scripts."})
final class MonitorAnalyzeCommand extends ShellBound {

    /** Bytes of each packet the analysis reads: every header up to an application's first line. */
    static final int HEADERS = 512;

    @Parameters(index = "0", paramLabel = "FILE", description = "a capture file (pcap or pcapng), e.g. from monitor capture -w")
    Path file;

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
        if (!Files.isReadable(file)) {
            throw new ShellException("cannot read " + file + ": no such file, or not readable");
        }
        Analyzer analyzer = new Analyzer(step);
        // the analysis reads headers: each packet's first bytes, the rest of a big one skipped unread
        try (PacketSource in = CaptureFiles.open(file, HEADERS)) {
            for (RawPacket p = in.next(); p != null; p = in.next()) {
                analyzer.add(PacketFacts.of(PacketDecoder.decode(p)));
            }
        }
        AnalysisReport report = analyzer.report();
        if (json) {
            shell.out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
            shell.out().flush();
        } else {
            AnalysisTables.print(report, file.toString(), top, shell.out());
        }
        return 0;
    }
}
