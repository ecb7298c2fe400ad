package dev.netloom.ping;

import dev.netloom.core.Key;
import dev.netloom.core.ServiceType;
import dev.netloom.core.Settings;
import dev.netloom.core.UdpServer;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/*
 * ping, one request per datagram, text so that nc -u speaks it:
 *
 *   request   PING <seq> [payload]    seq: 1 to 19 ASCII digits, then the end of the datagram, a
 *                                     space and the payload (any bytes), or CR/LF (nc's newline)
 *   reply     PONG <seq> [payload]    the request with PING changed to PONG, every other byte as
 *                                     it came (the payload byte for byte)
 *   anything else                     ERR expected: PING <seq> [payload]
 *
 * With loss > 0 each datagram, a malformed one too, is dropped with that probability (as a
 * lossy network would) and counted. With delay or jitter each answer leaves after
 * delay ± jitter, from a virtual thread of its own, so the receive loop never waits.
 */

/**
 * {@code ping}: answers {@code PING <seq> [payload]} datagrams with {@code PONG <seq> [payload]}
 * for the {@code udpping} client and for {@code nc -u}. To test clients it imitates a bad
 * network: {@code loss} drops that fraction of datagrams (counted in {@link #dropped()} and in
 * {@code status ping}), {@code delay} and {@code jitter} hold each answer back without holding
 * up the others. Default port 7009.
 */
public final class PingService extends UdpServer {

    private static final System.Logger LOG = System.getLogger(PingService.class.getName());
    private static final byte[] PING = "PING ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] USAGE = "ERR expected: PING <seq> [payload]".getBytes(StandardCharsets.US_ASCII);
    /** A sequence number of up to 19 digits: every value of a Java long and of ping's 16 bits. */
    private static final int MAX_SEQ_DIGITS = 19;

    private final PingConfig ping;
    private final LongAdder dropped = new LongAdder();
    private final AtomicLong delayedInFlight = new AtomicLong();

    public static ServiceType type() {
        return new ServiceType("ping", "answers PING <seq> datagrams with PONG; loss, delay, jitter for testing",
                ServiceType.Transport.UDP, PingConfig.DEFAULT_PORT, PingConfig.keys(), PingService::new);
    }

    public PingService(Settings settings) {
        super(settings);
        this.ping = PingConfig.from(settings);
    }

    /** Datagrams dropped on purpose ({@code loss}) since the start. */
    public long dropped() {
        return dropped.sum();
    }

    @Override
    protected void handle(byte[] data, int length, InetSocketAddress from) throws IOException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (ping.loss() > 0 && random.nextDouble() < ping.loss()) {
            dropped.increment();
            return;
        }
        byte[] reply;
        if (isPing(data, length)) {
            reply = Arrays.copyOf(data, length);
            reply[1] = 'O';
        } else {
            reply = USAGE;
        }
        long delayNanos = delayNanos(random);
        if (delayNanos == 0) {
            send(reply, reply.length, from);
            return;
        }
        delayedInFlight.incrementAndGet();
        Thread.ofVirtual().name(name() + "-delayed").start(() -> {
            try {
                Thread.sleep(Duration.ofNanos(delayNanos));
                send(reply, reply.length, from);
            } catch (InterruptedException | IOException e) {
                // the service stopped (its socket is closed) while this answer waited
                LOG.log(Level.DEBUG, "{0}: delayed answer to {1} not sent: {2}", name(), from, e.toString());
            } finally {
                delayedInFlight.decrementAndGet();
            }
        });
    }

    private long delayNanos(ThreadLocalRandom random) {
        long base = ping.delay().toNanos();
        long jitter = ping.jitter().toNanos();
        long d = jitter == 0 ? base : base + random.nextLong(-jitter, jitter + 1);
        return Math.max(0, d);
    }

    /** Whether the datagram is {@code PING <seq>} followed by its end, a space, CR or LF. */
    static boolean isPing(byte[] data, int length) {
        if (length <= PING.length || !Arrays.equals(data, 0, PING.length, PING, 0, PING.length)) {
            return false;
        }
        int i = PING.length;
        while (i < length && i - PING.length < MAX_SEQ_DIGITS && data[i] >= '0' && data[i] <= '9') {
            i++;
        }
        if (i == PING.length) {
            return false;
        }
        return i == length || data[i] == ' ' || data[i] == '\r' || data[i] == '\n';
    }

    @Override
    public List<String> details() {
        return List.of("loss " + ping.loss() + ", delay " + Key.formatDuration(ping.delay()) + ", jitter "
                        + Key.formatDuration(ping.jitter()),
                "dropped " + dropped() + " datagram(s), " + delayedInFlight.get() + " delayed answer(s) waiting");
    }
}
