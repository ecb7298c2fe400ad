package dev.netloom.kv;

import dev.netloom.core.WriterPool;

import java.util.List;

/** What INFO, CONFIG GET and CLIENT LIST ask of the server around the store. */
interface KvHost {

    int port();

    long uptimeMillis();

    int connectedClients();

    long totalConnections();

    long rejectedConnections();

    long bytesIn();

    long bytesOut();

    /** Every connected client, for CLIENT LIST. */
    List<Client> clients();

    /** A config value CONFIG GET reports (e.g. "maxclients", "timeout"), or null if unknown. */
    String config(String name);

    /** The writers of subscribers' output ({@link Subscriber}). */
    WriterPool writers();

    /** Starts BGREWRITEAOF; returns the reply text, or throws a KvError. */
    String rewriteAof();
}
