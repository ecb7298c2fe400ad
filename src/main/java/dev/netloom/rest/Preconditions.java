package dev.netloom.rest;

import dev.netloom.http1.EntityTags;

import java.util.Optional;

/**
 * Conditional requests (RFC 9110 §13): {@code If-Match} with strong comparison guards writes
 * against lost updates, {@code If-None-Match} with weak comparison answers reads with 304 and
 * lets {@code PUT} create only.
 */
final class Preconditions {

    private Preconditions() {
    }

    /** True when a GET should be answered 304: the header lists the item's ETag (or is *). */
    static boolean noneMatch(String header, Items.Item item) {
        return header != null && matches(header, item.etag(), true);
    }

    /**
     * Checks If-Match and If-None-Match of a write against the item as it is now.
     *
     * @throws Problem 412 when a condition fails
     */
    static void check(RestExchange x, Optional<Items.Item> current) {
        String ifMatch = x.header("If-Match");
        if (ifMatch != null && (current.isEmpty() || !matches(ifMatch, current.get().etag(), false))) {
            throw new Problem(412, current.isEmpty() ? "If-Match: the item does not exist"
                    : "If-Match: the item has changed; its ETag is now " + current.get().etag());
        }
        String ifNoneMatch = x.header("If-None-Match");
        if (ifNoneMatch != null && current.isPresent() && matches(ifNoneMatch, current.get().etag(), true)) {
            throw new Problem(412, ifNoneMatch.strip().equals("*") ? "If-None-Match: *: the item already exists"
                    : "If-None-Match: the item still has that ETag");
        }
    }

    private static boolean matches(String header, String etag, boolean weak) {
        return EntityTags.listed(header, etag, weak);
    }
}
