package dev.netloom.monitor.pcap;

import java.io.Closeable;
import java.io.IOException;

/**
 * Where packets come from: a capture file being read or a live capture. {@link #next} blocks
 * until a packet is there (a live capture) and returns null at the end (the file's end, or the
 * capture stopped). Closing it ends a {@code next} waiting in another thread.
 */
public interface PacketSource extends Closeable {

    /** The next packet, or null at the end. */
    RawPacket next() throws IOException;

    /** The link type of the source's first interface (a pcap file has one; a pcapng file may have several). */
    int linkType();

    /** The snapshot length: the most bytes a packet of it can hold. */
    int snapLength();
}
