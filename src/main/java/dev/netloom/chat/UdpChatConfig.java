package dev.netloom.chat;

import dev.netloom.core.Key;
import dev.netloom.core.Settings;
import dev.netloom.core.UdpConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Settings of {@code udp-chat} beyond the common UDP ones.
 *
 * @param maxPeers  how many peers may be joined at once (256); one more is told it is full
 * @param relayRate bytes per second the server sends on behalf of one peer (1 MiB): a line costs
 *                  its size times the peers it goes to; what would pass the rate is not relayed
 */
public record UdpChatConfig(int maxPeers, int relayRate) {

    public static final Key<Integer> MAX_PEERS = Key.integer("max-peers", 256, 1, 100_000,
            "how many peers may be joined at once; one more is told ERR udp-chat is full");
    public static final Key<Integer> RELAY_RATE = Key.size("relay-rate", 1024 * 1024, 1024, 1024 * 1024 * 1024,
            "bytes per second sent on behalf of one peer (a line costs its size times the peers it"
                    + " reaches, and its /who pages count too); over it a line is not relayed");

    public UdpChatConfig {
        if (maxPeers < 1) {
            throw new IllegalArgumentException("max-peers must be at least 1, not " + maxPeers);
        }
        if (relayRate < 1024) {
            throw new IllegalArgumentException("relay-rate must be at least 1024 bytes/s, not " + relayRate);
        }
    }

    /** The keys of udp-chat listening on {@code port} by default. */
    public static List<Key<?>> keys(int port) {
        List<Key<?>> keys = new ArrayList<>(UdpConfig.keys(port));
        keys.addAll(List.of(MAX_PEERS, RELAY_RATE));
        return keys;
    }

    public static UdpChatConfig from(Settings s) {
        return Settings.build(s.service(), () -> new UdpChatConfig(s.get(MAX_PEERS), s.get(RELAY_RATE)));
    }
}
