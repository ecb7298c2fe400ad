package dev.netloom.monitor.analysis;

import java.util.List;
import java.util.Map;

/**
 * What {@link Analyzer} found in a capture, as plain data (the shell prints it as tables, or as
 * JSON with Jackson): totals; conversations as tshark's {@code -z conv,tcp} and {@code conv,udp};
 * the protocol hierarchy as {@code -z io,phs}; top talkers; I/O per interval as {@code -z io,stat};
 * and the TCP analysis, in total and per conversation. Times are seconds from the first packet
 * (relative) or durations in milliseconds, as named.
 */
public record AnalysisReport(long packets, long bytes, long firstEpochNanos, double durationSeconds,
                             List<Conversation> conversations, List<ProtocolNode> protocols, List<Talker> talkers,
                             double intervalSeconds, List<Interval> io, Map<String, Long> tcpTotals, List<TcpFlow> tcp) {

    /** One TCP or UDP conversation: A is the source of its first packet. */
    public record Conversation(String protocol, String addressA, int portA, String addressB, int portB, long framesAtoB,
                               long bytesAtoB, long framesBtoA, long bytesBtoA, double relativeStart, double durationSeconds) {

        public long frames() {
            return framesAtoB + framesBtoA;
        }

        public long bytes() {
            return bytesAtoB + bytesBtoA;
        }

        /** Bits per second over the conversation's duration (0 for a single instant). */
        public double bitsPerSecond() {
            return durationSeconds > 0 ? bytes() * 8 / durationSeconds : 0;
        }
    }

    /** A node of the protocol hierarchy: a protocol path prefix such as {@code eth:ethertype:ip:tcp}. */
    public record ProtocolNode(String path, int depth, String protocol, long frames, long bytes) {
    }

    /** An address: what it sent and received. */
    public record Talker(String address, long framesSent, long bytesSent, long framesReceived, long bytesReceived) {

        public long bytes() {
            return bytesSent + bytesReceived;
        }
    }

    /** One interval of {@code intervalSeconds} from {@code start} (relative seconds). */
    public record Interval(double start, long frames, long bytes) {
    }

    /**
     * One TCP conversation's analysis: counts by Wireshark's analysis names
     * ({@code retransmission}, {@code duplicate_ack}, ...), the handshake RTT and the ACK RTTs in
     * milliseconds (-1 when not measured), and the loss estimate: retransmitted data segments over
     * data segments sent.
     */
    public record TcpFlow(String conversation, Map<String, Long> counts, long dataSegments, double handshakeRttMs,
                          long ackRttSamples, double ackRttMinMs, double ackRttAvgMs, double ackRttMaxMs,
                          double estimatedLossPercent) {
    }
}
