package dev.netloom.resp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/*
 * RESP2 values as written here:
 *
 *   +OK\r\n              simple string (status)      -ERR message\r\n     error
 *   :42\r\n              integer, signed 64-bit      $5\r\nhello\r\n      bulk string, binary-safe
 *   $-1\r\n              the null bulk string        *2\r\n<v1><v2>       array of values
 *   *-1\r\n              the null array
 *
 * A command is an array of bulk strings: *2\r\n$3\r\nGET\r\n$1\r\nk\r\n.
 */

/**
 * RESP2 values accumulated in one growable buffer and written with one call: the kv server's
 * replies (a pipeline of requests is answered by one write) and the client's commands
 * ({@link #command}). Values whose bytes never change are shared constants.
 */
public class RespWriter {

    public static final byte[] OK = ascii("+OK\r\n");
    public static final byte[] PONG = ascii("+PONG\r\n");
    public static final byte[] QUEUED = ascii("+QUEUED\r\n");
    public static final byte[] NULL_BULK = ascii("$-1\r\n");
    public static final byte[] NULL_ARRAY = ascii("*-1\r\n");
    public static final byte[] EMPTY_ARRAY = ascii("*0\r\n");
    public static final byte[] ZERO = ascii(":0\r\n");
    public static final byte[] ONE = ascii(":1\r\n");
    private static final byte[] LONG_MIN = ascii("9223372036854775808");
    /** A buffer grown past this (a large reply) is let go after it is written. */
    private static final int KEEP = 64 * 1024;

    private byte[] buf = new byte[4096];
    private int len;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A command as it goes on the wire: an array of bulk strings. */
    public static byte[] command(List<byte[]> args) {
        RespWriter w = new RespWriter();
        w.array(args.size());
        for (byte[] a : args) {
            w.bulk(a);
        }
        return Arrays.copyOf(w.buf, w.len);
    }

    /** Bytes written and not yet sent. */
    public final int size() {
        return len;
    }

    /** Drops what was written after the first {@code size} bytes (a reply the client asked not to get). */
    public final void truncate(int size) {
        len = Math.min(len, Math.max(0, size));
    }

    /** Sends what is written to {@code out} and clears it. */
    public void writeTo(OutputStream out) throws IOException {
        if (len > 0) {
            out.write(buf, 0, len);
            len = 0;
            if (buf.length > KEEP) {
                buf = new byte[4096];
            }
        }
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    /** Bytes already encoded, such as the constants. */
    public final void raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    public final void ok() {
        raw(OK);
    }

    /** A status line; a CR or LF in {@code s} becomes a space. */
    public final void simple(String s) {
        line((byte) '+', s);
    }

    /** An error line; {@code text} starts with its code (ERR, WRONGTYPE, ...). */
    public final void error(String text) {
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

    public final void integer(long n) {
        if (n == 0) {
            raw(ZERO);
        } else if (n == 1) {
            raw(ONE);
        } else {
            prefixed((byte) ':', n);
        }
    }

    /** A bulk string; null is the null bulk string. */
    public final void bulk(byte[] b) {
        if (b == null) {
            nullBulk();
            return;
        }
        prefixed((byte) '$', b.length);
        ensure(b.length + 2);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
        crlf();
    }

    /** A bulk string of {@code s} in UTF-8; null is the null bulk string. */
    public final void bulk(String s) {
        bulk(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    /** The null bulk string (a subclass speaking RESP3 writes its null instead). */
    public void nullBulk() {
        raw(NULL_BULK);
    }

    /** The null array (a subclass speaking RESP3 writes its null instead). */
    public void nullArray() {
        raw(NULL_ARRAY);
    }

    /** The header of an array of {@code n} values, which follow. */
    public final void array(long n) {
        if (n == 0) {
            raw(EMPTY_ARRAY);
        } else {
            prefixed((byte) '*', n);
        }
    }

    /** A type byte, a decimal number and CRLF: the header of an aggregate or a length. */
    protected final void prefixed(byte type, long n) {
        ensure(24);
        buf[len++] = type;
        if (n < 0) {
            buf[len++] = '-';
            if (n == Long.MIN_VALUE) {
                raw(LONG_MIN);
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
