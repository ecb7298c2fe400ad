package dev.netloom.monitor.analysis;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Wireshark's TCP analysis on hand-made conversations: each case is a few segments and the marks
 * tshark puts on them (the rules of packet-tcp.c, 4.0). Against tshark itself on real captures:
 * MonitorAnalysisTsharkTest.
 */
class TcpAnalysisTest {

    private static final String C = "10.0.0.1";
    private static final String S = "10.0.0.2";
    private static final long MS = 1_000_000L;
    private static final int A = PacketFacts.ACK;

    private long time;
    private final TcpAnalysis tcp = new TcpAnalysis();

    /** A segment from the client (up) or the server, {@code after} ms after the previous one. */
    private List<TcpAnalysis.Mark> seg(boolean up, long afterMs, long seq, long ack, int flags, int window, int len) {
        time += afterMs * MS;
        return tcp.add(new PacketFacts(time, 54 + len, "eth:ethertype:ip:tcp", up ? C : S, up ? S : C, 6, up ? 40000 : 80,
                up ? 80 : 40000, seq, ack, flags, window, len, (flags & PacketFacts.SYN) != 0 ? 7 : -1));
    }


    private void handshake() {
        seg(true, 0, 1000, 0, PacketFacts.SYN, 64240, 0);
        seg(false, 10, 5000, 1001, PacketFacts.SYN | A, 65160, 0);
        seg(true, 10, 1001, 5001, A, 502, 0);
    }

    @Test
    void aCleanExchangeHasNoMarksAndItsRtts() {
        handshake();
        assertEquals(List.of(), seg(true, 1, 1001, 5001, A | PacketFacts.PSH, 502, 100));
        assertEquals(List.of(), seg(false, 5, 5001, 1101, A, 509, 0));
        TcpAnalysis.Flow f = tcp.flows().getFirst();
        assertEquals(20 * MS, f.handshakeRttNanos(), "SYN to the third ACK");
        assertEquals(3, f.ackRttCount(), "SYN, SYN/ACK and the data were each acknowledged exactly");
        assertEquals(5 * MS, f.ackRttMinNanos());
        assertEquals(10 * MS, f.ackRttMaxNanos());
    }

    @Test
    void duplicateAcksThenAFastRetransmission() {
        handshake();
        seg(true, 1, 1001, 5001, A, 502, 1000);
        seg(true, 0, 2001, 5001, A, 502, 1000); // lost on the way to the server
        seg(true, 0, 3001, 5001, A, 502, 1000);
        seg(false, 30, 5001, 2001, A, 509, 0);
        assertEquals(List.of(TcpAnalysis.Mark.DUPLICATE_ACK), seg(false, 1, 5001, 2001, A, 509, 0));
        assertEquals(List.of(TcpAnalysis.Mark.DUPLICATE_ACK), seg(false, 1, 5001, 2001, A, 509, 0));
        assertEquals(List.of(TcpAnalysis.Mark.RETRANSMISSION, TcpAnalysis.Mark.FAST_RETRANSMISSION),
                seg(true, 1, 2001, 5001, A, 502, 1000));
        assertEquals(List.of(TcpAnalysis.Mark.RETRANSMISSION, TcpAnalysis.Mark.SPURIOUS_RETRANSMISSION),
                seg(true, 300, 1001, 5001, A, 502, 1000), "already acknowledged: spurious");
    }

    @Test
    void aRetransmissionAfterATimeoutAndAnOutOfOrderSegment() {
        handshake();
        seg(true, 1, 1001, 5001, A, 502, 1000);
        assertEquals(List.of(TcpAnalysis.Mark.RETRANSMISSION), seg(true, 200, 1001, 5001, A, 502, 1000));
        seg(true, 1, 3001, 5001, A, 502, 1000); // a hole: 2001..3001 not seen yet
        assertEquals(List.of(TcpAnalysis.Mark.OUT_OF_ORDER), seg(true, 1, 2001, 5001, A, 502, 1000),
                "within the handshake RTT of the highest segment");
    }

    @Test
    void aSegmentStampedBeforeTheOneItFollowsIsARetransmissionAsInWireshark() {
        handshake();
        seg(true, 1, 1001, 5001, A, 502, 1000);
        seg(true, 0, 3001, 5001, A, 502, 1000); // a hole
        time -= 1000; // the capture stamped the next packet a microsecond earlier
        assertEquals(List.of(TcpAnalysis.Mark.RETRANSMISSION), seg(true, 0, 2001, 5001, A, 502, 1000),
                "tshark's unsigned time difference is huge, not under the out-of-order threshold");
    }

    @Test
    void aGapZeroWindowsAndKeepAlives() {
        handshake();
        seg(true, 1, 1001, 5001, A, 502, 1000);
        assertEquals(List.of(TcpAnalysis.Mark.LOST_SEGMENT), seg(true, 1, 3001, 5001, A, 502, 1000),
                "previous segment not captured");
        assertEquals(List.of(TcpAnalysis.Mark.ACK_LOST_SEGMENT, TcpAnalysis.Mark.ZERO_WINDOW),
                seg(false, 5, 5001, 4001, A, 0, 0), "zero window, and it acknowledges bytes never seen");
        assertEquals(List.of(TcpAnalysis.Mark.KEEP_ALIVE), seg(true, 5000, 4000, 5001, A, 502, 0));
    }

    @Test
    void theAnalyzerCountsConversationsHierarchyTalkersAndIntervals() {
        Analyzer a = new Analyzer(Duration.ofSeconds(1));
        a.add(new PacketFacts(0, 74, "eth:ethertype:ip:tcp", C, S, 6, 40000, 80, 1, 0, PacketFacts.SYN, 100, 0, 7));
        a.add(new PacketFacts(500 * MS, 74, "eth:ethertype:ip:tcp", S, C, 6, 80, 40000, 9, 2, PacketFacts.SYN | A, 100, 0, 7));
        a.add(PacketFacts.ip(2_100 * MS, 100, "eth:ethertype:ip:udp:dns", C, "10.0.0.53", 17, 5353, 53));
        a.add(PacketFacts.other(2_200 * MS, 42, "eth:ethertype:arp"));
        AnalysisReport r = a.report();
        assertEquals(4, r.packets());
        assertEquals(290, r.bytes());
        assertEquals(2, r.conversations().size());
        AnalysisReport.Conversation tcpConv = r.conversations().stream().filter(c -> c.protocol().equals("tcp")).findFirst()
                .orElseThrow();
        assertEquals(C, tcpConv.addressA(), "A is the first packet's source");
        assertEquals(1, tcpConv.framesAtoB());
        assertEquals(1, tcpConv.framesBtoA());
        assertEquals(0.5, tcpConv.durationSeconds(), 1e-9);
        assertEquals(4, r.protocols().stream().filter(n -> n.path().equals("eth")).findFirst().orElseThrow().frames());
        assertEquals(2, r.protocols().stream().filter(n -> n.path().equals("eth:ethertype:ip:tcp")).findFirst()
                .orElseThrow().frames());
        assertEquals(C, r.talkers().getFirst().address());
        assertEquals(List.of(2L, 0L, 2L), r.io().stream().map(AnalysisReport.Interval::frames).toList());
    }
}
