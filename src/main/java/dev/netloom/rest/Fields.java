package dev.netloom.rest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The rows of the {@code fields} table for one item: each scalar leaf outside arrays, by its
 * dotted path ({@code address.city}), with its text, its case-folded text for {@code _like}
 * and {@code q}, and its value as a number when it is a JSON number. Nulls are left out, so a
 * null field filters and sorts as a missing one.
 */
final class Fields {

    record Leaf(String path, String text, String folded, Double number) {
    }

    private Fields() {
    }

    static List<Leaf> of(JsonNode item) {
        List<Leaf> out = new ArrayList<>();
        walk("", item, out);
        // {"a.b": 1, "a": {"b": 2}} gives "a.b" twice: the first one is indexed.
        Set<String> seen = new HashSet<>();
        out.removeIf(leaf -> !seen.add(leaf.path()));
        return out;
    }

    private static void walk(String prefix, JsonNode node, List<Leaf> out) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                walk(path, v, out);
            } else if (v.isNumber()) {
                String text = v.asText();
                out.add(new Leaf(path, text, text, v.doubleValue()));
            } else if (v.isTextual() || v.isBoolean()) {
                String text = v.asText();
                out.add(new Leaf(path, text, text.toLowerCase(Locale.ROOT), null));
            }
        }
    }
}
