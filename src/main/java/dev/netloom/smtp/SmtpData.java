package dev.netloom.smtp;

import dev.netloom.core.LineReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;

/**
 * Reads the message text after {@code 354} (RFC 5321 4.1.1.4 and 4.5.2): lines up to a line
 * holding a single dot, ended by CRLF. A leading dot is removed from any other line
 * (dot-unstuffing); a dot line ended by a bare LF does not end the message, so a client cannot
 * smuggle a second message past a server that reads it differently. Line ends are kept as sent.
 * Over the size limit, or with a line over 1000 octets, the rest is read and dropped so the
 * dialog stays in step, and the result says why.
 */
final class SmtpData {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LF = {'\n'};

    private SmtpData() {
    }

    /**
     * @param message  the stored form: the trace header, then the unstuffed text
     * @param octets   octets of text received (after unstuffing)
     * @param cut      the connection ended before the final dot
     * @param tooLong  a line exceeded 1000 octets
     * @param tooBig   the text exceeded the size limit
     */
    record Result(byte[] message, long octets, boolean cut, boolean tooLong, boolean tooBig) {
    }

    /**
     * Reads up to the final dot; {@code maxLine} octets of text a line at most, CRLF and a
     * transparency dot not counted ({@code reader} must take one more).
     */
    static Result read(LineReader reader, String traceHeader, int maxLine, int maxSize, LongConsumer progress)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        out.writeBytes(traceHeader.getBytes(StandardCharsets.UTF_8));
        long octets = 0;
        boolean tooLong = false;
        boolean tooBig = false;
        while (true) {
            LineReader.Line line = reader.read();
            if (line == null || line.terminator().isEmpty()) {
                return new Result(null, octets, true, tooLong, tooBig);
            }
            byte[] b = line.bytes();
            int skip = b.length > 0 && b[0] == '.' ? 1 : 0;
            if (line.tooLong() || b.length - skip > maxLine) {
                tooLong = true;
                continue;
            }
            if (b.length == 1 && b[0] == '.' && line.terminator().equals("\r\n")) {
                return new Result(tooLong || tooBig ? null : out.toByteArray(), octets, false, tooLong, tooBig);
            }
            octets += b.length - skip + line.terminator().length();
            if (octets > maxSize) {
                tooBig = true;
            }
            if (!tooBig && !tooLong) {
                out.write(b, skip, b.length - skip);
                out.writeBytes(line.terminator().equals("\r\n") ? CRLF : LF);
            }
            progress.accept(octets);
        }
    }
}
