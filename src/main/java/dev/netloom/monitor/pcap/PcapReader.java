package dev.netloom.monitor.pcap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/*
 * The classic pcap file format (libpcap's "savefile", pcap-savefile(5); written down as
 * draft-ietf-opsawg-pcap), as tcpdump -w writes it. All numbers are in the byte order of the
 * writer's host, which the magic number tells:
 *
 *   file header, 24 bytes
 *     0  magic            0xA1B2C3D4: timestamps in seconds and microseconds;
 *                         0xA1B23C4D: seconds and nanoseconds; read byte-swapped (D4 C3 B2 A1,
 *                         4D 3C B2 A1 on disk) the file is little-endian
 *     4  major version    2 (16 bits)
 *     6  minor version    4 (16 bits)
 *     8  reserved         two 32-bit words, 0 (once "thiszone" and "sigfigs")
 *    16  snaplen          the most bytes of a packet kept (262144 for tcpdump's default)
 *    20  link type        LINKTYPE_* in the low 16 bits; the top 4 bits may give an FCS length
 *
 *   then records until the end of the file, each
 *     0  ts seconds       Unix time (32 bits, unsigned)
 *     4  ts fraction      microseconds or nanoseconds, as the magic said
 *     8  caplen           bytes of the packet that follow (at most snaplen)
 *    12  len              the packet's length on the wire
 *    16  caplen bytes of packet data, no padding
 *
 * The reader takes both magics in both byte orders and stops with an IOException naming the byte
 * offset at a record whose caplen is over the snaplen (or over 256 KiB, what libpcap reads at
 * most) or whose len is under its caplen, and at a file cut inside a record. It does not read
 * the modified ("Kuznetzov") variant of 0xA1B2CD34.
 */

/**
 * Reads a classic pcap file (microsecond or nanosecond timestamps, either byte order) as a
 * {@link PacketSource}. {@link #next} returns null at the end of the file and throws an
 * IOException, saying at which byte offset and what was wrong, on a malformed or cut record.
 */
public final class PcapReader implements PacketSource {

    /** The magic of microsecond timestamps, as read in the writer's byte order. */
    public static final int MAGIC_MICROS = 0xA1B2C3D4;
    /** The magic of nanosecond timestamps. */
    public static final int MAGIC_NANOS = 0xA1B23C4D;
    /** The most bytes of one packet a file may hold: libpcap's MAXIMUM_SNAPLEN. */
    public static final int MAX_CAPTURED = 262_144;
    static final int HEADER = 24;
    private static final int RECORD = 16;

    private final CaptureInput in;
    private final ByteOrder order;
    private final boolean nanos;
    private final int snapLength;
    private final int linkType;
    private final int limit;
    private final byte[] head = new byte[RECORD];
    private final ByteBuffer headBuffer;
    private int keep = Integer.MAX_VALUE;

    private PcapReader(CaptureInput in) throws IOException {
        this.in = in;
        byte[] header = new byte[HEADER];
        if (!in.startRecord(header, HEADER, "the file header")) {
            throw new IOException("not a pcap or pcapng file: it is empty");
        }
        ByteBuffer b = ByteBuffer.wrap(header);
        int magic = b.getInt(0);
        if (magic == MAGIC_MICROS || magic == MAGIC_NANOS) {
            order = ByteOrder.BIG_ENDIAN;
        } else if (Integer.reverseBytes(magic) == MAGIC_MICROS || Integer.reverseBytes(magic) == MAGIC_NANOS) {
            order = ByteOrder.LITTLE_ENDIAN;
            magic = Integer.reverseBytes(magic);
        } else {
            throw new IOException("not a pcap or pcapng file (magic 0x" + Integer.toHexString(magic) + ")");
        }
        b.order(order);
        nanos = magic == MAGIC_NANOS;
        snapLength = b.getInt(16);
        linkType = b.getInt(20) & 0xffff;
        // A snaplen of 0 or past what libpcap writes is taken as libpcap's maximum.
        limit = snapLength <= 0 || snapLength > MAX_CAPTURED ? MAX_CAPTURED : snapLength;
        headBuffer = ByteBuffer.wrap(head).order(order);
    }

    /** Reads a pcap file from a stream (from its first byte), which the reader then owns. */
    public static PcapReader read(InputStream in) throws IOException {
        return new PcapReader(new CaptureInput(in, "pcap"));
    }

    @Override
    public RawPacket next() throws IOException {
        long offset = in.position();
        if (!in.startRecord(head, RECORD, "a record header")) {
            return null;
        }
        long seconds = headBuffer.getInt(0) & 0xffffffffL;
        long fraction = headBuffer.getInt(4) & 0xffffffffL;
        long caplen = headBuffer.getInt(8) & 0xffffffffL;
        long len = headBuffer.getInt(12) & 0xffffffffL;
        if (caplen > limit) {
            throw in.error(offset, "record with a captured length of " + caplen + " bytes, over "
                    + (limit == snapLength ? "the file's snapshot length of " : "the most a file may hold, ") + limit);
        }
        if (len < caplen) {
            throw in.error(offset, "record with a wire length of " + len + " under its captured length of " + caplen);
        }
        if (len > Integer.MAX_VALUE) {
            throw in.error(offset, "record with a wire length of " + len + " bytes");
        }
        int take = (int) Math.min(caplen, keep);
        byte[] data = new byte[take];
        in.readFully(data, 0, take, "the packet data of the record at byte offset " + offset);
        if (take < caplen) {
            in.skip(caplen - take, "the packet data of the record at byte offset " + offset);
        }
        long nanoseconds = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000);
        return new RawPacket(nanoseconds, (int) len, linkType, 0, data);
    }

    /**
     * From now on returns at most {@code bytes} of each packet's captured bytes and skips the
     * rest unread (a seek on a file); the packet's original length stays the record's.
     */
    public void keepAtMost(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("keep at least 1 byte, not " + bytes);
        }
        keep = bytes;
    }

    @Override
    public int linkType() {
        return linkType;
    }

    @Override
    public int snapLength() {
        return snapLength;
    }

    /** Whether the file's timestamps are in nanoseconds (else microseconds). */
    public boolean nanosecond() {
        return nanos;
    }

    /** The byte order the file was written in. */
    public ByteOrder byteOrder() {
        return order;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
