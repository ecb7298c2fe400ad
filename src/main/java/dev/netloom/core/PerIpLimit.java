package dev.netloom.core;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many connections one client address holds at once, for services that cap it
 * ({@code ftp.max-per-ip}, {@code smtp.max-per-ip}) as vsftpd's {@code max_per_ip} and postfix's
 * {@code smtpd_client_connection_count_limit} do. A connection {@link #enter enters} when its
 * session starts and leaves when the returned slot is closed; one over the limit is still counted
 * until then, so the service answers it in its protocol's way (FTP/SMTP 421) and closes.
 */
public final class PerIpLimit {

    private final int max;
    private final Map<InetAddress, Integer> counts = new ConcurrentHashMap<>();

    public PerIpLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max-per-ip must be at least 1");
        }
        this.max = max;
    }

    /** The key both services use; the default 16 is vsftpd's usual setting for an open server. */
    public static Key<Integer> key(String what) {
        return Key.integer("max-per-ip", 16, 1, 1_000_000,
                what + " from one address at once; more get 421 at the greeting");
    }

    /** The limit. */
    public int max() {
        return max;
    }

    /** A connection from {@code ip} while it is open; see {@link Slot#admitted()}. */
    public Slot enter(InetAddress ip) {
        int count = counts.merge(ip, 1, Integer::sum);
        return new Slot(ip, count <= max);
    }

    /** One connection's place in the count; closing it (once) leaves. */
    public final class Slot implements AutoCloseable {
        private final InetAddress ip;
        private final boolean admitted;
        private boolean closed;

        private Slot(InetAddress ip, boolean admitted) {
            this.ip = ip;
            this.admitted = admitted;
        }

        /** False when this connection is over the limit and should be refused. */
        public boolean admitted() {
            return admitted;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                counts.computeIfPresent(ip, (k, n) -> n == 1 ? null : n - 1);
            }
        }
    }
}
