package dev.netloom.proxy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One response in the cache: its status, header fields and whole body, with its freshness and
 * directives. Immutable: a refresh or a new response makes a new one, so a client still reading
 * the old body reads it whole (the store only ever swaps references).
 *
 * @param url       the target URI it answers (the primary cache key)
 * @param status    its status code
 * @param reason    its reason phrase
 * @param fields    its header fields as stored (hop-by-hop ones already removed)
 * @param body      its content
 * @param freshness its age and lifetime
 */
public record Stored(String url, int status, String reason, List<Field> fields, byte[] body, Freshness freshness) {

    /** Fields a 304 does not replace (RFC 9111 §3.2): they describe the stored message, not the new one. */
    private static final Set<String> KEPT_ON_UPDATE = Set.of("content-length", "content-range", "transfer-encoding",
            "connection", "keep-alive", "trailer", "upgrade", "te", "proxy-connection");
    /** Roughly what the map entry, record and arrays cost beyond the bytes. */
    private static final int OVERHEAD = 256;

    public Stored {
        fields = List.copyOf(fields);
    }

    /** The fields as {@link Fields}: all values of a name joined by ", ". */
    public Fields asFields() {
        return this::field;
    }

    /** All values of {@code name} (any case) joined by ", ", or null. */
    public String field(String name) {
        String joined = null;
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                joined = joined == null ? f.value() : joined + ", " + f.value();
            }
        }
        return joined;
    }

    /** Its directives. */
    public CacheControl control() {
        return CacheControl.parse(field("Cache-Control"));
    }

    /** Bytes it holds, for the store's budget. */
    public long size() {
        long n = OVERHEAD + body.length + url.length() + reason.length();
        for (Field f : fields) {
            n += f.name().length() + f.value().length() + 32;
        }
        return n;
    }

    /** Whether a conditional request can validate it: it has an ETag or a Last-Modified. */
    public boolean hasValidators() {
        return field("ETag") != null || field("Last-Modified") != null;
    }

    /**
     * This response refreshed by a 304 (RFC 9111 §4.3.4, §3.2): every field the 304 carries
     * replaces the stored fields of that name, except those that describe the stored message
     * itself; the body stays; the freshness is the one computed from the merged fields.
     */
    public Stored updatedBy(List<Field> notModified, Freshness refreshed) {
        List<Field> merged = new ArrayList<>();
        Set<String> replaced = new HashSet<>();
        for (Field f : notModified) {
            String lower = f.name().toLowerCase(Locale.ROOT);
            if (!KEPT_ON_UPDATE.contains(lower)) {
                replaced.add(lower);
            }
        }
        for (Field f : fields) {
            if (!replaced.contains(f.name().toLowerCase(Locale.ROOT))) {
                merged.add(f);
            }
        }
        for (Field f : notModified) {
            if (replaced.contains(f.name().toLowerCase(Locale.ROOT))) {
                merged.add(f);
            }
        }
        return new Stored(url, status, reason, merged, body, refreshed);
    }
}
