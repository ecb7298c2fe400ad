package dev.netloom.http1;

import dev.netloom.core.PrivateFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/*
 * One line per response, Combined Log Format (as Apache and nginx write it):
 *
 *   127.0.0.1 - - [22/Nov/2026:02:05:19 +0000] "GET /index.html HTTP/1.1" 200 1234 "referer" "user-agent"
 *
 * Bytes are the body bytes sent ("-" for none); quotes and backslashes in the request line,
 * referer and user agent are escaped as \" and \\, control bytes as \xHH.
 */

/**
 * An access log in Combined Log Format, buffered and flushed at least once a second, rotated
 * when it passes {@code maxBytes} ({@code access.log} → {@code access.log.1} … up to
 * {@code keep} old files).
 */
public final class AccessLog implements AutoCloseable {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US).withZone(ZoneId.systemDefault());
    /** An access log that is off: every call does nothing. */
    public static final AccessLog OFF = new AccessLog();

    private final Path file;
    private final long maxBytes;
    private final int keep;
    private final ReentrantLock lock = new ReentrantLock();
    private final StringBuilder line = new StringBuilder(256);
    private final Thread flusher;
    private OutputStream out;
    private long written;
    private byte[] pending = new byte[64 * 1024];
    private int pendingLength;
    private long cachedSecond = -1;
    private String cachedTime;
    private volatile boolean closed;

    public AccessLog(Path file, long maxBytes, int keep) throws IOException {
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
        open();
        flusher = Thread.ofVirtual().name("access-log-flush").start(this::flushEverySecond);
    }

    /** The log of a service whose {@code access-log} is off: takes lines and drops them. */
    private AccessLog() {
        this.file = null;
        this.maxBytes = 0;
        this.keep = 0;
        this.flusher = null;
    }

    /**
     * The access log of a service whose {@code access-log} key gave {@code file}, rotated at
     * 10 MiB with 5 old files kept, as every service keeps it; {@link #OFF} when empty. A service
     * holds {@code OFF} before it starts and after it stops, so it never checks for null.
     */
    public static AccessLog of(Optional<Path> file) throws IOException {
        return file.isPresent() ? new AccessLog(file.get(), 10L * 1024 * 1024, 5) : OFF;
    }

    /** Whether lines are written (a caller may skip formatting them when not). */
    public boolean on() {
        return file != null;
    }

    /** Opens the log for appending, made {@code 0600} (its new directories {@code 0700}) first: it names clients and their URLs. */
    private void open() throws IOException {
        PrivateFiles.createFile(file);
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        written = Files.size(file);
    }

    /** Logs one response; never throws (a full disk must not fail requests). */
    public void log(String remote, String requestLine, int status, long bodyBytes, String referer, String userAgent) {
        if (!on()) {
            return;
        }
        lock.lock();
        try {
            line.setLength(0);
            line.append(remote).append(" - - [").append(time()).append("] \"");
            escape(requestLine);
            line.append("\" ").append(status).append(' ');
            if (bodyBytes > 0) {
                line.append(bodyBytes);
            } else {
                line.append('-');
            }
            line.append(" \"");
            escape(referer == null ? "-" : referer);
            line.append("\" \"");
            escape(userAgent == null ? "-" : userAgent);
            line.append("\"\n");
            append(line.toString().getBytes(StandardCharsets.ISO_8859_1));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Logs one line formatted by the caller (the proxy's Squid format), control characters and
     * bytes over 0xFF escaped as {@code \xHH}; never throws.
     */
    public void line(CharSequence text) {
        if (!on()) {
            return;
        }
        lock.lock();
        try {
            line.setLength(0);
            for (int i = 0; i < text.length(); i++) {
                char ch = text.charAt(i);
                if (ch < 0x20 || ch == 0x7f || ch > 0xff) {
                    line.append(String.format("\\x%02X", (int) ch & 0xff));
                } else {
                    line.append(ch);
                }
            }
            line.append('\n');
            append(line.toString().getBytes(StandardCharsets.ISO_8859_1));
        } finally {
            lock.unlock();
        }
    }

    /** Adds a line to the pending bytes, flushing first when they would overflow. Under the lock. */
    private void append(byte[] bytes) {
        if (pendingLength + bytes.length > pending.length) {
            flushLocked();
        }
        if (bytes.length > pending.length) {
            write(bytes, bytes.length);
        } else {
            System.arraycopy(bytes, 0, pending, pendingLength, bytes.length);
            pendingLength += bytes.length;
        }
    }

    private String time() {
        long second = System.currentTimeMillis() / 1000;
        if (second != cachedSecond) {
            cachedSecond = second;
            cachedTime = TIME.format(Instant.ofEpochSecond(second));
        }
        return cachedTime;
    }

    private void escape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"' || ch == '\\') {
                line.append('\\').append(ch);
            } else if (ch < 0x20 || ch == 0x7f || ch > 0xff) {
                line.append(String.format("\\x%02X", (int) ch & 0xff));
            } else {
                line.append(ch);
            }
        }
    }

    private void flushEverySecond() {
        while (!closed) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            flush();
        }
    }

    public void flush() {
        lock.lock();
        try {
            flushLocked();
        } finally {
            lock.unlock();
        }
    }

    private void flushLocked() {
        if (pendingLength > 0 && out != null) {
            write(pending, pendingLength);
            pendingLength = 0;
        }
    }

    private void write(byte[] bytes, int n) {
        try {
            out.write(bytes, 0, n);
            out.flush();
            written += n;
            if (written >= maxBytes) {
                rotate();
            }
        } catch (IOException e) {
            System.getLogger(AccessLog.class.getName()).log(System.Logger.Level.WARNING,
                    "access log " + file + ": " + e.getMessage());
        }
    }

    private void rotate() throws IOException {
        out.close();
        for (int i = keep - 1; i >= 1; i--) {
            Path older = file.resolveSibling(file.getFileName() + "." + i);
            if (Files.exists(older)) {
                Files.move(older, file.resolveSibling(file.getFileName() + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    @Override
    public void close() {
        if (!on()) {
            return;
        }
        closed = true;
        flusher.interrupt();
        lock.lock();
        try {
            flushLocked();
            if (out != null) {
                out.close();
            }
            out = null;
        } catch (IOException e) {
            // the log is best effort once the service stops
        } finally {
            lock.unlock();
        }
    }
}
