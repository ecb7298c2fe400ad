package dev.netloom.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.LongConsumer;

/**
 * The bytes of an FTP data connection, for {@link FtpClient}: copied as they are (TYPE I), or as
 * ASCII text (TYPE A, RFC 959 §3.1.1.1), whose line ends are CRLF on the wire and LF here. A CR
 * not followed by LF is kept. Both count progress in the bytes read from their source.
 */
final class FtpStreams {

    private static final int BUFFER = 256 * 1024;

    private FtpStreams() {
    }

    /** Copies {@code from} to {@code to}, turning CRLF into LF when {@code crlfToLf}; {@code progress} may be null. */
    static void copy(InputStream from, OutputStream to, LongConsumer progress, boolean crlfToLf) throws IOException {
        byte[] buf = new byte[BUFFER];
        long total = 0;
        boolean pendingCr = false;
        int n;
        while ((n = from.read(buf)) >= 0) {
            total += n;
            if (crlfToLf) {
                int w = 0;
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (pendingCr && b != '\n') {
                        buf[w++] = '\r';
                    }
                    pendingCr = b == '\r';
                    if (!pendingCr) {
                        buf[w++] = b;
                    }
                }
                to.write(buf, 0, w);
            } else {
                to.write(buf, 0, n);
            }
            if (progress != null) {
                progress.accept(total);
            }
        }
        if (pendingCr) {
            to.write('\r');
        }
        to.flush();
    }

    /** Copies {@code from} to {@code to}, turning each LF not preceded by CR into CRLF. */
    static void toCrlf(InputStream from, OutputStream to, LongConsumer progress) throws IOException {
        byte[] buf = new byte[BUFFER];
        byte[] wire = new byte[BUFFER * 2];
        long total = 0;
        byte last = 0;
        int n;
        while ((n = from.read(buf)) >= 0) {
            int w = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n' && last != '\r') {
                    wire[w++] = '\r';
                }
                wire[w++] = buf[i];
                last = buf[i];
            }
            to.write(wire, 0, w);
            total += n;
            if (progress != null) {
                progress.accept(total);
            }
        }
        to.flush();
    }
}
