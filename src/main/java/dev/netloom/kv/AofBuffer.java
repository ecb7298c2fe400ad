package dev.netloom.kv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * A growable buffer of commands encoded as the AOF holds them (see {@link Aof}): RESP arrays of
 * bulk strings, {@code *3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n}. Not thread-safe: its owner
 * guards it ({@link AofWriter}'s lock).
 */
final class AofBuffer {

    private static final int INITIAL = 64 * 1024;
    /** A buffer grown past this is dropped when cleared, so one huge command does not pin its memory. */
    private static final int KEEP_AT_MOST = 4 * 1024 * 1024;

    private static final byte[] SELECT = Bytes.of("SELECT");

    private byte[] b = new byte[INITIAL];
    private int len;

    /** Appends {@code argv} as one RESP array; returns the bytes appended. */
    int append(byte[][] argv) {
        int size = 16;
        for (byte[] a : argv) {
            size += a.length + 16;
        }
        ensure(size);
        int p = len;
        b[p++] = '*';
        p = digits(p, argv.length);
        for (byte[] a : argv) {
            b[p++] = '$';
            p = digits(p, a.length);
            System.arraycopy(a, 0, b, p, a.length);
            p += a.length;
            b[p++] = '\r';
            b[p++] = '\n';
        }
        int added = p - len;
        len = p;
        return added;
    }

    private int digits(int p, int n) {
        byte[] d = Bytes.of((long) n);
        System.arraycopy(d, 0, b, p, d.length);
        p += d.length;
        b[p++] = '\r';
        b[p++] = '\n';
        return p;
    }

    private void ensure(int more) {
        if (len + more > b.length) {
            b = Arrays.copyOf(b, Math.max(b.length * 2, len + more));
        }
    }

    /** The command that makes database {@code db} the current one. */
    static byte[][] select(int db) {
        return new byte[][] {SELECT, Bytes.of((long) db)};
    }

    int length() {
        return len;
    }

    /** Writes the whole buffer to {@code ch} at its position. */
    void writeTo(FileChannel ch) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, 0, len);
        while (bb.hasRemaining()) {
            ch.write(bb);
        }
    }

    void clear() {
        len = 0;
        if (b.length > KEEP_AT_MOST) {
            b = new byte[INITIAL];
        }
    }
}
