package dev.netloom.monitor.pcap;

/**
 * One captured frame as libpcap hands it over and capture files hold it: when it was seen (Unix
 * time in nanoseconds), its length on the wire, the link type that says how its first header is
 * laid out ({@link LinkType}), the capture interface's index within its source (0 for a single
 * interface), and the bytes captured, which are at most the snapshot length and may be fewer
 * than {@code originalLength}. The array is the packet's own: nobody changes it after.
 */
public record RawPacket(long epochNanos, int originalLength, int linkType, int interfaceIndex, byte[] data) {

    public RawPacket {
        if (originalLength < data.length) {
            throw new IllegalArgumentException("original length " + originalLength + " under the " + data.length
                    + " bytes captured");
        }
    }

    /** A packet of the one interface a source has. */
    public RawPacket(long epochNanos, int originalLength, int linkType, byte[] data) {
        this(epochNanos, originalLength, linkType, 0, data);
    }

    /** Bytes captured. */
    public int capturedLength() {
        return data.length;
    }

    /** Whether the capture cut the packet short (snapshot length). */
    public boolean truncated() {
        return data.length < originalLength;
    }
}
