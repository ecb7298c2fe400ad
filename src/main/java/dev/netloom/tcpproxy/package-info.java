/**
 * The {@code tcp-proxy} service: a TCP port forwarder in the manner of socat and rinetd, with
 * one listener per route ({@code tcp-proxy.routes=LISTEN_PORT=HOST:PORT,...}), half-close passed
 * on, a connect timeout, counters per route, and fault injection ({@code delay},
 * {@code drop-after}, {@code reset}) for testing other services through it.
 *
 * <p>There is no RFC for a port forwarder; it relays TCP bytes as they come (RFC 9293's
 * half-close included: a FIN from one end becomes a FIN to the other). Left out: UDP, TLS, the
 * PROXY protocol, load balancing between several targets (the coming {@code lb}) and
 * source-address transparency: the target sees the proxy's address.
 */
package dev.netloom.tcpproxy;
