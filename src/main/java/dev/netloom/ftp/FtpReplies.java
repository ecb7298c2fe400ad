package dev.netloom.ftp;

import dev.netloom.core.StatusClasses;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes FTP replies (RFC 959 section 4.2): {@code CODE text} lines and multi-line
 * {@code CODE-first ... CODE last} blocks, each sent whole under a lock, since a transfer's
 * thread answers 226 or 426 while the control thread may answer STAT or ABOR. The stream is
 * swapped for the TLS one after AUTH TLS.
 */
final class FtpReplies {

    private final ReentrantLock lock = new ReentrantLock();
    private final StatusClasses classes;
    private volatile OutputStream out;

    /** Replies to {@code out}, each counted by its class in {@code classes}. */
    FtpReplies(OutputStream out, StatusClasses classes) {
        this.out = out;
        this.classes = classes;
    }

    void to(OutputStream newOut) {
        out = newOut;
    }

    void send(int code, String text) throws IOException {
        classes.count(code);
        write(code + " " + text + "\r\n");
    }

    /** {@code CODE-first}, then each of {@code middle} as given (a leading space keeps clients from misreading), then {@code CODE last}. */
    void multi(int code, String first, List<String> middle, String last) throws IOException {
        classes.count(code);
        StringBuilder b = new StringBuilder().append(code).append('-').append(first).append("\r\n");
        for (String m : middle) {
            b.append(m).append("\r\n");
        }
        write(b.append(code).append(' ').append(last).append("\r\n").toString());
    }

    private void write(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            out.write(bytes);
            out.flush();
        } finally {
            lock.unlock();
        }
    }
}
