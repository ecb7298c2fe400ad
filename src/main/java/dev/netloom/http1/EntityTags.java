package dev.netloom.http1;

/**
 * Entity-tag lists of conditional requests (RFC 9110 §8.8.3, §13.1.1-13.1.2): whether an
 * {@code If-Match} or {@code If-None-Match} value names a representation's tag.
 */
public final class EntityTags {

    private EntityTags() {
    }

    /**
     * True when {@code header} is {@code *} or lists {@code etag}: compared weakly (a {@code W/}
     * prefix on either side ignored; If-None-Match) or strongly (no weak tag matches; If-Match,
     * If-Range). A null header lists nothing.
     */
    public static boolean listed(String header, String etag, boolean weak) {
        if (header == null) {
            return false;
        }
        if (header.strip().equals("*")) {
            return true;
        }
        for (String candidate : header.split(",")) {
            String c = candidate.strip();
            if (weak ? opaque(c).equals(opaque(etag)) : !c.startsWith("W/") && !etag.startsWith("W/") && c.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static String opaque(String etag) {
        return etag.startsWith("W/") ? etag.substring(2) : etag;
    }
}
