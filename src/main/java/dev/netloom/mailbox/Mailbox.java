package dev.netloom.mailbox;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The caught mail of a running {@code smtp} service as its readers see it: the smtp service's own
 * JSON API and the admin listener's Mail tab. Messages have increasing ids; the list is newest first.
 * Every change (a message stored, one or all deleted, the oldest dropped past the cap) moves
 * {@link #version()}, so a reader can wait for the next one ({@link #changeAfter}) instead of polling.
 */
public interface Mailbox {

    /** A row of the list: everything but the bytes. {@code received} is in epoch milliseconds. */
    record Summary(long id, long received, String sender, List<String> recipients, String subject, long size) {
    }

    /** A stored message with its bytes. */
    record Stored(Summary summary, byte[] raw) {
    }

    /** A page of the list and how many match in all. */
    record Page(long total, List<Summary> messages) {
    }

    /**
     * The newest messages first, {@code limit} from {@code offset}; with {@code query} non-blank
     * only those whose addresses, subject or text contain it, with {@code to} non-blank only those
     * with an envelope recipient containing it (both case-insensitive).
     *
     * @throws IOException when the store cannot be read
     */
    Page list(String query, String to, int limit, int offset) throws IOException;

    /** Message {@code id} with its bytes, or null when there is none. */
    Stored get(long id) throws IOException;

    /** Deletes message {@code id}; false when there is none. */
    boolean delete(long id) throws IOException;

    /** Deletes every message; returns how many there were. */
    long deleteAll() throws IOException;

    /**
     * The version of the contents: it changes with every change, and differs between two stores
     * (or two openings of one), so a reader that kept an old version sees a change.
     */
    long version();

    /**
     * Completes with the current version once it differs from {@code seen} (at once when it does
     * already), or when the mailbox closes. The caller may cancel what it is given.
     */
    CompletableFuture<Long> changeAfter(long seen);
}
