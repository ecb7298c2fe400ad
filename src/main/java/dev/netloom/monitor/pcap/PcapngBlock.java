package dev.netloom.monitor.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The body of the pcapng block being read (the layouts are in {@link PcapngReader}'s file
 * comment): one buffer reused from block to block, grown when a block needs more, and the
 * decoding of an Interface Description Block's options and of a timestamp in an interface's
 * units.
 */
final class PcapngBlock {

    private static final int IF_NAME = 2;
    private static final int IF_TSRESOL = 9;
    private static final int IF_TSOFFSET = 14;
    private static final long NANOS = 1_000_000_000L;

    private byte[] bytes = new byte[1 << 16];
    private ByteBuffer buffer = ByteBuffer.wrap(bytes);
    private int type;
    private int limit;

    /** Makes room for a body of {@code length} bytes of a block of {@code type}. */
    void load(int type, int length, ByteOrder order) {
        if (length > bytes.length) {
            bytes = new byte[Math.max(length, bytes.length * 2)];
            buffer = ByteBuffer.wrap(bytes);
        }
        buffer.order(order);
        this.type = type;
        this.limit = length;
    }

    int type() {
        return type;
    }

    byte[] bytes() {
        return bytes;
    }

    ByteBuffer buffer() {
        return buffer;
    }

    /** The end of the body proper (before the trailing length). */
    int limit() {
        return limit;
    }

    void limit(int limit) {
        this.limit = limit;
    }

    long unsigned(int at) {
        return buffer.getInt(at) & 0xffffffffL;
    }

    /** An Interface Description Block's fields and the options that matter here. */
    static PcapngReader.Interface describe(PcapngBlock b, CaptureInput in, long offset) throws IOException {
        if (b.limit < 8) {
            throw in.error(offset, "interface description block of " + (b.limit + 12) + " bytes, under 20");
        }
        ByteBuffer buf = b.buffer;
        int linkType = buf.getShort(0) & 0xffff;
        int snapLength = buf.getInt(4);
        String name = null;
        long units = 1_000_000;
        long offsetSeconds = 0;
        int at = 8;
        while (at + 4 <= b.limit) {
            int code = buf.getShort(at) & 0xffff;
            int length = buf.getShort(at + 2) & 0xffff;
            if (code == 0) {
                break;
            }
            if (at + 4 + length > b.limit) {
                throw in.error(offset, "interface description block whose option " + code + " of " + length
                        + " bytes runs past its end");
            }
            int value = at + 4;
            if (code == IF_NAME) {
                name = new String(b.bytes, value, length, StandardCharsets.UTF_8).replace("\0", "");
            } else if (code == IF_TSRESOL && length >= 1) {
                units = unitsPerSecond(b.bytes[value] & 0xff, in, offset);
            } else if (code == IF_TSOFFSET && length >= 8) {
                offsetSeconds = buf.getLong(value);
            }
            at = value + (length + 3 & ~3);
        }
        return new PcapngReader.Interface(name, linkType, snapLength, units, offsetSeconds);
    }

    private static long unitsPerSecond(int resolution, CaptureInput in, long offset) throws IOException {
        int exponent = resolution & 0x7f;
        if ((resolution & 0x80) != 0 && exponent <= 62) {
            return 1L << exponent;
        }
        if ((resolution & 0x80) == 0 && exponent <= 18) {
            long units = 1;
            for (int i = 0; i < exponent; i++) {
                units *= 10;
            }
            return units;
        }
        throw in.error(offset, "interface description block with an if_tsresol of 0x" + Integer.toHexString(resolution)
                + " (finer than a long can count)");
    }

    /** A timestamp of {@code i}'s units as nanoseconds since 1970, its if_tsoffset added. */
    static long toNanos(long timestamp, PcapngReader.Interface i) {
        long units = i.unitsPerSecond();
        long seconds = Long.divideUnsigned(timestamp, units);
        long fraction = Long.remainderUnsigned(timestamp, units);
        long nanos;
        if (units == NANOS) {
            nanos = fraction;
        } else if (units < NANOS) {
            nanos = fraction * NANOS / units;
        } else if (units % NANOS == 0) {
            nanos = fraction / (units / NANOS);
        } else {
            // 2^-n past 2^-30: the sub-nanosecond part is lost anyway, a double keeps the rest.
            nanos = (long) ((double) fraction * NANOS / units);
        }
        return (seconds + i.offsetSeconds()) * NANOS + nanos;
    }
}
