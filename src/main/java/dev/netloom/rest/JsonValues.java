package dev.netloom.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The values an item may hold, checked before anything is stored, so that what is read back is
 * what any JSON client makes of what was sent (never {@code "Infinity"}, 0 for a tiny number, or
 * {@code ?} for half a character):
 * <ul>
 *   <li>a number with a fraction or exponent is stored as the nearest 64-bit float (what every
 *       JSON client reads it as); one beyond that range ({@code 1e999999}, which would become
 *       {@code Infinity}) or so small that it would become 0 ({@code 1e-999999}) is refused;</li>
 *   <li>a whole number is stored as written, if its magnitude fits in a 64-bit float (at most
 *       about 1.8e308);</li>
 *   <li>a string or member name holding a lone UTF-16 surrogate ({@code "\ud800"}, which no
 *       character is, and which UTF-8 cannot carry) is refused.</li>
 * </ul>
 * Refusals are 400 and name the value by its JSON Pointer (RFC 6901), such as {@code /tags/2}.
 * The body must be parsed with {@code USE_BIG_DECIMAL_FOR_FLOATS}, so that no number has been
 * rounded before it is checked.
 */
final class JsonValues {

    private JsonValues() {
    }

    /**
     * Checks every value of {@code node}, turning exact decimals into the floats stored.
     *
     * @return {@code node}, changed in place
     * @throws Problem 400 naming the first value refused
     */
    static JsonNode check(JsonNode node) {
        return check(node, "");
    }

    private static JsonNode check(JsonNode node, String path) {
        if (node instanceof ObjectNode o) {
            List<Map.Entry<String, JsonNode>> changed = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                String at = path + "/" + pointerToken(e.getKey());
                if (loneSurrogate(e.getKey())) {
                    throw Problem.badRequest(at + ": the member name holds a lone UTF-16 surrogate, which is not a "
                            + "character; send valid Unicode");
                }
                JsonNode checked = check(e.getValue(), at);
                if (checked != e.getValue()) {
                    changed.add(Map.entry(e.getKey(), checked));
                }
            }
            changed.forEach(e -> o.set(e.getKey(), e.getValue()));
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                JsonNode checked = check(a.get(i), path + "/" + i);
                if (checked != a.get(i)) {
                    a.set(i, checked);
                }
            }
        } else if (node.isTextual() && loneSurrogate(node.textValue())) {
            throw Problem.badRequest(where(path) + ": the string holds a lone UTF-16 surrogate (such as \\ud800), "
                    + "which is not a character; send valid Unicode");
        } else if (node.isNumber()) {
            return number(node, path);
        }
        return node;
    }

    private static JsonNode number(JsonNode node, String path) {
        double d = node.doubleValue();
        if (Double.isInfinite(d) || Double.isNaN(d)) {
            throw Problem.badRequest(where(path) + ": the number " + shown(node)
                    + " is out of range: numbers are 64-bit floats, at most about ±1.8e308");
        }
        if (node.isBigDecimal()) {
            BigDecimal exact = node.decimalValue();
            if (d == 0 && exact.signum() != 0) {
                throw Problem.badRequest(where(path) + ": the number " + shown(node)
                        + " is too small: it would be stored as 0 (numbers are 64-bit floats; the smallest"
                        + " above 0 is about 4.9e-324)");
            }
            return DoubleNode.valueOf(d);
        }
        return node;
    }

    private static String where(String path) {
        return path.isEmpty() ? "the body" : path;
    }

    private static String shown(JsonNode number) {
        String text = number.isBigDecimal() ? number.decimalValue().toString() : number.asText();
        return text.length() > 40 ? text.substring(0, 20) + "…(" + text.length() + " characters)" : text;
    }

    /** A JSON Pointer reference token (RFC 6901), with lone surrogates shown as escapes. */
    private static String pointerToken(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '~') {
                b.append("~0");
            } else if (c == '/') {
                b.append("~1");
            } else if (Character.isSurrogate(c) && !pairedAt(name, i)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean pairedAt(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    static boolean loneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i)) && !pairedAt(s, i)) {
                return true;
            }
        }
        return false;
    }
}
