package dev.netloom.proxy;

/**
 * Whether a stored response may answer a request (RFC 9111 §4, §4.2.4, §5.2.1): served as it
 * is, served although stale (only where the client's {@code max-stale} allows and the response
 * does not forbid it), or validated with the origin first. And, when validation cannot reach the
 * origin, whether the stale response may still be served ({@code stale-if-error}, RFC 5861) or
 * the client gets 504.
 */
public final class Reuse {

    /** What to do with a stored response for one request. */
    public enum Decision {
        /** Fresh enough for this request: serve it. */
        FRESH,
        /** Stale, but this request accepts it: serve it. */
        STALE_ALLOWED,
        /** Ask the origin first (a conditional request when the entry has validators). */
        VALIDATE
    }

    private Reuse() {
    }

    /**
     * The decision for a request with directives {@code request} ({@code pragmaNoCache} when it
     * sent {@code Pragma: no-cache}, which counts only without Cache-Control, §5.4) about a stored
     * response with directives {@code stored} and freshness {@code f}, at {@code now}.
     */
    public static Decision decide(Freshness f, CacheControl stored, CacheControl request, boolean pragmaNoCache,
                                  long now) {
        if (stored.noCache() || request.noCache() || (pragmaNoCache && request.equals(CacheControl.NONE))) {
            return Decision.VALIDATE;
        }
        long age = f.currentAge(now);
        if (request.maxAge() != CacheControl.ABSENT && age > request.maxAge() * 1000) {
            return Decision.VALIDATE;
        }
        if (request.minFresh() != CacheControl.ABSENT && f.lifetime() - age < request.minFresh() * 1000) {
            return Decision.VALIDATE;
        }
        if (f.isFresh(now)) {
            return Decision.FRESH;
        }
        if (!mayServeStale(stored)) {
            return Decision.VALIDATE;
        }
        return within(f.staleness(now), request.maxStale()) ? Decision.STALE_ALLOWED : Decision.VALIDATE;
    }

    /**
     * Whether a stale response may be served because its origin could not be reached (or
     * answered 5xx): only where {@code stale-if-error} in the response or the request (or the
     * request's {@code max-stale}) covers its staleness, and never against must-revalidate,
     * proxy-revalidate, s-maxage or no-cache (§4.2.4, RFC 5861 §4).
     */
    public static boolean serveStaleOnError(Freshness f, CacheControl stored, CacheControl request, long now) {
        if (!mayServeStale(stored) || stored.noCache()) {
            return false;
        }
        long staleness = f.staleness(now);
        return within(staleness, stored.staleIfError()) || within(staleness, request.staleIfError())
                || within(staleness, request.maxStale());
    }

    /** A shared cache never serves stale what the response asked to be revalidated (§5.2.2.2, §5.2.2.8, §5.2.2.10). */
    private static boolean mayServeStale(CacheControl stored) {
        return !stored.mustRevalidate() && !stored.proxyRevalidate() && stored.sMaxAge() == CacheControl.ABSENT;
    }

    /** {@code staleness} milliseconds are within a directive of {@code seconds} (absent: never; {@link CacheControl#ANY}: always). */
    private static boolean within(long staleness, long seconds) {
        if (seconds == CacheControl.ABSENT) {
            return false;
        }
        return seconds == CacheControl.ANY || staleness <= seconds * 1000;
    }
}
