package dev.netloom.smtp;

import dev.netloom.core.StatusClasses;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes SMTP replies (RFC 5321 section 4.2): {@code 250 text} lines and multi-line
 * {@code 250-first ... 250 last} blocks. Replies are buffered and sent by {@link #flush}, which the
 * session calls when no further pipelined command is waiting (RFC 2920), so a pipelined batch of
 * commands gets its replies in one segment. With {@code smtp.trace} each line is logged.
 */
final class SmtpReplies {

    private static final System.Logger LOG = System.getLogger(SmtpReplies.class.getName());

    private final ReentrantLock lock = new ReentrantLock();
    private final String tracePrefix;
    private final StatusClasses classes;
    private OutputStream out;
    private byte[] buf = new byte[512];
    private int len;

    /**
     * {@code tracePrefix}: null for no trace, else what starts each logged line ("smtp-3 ");
     * each reply is counted by its class in {@code classes}.
     */
    SmtpReplies(OutputStream out, String tracePrefix, StatusClasses classes) {
        this.out = out;
        this.tracePrefix = tracePrefix;
        this.classes = classes;
    }

    /** Sends to {@code newOut} from now on (the TLS stream after STARTTLS). */
    void to(OutputStream newOut) {
        out = newOut;
    }

    /** Queues one reply line such as {@code "250 2.0.0 Ok"}. */
    void add(String line) {
        if (line.length() < 4 || line.charAt(3) != '-') { // a multi-line reply counts once, at its last line
            classes.count((line.charAt(0) - '0') * 100);
        }
        lock.lock();
        try {
            trace("S: ", line);
            byte[] b = (line + "\r\n").getBytes(StandardCharsets.UTF_8);
            if (len + b.length > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + b.length));
            }
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        } finally {
            lock.unlock();
        }
    }

    /** Queues {@code CODE-line} for each but the last of {@code lines}, then {@code CODE last}. */
    void addMulti(int code, List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            add(code + (i < lines.size() - 1 ? "-" : " ") + lines.get(i));
        }
    }

    /** Queues {@code line} and sends everything queued. */
    void send(String line) throws IOException {
        add(line);
        flush();
    }

    void flush() throws IOException {
        lock.lock();
        try {
            if (len > 0) {
                int n = len;
                len = 0;
                out.write(buf, 0, n);
                out.flush();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Logs what the client sent, when tracing. */
    void trace(String direction, String line) {
        if (tracePrefix != null) {
            LOG.log(Level.INFO, "{0}{1}{2}", tracePrefix, direction, line);
        }
    }
}
