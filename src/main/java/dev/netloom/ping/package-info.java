/**
 * The {@code ping} service: a UDP responder for netloom's own text ping protocol
 * ({@code PING <seq> [payload]} answered by {@code PONG <seq> [payload]}), made to test ping
 * clients such as {@code udpping}: it can drop a fraction of the datagrams ({@code loss}) and
 * answer after a delay with jitter ({@code delay}, {@code jitter}), like a lossy, slow network.
 *
 * <p>No RFC defines this protocol; it is text so that {@code nc -u} can speak it. Left out:
 * ICMP (the service cannot answer a real {@code ping}; the {@code ping} shell command uses the
 * operating system's ICMP instead), reordering other than what jitter causes, duplication.
 */
package dev.netloom.ping;
