/**
 * The chat services: {@code chat}, a multi-room chat over TCP with a line protocol that netcat
 * can speak (IRC-like commands, but not IRC: RFC 1459/2812 framing, prefixes and numerics are
 * left out on purpose, so that a person at nc reads it as plain text).
 */
package dev.netloom.chat;
