/**
 * Traffic analysis of captured packets, as tshark's statistics do it: conversations
 * ({@code -z conv,tcp}, {@code conv,udp}), the protocol hierarchy ({@code -z io,phs}), top
 * talkers, I/O over time ({@code -z io,stat}) and Wireshark's TCP sequence analysis
 * ({@code tcp.analysis.*}: retransmissions, duplicate ACKs, out-of-order, zero windows, lost
 * segments, handshake and ACK RTT; RFC 9293 for TCP's sequence space). It reads {@link
 * dev.netloom.monitor.analysis.PacketFacts}, which the decoders fill. Left out: Wireshark's
 * stream splitting on port reuse, SACK-aware bytes in flight, MPTCP.
 */
package dev.netloom.monitor.analysis;
