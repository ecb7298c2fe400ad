package dev.netloom.lb;

import java.util.Locale;

/**
 * How a pool picks a server ({@code lb.algorithm}): {@code roundrobin}, {@code leastconn},
 * {@code random2}, {@code source}, {@code uri} or {@code header:NAME}; the last two in http mode only.
 *
 * @param kind   which algorithm
 * @param header the header hashed by {@code header:NAME}, else null
 */
public record Algorithm(Kind kind, String header) {

    /** The algorithms. */
    public enum Kind { ROUNDROBIN, LEASTCONN, RANDOM2, SOURCE, URI, HEADER }

    public static final String EXPECTED = "roundrobin, leastconn, random2, source, uri or header:NAME";

    /** Parses a value of {@code lb.algorithm}; null when it is none of them. */
    public static Algorithm parse(String text) {
        String t = text.strip();
        if (t.regionMatches(true, 0, "header:", 0, 7)) {
            String name = t.substring(7).strip();
            return name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+") ? new Algorithm(Kind.HEADER, name) : null;
        }
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "roundrobin" -> new Algorithm(Kind.ROUNDROBIN, null);
            case "leastconn" -> new Algorithm(Kind.LEASTCONN, null);
            case "random2", "random" -> new Algorithm(Kind.RANDOM2, null);
            case "source" -> new Algorithm(Kind.SOURCE, null);
            case "uri" -> new Algorithm(Kind.URI, null);
            default -> null;
        };
    }

    /** A fresh balancer of this kind (each pool has its own state). */
    public Balancer balancer() {
        return switch (kind) {
            case ROUNDROBIN -> new SmoothRoundRobin();
            case LEASTCONN -> new LeastConnections();
            case RANDOM2 -> new RandomTwo();
            case SOURCE, URI, HEADER -> new HashRing();
        };
    }

    /** Whether it needs the request (uri, header), so only http mode can use it. */
    public boolean needsHttp() {
        return kind == Kind.URI || kind == Kind.HEADER;
    }

    @Override
    public String toString() {
        return kind == Kind.HEADER ? "header:" + header : kind.name().toLowerCase(Locale.ROOT);
    }
}
