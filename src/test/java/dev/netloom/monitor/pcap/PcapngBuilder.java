package dev.netloom.monitor.pcap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Hand-made pcapng files for the reader's tests: blocks in a chosen byte order, as the draft lays them out. */
final class PcapngBuilder {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

    /** A Section Header Block in {@code order}; later blocks follow its order. */
    PcapngBuilder section(ByteOrder order) {
        this.order = order;
        ByteBuffer body = body(16);
        body.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1);
        return block(0x0A0D0D0A, body.array());
    }

    /** An Interface Description Block; {@code tsresol} below 0 leaves the option out, {@code tsoffset} 0 too. */
    PcapngBuilder iface(int linkType, int snapLength, int tsresol, long tsoffset) {
        ByteBuffer body = body(8 + 8 + 12 + 4 + 12);
        body.putShort((short) linkType).putShort((short) 0).putInt(snapLength);
        body.putShort((short) 2).putShort((short) 3).put(new byte[] {'l', 'o', 0, 0});
        if (tsresol >= 0) {
            body.putShort((short) 9).putShort((short) 1).put(new byte[] {(byte) tsresol, 0, 0, 0});
        }
        if (tsoffset != 0) {
            body.putShort((short) 14).putShort((short) 8).putLong(tsoffset);
        }
        body.putInt(0);
        return block(1, slice(body));
    }

    /** An Enhanced Packet Block with a timestamp in the interface's units. */
    PcapngBuilder enhanced(int interfaceId, long timestamp, int originalLength, byte[] data) {
        ByteBuffer body = body(20 + pad(data.length));
        body.putInt(interfaceId).putInt((int) (timestamp >>> 32)).putInt((int) timestamp)
                .putInt(data.length).putInt(originalLength).put(data);
        return block(6, body.array());
    }

    /** A Simple Packet Block (interface 0, no timestamp). */
    PcapngBuilder simple(int originalLength, byte[] data) {
        ByteBuffer body = body(4 + pad(data.length));
        body.putInt(originalLength).put(data);
        return block(3, body.array());
    }

    /** The obsolete Packet Block. */
    PcapngBuilder packet(int interfaceId, long timestamp, int originalLength, byte[] data) {
        ByteBuffer body = body(20 + pad(data.length));
        body.putShort((short) interfaceId).putShort((short) 0).putInt((int) (timestamp >>> 32)).putInt((int) timestamp)
                .putInt(data.length).putInt(originalLength).put(data);
        return block(2, body.array());
    }

    /** A block of any type (an unknown one, say) around {@code body}. */
    PcapngBuilder block(int type, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(12 + body.length).order(order);
        b.putInt(type).putInt(12 + body.length).put(body).putInt(12 + body.length);
        out.writeBytes(b.array());
        return this;
    }

    /** Raw bytes, for broken files. */
    PcapngBuilder raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    ByteOrder order() {
        return order;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private ByteBuffer body(int length) {
        return ByteBuffer.allocate(length).order(order);
    }

    private static byte[] slice(ByteBuffer b) {
        byte[] a = new byte[b.position()];
        System.arraycopy(b.array(), 0, a, 0, a.length);
        return a;
    }

    private static int pad(int n) {
        return n + 3 & ~3;
    }
}
