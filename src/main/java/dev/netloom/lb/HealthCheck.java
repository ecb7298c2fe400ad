package dev.netloom.lb;

import java.util.Locale;

/**
 * The active check a pool runs on each server ({@code lb.check}): {@code tcp} (a connect),
 * {@code none}, or {@code http:/PATH} (a GET whose status must fall in {@code lb.check-status}).
 *
 * @param kind which check
 * @param path the path asked by an http check, else null
 */
public record HealthCheck(Kind kind, String path) {

    /** The checks. */
    public enum Kind { NONE, TCP, HTTP }

    public static final String EXPECTED = "tcp, none or http:/PATH";

    /** Parses a value of {@code lb.check}; null when it is none of them. */
    public static HealthCheck parse(String text) {
        String t = text.strip();
        if (t.regionMatches(true, 0, "http:", 0, 5)) {
            String path = t.substring(5).strip();
            return path.startsWith("/") && path.chars().allMatch(c -> c > 32 && c < 127) ? new HealthCheck(Kind.HTTP, path)
                    : null;
        }
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "tcp" -> new HealthCheck(Kind.TCP, null);
            case "none", "off" -> new HealthCheck(Kind.NONE, null);
            default -> null;
        };
    }

    /** The statuses an http check accepts ({@code lb.check-status}): {@code 200-399}, or one status. */
    public record Statuses(int low, int high) {

        /** Parses {@code 200-399} or {@code 204}; null when not a range within 100-599. */
        public static Statuses parse(String s) {
            String[] parts = s.strip().split("-", 2);
            int lo = Integer.parseInt(parts[0].strip());
            int hi = parts.length == 2 ? Integer.parseInt(parts[1].strip()) : lo;
            return lo < 100 || hi > 599 || lo > hi ? null : new Statuses(lo, hi);
        }

        public boolean contains(int status) {
            return status >= low && status <= high;
        }

        @Override
        public String toString() {
            return low == high ? Integer.toString(low) : low + "-" + high;
        }
    }

    public boolean enabled() {
        return kind != Kind.NONE;
    }

    @Override
    public String toString() {
        return kind == Kind.HTTP ? "http:" + path : kind.name().toLowerCase(Locale.ROOT);
    }
}
