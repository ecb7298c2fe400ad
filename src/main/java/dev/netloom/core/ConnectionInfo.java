package dev.netloom.core;

import java.net.SocketAddress;
import java.time.Duration;

/**
 * What the shell shows of one connection (TCP) or peer (UDP) at one moment.
 *
 * @param id       service-local id, used by {@code kill}
 * @param remote   the client's address
 * @param age      time since it connected (UDP: since first seen)
 * @param idle     time since the last byte in either direction
 * @param bytesIn  bytes received from it
 * @param bytesOut bytes sent to it
 * @param activity what it is doing now: a command, a request line, a nick, or "idle"
 */
public record ConnectionInfo(long id, SocketAddress remote, Duration age, Duration idle, long bytesIn,
                             long bytesOut, String activity) {
}
