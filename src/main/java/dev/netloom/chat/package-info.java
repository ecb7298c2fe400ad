/**
 * The chat services: {@code chat}, a multi-room chat over TCP with a line protocol that netcat
 * can speak (IRC-like commands, but not IRC: RFC 1459/2812 framing, prefixes and numerics are
 * left out on purpose, so that a person at nc reads it as plain text); {@code chat-tls}, the same
 * over TLS; {@code udp-chat}, relayed datagrams, whose join cookie follows the address validation
 * of QUIC (RFC 9000 section 8.1, which allows three times the bytes received; udp-chat allows one) and the
 * stateless cookie of DTLS (RFC 6347 section 4.2.1), in a form a person at {@code nc -u} can type.
 */
package dev.netloom.chat;
