package dev.netloom.rest;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * English plurals and singulars of collection names, for the relations json-server draws from
 * names ({@code _expand=category} reads {@code categories}; {@code posts} is pointed at by
 * {@code postId}). A subset of the {@code pluralize} package json-server uses: irregular words
 * (person/people, child/children, man/men, ...), uncountable ones (news, series, sheep, ...), and
 * the regular rules (category/categories, box/boxes, church/churches, status/statuses,
 * knife/knives, wolf/wolves, analysis/analyses, index/indices, post/posts). The case of the first
 * letter is kept; anything else a rule does not know gets or loses a plain {@code s}.
 */
final class Inflections {

    private record Rule(Pattern pattern, String replacement) {
    }

    private static final Map<String, String> IRREGULAR = Map.ofEntries(
            Map.entry("person", "people"), Map.entry("man", "men"), Map.entry("woman", "women"),
            Map.entry("child", "children"), Map.entry("tooth", "teeth"), Map.entry("foot", "feet"),
            Map.entry("mouse", "mice"), Map.entry("goose", "geese"), Map.entry("ox", "oxen"),
            Map.entry("quiz", "quizzes"), Map.entry("movie", "movies"), Map.entry("cookie", "cookies"),
            Map.entry("die", "dice"), Map.entry("leaf", "leaves"));
    private static final Map<String, String> IRREGULAR_PLURAL = new HashMap<>();
    private static final Set<String> UNCOUNTABLE = Set.of("equipment", "information", "rice", "money", "species",
            "series", "fish", "sheep", "deer", "moose", "news", "data", "metadata", "media", "feedback", "software",
            "staff", "traffic", "weather");
    private static final List<Rule> PLURAL = List.of(
            rule("([^aeiou])y$", "$1ies"),
            rule("(matr|append)ix$", "$1ices"),
            rule("(vert|ind|cod)ex$", "$1ices"),
            rule("(analy|ba|diagno|parenthe|progno|synop|the|cri)sis$", "$1ses"),
            rule("([^f])fe$", "$1ves"),
            rule("([lr])f$", "$1ves"),
            rule("(s|x|z|ch|sh)$", "$1es"),
            rule("$", "s"));
    private static final List<Rule> SINGULAR = List.of(
            rule("([^aeiou])ies$", "$1y"),
            rule("(matr|append)ices$", "$1ix"),
            rule("(vert|ind|cod)ices$", "$1ex"),
            rule("(analy|ba|diagno|parenthe|progno|synop|the|cri)ses$", "$1sis"),
            rule("(kni|wi|li)ves$", "$1fe"),
            rule("([lr])ves$", "$1f"),
            rule("([^aou]us|alias|gas|ris)es$", "$1"),
            rule("(x|ch|ss|sh|zz)es$", "$1"),
            rule("([^su])s$", "$1"));

    static {
        IRREGULAR.forEach((one, many) -> IRREGULAR_PLURAL.put(many, one));
    }

    private Inflections() {
    }

    private static Rule rule(String regex, String replacement) {
        return new Rule(Pattern.compile(regex, Pattern.CASE_INSENSITIVE), replacement);
    }

    /** The plural of {@code word}: {@code category} → {@code categories}, {@code person} → {@code people}. */
    static String plural(String word) {
        return inflect(word, IRREGULAR, PLURAL);
    }

    /** The singular of {@code word}: {@code categories} → {@code category}, {@code people} → {@code person}. */
    static String singular(String word) {
        return inflect(word, IRREGULAR_PLURAL, SINGULAR);
    }

    private static String inflect(String word, Map<String, String> irregular, List<Rule> rules) {
        String lower = word.toLowerCase(Locale.ROOT);
        if (word.isEmpty() || UNCOUNTABLE.contains(lower)) {
            return word;
        }
        String known = irregular.get(lower);
        if (known != null) {
            return Character.isUpperCase(word.charAt(0))
                    ? Character.toUpperCase(known.charAt(0)) + known.substring(1) : known;
        }
        if (irregular == IRREGULAR && IRREGULAR_PLURAL.containsKey(lower)
                || irregular == IRREGULAR_PLURAL && IRREGULAR.containsKey(lower)) {
            return word; // already in the form asked for (people, person)
        }
        for (Rule r : rules) {
            Matcher m = r.pattern().matcher(word);
            if (m.find()) {
                return m.replaceFirst(r.replacement());
            }
        }
        return word;
    }
}
