/**
 * The sealed records of netloom's peer protocol, version 2 (docs/protocol.md, "Sealed records"):
 * {@link dev.netloom.p2p.seal.SealKeys} derives each direction's key from the two SEAL secrets
 * with HKDF-SHA256 (RFC 5869), {@link dev.netloom.p2p.seal.SealedOutputStream} and {@link
 * dev.netloom.p2p.seal.SealedInputStream} carry a connection's frames in AES-256-GCM records
 * (NIST SP 800-38D; a counter nonce per record as TLS 1.3's, RFC 8446 section 5.3), and {@link
 * dev.netloom.p2p.seal.Sha256} hashes chunks. Both run through OpenSSL's libcrypto via JNA when it
 * loads ({@code Libcrypto}), else through the JDK, with the same bytes either way. Left out: key
 * updates (a connection's sequence numbers cannot run out: 2^64 records) and a close alert (a cut
 * stream only ends the connection; every chunk is verified by its hash).
 */
package dev.netloom.p2p.seal;
