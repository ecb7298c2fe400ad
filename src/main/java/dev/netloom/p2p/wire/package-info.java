/**
 * netloom's peer protocol, version 1, as docs/protocol.md specifies it: the one codec both the
 * peer ({@code dev.netloom.p2p}) and the rendezvous ({@code dev.netloom.p2p.rendezvous}) use.
 * {@link dev.netloom.p2p.wire.Frame} holds every message (a sealed interface of records with the
 * type bytes), {@link dev.netloom.p2p.wire.FrameCodec} their byte layouts and checks, {@link
 * dev.netloom.p2p.wire.FrameReader} and {@link dev.netloom.p2p.wire.FrameWriter} streams and
 * datagrams, {@link dev.netloom.p2p.wire.Manifest} the canonical manifest and its root hash,
 * {@link dev.netloom.p2p.wire.Link} the {@code netloom://} links. Every malformed input is a
 * {@link dev.netloom.p2p.wire.WireException} carrying the {@link dev.netloom.p2p.wire.ErrorCode}
 * the specification gives it. No RFC defines this protocol; it borrows BitTorrent's model (BEP 3:
 * chunks, have/bitfield, choking, rarest first, endgame) with a binary framing of its own, uses
 * TLS 1.3 (RFC 8446) for peers, and SHA-256 (FIPS 180-4) for content. Left out: a DHT, peer
 * exchange, UDP transports for peers.
 */
package dev.netloom.p2p.wire;
