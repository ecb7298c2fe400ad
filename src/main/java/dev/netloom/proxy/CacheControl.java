package dev.netloom.proxy;

import java.util.Locale;

/**
 * The directives of one message's {@code Cache-Control} fields (RFC 9111 §5.2), request or
 * response ones alike, read leniently as caches must: names in any case, values as tokens or
 * quoted strings, unknown directives ignored (§5.2.3).
 *
 * <p>Choices where the RFC leaves room: a delta-seconds value that is not digits makes the
 * directive 0 ("invalid freshness information" is stale, §4.2.1), one past 2^31 becomes 2^31
 * (§1.2.2), and a directive given twice with different values takes the smaller (a response is
 * then "considered stale" sooner, which §4.2.1 allows). The qualified forms {@code no-cache="F"}
 * and {@code private="F"} are taken as unqualified, as §5.2.2.4 and §5.2.2.7 note most caches do.
 * A {@code max-stale} without a value accepts any staleness: {@link #ANY}.
 *
 * @param maxAge          {@code max-age} seconds, or {@link #ABSENT}
 * @param sMaxAge         {@code s-maxage} seconds (responses), or {@link #ABSENT}
 * @param maxStale        {@code max-stale} seconds (requests), {@link #ANY} without a value, or {@link #ABSENT}
 * @param minFresh        {@code min-fresh} seconds (requests), or {@link #ABSENT}
 * @param staleIfError    {@code stale-if-error} seconds (RFC 5861), or {@link #ABSENT}
 * @param noCache         {@code no-cache}, qualified or not
 * @param noStore         {@code no-store}
 * @param isPrivate       {@code private}, qualified or not
 * @param isPublic        {@code public}
 * @param mustRevalidate  {@code must-revalidate}
 * @param proxyRevalidate {@code proxy-revalidate}
 * @param mustUnderstand  {@code must-understand}
 * @param onlyIfCached    {@code only-if-cached} (requests)
 */
public record CacheControl(long maxAge, long sMaxAge, long maxStale, long minFresh, long staleIfError,
                           boolean noCache, boolean noStore, boolean isPrivate, boolean isPublic,
                           boolean mustRevalidate, boolean proxyRevalidate, boolean mustUnderstand,
                           boolean onlyIfCached) {

    /** A delta-seconds directive that is not there. */
    public static final long ABSENT = -1;
    /** {@code max-stale} with no value: any staleness is acceptable. */
    public static final long ANY = Long.MAX_VALUE;
    /** The largest delta-seconds kept; larger values are taken as this (RFC 9111 §1.2.2). */
    public static final long MAX_DELTA = 1L << 31;
    /** No directives at all. */
    public static final CacheControl NONE = new CacheControl(ABSENT, ABSENT, ABSENT, ABSENT, ABSENT,
            false, false, false, false, false, false, false, false);

    /** The directives of {@code value} (all the message's Cache-Control fields joined by commas), or {@link #NONE} for null. */
    public static CacheControl parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        Builder b = new Builder();
        int i = 0;
        int n = value.length();
        while (i < n) {
            int start = skipSpaces(value, i);
            int nameEnd = start;
            while (nameEnd < n && isTokenChar(value.charAt(nameEnd))) {
                nameEnd++;
            }
            String name = value.substring(start, nameEnd).toLowerCase(Locale.ROOT);
            i = skipSpaces(value, nameEnd);
            String argument = null;
            if (i < n && value.charAt(i) == '=') {
                i = skipSpaces(value, i + 1);
                StringBuilder arg = new StringBuilder();
                i = readArgument(value, i, arg);
                argument = arg.toString();
            }
            i = skipToNextElement(value, i);
            if (!name.isEmpty()) {
                b.add(name, argument);
            }
        }
        return b.build();
    }

    /** The index after a quoted string or token starting at {@code i}, its text appended to {@code out}. */
    private static int readArgument(String s, int i, StringBuilder out) {
        int n = s.length();
        if (i < n && s.charAt(i) == '"') {
            i++;
            while (i < n && s.charAt(i) != '"') {
                if (s.charAt(i) == '\\' && i + 1 < n) {
                    i++;
                }
                out.append(s.charAt(i++));
            }
            return Math.min(n, i + 1);
        }
        while (i < n && isTokenChar(s.charAt(i))) {
            out.append(s.charAt(i++));
        }
        return i;
    }

    /** Past the next comma that is not inside a quoted string (junk before it is dropped). */
    private static int skipToNextElement(String s, int i) {
        int n = s.length();
        boolean quoted = false;
        while (i < n) {
            char c = s.charAt(i++);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted) {
                i++;
            } else if (c == ',' && !quoted) {
                break;
            }
        }
        return i;
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** An RFC 9110 tchar. */
    private static boolean isTokenChar(char c) {
        return c < 127 && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
    }

    /** Seconds in {@code text}: 0 when it is not delta-seconds, {@link #MAX_DELTA} at most. */
    static long deltaSeconds(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        long v = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
            v = Math.min(MAX_DELTA, v * 10 + (c - '0'));
        }
        return v;
    }

    /** Collects directives while parsing. */
    private static final class Builder {
        long maxAge = ABSENT;
        long sMaxAge = ABSENT;
        long maxStale = ABSENT;
        long minFresh = ABSENT;
        long staleIfError = ABSENT;
        boolean noCache;
        boolean noStore;
        boolean isPrivate;
        boolean isPublic;
        boolean mustRevalidate;
        boolean proxyRevalidate;
        boolean mustUnderstand;
        boolean onlyIfCached;

        void add(String name, String argument) {
            switch (name) {
                case "max-age" -> maxAge = smaller(maxAge, deltaSeconds(argument));
                case "s-maxage" -> sMaxAge = smaller(sMaxAge, deltaSeconds(argument));
                case "max-stale" -> maxStale = smaller(maxStale, argument == null ? ANY : deltaSeconds(argument));
                case "min-fresh" -> minFresh = Math.max(minFresh, deltaSeconds(argument));
                case "stale-if-error" -> staleIfError = smaller(staleIfError, deltaSeconds(argument));
                case "no-cache" -> noCache = true;
                case "no-store" -> noStore = true;
                case "private" -> isPrivate = true;
                case "public" -> isPublic = true;
                case "must-revalidate" -> mustRevalidate = true;
                case "proxy-revalidate" -> proxyRevalidate = true;
                case "must-understand" -> mustUnderstand = true;
                case "only-if-cached" -> onlyIfCached = true;
                default -> {
                    // an extension this cache does not implement: ignored (§5.2.3)
                }
            }
        }

        private static long smaller(long current, long v) {
            return current == ABSENT ? v : Math.min(current, v);
        }

        CacheControl build() {
            return new CacheControl(maxAge, sMaxAge, maxStale, minFresh, staleIfError, noCache, noStore, isPrivate,
                    isPublic, mustRevalidate, proxyRevalidate, mustUnderstand, onlyIfCached);
        }
    }
}
