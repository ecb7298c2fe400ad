package dev.netloom.p2p.seal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

/**
 * Writes the byte stream of one direction as sealed records (docs/protocol.md, "Sealed
 * records"): {@code u32 length} (of what follows), then the AES-256-GCM ciphertext and its
 * 16-byte tag, the length being the additional data and the record's sequence number the nonce.
 * Small writes gather in a buffer that {@link #flush} seals as one record; a write larger than the
 * buffer (a PIECE) is sealed straight from the caller's array, up to {@link #MAX_RECORD} bytes a
 * record, so a 256 KiB chunk costs one record and one system call. Not thread-safe.
 */
public final class SealedOutputStream extends OutputStream {

    /** The most plaintext one record holds: 4 MiB and a frame's length prefix, so any frame fits. */
    public static final int MAX_RECORD = 4 * 1024 * 1024 + 4;
    private static final int BUFFER = 64 * 1024;

    private final OutputStream out;
    private final RecordCipher cipher;
    private final byte[] buf = new byte[BUFFER];
    private final byte[] header = new byte[4];
    private byte[] sealed = new byte[4 + BUFFER + RecordCipher.TAG];
    private int count;
    private long sequence;
    private boolean closed;

    /** Seals onto {@code out} (the connection's plain stream) with {@code cipher}, an encrypting one. */
    public SealedOutputStream(OutputStream out, RecordCipher cipher) {
        this.out = out;
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
        if (len <= buf.length - count) {
            System.arraycopy(b, off, buf, count, len);
            count += len;
            return;
        }
        sealBuffered();
        if (len < buf.length) {
            System.arraycopy(b, off, buf, 0, len);
            count = len;
            return;
        }
        for (int done = 0; done < len; ) {
            int n = Math.min(MAX_RECORD, len - done);
            seal(b, off + done, n);
            done += n;
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
            seal(buf, 0, count);
            count = 0;
        }
    }

    private void seal(byte[] src, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("sealed stream closed");
        }
        int total = 4 + len + RecordCipher.TAG;
        if (sealed.length < total) {
            sealed = new byte[Math.max(total, Math.min(4 + MAX_RECORD + RecordCipher.TAG, sealed.length * 2))];
        }
        ByteBuffer.wrap(header).putInt(len + RecordCipher.TAG);
        System.arraycopy(header, 0, sealed, 0, 4);
        try {
            cipher.seal(sequence++, header, src, off, len, sealed, 4);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot seal a record: " + e.getMessage(), e);
        }
        out.write(sealed, 0, total);
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
