package dev.netloom.rest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Map;

/** JSON for the API: strict parsing with errors that say where, RFC 7396 merge patch, item ids. */
final class Json {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    /** Reads request bodies and seed files: decimals exact, so {@link JsonValues} sees them unrounded. */
    private static final ObjectReader EXACT = MAPPER.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** The largest id: 2^53-1, the largest integer every JSON client (a JavaScript number) holds exactly. */
    static final long MAX_ID = (1L << 53) - 1;

    private Json() {
    }

    /**
     * Parses a request body that must be one JSON object.
     *
     * @throws Problem 400 with the line and column of malformed JSON, or naming a value {@link JsonValues}
     *                  refuses; 422 for valid JSON that is not an object
     */
    static ObjectNode object(byte[] body) {
        JsonNode node;
        try {
            node = EXACT.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()
                    + " (byte " + at.getByteOffset() + ")";
            throw Problem.badRequest("malformed JSON" + where + ": " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw Problem.badRequest("unreadable JSON: " + e.getMessage());
        } catch (NumberFormatException | ArithmeticException e) {
            // an exponent beyond what BigDecimal holds (1e-2147483648), past JsonValues' reach
            throw Problem.badRequest("a number in the body is out of range: numbers are 64-bit floats, at most about"
                    + " ±1.8e308 (" + abbreviated(String.valueOf(e.getMessage())) + ")");
        }
        if (node == null || node.isMissingNode()) {
            throw Problem.badRequest("the body is empty; send a JSON object");
        }
        if (!node.isObject()) {
            throw new Problem(422, "the body must be a JSON object, not " + kind(node));
        }
        return (ObjectNode) JsonValues.check(node);
    }

    private static String abbreviated(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "an object";
        };
    }

    /** The item as stored: {@code id} first, then the other fields in their order. */
    static ObjectNode withId(long id, ObjectNode fields) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("id", id);
        for (Map.Entry<String, JsonNode> e : fields.properties()) {
            if (!e.getKey().equals("id")) {
                out.set(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /**
     * The id a body carries, if any, checked against the id in the URL when there is one.
     *
     * @return the id, or 0 when the body has none
     * @throws Problem 400 when the id is not a whole number from 1 to {@link #MAX_ID}, 422 when it
     *                  differs from {@code urlId}
     */
    static long bodyId(ObjectNode body, long urlId) {
        JsonNode id = body.get("id");
        if (id == null) {
            return 0;
        }
        if (!id.isNumber() || !id.canConvertToExactIntegral() || !id.canConvertToLong() || id.asLong() < 1
                || id.asLong() > MAX_ID) {
            throw Problem.badRequest("/id: an id is a whole number from 1 to " + MAX_ID + " (2^53-1), not "
                    + abbreviated(id.toString()));
        }
        if (urlId != 0 && id.asLong() != urlId) {
            throw new Problem(422, "the body's id " + id.asLong() + " differs from the id in the URL, " + urlId
                    + " (ids cannot be changed)");
        }
        return id.asLong();
    }

    /** RFC 7396 JSON Merge Patch: returns {@code target} changed by {@code patch}. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = target != null && target.isObject() ? (ObjectNode) target : MAPPER.createObjectNode();
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            if (e.getValue().isNull()) {
                result.remove(e.getKey());
            } else {
                result.set(e.getKey(), mergePatch(result.get(e.getKey()), e.getValue()));
            }
        }
        return result;
    }

    static ObjectNode read(String stored) {
        try {
            return (ObjectNode) MAPPER.readTree(stored);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored item is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
