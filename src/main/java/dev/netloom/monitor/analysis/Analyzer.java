package dev.netloom.monitor.analysis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads packets ({@link PacketFacts}) in capture order and builds an {@link AnalysisReport}:
 * conversations, protocol hierarchy, top talkers, I/O over time and the TCP analysis. Memory
 * grows with the number of conversations, addresses and intervals, not with the packets, so a
 * 1 GB file streams through. Not thread-safe.
 */
public final class Analyzer {

    private final long intervalNanos;
    private final Map<FlowKey, long[]> conversations = new LinkedHashMap<>(); // key: A = first source
    private final Map<FlowKey, FlowKey> byCanonical = new LinkedHashMap<>();
    private final Map<String, long[]> protocols = new TreeMap<>();
    private final Map<String, long[]> talkers = new LinkedHashMap<>();
    private final Map<Long, long[]> io = new TreeMap<>();
    private final Map<FlowKey, Long> dataSegments = new LinkedHashMap<>();
    private final TcpAnalysis tcp = new TcpAnalysis();
    private long packets;
    private long bytes;
    private long first = Long.MIN_VALUE;
    private long last;

    /** An analyzer whose I/O table has intervals of {@code interval} (tshark's io,stat default: 1 s). */
    public Analyzer(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the interval must be positive, not " + interval);
        }
        this.intervalNanos = interval.toNanos();
    }

    /** Adds the next packet; packets must come in capture order. */
    public void add(PacketFacts p) {
        if (first == Long.MIN_VALUE) {
            first = p.epochNanos();
        }
        last = Math.max(last, p.epochNanos());
        packets++;
        bytes += p.frameLength();
        long[] slot = io.computeIfAbsent(Math.max(0, (p.epochNanos() - first) / intervalNanos), k -> new long[2]);
        slot[0]++;
        slot[1] += p.frameLength();
        hierarchy(p);
        if (p.src() == null) {
            return;
        }
        talk(p.src(), 0, p.frameLength());
        talk(p.dst(), 2, p.frameLength());
        if (p.tcp() || p.udp()) {
            conversation(p);
        }
        if (p.tcp()) {
            tcp.add(p);
            if (p.payloadLength() > 0) {
                dataSegments.merge(FlowKey.canonical(p), 1L, Long::sum);
            }
        }
    }

    private void hierarchy(PacketFacts p) {
        String path = p.protocols() == null || p.protocols().isEmpty() ? "unknown" : p.protocols();
        int at = -1;
        do {
            at = path.indexOf(':', at + 1);
            String prefix = at < 0 ? path : path.substring(0, at);
            long[] c = protocols.computeIfAbsent(prefix, k -> new long[2]);
            c[0]++;
            c[1] += p.frameLength();
        } while (at >= 0);
    }

    private void talk(String address, int at, int length) {
        long[] t = talkers.computeIfAbsent(address, k -> new long[4]);
        t[at]++;
        t[at + 1] += length;
    }

    private void conversation(PacketFacts p) {
        FlowKey key = byCanonical.computeIfAbsent(FlowKey.canonical(p), k -> FlowKey.from(p));
        long[] c = conversations.computeIfAbsent(key, k -> new long[] {0, 0, 0, 0, p.epochNanos(), p.epochNanos()});
        int at = key.forward(p) ? 0 : 2;
        c[at]++;
        c[at + 1] += p.frameLength();
        c[5] = p.epochNanos();
    }

    /** What was found so far. */
    public AnalysisReport report() {
        long base = first == Long.MIN_VALUE ? 0 : first;
        List<AnalysisReport.Conversation> convs = new ArrayList<>();
        for (Map.Entry<FlowKey, long[]> e : conversations.entrySet()) {
            FlowKey k = e.getKey();
            long[] c = e.getValue();
            convs.add(new AnalysisReport.Conversation(k.ipProtocol() == PacketFacts.TCP ? "tcp" : "udp", k.addressA(),
                    k.portA(), k.addressB(), k.portB(), c[0], c[1], c[2], c[3], (c[4] - base) / 1e9, (c[5] - c[4]) / 1e9));
        }
        convs.sort(Comparator.comparingLong(AnalysisReport.Conversation::bytes).reversed());
        List<AnalysisReport.ProtocolNode> nodes = new ArrayList<>();
        for (Map.Entry<String, long[]> e : protocols.entrySet()) {
            String path = e.getKey();
            int depth = (int) path.chars().filter(ch -> ch == ':').count();
            nodes.add(new AnalysisReport.ProtocolNode(path, depth, path.substring(path.lastIndexOf(':') + 1),
                    e.getValue()[0], e.getValue()[1]));
        }
        List<AnalysisReport.Talker> talk = new ArrayList<>();
        for (Map.Entry<String, long[]> e : talkers.entrySet()) {
            long[] t = e.getValue();
            talk.add(new AnalysisReport.Talker(e.getKey(), t[0], t[1], t[2], t[3]));
        }
        talk.sort(Comparator.comparingLong(AnalysisReport.Talker::bytes).reversed());
        List<AnalysisReport.Interval> intervals = new ArrayList<>();
        long slots = first == Long.MIN_VALUE ? 0 : (last - first) / intervalNanos + 1;
        for (long i = 0; i < slots; i++) {
            long[] s = io.getOrDefault(i, new long[2]);
            intervals.add(new AnalysisReport.Interval(i * intervalNanos / 1e9, s[0], s[1]));
        }
        Map<String, Long> totals = new LinkedHashMap<>();
        for (TcpAnalysis.Mark m : TcpAnalysis.Mark.values()) {
            totals.put(name(m), tcp.total(m));
        }
        List<AnalysisReport.TcpFlow> flows = new ArrayList<>();
        for (TcpAnalysis.Flow f : tcp.flows()) {
            flows.add(tcpFlow(f));
        }
        return new AnalysisReport(packets, bytes, base, (last - base) / 1e9, convs, nodes, talk, intervalNanos / 1e9,
                intervals, totals, flows);
    }

    private AnalysisReport.TcpFlow tcpFlow(TcpAnalysis.Flow f) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (TcpAnalysis.Mark m : TcpAnalysis.Mark.values()) {
            counts.put(name(m), f.count(m));
        }
        long data = dataSegments.getOrDefault(f.key(), 0L);
        long retransmitted = f.count(TcpAnalysis.Mark.RETRANSMISSION);
        FlowKey shown = byCanonical.getOrDefault(f.key(), f.key());
        return new AnalysisReport.TcpFlow(shown.describe(), counts, data, millis(f.handshakeRttNanos()), f.ackRttCount(),
                millis(f.ackRttMinNanos()), millis(f.ackRttAvgNanos()), millis(f.ackRttMaxNanos()),
                data == 0 ? 0 : 100.0 * retransmitted / data);
    }

    private static double millis(long nanos) {
        return nanos < 0 ? -1 : nanos / 1e6;
    }

    /** Wireshark's name for a mark: {@code tcp.analysis.NAME}. */
    public static String name(TcpAnalysis.Mark m) {
        return switch (m) {
            case LOST_SEGMENT -> "lost_segment";
            case ACK_LOST_SEGMENT -> "ack_lost_segment";
            default -> m.name().toLowerCase(Locale.ROOT);
        };
    }
}
