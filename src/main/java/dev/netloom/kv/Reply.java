package dev.netloom.kv;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A connection's outgoing RESP2 replies, accumulated in one growable buffer so that a pipeline
 * of requests is answered by one write. Replies whose bytes never change are shared constants.
 */
final class Reply {

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

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    int size() {
        return len;
    }

    void writeTo(OutputStream out) throws IOException {
        if (len > 0) {
            out.write(buf, 0, len);
            len = 0;
            if (buf.length > KEEP) {
                buf = new byte[4096];
            }
        }
    }

    /** The bytes written so far, and clears (tests and the shell's replay context). */
    byte[] take() {
        byte[] b = Arrays.copyOf(buf, len);
        len = 0;
        return b;
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

    void array(int n) {
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
