/**
 * The echo family: {@code echo} (TCP, RFC 862 Echo Protocol: every byte back, binary-safe),
 * {@code upper} (TCP, each LF- or CRLF-terminated line back upper-cased), and their datagram
 * twins {@code udp-echo} (RFC 862 over UDP) and {@code udp-upper}.
 *
 * <p>Left out: nothing of RFC 862 (it has no options). RFC 862 has no error replies, so
 * {@code echo} over its connection limit closes the extra connection without a byte and
 * {@code udp-echo} drops datagrams over {@code max-datagram}; the upper-casing services answer
 * those cases with an {@code ERR ...} line or datagram.
 */
package dev.netloom.echo;
