package dev.netloom.admin;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One open server-sent-events response (WHATWG HTML, "Server-sent events": {@code text/event-stream},
 * always UTF-8, a body that ends when the connection closes): producers on any thread {@link #send}
 * events (never blocking), the connection's thread {@link #run}s the writing until {@link #end},
 * the client's going away, or a failed write. A client too slow to take {@value #MAX_QUEUED} queued
 * events has its stream ended (its browser reconnects) rather than the producers held up or events
 * dropped silently. The format:
 *
 * <pre>
 * event: NAME\n        the event's name (EventSource dispatches on it)
 * data: LINE\n         one field per line of the data (CR, LF and CRLF all split lines)
 * \n                   a blank line ends the event
 *
 * : keepalive\n\n      a comment after each silence of {@link #KEEPALIVE}, so proxies and the
 *                      idle reaper see traffic and a vanished client is noticed by a failed write
 * </pre>
 */
final class EventStream {

    static final String CONTENT_TYPE = "text/event-stream";
    static final Duration KEEPALIVE = Duration.ofSeconds(15);
    static final int MAX_QUEUED = 10_000;

    private static final byte[] KEEPALIVE_COMMENT = ": keepalive\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = new byte[0];

    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final Duration keepalive;
    private volatile boolean ended;

    EventStream(Duration keepalive) {
        this.keepalive = keepalive;
    }

    /** What feeds a stream: starts sending events to {@code to} (from any thread) and returns what stops it. */
    @FunctionalInterface
    interface Source {
        Closeable open(EventStream to) throws IOException;
    }

    /** The bytes of one event; {@code event} is one line without CR or LF. */
    static byte[] frame(String event, String data) {
        if (event.indexOf('\n') >= 0 || event.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("an event name is one line: " + event);
        }
        StringBuilder sb = new StringBuilder(data.length() + event.length() + 16);
        sb.append("event: ").append(event).append('\n');
        for (String line : data.split("\r\n|\r|\n", -1)) {
            sb.append("data: ").append(line).append('\n');
        }
        return sb.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Queues one event; false when the stream has ended, or ends it now because the client lags too far behind. */
    boolean send(String event, String data) {
        if (ended) {
            return false;
        }
        if (!queue.offer(frame(event, data))) {
            end();
            return false;
        }
        return true;
    }

    /** Ends the stream (any thread): the writer stops at its next event and the response ends. */
    void end() {
        ended = true;
        queue.clear();
        queue.offer(END);
    }

    boolean ended() {
        return ended;
    }

    /** Writes the queued events to {@code out}, and a keepalive comment after each silence, until the stream ends. */
    void run(OutputStream out) throws IOException {
        OutputStream buffered = new BufferedOutputStream(out, 16 * 1024);
        try {
            while (!ended) {
                byte[] next = queue.poll(keepalive.toMillis(), TimeUnit.MILLISECONDS);
                if (next == END || ended) {
                    return;
                }
                buffered.write(next == null ? KEEPALIVE_COMMENT : next);
                // what else is waiting goes out in the same write
                while ((next = queue.poll()) != null) {
                    if (next == END) {
                        buffered.flush();
                        return;
                    }
                    buffered.write(next);
                }
                buffered.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
