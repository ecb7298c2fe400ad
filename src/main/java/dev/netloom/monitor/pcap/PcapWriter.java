package dev.netloom.monitor.pcap;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a classic pcap file (the format {@link PcapReader} describes) as {@code tcpdump -w}
 * does: in this host's byte order (little-endian here), version 2.4, microsecond timestamps by
 * default or nanosecond ones on request, one link type and snapshot length for the file. A
 * packet longer than the snapshot length is cut to it (its wire length kept). Output is buffered
 * (64 KiB); {@link #flush} pushes it out, {@link #close} flushes and closes the stream.
 *
 * <p>A timestamp before 1970 or past 2106 cannot be written (the format's seconds are 32 bits
 * unsigned): an {@link IllegalArgumentException}, as is a packet of another link type.
 */
public final class PcapWriter implements Closeable, Flushable {

    private static final int BUFFER = 1 << 16;

    private final OutputStream out;
    private final int linkType;
    private final int snapLength;
    private final boolean nanos;
    private final ByteBuffer head = ByteBuffer.allocate(PcapReader.HEADER).order(ByteOrder.nativeOrder());

    private PcapWriter(OutputStream out, int linkType, int snapLength, boolean nanos) throws IOException {
        if (snapLength <= 0 || snapLength > PcapReader.MAX_CAPTURED) {
            throw new IllegalArgumentException("snapshot length " + snapLength + " not in 1-" + PcapReader.MAX_CAPTURED);
        }
        if (linkType < 0 || linkType > 0xffff) {
            throw new IllegalArgumentException("link type " + linkType + " not in 0-65535");
        }
        this.out = out instanceof BufferedOutputStream ? out : new BufferedOutputStream(out, BUFFER);
        this.linkType = linkType;
        this.snapLength = snapLength;
        this.nanos = nanos;
        head.putInt(nanos ? PcapReader.MAGIC_NANOS : PcapReader.MAGIC_MICROS)
                .putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(snapLength).putInt(linkType);
        this.out.write(head.array(), 0, PcapReader.HEADER);
    }

    /** Creates (or truncates) {@code file} with microsecond timestamps. */
    public static PcapWriter create(Path file, int linkType, int snapLength) throws IOException {
        return create(file, linkType, snapLength, false);
    }

    /** Creates (or truncates) {@code file}; {@code nanosecond} picks the nanosecond magic. */
    public static PcapWriter create(Path file, int linkType, int snapLength, boolean nanosecond) throws IOException {
        OutputStream out = Files.newOutputStream(file);
        try {
            return create(out, linkType, snapLength, nanosecond);
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** Writes a pcap file to a stream, which the writer then owns; the file header goes out at once. */
    public static PcapWriter create(OutputStream out, int linkType, int snapLength, boolean nanosecond)
            throws IOException {
        return new PcapWriter(out, linkType, snapLength, nanosecond);
    }

    /** Appends one packet (cut to the snapshot length). */
    public void write(RawPacket packet) throws IOException {
        if (packet.linkType() != linkType) {
            throw new IllegalArgumentException("a packet of link type " + packet.linkType()
                    + " in a file of link type " + linkType);
        }
        long seconds = Math.floorDiv(packet.epochNanos(), 1_000_000_000L);
        long fraction = Math.floorMod(packet.epochNanos(), 1_000_000_000L);
        if (seconds < 0 || seconds > 0xffffffffL) {
            throw new IllegalArgumentException("timestamp " + packet.epochNanos() + " ns outside what pcap holds");
        }
        int caplen = Math.min(packet.data().length, snapLength);
        head.clear();
        head.putInt((int) seconds).putInt((int) (nanos ? fraction : fraction / 1000))
                .putInt(caplen).putInt(packet.originalLength());
        out.write(head.array(), 0, 16);
        out.write(packet.data(), 0, caplen);
    }

    /** The link type of the file. */
    public int linkType() {
        return linkType;
    }

    /** The snapshot length of the file. */
    public int snapLength() {
        return snapLength;
    }

    /** Whether the file has nanosecond timestamps. */
    public boolean nanosecond() {
        return nanos;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
