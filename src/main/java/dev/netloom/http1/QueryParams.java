package dev.netloom.http1;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A request target's query ({@code a=1&b=x%20y}) as names and values, decoded as an HTML form
 * ({@code +} is a space, {@code %XX} UTF-8); the first value of a name wins, a name without
 * {@code =} has the value "".
 */
public final class QueryParams {

    private QueryParams() {
    }

    /**
     * The parameters of {@code rawQuery} (without the {@code ?}; null or "" for none).
     *
     * @throws IllegalArgumentException for malformed percent-encoding, naming the pair
     */
    public static Map<String, String> parse(String rawQuery) {
        Map<String, String> q = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return q;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                q.putIfAbsent(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("malformed percent-encoding in the query: " + pair);
            }
        }
        return q;
    }

    /** The parameters of a request target's query part ({@code /path?QUERY}). */
    public static Map<String, String> ofTarget(String target) {
        int q = target.indexOf('?');
        return parse(q < 0 ? null : target.substring(q + 1));
    }
}
