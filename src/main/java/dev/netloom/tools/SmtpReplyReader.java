package dev.netloom.tools;

import dev.netloom.tools.SmtpClient.Reply;
import dev.netloom.tools.SmtpClient.SmtpException;
import dev.netloom.tools.SmtpClient.Step;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/*
 * SMTP replies as this client reads them (RFC 5321 §4.2):
 *
 *   220 mail.example.org ESMTP ready\r\n   one line: three digits, then a space and text, or nothing
 *   250-mail.example.org\r\n               multi-line: "ddd-" continues ...
 *   250-SIZE 35882577\r\n
 *   250 STARTTLS\r\n                       ... and "ddd " (or a bare "ddd") ends the reply
 *
 * The code is the first line's. Any other line is malformed and ends the dialog. Lines end in
 * CRLF (a bare LF is taken too) and are read as UTF-8, which RFC 6531 servers may send. A reply
 * holds at most 1000 lines and 64 KiB, so a hostile server cannot make the client buffer without
 * bound.
 */

/** Reads SMTP replies from a server, recording each line as {@code "S: line"} in a transcript. */
final class SmtpReplyReader {

    static final int MAX_LINES = 1000;
    static final int MAX_BYTES = 64 * 1024;

    private final InputStream in;
    private final List<String> transcript;

    SmtpReplyReader(InputStream in, List<String> transcript) {
        this.in = new BufferedInputStream(in);
        this.transcript = transcript;
    }

    /**
     * One whole reply. A closed connection, a timeout, a malformed line or a reply over the
     * limits is an {@link SmtpException} for {@code step} with no reply.
     */
    Reply read(Step step) throws SmtpException {
        List<String> lines = new ArrayList<>();
        int code = -1;
        int budget = MAX_BYTES;
        try {
            while (true) {
                String line = line(step, budget);
                budget -= line.length() + 2;
                transcript.add("S: " + line);
                if (!wellFormed(line)) {
                    throw new SmtpException(step, null, step + ": malformed reply line: " + shorten(line), null, transcript);
                }
                if (code < 0) {
                    code = Integer.parseInt(line, 0, 3, 10);
                }
                lines.add(line.length() > 4 ? line.substring(4) : "");
                if (line.length() == 3 || line.charAt(3) == ' ') {
                    return new Reply(code, lines);
                }
                if (lines.size() >= MAX_LINES) {
                    throw new SmtpException(step, null, step + ": reply longer than " + MAX_LINES + " lines", null,
                            transcript);
                }
            }
        } catch (SmtpException e) {
            throw e;
        } catch (IOException e) {
            throw SmtpException.broken(step, e, transcript);
        }
    }

    /** True when the server sent bytes that no reply has consumed yet (not allowed before a TLS handshake). */
    boolean hasUnreadBytes() throws IOException {
        return in.available() > 0;
    }

    /** Three ASCII digits, then '-', ' ' or the end of the line. */
    static boolean wellFormed(String line) {
        if (line.length() < 3) {
            return false;
        }
        for (int i = 0; i < 3; i++) {
            if (line.charAt(i) < '0' || line.charAt(i) > '9') {
                return false;
            }
        }
        return line.length() == 3 || line.charAt(3) == ' ' || line.charAt(3) == '-';
    }

    private String line(Step step, int budget) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (buf.size() >= budget) {
                throw new SmtpException(step, null, step + ": reply longer than " + MAX_BYTES + " bytes", null,
                        transcript);
            }
            buf.write(b);
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static String shorten(String line) {
        String s = line.length() > 80 ? line.substring(0, 80) + "..." : line;
        return s.isEmpty() ? "(empty line)" : s;
    }
}
