package dev.netloom.p2p;

import dev.netloom.core.HostPort;
import dev.netloom.core.Key;
import dev.netloom.core.Settings;
import dev.netloom.core.TcpConfig;
import dev.netloom.p2p.wire.Link;
import dev.netloom.p2p.wire.Manifest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The p2p peer's own settings, beside those of every TCP service (its port is where other peers
 * connect to it).
 *
 * @param identity     where the peer's key is kept (its id follows from it); {@code null}: a new key
 *                     each start
 * @param downloadDir  where {@code p2p get} writes when not told
 * @param rendezvous   rendezvous services to announce to and ask for peers (none: links' own)
 * @param chunkSize    the chunk size of new shares (raised for shares over 16 GiB)
 * @param uploadSlots  peers uploaded to at once per share; the others wait their turn
 * @param window       chunk requests kept in flight per peer
 * @param maxPeers     connections per share
 * @param lan          announce shares on the LAN by multicast, and listen for others'
 * @param relayOnly    never try a direct connection or a punch: go through the rendezvous's relay (tests)
 */
public record P2pConfig(Path identity, Path downloadDir, List<HostPort> rendezvous, int chunkSize, int uploadSlots,
                        int window, int maxPeers, boolean lan, boolean relayOnly) {

    public static final int DEFAULT_PORT = 7014;
    public static final Key<String> IDENTITY = Key.string("identity", "data/p2p/peer.pem",
            "the peer's key and certificate (PEM), made there (0600) on first start; the key's SHA-256 is the peer id; 'none': a new key each start");
    public static final Key<String> DOWNLOAD_DIR = Key.string("download-dir", "data/p2p/downloads",
            "where p2p get writes when not given -o");
    public static final Key<List<String>> RENDEZVOUS = Key.list("rendezvous", List.of(), "HOST:PORT,...",
            "rendezvous services to announce shares to and ask for peers (their port defaults to 7013); none by default");
    public static final Key<Integer> CHUNK_SIZE = Key.size("chunk-size", Manifest.DEFAULT_CHUNK, Manifest.MIN_CHUNK,
            Manifest.MAX_CHUNK, "chunk size of new shares, a power of two (raised so a share has at most 65,536 chunks)");
    public static final Key<Integer> UPLOAD_SLOTS = Key.integer("upload-slots", 8, 1, 1000,
            "peers uploaded to at once per share; more wait, and take turns every 30 s");
    public static final Key<Integer> WINDOW = Key.integer("window", 16, 1, 256,
            "chunk requests kept in flight to each peer while downloading");
    public static final Key<Integer> MAX_PEERS = Key.integer("max-peers", 50, 1, 1000, "connections per share");
    public static final Key<Boolean> LAN = Key.bool("lan", true,
            "announce shares on the local network by UDP multicast (239.255.70.13:7013) and find peers there");
    public static final Key<Boolean> RELAY_ONLY = Key.bool("relay-only", false,
            "reach peers only through a rendezvous's relay (for tests of the relay)");
    /** A peer connection silent this long is pinged; four times this long, closed. */
    static final Duration KEEPALIVE = Duration.ofSeconds(30);

    public P2pConfig {
        rendezvous = List.copyOf(rendezvous);
        if (Integer.bitCount(chunkSize) != 1) {
            throw new IllegalArgumentException("chunk-size " + chunkSize + " is not a power of two");
        }
    }

    /** The keys of the p2p service: those of a TCP service (port 7014), then its own. */
    public static List<Key<?>> keys() {
        List<Key<?>> keys = new ArrayList<>(TcpConfig.keys(DEFAULT_PORT));
        keys.addAll(List.of(IDENTITY, DOWNLOAD_DIR, RENDEZVOUS, CHUNK_SIZE, UPLOAD_SLOTS, WINDOW, MAX_PEERS, LAN,
                RELAY_ONLY));
        return keys;
    }

    /** @throws dev.netloom.core.ConfigException naming the key at fault */
    public static P2pConfig from(Settings s) {
        return Settings.build(s.service(), () -> new P2pConfig(
                s.get(IDENTITY).equals("none") ? null : s.path(IDENTITY), s.path(DOWNLOAD_DIR),
                s.get(RENDEZVOUS).stream().map(r -> HostPort.parse(r, Link.RENDEZVOUS_PORT)).toList(),
                s.get(CHUNK_SIZE), s.get(UPLOAD_SLOTS), s.get(WINDOW), s.get(MAX_PEERS), s.get(LAN), s.get(RELAY_ONLY)));
    }
}
