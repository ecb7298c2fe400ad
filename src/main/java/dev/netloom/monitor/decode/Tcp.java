package dev.netloom.monitor.decode;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A TCP header (RFC 9293 §3.1): ports, sequence and acknowledgment numbers (unsigned 32-bit
 * values in longs), data offset in bytes, the flag bits (including the reserved ones, from
 * CWR 0x80 down to FIN 0x01, with AE as 0x100), window, checksum as sent (not verified), urgent
 * pointer and options; the payload's offset in the captured bytes and its length from IP's.
 */
public record Tcp(int offset, int sourcePort, int destinationPort, long sequence, long acknowledgment,
                  int headerLength, int flags, int window, int checksum, int urgentPointer, List<TcpOption> options,
                  int payloadOffset, int payloadLength) implements TransportLayer {

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;
    public static final int AE = 0x100;

    public Tcp {
        options = List.copyOf(options);
    }

    @Override
    public String path() {
        return "tcp";
    }

    /** Whether every bit of {@code mask} is set. */
    public boolean has(int mask) {
        return (flags & mask) == mask;
    }

    /** The flags as tcpdump prints them between brackets: {@code S}, {@code S.}, {@code P.}, {@code F.}, or {@code none}. */
    public String flagLetters() {
        StringBuilder sb = new StringBuilder();
        int[] bits = {FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE};
        String letters = "FSRP.UEWe";
        for (int i = 0; i < bits.length; i++) {
            if ((flags & bits[i]) != 0) {
                sb.append(letters.charAt(i));
            }
        }
        return sb.isEmpty() ? "none" : sb.toString();
    }

    /** The MSS option's value. */
    public OptionalInt mss() {
        return options.stream().filter(TcpOption.Mss.class::isInstance)
                .mapToInt(o -> ((TcpOption.Mss) o).size()).findFirst();
    }

    /** The window scale option's shift count. */
    public OptionalInt windowScale() {
        return options.stream().filter(TcpOption.WindowScale.class::isInstance)
                .mapToInt(o -> ((TcpOption.WindowScale) o).shift()).findFirst();
    }

    /** Whether the SACK-permitted option is there. */
    public boolean sackPermitted() {
        return options.stream().anyMatch(TcpOption.SackPermitted.class::isInstance);
    }

    /** The SACK option's blocks, empty without one. */
    public List<TcpOption.SackBlock> sackBlocks() {
        return options.stream().filter(TcpOption.Sack.class::isInstance)
                .flatMap(o -> ((TcpOption.Sack) o).blocks().stream()).toList();
    }

    /** The timestamps option. */
    public Optional<TcpOption.Timestamps> timestamps() {
        return options.stream().filter(TcpOption.Timestamps.class::isInstance)
                .map(TcpOption.Timestamps.class::cast).findFirst();
    }
}
