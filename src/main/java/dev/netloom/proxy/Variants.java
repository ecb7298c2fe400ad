package dev.netloom.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The secondary cache key of RFC 9111 §4.1: the request fields a response's {@code Vary}
 * nominates, normalised so that requests the origin would treat alike match (names in lower
 * case, values with runs of spaces and tabs made one space, a missing field distinct from an
 * empty one).
 */
public final class Variants {

    private Variants() {
    }

    /** The field names in a {@code Vary} value, lower case, in order, {@code *} kept. */
    public static List<String> names(String vary) {
        List<String> names = new ArrayList<>();
        if (vary == null) {
            return names;
        }
        for (String part : vary.split(",")) {
            String name = part.strip().toLowerCase(Locale.ROOT);
            if (!name.isEmpty() && !names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /** The key of {@code request} among the variants of a response that varies on {@code names}. */
    public static String key(List<String> names, Fields request) {
        if (names.isEmpty()) {
            return "";
        }
        StringBuilder key = new StringBuilder();
        for (String name : names) {
            String value = request.get(name);
            key.append(name).append(value == null ? "\u0000" : ":" + normalise(value)).append('\n');
        }
        return key.toString();
    }

    private static String normalise(String value) {
        return value.strip().replaceAll("[ \\t]+", " ").replaceAll(" ?, ?", ",");
    }
}
