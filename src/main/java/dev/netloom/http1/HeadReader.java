package dev.netloom.http1;

import dev.netloom.core.DataReader;

import java.io.EOFException;
import java.io.IOException;
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
 * Reads message heads from one connection's {@link DataReader}, with the limits a server needs
 * against hostile clients: request line length (414), header bytes and field count (431), and a
 * time limit for the whole head once its first byte has arrived (408), which the reader enforces
 * as a deadline on the connection's read timeout. Bytes after a head (a body, or pipelined
 * requests) stay buffered for the next read.
 */
public final class HeadReader {

    private final DataReader in;
    private final int maxLine;
    private final int maxHeaderBytes;
    private final int maxFields;
    /** Field offsets while a head is parsed; each head gets an exact copy. */
    private int[] scratch = new int[64];

    /**
     * @param in             the connection's reader ({@code Connection.reader}), or one over a
     *                       client socket with the socket's {@code ReadTimeout}
     * @param maxLine        longest start line in bytes (default 8 KiB)
     * @param maxHeaderBytes most bytes of header fields (default 16 KiB)
     * @param maxFields      most header fields (default 100)
     */
    public HeadReader(DataReader in, int maxLine, int maxHeaderBytes, int maxFields) {
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
        return in.await();
    }

    /** Bytes already received beyond what has been consumed: a body start or pipelined requests. */
    public int buffered() {
        return in.buffered();
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

    /**
     * Reads a response head (for clients and proxies); limits as for requests, but a status
     * line over the limit is a 502.
     */
    public MessageHead readResponse(int timeoutMillis) throws IOException, HttpException {
        return read(false, timeoutMillis);
    }

    private MessageHead read(boolean request, int timeoutMillis) throws IOException, HttpException {
        if (timeoutMillis > 0) {
            in.deadline(System.nanoTime() + timeoutMillis * 1_000_000L);
        }
        MessageHead head;
        try {
            skipEmptyLines();
            head = parse(request);
        } catch (SocketTimeoutException e) {
            throw new HttpException(408, "message head not received in time");
        }
        if (timeoutMillis > 0) {
            in.noDeadline(); // the time limit was for this head only
        }
        return head;
    }

    /** Skips empty lines before a start line (RFC 9112 §2.2). */
    private void skipEmptyLines() throws IOException {
        while (true) {
            if (in.buffered() == 0 && !in.fill()) {
                throw new EOFException("connection closed before a message");
            }
            byte b = in.byteAt(0);
            if (b == '\n') {
                in.consume(1);
            } else if (b != '\r') {
                return;
            } else if (in.buffered() < 2 && !in.fill()) {
                throw new EOFException("connection closed before a message");
            } else if (in.byteAt(1) == '\n') {
                in.consume(2);
            } else {
                return;
            }
        }
    }

    /** The head from the position on; offsets are from the position, which stays until the end. */
    private MessageHead parse(boolean request) throws IOException, HttpException {
        int lineEnd = in.findLineEnd(0, maxLine);
        if (lineEnd == DataReader.OVER) {
            throw request ? new HttpException(414, "request line over " + maxLine + " bytes")
                    : new HttpException(502, "status line over " + maxLine + " bytes");
        }
        if (lineEnd == DataReader.END) {
            throw new HttpException(400, "connection closed in the middle of a message head");
        }
        int[] fields = scratch;
        int count = 0;
        int headerStart = nextLine(lineEnd);
        int cursor = headerStart;
        int length;
        while (true) {
            int end = in.findLineEnd(cursor, maxHeaderBytes - (cursor - headerStart));
            if (end == DataReader.OVER) {
                throw new HttpException(431, "header fields over " + maxHeaderBytes + " bytes");
            }
            if (end == DataReader.END) {
                throw new HttpException(400, "connection closed in the middle of a message head");
            }
            if (end == cursor) { // the empty line: end of head
                length = nextLine(end);
                break;
            }
            if (count == maxFields) {
                throw new HttpException(431, "more than " + maxFields + " header fields");
            }
            if (4 * count + 4 > fields.length) {
                fields = Arrays.copyOf(fields, fields.length * 2);
                scratch = fields;
            }
            parseField(in.array(), in.start(), cursor, end, fields, 4 * count);
            count++;
            cursor = nextLine(end);
            if (cursor - headerStart > maxHeaderBytes) {
                throw new HttpException(431, "header fields over " + maxHeaderBytes + " bytes");
            }
        }
        byte[] data = in.copy(0, length);
        in.consume(length);
        int[] exact = Arrays.copyOf(fields, 4 * count);
        return request ? StartLine.request(data, lineEnd, exact, count)
                : StartLine.response(data, lineEnd, exact, count);
    }

    /** Offset after the line ending at {@code end} (which points at CR or LF). */
    private int nextLine(int end) {
        return in.byteAt(end) == '\r' ? end + 2 : end + 1;
    }

    private static void parseField(byte[] buf, int base, int from, int to, int[] fields, int at) throws HttpException {
        int s = base + from;
        int end = base + to;
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
        fields[at] = s - base;
        fields[at + 1] = i - base;
        fields[at + 2] = vs - base;
        fields[at + 3] = ve - base;
    }

    /**
     * Reads up to {@code len} body bytes, first from what is buffered, then from the stream;
     * -1 at end of stream (see {@link DataReader#read}).
     */
    public int readBody(byte[] dst, int off, int len) throws IOException {
        return in.read(dst, off, len);
    }

    /** Skips {@code n} body bytes; false if the stream ended first. */
    public boolean skip(long n) throws IOException {
        return in.skip(n);
    }
}
