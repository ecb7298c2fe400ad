package dev.netloom.proxy;

/**
 * A message's header fields as the cache rules read them: every field named {@code name} joined
 * by ", " (RFC 9110 §5.3), or null when there is none. {@code MessageHead::headerJoined} is one.
 */
@FunctionalInterface
public interface Fields {

    /** All values of {@code name} (any case) joined by ", ", or null. */
    String get(String name);
}
