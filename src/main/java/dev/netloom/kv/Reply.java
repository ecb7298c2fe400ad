package dev.netloom.kv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A connection's outgoing RESP2 replies, accumulated in one growable buffer so that a pipeline
 * of requests is answered by one write. Replies whose bytes never change are shared constants.
 * A reply whose size the client chooses beyond what the data holds (SRANDMEMBER with a negative
 * count) is not built here but {@link #stream streamed}, a chunk at a time.
 */
final class Reply {

    /** A reply too big to build whole, written after the buffered ones (see {@link #stream}). */
    @FunctionalInterface
    interface Streamed {
        /** Writes the reply to {@code out}, holding at most a chunk of it in memory at a time. */
        void writeTo(OutputStream out) throws IOException;
    }

    /** What a {@link Streamed} reply builds before it writes. */
    static final int CHUNK = 64 * 1024;

    static final byte[] OK = ascii("+OK\r\n");
    static final byte[] PONG = ascii("+PONG\r\n");
    static final byte[] QUEUED = ascii("+QUEUED\r\n");
    static final byte[] NULL_BULK = ascii("$-1\r\n");
    static final byte[] NULL_ARRAY = ascii("*-1\r\n");
    static final byte[] EMPTY_ARRAY = ascii("*0\r\n");
    static final byte[] ZERO = ascii(":0\r\n");
    static final byte[] ONE = ascii(":1\r\n");
    private static final byte[] CRLF = ascii("\r\n");
    /** A buffer grown past this (a large reply) is let go after it is written. */
    private static final int KEEP = 64 * 1024;

    private byte[] buf = new byte[4096];
    private int len;
    private Streamed streamed;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    int size() {
        return len;
    }

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

    void writeTo(OutputStream out) throws IOException {
        if (len > 0) {
            out.write(buf, 0, len);
            len = 0;
            if (buf.length > KEEP) {
                buf = new byte[4096];
            }
        }
        if (streamed != null) {
            Streamed s = streamed;
            streamed = null;
            s.writeTo(out);
        }
    }

    /** The bytes written so far, and clears (tests and the AOF replay). */
    byte[] take() {
        ByteArrayOutputStream b = new ByteArrayOutputStream(len);
        try {
            writeTo(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return b.toByteArray();
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    void raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    void ok() {
        raw(OK);
    }

    void simple(String s) {
        line((byte) '+', s);
    }

    /** An error line; {@code text} starts with its code (ERR, WRONGTYPE, ...). */
    void error(String text) {
        line((byte) '-', text);
    }

    private void line(byte type, String s) {
        // a CR or LF inside a status or error would break the protocol, as Redis guards against too
        byte[] b = s.replace('\r', ' ').replace('\n', ' ').getBytes(StandardCharsets.UTF_8);
        ensure(b.length + 3);
        buf[len++] = type;
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        crlf();
    }

    void integer(long n) {
        if (n == 0) {
            raw(ZERO);
        } else if (n == 1) {
            raw(ONE);
        } else {
            prefixed((byte) ':', n);
        }
    }

    void bulk(byte[] b) {
        if (b == null) {
            raw(NULL_BULK);
            return;
        }
        prefixed((byte) '$', b.length);
        ensure(b.length + 2);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        crlf();
    }

    void bulk(String s) {
        bulk(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    void bulk(long n) {
        bulk(Bytes.of(n));
    }

    void bulk(double d) {
        bulk(Bytes.of(d));
    }

    void nullBulk() {
        raw(NULL_BULK);
    }

    void nullArray() {
        raw(NULL_ARRAY);
    }

    void array(long n) {
        if (n == 0) {
            raw(EMPTY_ARRAY);
        } else {
            prefixed((byte) '*', n);
        }
    }

    private void prefixed(byte type, long n) {
        ensure(24);
        buf[len++] = type;
        if (n < 0) {
            buf[len++] = '-';
            if (n == Long.MIN_VALUE) {
                raw(ascii("9223372036854775808"));
                crlf();
                return;
            }
            n = -n;
        }
        int digits = 1;
        for (long t = n; t >= 10; t /= 10) {
            digits++;
        }
        for (int i = len + digits - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
        len += digits;
        crlf();
    }

    private void crlf() {
        ensure(2);
        buf[len++] = '\r';
        buf[len++] = '\n';
    }
}
