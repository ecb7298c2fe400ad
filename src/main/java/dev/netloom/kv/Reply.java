package dev.netloom.kv;

import dev.netloom.resp.RespWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A connection's outgoing RESP2 replies: a {@link RespWriter} (one growable buffer, so that a
 * pipeline of requests is answered by one write) that also takes kv's numbers as bulk strings
 * and a reply whose size the client chooses beyond what the data holds (SRANDMEMBER with a
 * negative count), which is not built here but {@link #stream streamed}, a chunk at a time.
 */
final class Reply extends RespWriter {

    /** A reply too big to build whole, written after the buffered ones (see {@link #stream}). */
    @FunctionalInterface
    interface Streamed {
        /** Writes the reply to {@code out}, holding at most a chunk of it in memory at a time. */
        void writeTo(OutputStream out) throws IOException;
    }

    /** What a {@link Streamed} reply builds before it writes. */
    static final int CHUNK = 64 * 1024;

    private Streamed streamed;

    /** True when the last reply is a streamed one: the connection writes before it runs another command. */
    boolean streaming() {
        return streamed != null;
    }

    /**
     * Ends this batch with a reply that {@link #writeTo} writes chunk by chunk, outside the store's
     * lock (it must work on what it was given, never on the live data). Nothing may be added
     * after it until it is written.
     */
    void stream(Streamed s) {
        streamed = s;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        super.writeTo(out);
        if (streamed != null) {
            Streamed s = streamed;
            streamed = null;
            s.writeTo(out);
        }
    }

    /** The bytes written so far, and clears (tests and the AOF replay). */
    byte[] take() {
        ByteArrayOutputStream b = new ByteArrayOutputStream(size());
        try {
            writeTo(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return b.toByteArray();
    }

    void bulk(long n) {
        bulk(Bytes.of(n));
    }

    void bulk(double d) {
        bulk(Bytes.of(d));
    }
}
