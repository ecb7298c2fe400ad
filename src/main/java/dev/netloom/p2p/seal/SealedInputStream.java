package dev.netloom.p2p.seal;

import dev.netloom.p2p.wire.ViewableInput;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.security.GeneralSecurityException;

/**
 * Reads the byte stream of one direction from sealed records (see {@link SealedOutputStream}):
 * each record's length is checked before anything is allocated, the whole record is read, its
 * tag checked and its plaintext served to {@code read}. A record that fails its tag, or a length
 * out of range, is an {@link IOException} (the connection cannot go on: nothing after it can be
 * trusted to be in step); the stream ending between records is the end of the stream. Not
 * thread-safe.
 *
 * <p>Records are read into, and opened into, direct buffers, so libcrypto works on them where
 * they are. Given the connection's channel, the kernel reads each record straight into its buffer
 * (from a socket's stream, the JDK reads into a buffer of its own and copies from there).
 */
public final class SealedInputStream extends InputStream implements ViewableInput {

    private final InputStream in;
    private final ByteBuffer ahead;
    private final ReadableByteChannel channel;
    private final RecordCipher cipher;
    private final byte[] header = new byte[4];
    private ByteBuffer record = ByteBuffer.allocateDirect(64 * 1024);
    private ByteBuffer plain = ByteBuffer.allocateDirect(64 * 1024).limit(0);
    private byte[] copy;
    private long sequence;
    private boolean closed;

    /** Opens records from {@code in} (the connection's plain stream) with {@code cipher}, a decrypting one. */
    public SealedInputStream(InputStream in, RecordCipher cipher) {
        this.in = in;
        this.ahead = ByteBuffer.allocate(0);
        this.channel = null;
        this.cipher = cipher;
    }

    /**
     * Opens records from {@code channel} (the connection's) with {@code cipher}, a decrypting one,
     * beginning with {@code ahead}: what was read from the channel already (by a buffer under TLS)
     * and is the start of the records.
     */
    public SealedInputStream(byte[] ahead, ReadableByteChannel channel, RecordCipher cipher) {
        this.in = null;
        this.ahead = ByteBuffer.wrap(ahead);
        this.channel = channel;
        this.cipher = cipher;
    }

    @Override
    public int read() throws IOException {
        if (!plain.hasRemaining() && !next()) {
            return -1;
        }
        return plain.get() & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!plain.hasRemaining() && !next()) {
            return -1;
        }
        int n = Math.min(len, plain.remaining());
        plain.get(b, off, n);
        return n;
    }

    /** The next {@code length} bytes as a view of the open record's plaintext, if it holds them all; else null. */
    @Override
    public ByteBuffer view(int length) {
        if (plain.remaining() < length) {
            return null;
        }
        ByteBuffer v = plain.slice(plain.position(), length);
        plain.position(plain.position() + length);
        return v;
    }

    @Override
    public int available() {
        return plain.remaining();
    }

    /** Records read so far. */
    public long records() {
        return sequence;
    }

    /** Reads and opens the next non-empty record; false at the end of the stream between records. */
    private boolean next() throws IOException {
        while (!plain.hasRemaining()) {
            if (closed) {
                throw new IOException("sealed stream closed");
            }
            int got = fill(record.clear().limit(4));
            if (got == 0) {
                return false;
            }
            if (got < 4) {
                throw new EOFException("stream ended inside a sealed record's length");
            }
            record.get(0, header);
            int length = record.getInt(0);
            if (length < RecordCipher.TAG || length > SealedOutputStream.MAX_RECORD + RecordCipher.TAG) {
                throw new IOException("sealed record length " + Integer.toUnsignedString(length) + " (16 to "
                        + (SealedOutputStream.MAX_RECORD + RecordCipher.TAG) + ")");
            }
            if (record.capacity() < length) {
                int size = Math.max(length, Math.min(SealedOutputStream.MAX_RECORD + RecordCipher.TAG, record.capacity() * 2));
                record = ByteBuffer.allocateDirect(size);
                plain = ByteBuffer.allocateDirect(size).limit(0);
            }
            if (fill(record.clear().limit(length)) < length) {
                throw new EOFException("stream ended inside a sealed record of " + length + " bytes");
            }
            try {
                cipher.open(sequence++, header, record.flip(), plain.clear());
            } catch (GeneralSecurityException e) {
                plain.limit(0);
                throw new IOException("sealed record " + (sequence - 1) + " failed its check: " + e.getMessage(), e);
            }
            plain.flip();
        }
        return true;
    }

    /** Reads until {@code buf} is full or the stream ends; the bytes read. */
    private int fill(ByteBuffer buf) throws IOException {
        int start = buf.position();
        while (buf.hasRemaining()) {
            int n;
            if (ahead.hasRemaining()) {
                n = Math.min(ahead.remaining(), buf.remaining());
                buf.put(buf.position(), ahead, ahead.position(), n).position(buf.position() + n);
                ahead.position(ahead.position() + n);
            } else if (channel != null) {
                n = channel.read(buf);
            } else {
                n = readStream(buf);
            }
            if (n < 0) {
                break;
            }
        }
        return buf.position() - start;
    }

    /** One read of the stream into {@code buf}, through a heap array; -1 at its end. */
    private int readStream(ByteBuffer buf) throws IOException {
        if (copy == null) {
            copy = new byte[64 * 1024];
        }
        int n = in.read(copy, 0, Math.min(copy.length, buf.remaining()));
        if (n > 0) {
            buf.put(copy, 0, n);
        }
        return n;
    }

    /** Closes the connection's stream (or channel). */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            if (in != null) {
                in.close();
            }
            if (channel != null) {
                channel.close();
            }
        }
    }
}
