package dev.netloom.p2p.seal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * Reads the byte stream of one direction from sealed records (see {@link SealedOutputStream}):
 * each record's length is checked before anything is allocated, the whole record is read, its
 * tag checked and its plaintext served to {@code read}. A record that fails its tag, or a length
 * out of range, is an {@link IOException} (the connection cannot go on: nothing after it can be
 * trusted to be in step); the stream ending between records is the end of the stream. Not
 * thread-safe.
 */
public final class SealedInputStream extends InputStream {

    private final InputStream in;
    private final RecordCipher cipher;
    private final byte[] header = new byte[4];
    private byte[] record = new byte[64 * 1024];
    private byte[] plain = new byte[64 * 1024];
    private int pos;
    private int limit;
    private long sequence;
    private boolean closed;

    /** Opens records from {@code in} (the connection's plain stream) with {@code cipher}, a decrypting one. */
    public SealedInputStream(InputStream in, RecordCipher cipher) {
        this.in = in;
        this.cipher = cipher;
    }

    @Override
    public int read() throws IOException {
        if (pos == limit && !next()) {
            return -1;
        }
        return plain[pos++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == limit && !next()) {
            return -1;
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(plain, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() {
        return limit - pos;
    }

    /** Records read so far. */
    public long records() {
        return sequence;
    }

    /** Reads and opens the next non-empty record; false at the end of the stream between records. */
    private boolean next() throws IOException {
        while (pos == limit) {
            if (closed) {
                throw new IOException("sealed stream closed");
            }
            int got = in.readNBytes(header, 0, 4);
            if (got == 0) {
                return false;
            }
            if (got < 4) {
                throw new EOFException("stream ended inside a sealed record's length");
            }
            int length = ByteBuffer.wrap(header).getInt();
            if (length < RecordCipher.TAG || length > SealedOutputStream.MAX_RECORD + RecordCipher.TAG) {
                throw new IOException("sealed record length " + Integer.toUnsignedString(length) + " (16 to "
                        + (SealedOutputStream.MAX_RECORD + RecordCipher.TAG) + ")");
            }
            if (record.length < length) {
                record = new byte[Math.max(length, record.length * 2)];
                plain = new byte[record.length];
            }
            if (in.readNBytes(record, 0, length) < length) {
                throw new EOFException("stream ended inside a sealed record of " + length + " bytes");
            }
            try {
                cipher.open(sequence++, header, record, 0, length, plain, 0);
            } catch (GeneralSecurityException e) {
                throw new IOException("sealed record " + (sequence - 1) + " failed its check: " + e.getMessage(), e);
            }
            pos = 0;
            limit = length - RecordCipher.TAG;
        }
        return true;
    }

    /** Closes the connection's stream. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            in.close();
        }
    }
}
