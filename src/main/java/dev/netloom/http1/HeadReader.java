package dev.netloom.http1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/*
 * Wire format read here (RFC 9112 §2-5):
 *
 *   request-line  = method SP request-target SP HTTP-version CRLF
 *   status-line   = HTTP-version SP 3DIGIT SP [ reason-phrase ] CRLF
 *   field-line    = field-name ":" OWS field-value OWS CRLF
 *   head          = start-line *( field-line ) CRLF
 *
 * A bare LF is accepted as a line end; empty lines before a request line are skipped. Strict
 * elsewhere: token characters in field names, no whitespace before a colon, no obsolete line
 * folding, no control characters in values. Start lines are parsed by StartLine.
 */

/**
 * Reads message heads from one connection's stream, with the limits a server needs against
 * hostile clients: request line length (414), header bytes and field count (431), and a time
 * limit for the whole head once its first byte has arrived (408). Bytes after a head (a body,
 * or pipelined requests) stay buffered for the next read.
 *
 * <p>The buffer is allocated when the first request arrives and grows only for large heads.
 */
public final class HeadReader {

    /** Sets the read timeout of the stream a head is read from: a socket's, or a connection's. */
    @FunctionalInterface
    public interface ReadTimeout {
        /** A read waits at most {@code millis}, 0 = forever. */
        void set(int millis) throws IOException;
    }

    private static final int INITIAL = 4096;
    /** Body reads shorter than this go through the buffer, longer ones straight to the stream. */
    private static final int SMALL_READ = 1024;

    private final ReadTimeout timeout;
    private final InputStream in;
    private final int maxLine;
    private final int maxHeaderBytes;
    private final int maxFields;
    private byte[] buf;
    private int pos;
    private int limit;
    private boolean timed;

    /**
     * @param timeout        sets the read timeout of {@code in}, for head time limits (null: no time limit is set)
     * @param maxLine        longest start line in bytes (default 8 KiB)
     * @param maxHeaderBytes most bytes of header fields (default 16 KiB)
     * @param maxFields      most header fields (default 100)
     */
    public HeadReader(ReadTimeout timeout, InputStream in, int maxLine, int maxHeaderBytes, int maxFields) {
        this.timeout = timeout;
        this.in = in;
        this.maxLine = maxLine;
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxFields = maxFields;
    }

    /**
     * Waits for the first byte of the next message: true when one is there, false at end of
     * stream. A SocketTimeoutException means the connection stayed idle past its timeout.
     */
    public boolean await() throws IOException {
        return pos < limit || refill();
    }

    /** Reads into the emptied buffer (allocated on first use); false at end of stream. */
    private boolean refill() throws IOException {
        if (buf == null) {
            buf = new byte[INITIAL];
        }
        pos = 0;
        limit = 0;
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            return false;
        }
        limit = n;
        return true;
    }

    /** Bytes already received beyond what has been consumed: a body start or pipelined requests. */
    public int buffered() {
        return limit - pos;
    }

    /**
     * Reads a request head. Call after {@link #await()} returned true.
     *
     * @param timeoutMillis time allowed for the rest of the head (0 = none)
     * @throws HttpException 400, 408, 414, 431, 505 as RFC 9112 asks; the connection should close
     */
    public MessageHead readRequest(int timeoutMillis) throws IOException, HttpException {
        return read(true, timeoutMillis);
    }

    /** Reads a response head (for clients and proxies); limits as for requests. */
    public MessageHead readResponse(int timeoutMillis) throws IOException, HttpException {
        return read(false, timeoutMillis);
    }

    private MessageHead read(boolean request, int timeoutMillis) throws IOException, HttpException {
        long deadline = timeoutMillis > 0 ? System.nanoTime() + timeoutMillis * 1_000_000L : 0;
        if (buf == null) { // a client reads a response without awaiting it first
            buf = new byte[INITIAL];
        }
        // skip empty lines before a request line (RFC 9112 §2.2)
        while (true) {
            if (pos >= limit) {
                pos = 0;
                limit = 0;
                if (!fill(deadline)) {
                    throw new EOFException("connection closed before a message");
                }
            }
            if (buf[pos] == '\n') {
                pos++;
            } else if (buf[pos] == '\r' && pos + 1 < limit && buf[pos + 1] == '\n') {
                pos += 2;
            } else if (buf[pos] == '\r' && pos + 1 >= limit) {
                compact();
                if (!fill(deadline)) {
                    throw new EOFException("connection closed before a message");
                }
            } else {
                break;
            }
        }
        compact(); // the head starts at 0 and the buffer only grows while it is read: offsets stay valid
        int start = 0;
        int lineEnd = findLineEnd(start, deadline, maxLine, request ? 414 : 502);
        int[] fields = new int[32];
        int count = 0;
        int headerStart = nextLine(lineEnd);
        int cursor = headerStart;
        while (true) {
            int end = findLineEnd(cursor, deadline, maxHeaderBytes - (cursor - headerStart), 431);
            if (end == cursor) { // the empty line: end of head
                pos = nextLine(end);
                break;
            }
            if (count == maxFields) {
                throw new HttpException(431, "more than " + maxFields + " header fields");
            }
            if (4 * count + 4 > fields.length) {
                fields = Arrays.copyOf(fields, fields.length * 2);
            }
            parseField(cursor, end, fields, 4 * count);
            count++;
            cursor = nextLine(end);
            if (cursor - headerStart > maxHeaderBytes) {
                throw new HttpException(431, "header fields over " + maxHeaderBytes + " bytes");
            }
        }
        byte[] data = Arrays.copyOfRange(buf, start, pos);
        for (int i = 0; i < 4 * count; i++) {
            fields[i] -= start;
        }
        if (timed) {
            timeout.set(0); // the time limit was for this head only
            timed = false;
        }
        MessageHead head = request ? StartLine.request(data, lineEnd - start, fields, count)
                : StartLine.response(data, lineEnd - start, fields, count);
        if (pos == limit) {
            pos = 0;
            limit = 0;
        }
        return head;
    }

    /** Position after the line ending at {@code end} (which points at CR or LF). */
    private int nextLine(int end) {
        return buf[end] == '\r' ? end + 2 : end + 1;
    }

    /**
     * Finds the end of the line starting at {@code from}: the index of its CR (before LF) or LF,
     * reading more as needed. A line longer than {@code max} fails with {@code status}.
     */
    private int findLineEnd(int from, long deadline, int max, int status) throws IOException, HttpException {
        int i = from;
        while (true) {
            while (i < limit) {
                byte b = buf[i];
                if (b == '\n') {
                    int end = i > from && buf[i - 1] == '\r' ? i - 1 : i;
                    if (end - from > max) {
                        break;
                    }
                    return end;
                }
                i++;
            }
            if (i - from > max) { // also reached by the break above
                throw new HttpException(status, status == 414 ? "request line over " + maxLine + " bytes"
                        : "header fields over " + maxHeaderBytes + " bytes");
            }
            if (!fill(deadline)) {
                throw new HttpException(400, "connection closed in the middle of a message head");
            }
        }
    }

    /** Moves the unread bytes to the front of the buffer. */
    private void compact() {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
    }

    /** Reads more bytes after {@code limit}, growing the buffer if it is full; false at end of stream. */
    private boolean fill(long deadline) throws IOException, HttpException {
        if (limit == buf.length) {
            int max = maxLine + maxHeaderBytes + 1024;
            if (buf.length >= max) {
                throw new HttpException(431, "message head too large");
            }
            buf = Arrays.copyOf(buf, Math.min(buf.length * 2, max));
        }
        if (timeout != null && deadline != 0) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new HttpException(408, "message head not received in time");
            }
            timeout.set((int) Math.min(Integer.MAX_VALUE, left));
            timed = true;
        }
        int n;
        try {
            n = in.read(buf, limit, buf.length - limit);
        } catch (SocketTimeoutException e) {
            throw new HttpException(408, "message head not received in time");
        }
        if (n < 0) {
            return false;
        }
        limit += n;
        return true;
    }

    private void parseField(int s, int end, int[] fields, int at) throws HttpException {
        int i = s;
        while (i < end && buf[i] != ':') {
            int ch = buf[i] & 0xff;
            if (!StartLine.tchar(ch)) {
                throw new HttpException(400, i == s && (ch == ' ' || ch == '\t') ? "obsolete line folding"
                        : "bad character in a header field name");
            }
            i++;
        }
        if (i == s || i == end) {
            throw new HttpException(400, "header field without a name or colon");
        }
        int vs = i + 1;
        int ve = end;
        while (vs < ve && (buf[vs] == ' ' || buf[vs] == '\t')) {
            vs++;
        }
        while (ve > vs && (buf[ve - 1] == ' ' || buf[ve - 1] == '\t')) {
            ve--;
        }
        for (int k = vs; k < ve; k++) {
            int ch = buf[k] & 0xff;
            if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
                throw new HttpException(400, "control character in a header field value");
            }
        }
        fields[at] = s;
        fields[at + 1] = i;
        fields[at + 2] = vs;
        fields[at + 3] = ve;
    }

    /**
     * Reads up to {@code len} body bytes, first from what is buffered, then from the stream;
     * -1 at end of stream. A small read on an empty buffer refills the buffer, so that a body
     * parsed a few bytes at a time (chunk-size lines) costs no system call per byte; what it
     * reads past the body stays buffered for the next message.
     */
    public int readBody(byte[] dst, int off, int len) throws IOException {
        if (pos >= limit && len < SMALL_READ && len > 0 && !refill()) {
            return -1;
        }
        if (pos < limit) {
            int n = Math.min(len, limit - pos);
            System.arraycopy(buf, pos, dst, off, n);
            pos += n;
            return n;
        }
        return in.read(dst, off, len);
    }

    /** Skips {@code n} body bytes; false if the stream ended first. */
    public boolean skip(long n) throws IOException {
        byte[] scratch = null;
        while (n > 0) {
            if (pos < limit) {
                int k = (int) Math.min(n, limit - pos);
                pos += k;
                n -= k;
                continue;
            }
            if (scratch == null) {
                scratch = new byte[(int) Math.min(8192, n)];
            }
            int k = in.read(scratch, 0, (int) Math.min(scratch.length, n));
            if (k < 0) {
                return false;
            }
            n -= k;
        }
        return true;
    }
}
