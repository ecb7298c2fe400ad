package dev.netloom.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/*
 * The rest.routes file: json-server's custom routes, one JSON object of rewrite rules in order,
 * {"/api/*": "/$1", "/blog/:id": "/posts/:id", "/posts/:category": "/posts?category=:category"}.
 * A rule's key is a path pattern as json-server's express-urlrewrite (path-to-regexp 1.x) reads
 * it: ":name" is one segment (any characters but '/'; ":name?" may be left out), "*" is anything,
 * every other character is itself; the match is case-insensitive, over the whole path and query
 * (so "/blog/:id" also takes "/blog/3?x=1", its :id being "3?x=1"), and a trailing "/" may follow.
 * The value is the new URL: "$1", "$2" are the pattern's groups in order (":name" and "*" alike),
 * ":name" the named one. Each rule sees what the rules before it made of the URL.
 */

/** Custom routes ({@code rest.routes}): rewrites a request's URL before it is routed. */
final class Routes {

    private record Rule(String from, String to, Pattern pattern, List<String> names) {
    }

    static final Routes NONE = new Routes(List.of());
    private static final Pattern PARAM = Pattern.compile(":(\\w+)(\\?)?|\\*");
    private static final Pattern REFERENCE = Pattern.compile("\\$(\\d+)|:(\\w+)");

    private final List<Rule> rules;

    private Routes(List<Rule> rules) {
        this.rules = rules;
    }

    /**
     * Reads a routes file.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static Routes load(Path file) {
        JsonNode doc;
        try {
            doc = Json.object(Files.readAllBytes(file));
        } catch (Problem p) {
            throw new IllegalArgumentException(file + ": " + p.getMessage().replace("the body", "the file"));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage());
        }
        List<Rule> rules = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : ((ObjectNode) doc).properties()) {
            if (!e.getKey().startsWith("/") || !e.getValue().isTextual() || !e.getValue().asText().startsWith("/")) {
                throw new IllegalArgumentException(file + ": the rule \"" + e.getKey() + "\": " + e.getValue()
                        + " is not a path pattern mapped to a path (\"/api/*\": \"/$1\")");
            }
            rules.add(compile(e.getKey(), e.getValue().asText()));
        }
        return new Routes(List.copyOf(rules));
    }

    private static Rule compile(String from, String to) {
        StringBuilder re = new StringBuilder("^");
        List<String> names = new ArrayList<>();
        Matcher m = PARAM.matcher(from);
        int at = 0;
        while (m.find()) {
            String literal = from.substring(at, m.start());
            boolean optional = m.group(2) != null;
            if (optional && literal.endsWith("/")) {
                // "/:name?": the slash goes with the segment that may be left out
                re.append(Pattern.quote(literal.substring(0, literal.length() - 1))).append("(?:/([^/]+?))?");
            } else {
                re.append(literal.isEmpty() ? "" : Pattern.quote(literal))
                        .append(m.group(1) == null ? "(.*)" : optional ? "([^/]+?)?" : "([^/]+?)");
            }
            names.add(m.group(1) == null ? "" : m.group(1));
            at = m.end();
        }
        if (at < from.length()) {
            re.append(Pattern.quote(from.substring(at)));
        }
        re.append("(?:/(?=$))?$");
        return new Rule(from, to, Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE), List.copyOf(names));
    }

    boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Rewrites the exchange's URL through every rule in turn (nothing when none matches). */
    void apply(RestExchange x) {
        if (rules.isEmpty()) {
            return;
        }
        String url = x.rawQuery() == null ? x.path() : x.path() + "?" + x.rawQuery();
        String before = url;
        for (Rule r : rules) {
            url = rewrite(r, url);
        }
        if (!url.equals(before)) {
            x.rewrite(url);
        }
    }

    /** {@code url} as {@code r} rewrites it, or as it is when it does not match. */
    private static String rewrite(Rule r, String url) {
        Matcher m = r.pattern().matcher(url);
        if (!m.find()) {
            return url;
        }
        Matcher ref = REFERENCE.matcher(r.to());
        StringBuilder out = new StringBuilder();
        while (ref.find()) {
            int group = ref.group(1) != null ? Integer.parseInt(ref.group(1)) : r.names().indexOf(ref.group(2)) + 1;
            String value = group >= 1 && group <= m.groupCount() && m.group(group) != null ? m.group(group) : "";
            ref.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        ref.appendTail(out);
        return out.toString();
    }

    /** The rules as given, for the log: {@code /api/* -> /$1}. */
    @Override
    public String toString() {
        return String.join(", ", rules.stream().map(r -> r.from() + " -> " + r.to()).toList());
    }
}
