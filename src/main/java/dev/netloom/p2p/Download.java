package dev.netloom.p2p;

import dev.netloom.p2p.wire.Manifest;

import java.util.concurrent.CompletableFuture;

/** A download in progress, as {@link P2pService#download} hands it out: its progress and its end. */
public final class Download {

    private final Swarm swarm;

    Download(Swarm swarm) {
        this.swarm = swarm;
    }

    /** Completes with the manifest once every chunk is here and verified (at once for a share already complete). */
    public CompletableFuture<Manifest> completion() {
        return swarm.completion();
    }

    /** The share's name. */
    public String name() {
        return swarm.name();
    }

    /** Progress now. */
    public ShareStatus status() {
        return swarm.status();
    }
}
