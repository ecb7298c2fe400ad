package dev.netloom.tools;

import dev.netloom.core.ByteSize;
import dev.netloom.core.Key;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Limits on one {@link HttpFetch} exchange against a server that never stops, in curl's terms:
 * {@code maxTime} ({@code --max-time}) is a deadline for the whole exchange (connect, the
 * request's write, redirects, head and body); {@code maxFileSize} ({@code --max-filesize})
 * refuses a body announced larger before reading it, and stops one that grows past it; {@code speedLimit} bytes per second
 * averaged over each {@code speedTime} ({@code --speed-limit}, {@code --speed-time}) stops a body
 * that trickles in too slowly for the read timeout ever to fire. Zero (or null) means no limit.
 * {@link #NONE} is curl's default; the shell's {@code http -o} uses {@link #DOWNLOAD}.
 *
 * @param maxTime     the whole exchange's deadline, or null for none
 * @param maxFileSize the largest body accepted, in bytes (0: any)
 * @param speedLimit  the lowest average body speed in bytes per second (0: any)
 * @param speedTime   the period the speed is averaged over (30 s by default, as curl)
 */
public record HttpLimits(Duration maxTime, long maxFileSize, long speedLimit, Duration speedTime) {

    public static final Duration SPEED_TIME = Duration.ofSeconds(30);
    /** No limit beyond the read timeout, as curl. */
    public static final HttpLimits NONE = new HttpLimits(null, 0, 0, SPEED_TIME);
    /**
     * For a body saved to a file, where nobody may be watching: at most 1 GiB, and at least
     * 100 bytes a second over each 30 s (a stalled or trickling server, never a real link).
     */
    public static final HttpLimits DOWNLOAD = new HttpLimits(null, 1L << 30, 100, SPEED_TIME);

    public HttpLimits {
        if (maxTime != null && (maxTime.isNegative() || maxTime.isZero())) {
            maxTime = null;
        }
        if (maxFileSize < 0 || speedLimit < 0) {
            throw new IllegalArgumentException("limits cannot be negative");
        }
        if (speedTime == null || speedTime.isNegative() || speedTime.isZero()) {
            throw new IllegalArgumentException("speed-time must be more than 0");
        }
    }

    /** A limit was reached; {@link #kind()} says which. */
    public static final class Exceeded extends IOException {
        /** Which limit. */
        public enum Kind { TIME, SIZE, SPEED }

        private final Kind kind;

        Exceeded(Kind kind, String message) {
            super(message);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }

    /** The deadline in System.nanoTime() for an exchange starting now, 0 for none. */
    long deadline() {
        return maxTime == null ? 0 : System.nanoTime() + maxTime.toNanos();
    }

    /** {@code millis}, shortened to what is left before {@code deadline}; throws once it has passed. */
    int within(long deadline, int millis, String who, long bytes) throws Exceeded {
        if (deadline == 0) {
            return millis;
        }
        long left = (deadline - System.nanoTime() + 999_999) / 1_000_000; // rounded up: a wait never ends early
        if (left <= 0) {
            throw timeUp(who, bytes);
        }
        return (int) Math.min(millis, left);
    }

    Exceeded timeUp(String who, long bytes) {
        return new Exceeded(Exceeded.Kind.TIME, who + ": --max-time " + Key.formatDuration(maxTime) + " reached"
                + (bytes >= 0 ? " after " + bytes + " bytes of the body" : " before the response was complete"));
    }

    /** Refuses a body whose Content-Length is already over {@link #maxFileSize}. */
    void checkLength(long length, String who) throws Exceeded {
        if (maxFileSize > 0 && length > maxFileSize) {
            throw tooBig(who, "announces " + length + " bytes");
        }
    }

    private Exceeded tooBig(String who, String what) {
        return new Exceeded(Exceeded.Kind.SIZE, who + ": the body " + what + ", over --max-filesize "
                + ByteSize.format(maxFileSize) + " (" + maxFileSize + " bytes)");
    }

    /**
     * The connection's input under the deadline and, once {@link Wire#bodyStarts()}, the speed
     * limit. It sits below the head reader and the chunked decoder, so a trickle of chunk-size
     * lines or trailers is timed like body bytes.
     */
    Wire wire(InputStream raw, Socket socket, long deadline, String who) {
        return new Wire(raw, socket, deadline, who);
    }

    /** The decoded body, stopped once it passes {@link #maxFileSize}. */
    InputStream capped(InputStream body, String who) {
        if (maxFileSize == 0) {
            return body;
        }
        return new Filter(body) {
            private long total;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, (int) Math.min(len, maxFileSize - total + 1));
                if (n > 0 && (total += n) > maxFileSize) {
                    throw tooBig(who, "passed " + maxFileSize + " bytes");
                }
                return n;
            }
        };
    }

    /** See {@link #wire}. */
    final class Wire extends Filter {
        private final Socket socket;
        private final long deadline;
        private final String who;
        private boolean body;
        private long bodyBytes = -1;
        private long windowStart;
        private long windowBytes;

        private Wire(InputStream in, Socket socket, long deadline, String who) {
            super(in);
            this.socket = socket;
            this.deadline = deadline;
            this.who = who;
        }

        /** What follows is the body: the speed limit starts counting. */
        void bodyStarts() {
            body = true;
            bodyBytes = 0;
            windowStart = System.nanoTime();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            boolean byDeadline = false;
            if (deadline != 0) {
                int wanted = socket.getSoTimeout(); // what the reader above set for this read (0: no limit)
                int wait = within(deadline, wanted == 0 ? Integer.MAX_VALUE : wanted, who, bodyBytes);
                byDeadline = wanted == 0 || wait < wanted;
                if (wait != wanted) {
                    socket.setSoTimeout(wait);
                }
            }
            int n;
            try {
                n = in.read(b, off, len);
            } catch (SocketTimeoutException e) {
                if (byDeadline) { // the deadline's wait ran out, not the reader's own timeout
                    throw timeUp(who, bodyBytes);
                }
                throw e;
            }
            if (body && n > 0) {
                bodyBytes += n;
                windowBytes += n;
            }
            long elapsed = System.nanoTime() - windowStart;
            if (body && speedLimit > 0 && elapsed >= speedTime.toNanos()) {
                if (windowBytes * 1_000_000_000.0 / elapsed < speedLimit) {
                    throw new Exceeded(Exceeded.Kind.SPEED, who + ": the body came slower than --speed-limit "
                            + speedLimit + " bytes/s over " + Key.formatDuration(speedTime) + " (" + windowBytes
                            + " bytes in " + Key.formatDuration(Duration.ofSeconds(elapsed / 1_000_000_000)) + ")");
                }
                windowStart += elapsed;
                windowBytes = 0;
            }
            return n;
        }
    }

    /** A filter whose single-byte read goes through the array read, where the checks are. */
    private abstract static class Filter extends FilterInputStream {
        Filter(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public abstract int read(byte[] b, int off, int len) throws IOException;
    }
}
