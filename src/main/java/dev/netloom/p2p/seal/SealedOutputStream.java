package dev.netloom.p2p.seal;

import dev.netloom.p2p.wire.BufferOutput;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * Writes the byte stream of one direction as sealed records (docs/protocol.md, "Sealed
 * records"): {@code u32 length} (of what follows), then the AES-256-GCM ciphertext and its
 * 16-byte tag, the length being the additional data and the record's sequence number the nonce.
 * Small writes gather in a buffer that {@link #flush} seals as one record; a write larger than the
 * buffer (a PIECE) is sealed straight from the caller's array or buffer, up to
 * {@link #MAX_RECORD} bytes a record, so a 256 KiB chunk costs one record and one system call.
 * Records are sealed into a direct buffer, which libcrypto fills where it is; given a sink that
 * takes buffers (the connection's channel), that buffer goes to the kernel as it is, else it is
 * copied to the stream. Not thread-safe.
 */
public final class SealedOutputStream extends OutputStream implements BufferOutput {

    /** The most plaintext one record holds: 4 MiB and a frame's length prefix, so any frame fits. */
    public static final int MAX_RECORD = 4 * 1024 * 1024 + 4;
    private static final int BUFFER = 64 * 1024;

    private final OutputStream out;
    private final BufferOutput sink;
    private final RecordCipher cipher;
    private final byte[] buf = new byte[BUFFER];
    private final byte[] header = new byte[4];
    private ByteBuffer sealed = ByteBuffer.allocateDirect(4 + BUFFER + RecordCipher.TAG);
    private byte[] copy;
    private int count;
    private long sequence;
    private boolean closed;

    /** Seals onto {@code out} (the connection's plain stream) with {@code cipher}, an encrypting one. */
    public SealedOutputStream(OutputStream out, RecordCipher cipher) {
        this(out, null, cipher);
    }

    /**
     * Seals into {@code sink} (the connection's channel, which {@code out} writes to as well: it
     * must hold nothing unflushed) with {@code cipher}, an encrypting one; {@link #close} closes
     * {@code out}.
     */
    public SealedOutputStream(OutputStream out, BufferOutput sink, RecordCipher cipher) {
        this.out = out;
        this.sink = sink;
        this.cipher = cipher;
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buf.length) {
            sealBuffered();
        }
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        write(ByteBuffer.wrap(b, off, len));
    }

    /** As {@link #write(byte[], int, int)}: a direct buffer is sealed where it lies. */
    @Override
    public void write(ByteBuffer src) throws IOException {
        int len = src.remaining();
        if (len <= buf.length - count) {
            src.get(buf, count, len);
            count += len;
            return;
        }
        sealBuffered();
        if (len < buf.length) {
            src.get(buf, 0, len);
            count = len;
            return;
        }
        while (src.hasRemaining()) {
            int n = Math.min(MAX_RECORD, src.remaining());
            seal(src.slice(src.position(), n));
            src.position(src.position() + n);
        }
    }

    /** Seals what is buffered as one record and flushes the connection. */
    @Override
    public void flush() throws IOException {
        sealBuffered();
        out.flush();
    }

    /** Records written so far. */
    public long records() {
        return sequence;
    }

    private void sealBuffered() throws IOException {
        if (count > 0) {
            seal(ByteBuffer.wrap(buf, 0, count));
            count = 0;
        }
    }

    private void seal(ByteBuffer plain) throws IOException {
        int len = plain.remaining();
        if (closed) {
            throw new IOException("sealed stream closed");
        }
        int total = 4 + len + RecordCipher.TAG;
        if (sealed.capacity() < total) {
            sealed = ByteBuffer.allocateDirect(Math.max(total, Math.min(4 + MAX_RECORD + RecordCipher.TAG, sealed.capacity() * 2)));
        }
        ByteBuffer.wrap(header).putInt(len + RecordCipher.TAG);
        sealed.clear().put(header);
        try {
            cipher.seal(sequence++, header, plain, sealed);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot seal a record: " + e.getMessage(), e);
        }
        sealed.flip();
        if (sink != null) {
            sink.write(sealed);
            return;
        }
        if (copy == null || copy.length < total) {
            copy = new byte[Math.max(total, sealed.capacity())];
        }
        sealed.get(copy, 0, total);
        out.write(copy, 0, total);
    }

    /** Seals and sends what is buffered, then closes the connection's stream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            flush();
        } finally {
            closed = true;
            out.close();
        }
    }
}
