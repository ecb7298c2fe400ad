package dev.netloom.monitor.analysis;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TCP sequence analysis as Wireshark's {@code tcp.analysis.*} does it (epan/dissectors/
 * packet-tcp.c, tcp_analyze_sequence_number, 4.0): per direction the next expected sequence
 * number, the last ACK and window, the unacknowledged segments, the duplicate-ACK count; per
 * packet the same tests in the same order (zero window probe, zero window, lost segment, keep-alive,
 * window update, window full, keep-alive ACK, zero window probe ACK, duplicate ACK, ACKed unseen
 * segment, then spurious retransmission, fast retransmission, out-of-order, retransmission), so the
 * counts can be compared with tshark's display filters on the same file. Also the handshake RTT
 * ({@code tcp.analysis.initial_rtt}: SYN to the ACK that completes the handshake) and the ACK RTT
 * of each segment acknowledged exactly ({@code tcp.analysis.ack_rtt}). Sequence numbers compare
 * modulo 2^32, as Wireshark's GT_SEQ. Conversations are keyed by their addresses and ports
 * (Wireshark also starts a new stream when ports are reused after a close; netloom does not).
 */
public final class TcpAnalysis {

    /** What a packet was found to be: Wireshark's TCP_A_* flags. */
    public enum Mark {
        RETRANSMISSION, FAST_RETRANSMISSION, SPURIOUS_RETRANSMISSION, OUT_OF_ORDER, LOST_SEGMENT, ACK_LOST_SEGMENT,
        DUPLICATE_ACK, ZERO_WINDOW, ZERO_WINDOW_PROBE, ZERO_WINDOW_PROBE_ACK, KEEP_ALIVE, KEEP_ALIVE_ACK,
        WINDOW_UPDATE, WINDOW_FULL
    }

    private static final long MAX_UNACKED = 10_000;

    private final Map<FlowKey, Flow> flows = new LinkedHashMap<>();

    /** One direction's state. */
    private static final class Side {
        long nextseq;
        long nextseqTime;
        long lastack;
        long lastackTime;
        long maxseqtobeacked;
        int window = -1;
        int winScale = -1; // -1 unknown, -2 no scaling, else the shift
        int dupacks;
        int lastFlags;
        final List<long[]> segments = new ArrayList<>(); // {seq, nextseq, time}
    }

    /** One conversation: its two directions, what was found, and its RTTs. */
    public static final class Flow {
        final FlowKey key;
        final Side a = new Side();
        final Side b = new Side();
        final long[] counts = new long[Mark.values().length];
        long synTime;
        boolean sawSyn;
        long handshakeRttNanos = -1;
        long rttCount;
        long rttMin = Long.MAX_VALUE;
        long rttMax;
        long rttSum;

        Flow(FlowKey key) {
            this.key = key;
        }

        public FlowKey key() {
            return key;
        }

        /** Packets of this conversation marked {@code m}. */
        public long count(Mark m) {
            return counts[m.ordinal()];
        }

        /** SYN to the handshake's last ACK, or -1 when the handshake was not seen. */
        public long handshakeRttNanos() {
            return handshakeRttNanos;
        }

        /** Segments acknowledged exactly, whose RTT was measured. */
        public long ackRttCount() {
            return rttCount;
        }

        public long ackRttMinNanos() {
            return rttCount == 0 ? -1 : rttMin;
        }

        public long ackRttMaxNanos() {
            return rttCount == 0 ? -1 : rttMax;
        }

        public long ackRttAvgNanos() {
            return rttCount == 0 ? -1 : rttSum / rttCount;
        }
    }

    private static boolean gt(long a, long b) {
        return (int) (a - b) > 0;
    }

    private static boolean lt(long a, long b) {
        return (int) (a - b) < 0;
    }

    private static boolean le(long a, long b) {
        return (int) (a - b) <= 0;
    }

    /** Analyses one TCP packet (others are ignored) and returns what it was found to be. */
    public List<Mark> add(PacketFacts p) {
        if (!p.tcp()) {
            return List.of();
        }
        FlowKey k = FlowKey.canonical(p);
        Flow flow = flows.computeIfAbsent(k, Flow::new);
        boolean forward = k.forward(p);
        Side fwd = forward ? flow.a : flow.b;
        Side rev = forward ? flow.b : flow.a;
        long now = p.epochNanos();
        long seq = p.seq();
        long ack = p.ack();
        int seglen = p.payloadLength();
        int flags = p.flags();
        int window = p.window();
        windowScale(p, fwd, rev);
        handshakeRtt(p, flow, now);
        int marks = analyse(fwd, rev, now, seq, ack, seglen, flags, window, flow);
        List<Mark> found = new ArrayList<>();
        for (Mark m : Mark.values()) {
            if ((marks & (1 << m.ordinal())) != 0) {
                flow.counts[m.ordinal()]++;
                found.add(m);
            }
        }
        return found;
    }

    private static void windowScale(PacketFacts p, Side fwd, Side rev) {
        if (!p.has(PacketFacts.SYN)) {
            return;
        }
        fwd.winScale = p.windowScale() >= 0 ? Math.min(p.windowScale(), 14) : -2;
        if (p.has(PacketFacts.ACK) && (fwd.winScale == -2 || rev.winScale == -2)) {
            fwd.winScale = -2; // scaling only when both SYNs offered it
            rev.winScale = -2;
        }
    }

    private static void handshakeRtt(PacketFacts p, Flow flow, long now) {
        if (p.has(PacketFacts.SYN) && !p.has(PacketFacts.ACK)) {
            flow.synTime = now;
            flow.sawSyn = true;
        } else if (!p.has(PacketFacts.SYN) && p.has(PacketFacts.ACK) && flow.sawSyn && flow.handshakeRttNanos < 0) {
            flow.handshakeRttNanos = now - flow.synTime;
        }
    }

    private static int bit(Mark m) {
        return 1 << m.ordinal();
    }

    private static int analyse(Side fwd, Side rev, long now, long seq, long ack, int seglen, int flags, int window, Flow flow) {
        int marks = 0;
        boolean synFinRst = (flags & (PacketFacts.SYN | PacketFacts.FIN | PacketFacts.RST)) != 0;
        boolean sameAsLast = seglen == 0 && seq == fwd.nextseq && ack == fwd.lastack && !synFinRst;
        check:
        {
            if (seglen == 1 && seq == fwd.nextseq && rev.window == 0) {
                marks |= bit(Mark.ZERO_WINDOW_PROBE);
                break check;
            }
            if (window == 0 && !synFinRst) {
                marks |= bit(Mark.ZERO_WINDOW);
            }
            if (fwd.nextseq != 0 && gt(seq, fwd.nextseq) && (flags & PacketFacts.RST) == 0) {
                marks |= bit(Mark.LOST_SEGMENT);
            }
            if ((seglen == 0 || seglen == 1) && seq == ((fwd.nextseq - 1) & 0xFFFF_FFFFL) && !synFinRst) {
                marks |= bit(Mark.KEEP_ALIVE);
            }
            if (sameAsLast && window != 0 && window != fwd.window) {
                marks |= bit(Mark.WINDOW_UPDATE);
            }
            if (seglen > 0 && rev.winScale != -1 && !synFinRst && rev.window >= 0
                    && ((seq + seglen) & 0xFFFF_FFFFL)
                    == ((rev.lastack + ((long) rev.window << (rev.winScale == -2 ? 0 : rev.winScale))) & 0xFFFF_FFFFL)) {
                marks |= bit(Mark.WINDOW_FULL);
            }
            if (sameAsLast && window != 0 && window == fwd.window && (rev.lastFlags & bit(Mark.KEEP_ALIVE)) != 0) {
                marks |= bit(Mark.KEEP_ALIVE_ACK);
                break check;
            }
            if (sameAsLast && window == 0 && window == fwd.window && (rev.lastFlags & bit(Mark.ZERO_WINDOW_PROBE)) != 0) {
                marks |= bit(Mark.ZERO_WINDOW_PROBE_ACK);
                break check;
            }
            if (sameAsLast && window != 0 && window == fwd.window) {
                fwd.dupacks = fwd.dupacks == -1 ? 1 : fwd.dupacks + 1;
                marks |= bit(Mark.DUPLICATE_ACK);
            }
        }
        if (ack != fwd.lastack) {
            fwd.dupacks = 0;
        }
        if (rev.maxseqtobeacked != 0 && gt(ack, rev.maxseqtobeacked) && (flags & PacketFacts.ACK) != 0) {
            if (gt(rev.maxseqtobeacked, rev.nextseq)) {
                rev.maxseqtobeacked = rev.nextseq;
                marks |= bit(Mark.ACK_LOST_SEGMENT);
            } else {
                if (rev.dupacks == 0) {
                    marks |= bit(Mark.ACK_LOST_SEGMENT);
                }
                rev.dupacks = -1;
            }
        }
        marks |= retransmission(fwd, rev, now, seq, seglen, flags, flow, marks);
        update(fwd, rev, now, seq, ack, seglen, flags, window, marks, flow);
        return marks;
    }

    private static int retransmission(Side fwd, Side rev, long now, long seq, int seglen, int flags, Flow flow, int marks) {
        boolean synFin = (flags & (PacketFacts.SYN | PacketFacts.FIN)) != 0;
        if ((seglen == 0 && !synFin) || (marks & bit(Mark.KEEP_ALIVE)) != 0) {
            return 0;
        }
        boolean notAdvanced = fwd.nextseq != 0 && lt(seq, fwd.nextseq);
        if (seglen > 1 && ((fwd.nextseq - 1) & 0xFFFF_FFFFL) == seq) {
            notAdvanced = false;
        }
        if (seglen > 0 && rev.lastack != 0 && le((seq + seglen) & 0xFFFF_FFFFL, rev.lastack)) {
            return bit(Mark.SPURIOUS_RETRANSMISSION) | bit(Mark.RETRANSMISSION);
        }
        // times compare as Wireshark's unsigned difference does: a packet stamped before the one it
        // is measured against (the capture's clock reordering them) is never "within" a threshold
        if (notAdvanced && rev.dupacks >= 2 && rev.lastack == seq
                && Long.compareUnsigned(now - rev.lastackTime, 20_000_000L) < 0) {
            return bit(Mark.FAST_RETRANSMISSION) | bit(Mark.RETRANSMISSION);
        }
        long threshold = flow.handshakeRttNanos > 0 ? flow.handshakeRttNanos : 3_000_000L;
        if (notAdvanced && Long.compareUnsigned(now - fwd.nextseqTime, threshold) < 0
                && fwd.nextseq != ((seq + seglen + (synFin ? 1 : 0)) & 0xFFFF_FFFFL)) {
            return bit(Mark.OUT_OF_ORDER);
        }
        return notAdvanced ? bit(Mark.RETRANSMISSION) : 0;
    }

    private static void update(Side fwd, Side rev, long now, long seq, long ack, int seglen, int flags, int window, int marks,
                               Flow flow) {
        boolean synFin = (flags & (PacketFacts.SYN | PacketFacts.FIN)) != 0;
        long nextseq = (seq + seglen + (synFin ? 1 : 0)) & 0xFFFF_FFFFL;
        if ((seglen > 0 || synFin) && fwd.segments.size() < MAX_UNACKED) {
            fwd.segments.add(0, new long[] {seq, nextseq, now});
        }
        boolean probe = (marks & bit(Mark.ZERO_WINDOW_PROBE)) != 0;
        if ((gt(nextseq, fwd.nextseq) || fwd.nextseq == 0) && !probe) {
            fwd.nextseq = nextseq;
            fwd.nextseqTime = now;
        }
        if ((seq == fwd.maxseqtobeacked || fwd.maxseqtobeacked == 0) && !probe) {
            fwd.maxseqtobeacked = fwd.nextseq;
        }
        fwd.window = window;
        fwd.lastack = ack;
        fwd.lastackTime = now;
        fwd.lastFlags = marks;
        for (Iterator<long[]> it = rev.segments.iterator(); it.hasNext(); ) {
            long[] s = it.next();
            if (ack == s[1]) {
                long rtt = now - s[2];
                flow.rttCount++;
                flow.rttSum += rtt;
                flow.rttMin = Math.min(flow.rttMin, rtt);
                flow.rttMax = Math.max(flow.rttMax, rtt);
                it.remove();
            } else if (gt(ack, s[0]) && le(ack, s[1])) {
                s[0] = ack;
            } else if (gt(s[1], ack)) {
                continue;
            } else {
                it.remove();
            }
        }
    }

    /** The conversations seen, in the order they began. */
    public List<Flow> flows() {
        return List.copyOf(flows.values());
    }

    /** Packets marked {@code m} over every conversation. */
    public long total(Mark m) {
        long n = 0;
        for (Flow f : flows.values()) {
            n += f.count(m);
        }
        return n;
    }
}
