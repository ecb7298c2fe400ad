package dev.netloom.monitor.pcap;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes of a capture file as its readers take them: buffered, with the offset of the next
 * byte kept so that every error can say where in the file it was found, and with a file cut
 * short told apart from one that ends cleanly between two records.
 */
final class CaptureInput implements AutoCloseable {

    private static final int BUFFER = 1 << 16;

    private final BufferedInputStream in;
    private final String format;
    private long position;

    CaptureInput(InputStream in, String format) {
        this.in = in instanceof BufferedInputStream b ? b : new BufferedInputStream(in, BUFFER);
        this.format = format;
    }

    /** The first four bytes as a big-endian number without consuming them, or -1 if there are fewer. */
    static int peekMagic(BufferedInputStream in) throws IOException {
        in.mark(4);
        byte[] b = in.readNBytes(4);
        in.reset();
        if (b.length < 4) {
            return -1;
        }
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | b[3] & 0xff;
    }

    /** The offset of the next byte in the file. */
    long position() {
        return position;
    }

    /**
     * Reads the first {@code length} bytes of a record, or returns false if the file ends
     * cleanly before it; a file ending inside them is an error.
     */
    boolean startRecord(byte[] buffer, int length, String what) throws IOException {
        int n = in.readNBytes(buffer, 0, length);
        position += n;
        if (n == 0) {
            return false;
        }
        if (n < length) {
            throw cut(what, n, length);
        }
        return true;
    }

    /** Reads exactly {@code length} bytes of {@code what}; the file ending first is an error. */
    void readFully(byte[] buffer, int offset, int length, String what) throws IOException {
        int n = in.readNBytes(buffer, offset, length);
        position += n;
        if (n < length) {
            throw cut(what, n, length);
        }
    }

    /** Skips exactly {@code length} bytes of {@code what}; the file ending first is an error. */
    void skip(long length, String what) throws IOException {
        long done = 0;
        while (done < length) {
            long n = in.skip(length - done);
            if (n <= 0) {
                if (in.read() < 0) {
                    position += done;
                    throw cut(what, done, length);
                }
                n = 1;
            }
            done += n;
        }
        position += length;
    }

    /** An error about what starts at {@code offset}. */
    IOException error(long offset, String what) {
        return new IOException(format + " file: " + what + " (at byte offset " + offset + ")");
    }

    private IOException cut(String what, long got, long wanted) {
        return new IOException(format + " file cut inside " + what + " at byte offset " + (position - got)
                + ": " + got + " of its " + wanted + " bytes there");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
