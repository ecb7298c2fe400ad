/**
 * The {@code p2p-rendezvous} service (docs/protocol.md, "Rendezvous"): a tracker that keeps
 * announcements per control connection (and, over UDP, for a while), a coordinator that sends
 * both sides of a hole punch each other's NAT-mapped address at once, and a relay ({@link
 * dev.netloom.p2p.rendezvous.RelayPump}) that joins two connections named by one punch token and
 * copies their TLS records, rate-limited, without reading them. Left out: authentication of
 * announcements (a false peer id gains nothing: peers pin keys), persistence (announcements live
 * in memory), TURN-like allocation or relaying for non-netloom protocols.
 */
package dev.netloom.p2p.rendezvous;
