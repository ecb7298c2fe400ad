package dev.netloom.monitor.pcap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/*
 * The pcapng file format (draft-ietf-opsawg-pcapng, "PCAP Next Generation (pcapng) Capture File
 * Format"), as dumpcap and tshark -w write it. A file is a run of blocks, each
 *
 *     0  block type         32 bits
 *     4  block total length 32 bits, the whole block with both length fields; a multiple of 4
 *     8  body               padded to 32 bits
 *   len-4 block total length again
 *
 * in the byte order of its section. A section starts with a Section Header Block (type
 * 0x0A0D0D0A, the same in either order) whose body opens with the byte-order magic 0x1A2B3C4D
 * (as written: 1A 2B 3C 4D is big-endian, 4D 3C 2B 1A little-endian), a version (major 1, minor
 * 0; 16 bits each) and a 64-bit section length (-1: not given); a file may hold several sections,
 * each in its own byte order, each with its own interfaces. The blocks read here:
 *
 *   Interface Description Block (1)  link type (16), reserved (16), snaplen (32, 0: none), then
 *       options: if_name (2), if_tsresol (9: one byte, 10^-n seconds, or 2^-n with the top bit
 *       set; default 10^-6), if_tsoffset (14: signed 64-bit seconds added to every timestamp).
 *       Interfaces are numbered 0, 1, ... within their section in the order of their blocks.
 *   Enhanced Packet Block (6)  interface id (32), timestamp high and low (32 + 32, in the
 *       interface's units since 1970), captured length (32), original length (32), data padded
 *       to 32 bits, options.
 *   Simple Packet Block (3)  original length (32), data: its captured length is the smallest of
 *       the original length, the room in the block and interface 0's snaplen. No timestamp (0).
 *   Packet Block (2, obsolete)  interface id (16), drops count (16), timestamp high and low,
 *       captured length, original length, data, options.
 *
 * An option is a code (16), a length (16) and a value padded to 32 bits; code 0 ends the list.
 * Every other block (Name Resolution, Interface Statistics, Decryption Secrets, custom, unknown
 * types) is skipped by its length. A block shorter than 12 bytes or not a multiple of 4, over
 * 16 MiB (unless skipped), whose two lengths differ, or whose fields run past its end, a packet
 * of an interface not described, and a file cut inside a block each end the reader with an
 * IOException naming the byte offset.
 */

/**
 * Reads a pcapng file as a {@link PacketSource}: sections in either byte order, interfaces each
 * with its link type, snapshot length and timestamp resolution, and Enhanced, Simple and
 * (obsolete) Packet Blocks. {@link RawPacket#interfaceIndex()} numbers interfaces across the
 * whole file (a second section's first interface follows the first section's last), as
 * Wireshark's frame.interface_id does. {@link #linkType()} and {@link #snapLength()} are those of
 * the file's first interface (-1 and 0 while it has none).
 */
public final class PcapngReader implements PacketSource {

    /** The block type of a Section Header Block, which is also the file's magic. */
    public static final int SECTION_HEADER = 0x0A0D0D0A;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int INTERFACE = 1;
    private static final int PACKET = 2;
    private static final int SIMPLE_PACKET = 3;
    private static final int ENHANCED_PACKET = 6;
    private static final int MAX_BLOCK = 16 << 20;

    private final CaptureInput in;
    private final List<Interface> interfaces = new ArrayList<>();
    private final byte[] head = new byte[12];
    private final PcapngBlock block = new PcapngBlock();
    private ByteOrder order = ByteOrder.BIG_ENDIAN;
    private int sectionBase;
    private int keep = Integer.MAX_VALUE;
    private long blockOffset;
    private int blockType;

    /**
     * One capture interface of the file.
     *
     * @param name           its if_name option, or null
     * @param linkType       LINKTYPE_* of its packets
     * @param snapLength     its snaplen (0: none given)
     * @param unitsPerSecond the timestamp units in a second (if_tsresol; 10^6 by default)
     * @param offsetSeconds  if_tsoffset: seconds added to every timestamp
     */
    public record Interface(String name, int linkType, int snapLength, long unitsPerSecond, long offsetSeconds) {
    }

    private PcapngReader(CaptureInput in) throws IOException {
        this.in = in;
        // Read up to the first interface, so that linkType() means something from the start;
        // a packet before any interface is an error anyway.
        while (interfaces.isEmpty()) {
            if (!nextBlock()) {
                break;
            }
            if (isPacket(blockType)) {
                throw in.error(blockOffset, "packet block before any interface description block");
            }
        }
    }

    /** Reads a pcapng file from a stream (from its first byte), which the reader then owns. */
    public static PcapngReader read(InputStream in) throws IOException {
        return new PcapngReader(new CaptureInput(in, "pcapng"));
    }

    @Override
    public RawPacket next() throws IOException {
        while (nextBlock()) {
            if (isPacket(blockType)) {
                return packet();
            }
        }
        return null;
    }

    /** The interfaces described so far (all of them once {@link #next} has returned null). */
    public List<Interface> interfaces() {
        return List.copyOf(interfaces);
    }

    @Override
    public int linkType() {
        return interfaces.isEmpty() ? -1 : interfaces.getFirst().linkType();
    }

    @Override
    public int snapLength() {
        return interfaces.isEmpty() ? 0 : interfaces.getFirst().snapLength();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private static boolean isPacket(int type) {
        return type == ENHANCED_PACKET || type == SIMPLE_PACKET || type == PACKET;
    }

    /** Reads the next block: a packet block's body stays in {@link #block}; false at the end. */
    private boolean nextBlock() throws IOException {
        blockOffset = in.position();
        if (!in.startRecord(head, 8, "a block header")) {
            return false;
        }
        ByteBuffer h = ByteBuffer.wrap(head).order(order);
        int type = h.getInt(0);
        blockType = type;
        if (type == SECTION_HEADER) {
            in.readFully(head, 8, 4, "a section header block");
            int magic = h.getInt(8);
            if (Integer.reverseBytes(magic) == BYTE_ORDER_MAGIC) {
                order = order == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
                h.order(order);
            } else if (magic != BYTE_ORDER_MAGIC) {
                throw in.error(blockOffset, "section header block with a byte-order magic of 0x"
                        + Integer.toHexString(magic) + ", not 0x1a2b3c4d");
            }
        } else if (blockOffset == 0) {
            throw new IOException("not a pcap or pcapng file (magic 0x" + Integer.toHexString(type) + ")");
        }
        long length = h.getInt(4) & 0xffffffffL;
        int minimum = type == SECTION_HEADER ? 28 : 12;
        if (length < minimum || length % 4 != 0) {
            throw in.error(blockOffset, "block of type " + type + " with a total length of " + length
                    + " (at least " + minimum + " and a multiple of 4)");
        }
        int already = type == SECTION_HEADER ? 12 : 8;
        boolean known = type == SECTION_HEADER || type == INTERFACE || isPacket(type);
        if (!known) {
            in.skip(length - already - 4, "a block of type " + type + " at byte offset " + blockOffset);
            in.readFully(head, 0, 4, "the trailing length of the block at byte offset " + blockOffset);
            checkTrailer(length, h.getInt(0));
            return true;
        }
        if (length > MAX_BLOCK) {
            throw in.error(blockOffset, "block of type " + type + " with a total length of " + length
                    + ", over 16 MiB");
        }
        block.load(type, (int) length - already, order);
        in.readFully(block.bytes(), 0, (int) length - already, "the block at byte offset " + blockOffset);
        checkTrailer(length, block.buffer().getInt((int) length - already - 4));
        block.limit((int) length - already - 4);
        if (type == SECTION_HEADER) {
            section();
        } else if (type == INTERFACE) {
            interfaces.add(PcapngBlock.describe(block, in, blockOffset));
        }
        return true;
    }

    private void checkTrailer(long length, int trailer) throws IOException {
        if ((trailer & 0xffffffffL) != length) {
            throw in.error(blockOffset, "block whose total length " + length + " differs from its trailing length "
                    + (trailer & 0xffffffffL));
        }
    }

    private void section() throws IOException {
        int major = block.buffer().getShort(0) & 0xffff;
        if (major != 1) {
            throw in.error(blockOffset, "section of pcapng version " + major + " (only 1 is read)");
        }
        sectionBase = interfaces.size();
    }

    private RawPacket packet() throws IOException {
        int type = blockType;
        if (type == SIMPLE_PACKET) {
            Interface i = described(0);
            long len = block.unsigned(0);
            long caplen = Math.min(len, block.limit() - 4L);
            if (i.snapLength() > 0) {
                caplen = Math.min(caplen, i.snapLength());
            }
            return make(0, 0, caplen, len, 4);
        }
        int id = type == PACKET ? block.buffer().getShort(0) & 0xffff : block.buffer().getInt(0);
        Interface i = described(id);
        long ts = block.unsigned(4) << 32 | block.unsigned(8);
        return make(id, PcapngBlock.toNanos(ts, i), block.unsigned(12), block.unsigned(16), 20);
    }

    private RawPacket make(int id, long nanos, long caplen, long len, int at) throws IOException {
        if (caplen > PcapReader.MAX_CAPTURED) {
            throw in.error(blockOffset, "packet with a captured length of " + caplen + " bytes, over "
                    + PcapReader.MAX_CAPTURED);
        }
        if (at + caplen > block.limit()) {
            throw in.error(blockOffset, "packet with a captured length of " + caplen
                    + " bytes, past the end of its block");
        }
        if (len < caplen || len > Integer.MAX_VALUE) {
            throw in.error(blockOffset, "packet with an original length of " + len + " and a captured length of "
                    + caplen);
        }
        byte[] data = new byte[(int) Math.min(caplen, keep)];
        System.arraycopy(block.bytes(), at, data, 0, data.length);
        return new RawPacket(nanos, (int) len, interfaces.get(sectionBase + id).linkType(), sectionBase + id, data);
    }

    /** From now on returns at most {@code bytes} of each packet's captured bytes (the blocks are still read whole). */
    public void keepAtMost(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("keep at least 1 byte, not " + bytes);
        }
        keep = bytes;
    }

    private Interface described(long id) throws IOException {
        if (id < 0 || sectionBase + id >= interfaces.size()) {
            throw in.error(blockOffset, "packet of interface " + id + ", which the section has not described");
        }
        return interfaces.get((int) (sectionBase + id));
    }
}
