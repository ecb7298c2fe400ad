/**
 * The {@code p2p} service: a peer of netloom's file-sharing protocol (docs/protocol.md, docs/p2p.md).
 * {@link dev.netloom.p2p.P2pService} accepts and dials peers (TLS 1.3, RFC 8446, both keys pinned
 * by peer id: {@link dev.netloom.p2p.PeerIdentity}), one {@link dev.netloom.p2p.Swarm} per share
 * (what is here, who has what, rarest-first picking, endgame, choking, each chunk verified before
 * it is written) and one {@link dev.netloom.p2p.PeerLink} per connection (a reader and a writer
 * thread, so two peers uploading to each other never wait on each other's writes). {@link
 * dev.netloom.p2p.Storage} keeps a share's files as one stream of chunks, {@link
 * dev.netloom.p2p.ResumeState} a download's progress on disk, {@link dev.netloom.p2p.Rendezvous}
 * the control connections to rendezvous services (announce, lookup, TCP simultaneous open when
 * punched, the relay when that fails), {@link dev.netloom.p2p.LanDiscovery} multicast on the LAN.
 * Left out: DHT, peer exchange, upload rate limits, UDP hole punching (protocol.md says why).
 */
package dev.netloom.p2p;
