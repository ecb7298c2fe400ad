package dev.netloom.http1;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds a response head, and for small bodies the body too, into one reusable buffer, so a
 * response leaves in a single write. ASCII only: header values are written byte per char. A
 * proxy's heads are built the same way from the {@link MessageHead} it read, fields copied as
 * bytes ({@link #field}), so passing a message on allocates no strings.
 */
public final class HeadWriter {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] COLON = {':', ' '};
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATE = "Date: ".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf = new byte[512];
    private int len;

    /** Empties the buffer, to build a new head. */
    public HeadWriter reset() {
        len = 0;
        return this;
    }

    /** ASCII text as it is (a start line's parts, a field written whole). */
    public HeadWriter text(String s) {
        ascii(s);
        return this;
    }

    /**
     * {@code METHOD TARGET HTTP/1.1} CRLF from a request head, copied from its bytes: how a proxy
     * passes a request line on as HTTP/1.1.
     */
    public HeadWriter requestLine11(MessageHead req) {
        req.copyRequestLine11(this);
        return this;
    }

    /** {@code HTTP/1.1 STATUS REASON} CRLF from a response head (the standard reason when it has none). */
    public HeadWriter statusLine11(MessageHead resp) {
        resp.copyStatusLine11(this);
        return this;
    }

    /** Field {@code i} of {@code m} as it came, {@code Name: value} CRLF, copied from its bytes. */
    public HeadWriter field(MessageHead m, int i) {
        m.copyField(i, this);
        return this;
    }

    /** Appends {@code n} bytes of {@code b} from {@code off} (package use: MessageHead's copies). */
    HeadWriter bytes(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    /** Writes everything built so far, without a flush. */
    public void copyTo(OutputStream out) throws IOException {
        out.write(buf, 0, len);
    }

    /** Starts a new response with its status line. */
    public HeadWriter status(int code) {
        len = 0;
        return raw(Status.line(code));
    }

    public HeadWriter header(String name, String value) {
        ascii(name);
        raw(COLON);
        ascii(value);
        return raw(CRLF);
    }

    public HeadWriter header(String name, long value) {
        ascii(name);
        raw(COLON);
        number(value);
        return raw(CRLF);
    }

    /** {@code Name: } and 32 lower-case hex digits of {@code hi} then {@code lo} (a 128-bit id), without a string. */
    public HeadWriter headerHex(String name, long hi, long lo) {
        ascii(name);
        raw(COLON);
        ensure(32);
        for (int shift = 60; shift >= 0; shift -= 4) {
            buf[len++] = HEX[(int) (hi >>> shift) & 0xf];
        }
        for (int shift = 60; shift >= 0; shift -= 4) {
            buf[len++] = HEX[(int) (lo >>> shift) & 0xf];
        }
        return raw(CRLF);
    }

    /** A header line prebuilt as bytes, {@code Name: value\r\n}. */
    public HeadWriter line(byte[] line) {
        return raw(line);
    }

    /** The Date header, formatted once per second. */
    public HeadWriter date() {
        raw(DATE);
        raw(HttpDates.nowBytes());
        return raw(CRLF);
    }

    /** Ends the head. */
    public HeadWriter end() {
        return raw(CRLF);
    }

    /** Appends body bytes after the head, to send both in one write. */
    public HeadWriter body(byte[] b, int off, int n) {
        return bytes(b, off, n);
    }

    public int length() {
        return len;
    }

    /** What has been built so far, as a buffer over the same bytes (for a gathering write). */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(buf, 0, len);
    }

    /** Writes everything built so far and flushes. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, len);
        out.flush();
    }

    private HeadWriter raw(byte[] b) {
        return bytes(b, 0, b.length);
    }

    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            buf[len++] = (byte) (ch < 0x80 ? ch : '?');
        }
    }

    private void number(long v) {
        ascii(Long.toString(v));
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    /** Drops a buffer grown large by a big body, so an idle connection does not keep it. */
    public void trim(int max) {
        if (buf.length > max) {
            buf = new byte[512];
            len = 0;
        }
    }
}
