package dev.netloom.shell;

import dev.netloom.monitor.analysis.AnalysisReport;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/**
 * {@code monitor analyze} as plain tables: the totals, conversations (as {@code tshark -z
 * conv,tcp}), the protocol hierarchy ({@code -z io,phs}), top talkers, I/O per interval ({@code
 * -z io,stat}), and the TCP analysis in total and per conversation. {@code top} bounds the
 * conversations and talkers shown (their totals are always complete).
 */
final class AnalysisTables {

    private AnalysisTables() {
    }

    static void print(AnalysisReport r, String source, int top, PrintWriter out) {
        out.printf(Locale.ROOT, "%s: %d packets, %s, %.3f s%n", source, r.packets(), Formats.bytes(r.bytes()),
                r.durationSeconds());
        out.println();
        out.println("Conversations (" + r.conversations().size() + ", the " + Math.min(top, r.conversations().size())
                + " largest)");
        Table conv = Table.of("PROTO", "ADDRESS A", "ADDRESS B", "FRAMES A>B", "BYTES A>B", "FRAMES B>A", "BYTES B>A",
                "START s", "DURATION s", "BIT/S");
        r.conversations().stream().limit(top).forEach(c -> conv.row(c.protocol(), endpoint(c.addressA(), c.portA()),
                endpoint(c.addressB(), c.portB()), c.framesAtoB(), Formats.bytes(c.bytesAtoB()), c.framesBtoA(),
                Formats.bytes(c.bytesBtoA()), fixed(c.relativeStart(), 3), fixed(c.durationSeconds(), 3),
                rate(c.bitsPerSecond())));
        conv.print(out);
        out.println();
        out.println("Protocol hierarchy");
        Table phs = Table.of("PROTOCOL", "FRAMES", "BYTES", "% FRAMES");
        for (AnalysisReport.ProtocolNode n : r.protocols()) {
            phs.row("  ".repeat(n.depth()) + n.protocol(), n.frames(), Formats.bytes(n.bytes()),
                    fixed(r.packets() == 0 ? 0 : 100.0 * n.frames() / r.packets(), 1));
        }
        phs.print(out);
        out.println();
        out.println("Top talkers");
        Table talk = Table.of("ADDRESS", "FRAMES SENT", "BYTES SENT", "FRAMES RECEIVED", "BYTES RECEIVED");
        r.talkers().stream().limit(top).forEach(t -> talk.row(t.address(), t.framesSent(), Formats.bytes(t.bytesSent()),
                t.framesReceived(), Formats.bytes(t.bytesReceived())));
        talk.print(out);
        out.println();
        out.println("I/O per " + fixed(r.intervalSeconds(), 3) + " s");
        Table io = Table.of("START s", "FRAMES", "BYTES", "BIT/S");
        for (AnalysisReport.Interval i : r.io()) {
            io.row(fixed(i.start(), 3), i.frames(), Formats.bytes(i.bytes()), rate(i.bytes() * 8 / r.intervalSeconds()));
        }
        io.print(out);
        out.println();
        out.println("TCP analysis (as tcp.analysis.*)");
        Table totals = Table.of("MARK", "FRAMES");
        for (Map.Entry<String, Long> e : r.tcpTotals().entrySet()) {
            totals.row(e.getKey(), e.getValue());
        }
        totals.print(out);
        if (!r.tcp().isEmpty()) {
            out.println();
            Table flows = Table.of("CONVERSATION", "DATA SEGS", "RETRANS", "DUP ACK", "OUT OF ORDER", "LOST", "ZERO WIN",
                    "LOSS %", "HANDSHAKE ms", "ACK RTT min/avg/max ms");
            r.tcp().stream().limit(top).forEach(f -> flows.row(f.conversation(), f.dataSegments(),
                    f.counts().get("retransmission"), f.counts().get("duplicate_ack"), f.counts().get("out_of_order"),
                    f.counts().get("lost_segment"), f.counts().get("zero_window"), fixed(f.estimatedLossPercent(), 2),
                    f.handshakeRttMs() < 0 ? "-" : fixed(f.handshakeRttMs(), 3),
                    f.ackRttSamples() == 0 ? "-" : fixed(f.ackRttMinMs(), 3) + "/" + fixed(f.ackRttAvgMs(), 3) + "/"
                            + fixed(f.ackRttMaxMs(), 3)));
            flows.print(out);
        }
        out.flush();
    }

    private static String endpoint(String address, int port) {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }

    private static String fixed(double v, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    /** Bits per second with an SI prefix: {@code 12.5 Mbit}. */
    static String rate(double bitsPerSecond) {
        String[] units = {"bit", "kbit", "Mbit", "Gbit", "Tbit"};
        double v = bitsPerSecond;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }
}
