package dev.netloom.tools;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/*
 * The message as this client sends it after DATA's 354 (RFC 5321 §4.5.2 and §2.3.8):
 *
 *   From: a@example.org CRLF    every line ends in CRLF; a bare LF or a bare CR in the input
 *   ...                         becomes CRLF, so no input can spell an end of data the server
 *                               would read differently from the client ("SMTP smuggling")
 *   ..leading dot CRLF          a line that starts with "." gets one more "." (dot-stuffing;
 *                               the server removes it again)
 *   . CRLF                      the end: a line holding only "."; a message that does not end
 *                               in a line break gets CRLF first
 *
 * SIZE (RFC 1870) counts the message after the line-break fix, without the stuffed dots and
 * without the end line.
 */

/** Writes a message in the DATA format above and measures it for SIZE and 8BITMIME. */
final class SmtpDataWriter {

    private static final byte[] CRLF = {'\r', '\n'};

    private SmtpDataWriter() {
    }

    private interface LineSink {
        void line(int from, int to) throws IOException;
    }

    /** True when a byte has its high bit set, which calls for BODY=8BITMIME (RFC 6152). */
    static boolean eightBit(byte[] message) {
        for (byte b : message) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    /** The message's size as RFC 1870 counts it. */
    static long size(byte[] message) {
        long[] size = {0};
        try {
            lines(message, (from, to) -> size[0] += to - from + 2);
        } catch (IOException e) {
            throw new IllegalStateException(e); // the sink does no I/O
        }
        return size[0];
    }

    /**
     * Writes {@code message}, dot-stuffed, and the end line to {@code out} (not flushed), each
     * line as sent recorded in {@code transcript} as {@code "C: line"}.
     */
    static void write(byte[] message, OutputStream out, List<String> transcript) throws IOException {
        lines(message, (from, to) -> {
            boolean stuff = to > from && message[from] == '.';
            if (stuff) {
                out.write('.');
            }
            out.write(message, from, to - from);
            out.write(CRLF);
            transcript.add("C: " + (stuff ? "." : "") + new String(message, from, to - from, StandardCharsets.UTF_8));
        });
        out.write(new byte[] {'.', '\r', '\n'});
        transcript.add("C: .");
    }

    /** Calls {@code sink} with each line's bounds, its line break (CRLF, LF or CR) left out. */
    private static void lines(byte[] m, LineSink sink) throws IOException {
        int start = 0;
        int i = 0;
        while (i < m.length) {
            if (m[i] == '\r' || m[i] == '\n') {
                sink.line(start, i);
                i += m[i] == '\r' && i + 1 < m.length && m[i + 1] == '\n' ? 2 : 1;
                start = i;
            } else {
                i++;
            }
        }
        if (start < m.length) {
            sink.line(start, m.length);
        }
    }
}
