package dev.netloom.proxy;

import java.util.Set;

/**
 * Whether a shared cache may store a response (RFC 9111 §3), and why not when it may not: the
 * reason is what {@code proxy cache} and the tests show. Only responses to GET are stored (HEAD
 * is answered from them); a 206 is passed through and never stored (storing partial content is
 * optional, §3.3, and ranges are served by the origin); {@code Vary: *} is not stored, since it
 * could never be served (§4.1).
 */
public final class Storability {

    /** Statuses "heuristically cacheable" (RFC 9110 §15.1): stored without explicit freshness. */
    static final Set<Integer> CACHEABLE_BY_DEFAULT = Set.of(200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501);
    /** Final statuses this cache understands, for {@code must-understand} (§5.2.2.3). */
    private static final Set<Integer> UNDERSTOOD = Set.of(200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405,
            410, 414, 501);

    private Storability() {
    }

    /**
     * Null when the response to {@code method} with {@code status} may be stored, else the rule
     * that forbids it (as words for a log or a table).
     */
    public static String refusal(String method, Fields request, int status, Fields response) {
        if (!method.equals("GET")) {
            return "method " + method + " is not stored";
        }
        if (status < 200) {
            return "interim status " + status;
        }
        if (status == 206) {
            return "partial content is passed through";
        }
        CacheControl req = CacheControl.parse(request.get("Cache-Control"));
        CacheControl res = CacheControl.parse(response.get("Cache-Control"));
        if (res.mustUnderstand() && !UNDERSTOOD.contains(status)) {
            return "must-understand with status " + status;
        }
        if (req.noStore() || (res.noStore() && !res.mustUnderstand())) {
            return "no-store";
        }
        if (res.isPrivate()) {
            return "private";
        }
        if (request.get("Authorization") != null && !res.mustRevalidate() && !res.isPublic()
                && res.sMaxAge() == CacheControl.ABSENT) {
            return "Authorization without public, s-maxage or must-revalidate";
        }
        String vary = response.get("Vary");
        if (vary != null && Variants.names(vary).contains("*")) {
            return "Vary: *";
        }
        boolean explicit = res.isPublic() || res.maxAge() != CacheControl.ABSENT
                || res.sMaxAge() != CacheControl.ABSENT || response.get("Expires") != null;
        if (!explicit && !CACHEABLE_BY_DEFAULT.contains(status)) {
            return "status " + status + " without explicit freshness";
        }
        return null;
    }
}
