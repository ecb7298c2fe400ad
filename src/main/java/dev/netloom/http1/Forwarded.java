package dev.netloom.http1;

/**
 * What an intermediary (the proxy, the lb) tells the next hop of the client it serves: nothing,
 * the de facto {@code X-Forwarded-For}, or RFC 7239's {@code Forwarded}. The client's address is
 * appended to what the request already carried, so a chain of intermediaries reads left to right.
 */
public enum Forwarded {
    OFF, X_FORWARDED_FOR, FORWARDED;

    /** The field this mode writes ({@code X-Forwarded-For}, {@code Forwarded}), or null for OFF. */
    public String field() {
        return switch (this) {
            case X_FORWARDED_FOR -> "X-Forwarded-For";
            case FORWARDED -> "Forwarded";
            case OFF -> null;
        };
    }

    /**
     * The field's value passed on: {@code prior} (the request's own value, or null) with the
     * client appended, as {@code 10.0.0.9, 127.0.0.1} or {@code for=127.0.0.1;proto=http}
     * (an IPv6 address quoted and bracketed, {@code for="[::1]"}, as RFC 7239 §6 asks).
     */
    public String value(String prior, String clientIp) {
        String mine = this == FORWARDED
                ? "for=" + (clientIp.indexOf(':') >= 0 ? "\"[" + clientIp + "]\"" : clientIp) + ";proto=http"
                : clientIp;
        return prior == null ? mine : prior + ", " + mine;
    }
}
