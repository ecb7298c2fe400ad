package dev.netloom.lb;

import java.util.List;

/**
 * Picks a server for a new connection (tcp) or request (http) among those that are up. An
 * implementation keeps its own state (round-robin positions, the hash ring) and is safe for
 * concurrent callers.
 */
public interface Balancer {

    /**
     * The server for a request with hash key {@code key} (the client address, the URI or a
     * header's value, for the hashing algorithms; ignored by the others) among {@code up}, or
     * null when none can take it (empty, or every weight 0).
     */
    Backend pick(List<Backend> up, String key);
}
