package dev.netloom.monitor.pcap;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a capture file of either format, told by its first four bytes: the pcap magics
 * (0xA1B2C3D4 and 0xA1B23C4D, in either byte order) give a {@link PcapReader}, a pcapng Section
 * Header Block (0x0A0D0D0A) a {@link PcapngReader}. Anything else is an IOException saying "not a
 * pcap or pcapng file".
 */
public final class CaptureFiles {

    private CaptureFiles() {
    }

    /** Opens {@code file} with the reader its magic asks for. */
    public static PacketSource open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            return read(in);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Opens {@code file} keeping at most {@code keep} bytes of each packet (its original length
     * stays what the file says): a pcap file's bytes past them are skipped unread, which makes a
     * header-only pass over a file of big packets (analysis) I/O-light.
     */
    public static PacketSource open(Path file, int keep) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("keep at least 1 byte, not " + keep);
        }
        PacketSource s = open(file);
        if (s instanceof PcapReader p) {
            p.keepAtMost(keep);
        } else if (s instanceof PcapngReader n) {
            n.keepAtMost(keep);
        }
        return s;
    }

    /** Reads a capture file from a stream (a pipe, standard input), which the reader then owns. */
    public static PacketSource read(InputStream stream) throws IOException {
        BufferedInputStream in = new BufferedInputStream(stream, 1 << 16);
        int magic = CaptureInput.peekMagic(in);
        if (magic == PcapngReader.SECTION_HEADER) {
            return PcapngReader.read(in);
        }
        if (magic == PcapReader.MAGIC_MICROS || magic == PcapReader.MAGIC_NANOS
                || Integer.reverseBytes(magic) == PcapReader.MAGIC_MICROS
                || Integer.reverseBytes(magic) == PcapReader.MAGIC_NANOS) {
            return PcapReader.read(in);
        }
        throw new IOException(magic == -1 ? "not a pcap or pcapng file: under 4 bytes long"
                : "not a pcap or pcapng file (magic 0x" + Integer.toHexString(magic) + ")");
    }
}
