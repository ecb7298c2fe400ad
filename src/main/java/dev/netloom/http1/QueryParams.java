package dev.netloom.http1;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A request target's query ({@code a=1&b=x%20y}) as names and values, decoded as an HTML form
 * ({@code +} is a space, {@code %XX} UTF-8); a name without {@code =} has the value "". {@link #parse}
 * keeps the first value of a name, {@link #list} every pair in order (for APIs where a repeated
 * name means "any of", as rest's).
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
        for (Map.Entry<String, String> e : list(rawQuery)) {
            q.putIfAbsent(e.getKey(), e.getValue());
        }
        return q;
    }

    /**
     * Every pair of {@code rawQuery}, decoded, in order (repeated names repeated).
     *
     * @throws IllegalArgumentException for malformed percent-encoding, naming the pair
     */
    public static List<Map.Entry<String, String>> list(String rawQuery) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.add(new AbstractMap.SimpleImmutableEntry<>(k, v));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("malformed percent-encoding in the query: " + pair);
            }
        }
        return out;
    }

    /** The parameters of a request target's query part ({@code /path?QUERY}). */
    public static Map<String, String> ofTarget(String target) {
        int q = target.indexOf('?');
        return parse(q < 0 ? null : target.substring(q + 1));
    }
}
