package dev.netloom.p2p;

import java.util.List;
import java.util.Map;

/**
 * One share or download as {@code p2p status} shows it.
 *
 * @param role           seeding, downloading, finding (no manifest yet) or stale (a file changed)
 * @param size           bytes of the whole share (0 until the manifest is known)
 * @param have           bytes here and verified
 * @param downloaded     bytes received and verified in this session
 * @param uploaded       bytes sent to other peers in this session
 * @param seconds        since the download started, until it completed
 * @param verifyFailures chunks that failed their hash (their senders banned)
 * @param sources        how the peers that sent chunks were reached: direct, punched, relay → how many
 * @param peerLines      one line per connection: id, address, state, bytes
 */
public record ShareStatus(String name, String root, String role, long size, long have, int peers, long downloaded,
                          long uploaded, double seconds, long verifyFailures, Map<String, Integer> sources,
                          List<String> peerLines) {

    public ShareStatus {
        sources = Map.copyOf(sources);
        peerLines = List.copyOf(peerLines);
    }
}
