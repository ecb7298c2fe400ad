package dev.netloom.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a {@code GET /{collection}} asks for, parsed from its query parameters (in the style
 * of json-server):
 * <ul>
 *   <li>{@code field=value} equality, repeated for "any of"; {@code a.b=value} for nested fields;</li>
 *   <li>{@code field_gte}, {@code _lte}, {@code _gt}, {@code _lt} (numbers compare as numbers,
 *       anything else as text), {@code _ne}, {@code _like} (substring, case-insensitive),
 *       {@code _in} (comma-separated);</li>
 *   <li>{@code q} full text over string values;</li>
 *   <li>{@code _sort=-age,name} (also {@code _order=desc,asc}), {@code _page}, {@code _per_page}
 *       (alias {@code _limit}), {@code _fields}, {@code _embed}, {@code _expand} (each of the last
 *       three repeatable: every one applies);</li>
 *   <li>slices as json-server takes them: {@code _start} (0-based), {@code _end} (exclusive) or
 *       {@code _limit} after {@code _start}.</li>
 * </ul>
 * A repeated operator parameter is "any of" ({@code views_gte=100&views_gte=300}), but a repeated
 * {@code _ne} is "none of". Any other parameter starting with {@code _} is an error (400), so a
 * typo is not silently a filter.
 *
 * @param perPage the page size, or in a slice its length (0 when {@code _end} equals {@code _start})
 * @param start   the slice's first item (0-based), or -1 when the query pages
 */
record ListQuery(List<Condition> conditions, Optional<String> text, List<SortKey> sort, long page, int perPage,
                 boolean pageAsked, long start, List<String> fields, List<String> embed, List<String> expand) {

    /**
     * EQ to LIKE come from the query's {@code field_op} names; REF is no parameter: a nested
     * route's parent id, compared as text, as json-server compares it ({@code 5} and {@code "5"}
     * match; one index lookup, where EQ's text-or-number test reads every row of the field).
     */
    enum Op { EQ, NE, GT, GTE, LT, LTE, LIKE, REF }

    /** One filter: the field's dotted path, the operator and its values (several: any of; for NE: none of). */
    record Condition(Op op, String path, List<String> values) {
    }

    record SortKey(String path, boolean descending) {
    }

    static final int MAX_VALUES = 100;
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final int DEFAULT_PER_PAGE = 10;
    private static final String KNOWN = "q, _sort, _order, _page, _per_page, _limit, _start, _end, _fields, _embed, _expand";

    /** The value as a JSON number, or null when it is not one. */
    static Double number(String value) {
        if (value.length() > 40 || !NUMBER.matcher(value).matches()) {
            return null;
        }
        double d = Double.parseDouble(value);
        return Double.isFinite(d) ? d : null;
    }

    /**
     * Parses decoded parameters in their order.
     *
     * @throws Problem 400 naming the parameter that is wrong
     */
    static ListQuery parse(List<Map.Entry<String, String>> params, int maxPerPage) {
        Map<String, Condition> merged = new LinkedHashMap<>();
        String text = null;
        String sortSpec = null;
        String order = null;
        Long page = null;
        Integer perPage = null;
        Long start = null;
        Long end = null;
        List<String> fields = new ArrayList<>();
        List<String> embed = new ArrayList<>();
        List<String> expand = new ArrayList<>();
        for (Map.Entry<String, String> p : params) {
            String key = p.getKey();
            String value = p.getValue();
            switch (key) {
                case "q" -> text = value;
                case "_sort" -> sortSpec = value;
                case "_order" -> order = value;
                case "_page" -> page = positive(key, value, 1, Long.MAX_VALUE / maxPerPage);
                case "_per_page", "_limit" -> perPage = (int) positive(key, value, 1, maxPerPage);
                case "_start" -> start = positive(key, value, 0, Long.MAX_VALUE / 2);
                case "_end" -> end = positive(key, value, 0, Long.MAX_VALUE / 2);
                case "_fields" -> addNames(fields, key, value);
                case "_embed" -> addNames(embed, key, value);
                case "_expand" -> addNames(expand, key, value);
                default -> {
                    if (key.startsWith("_")) {
                        throw Problem.badRequest("unknown query parameter '" + key + "' (known: " + KNOWN + ")");
                    }
                    Condition c = condition(key, value);
                    // the same operator on the same field again: one condition with every value
                    String same = c.op() + " " + c.path();
                    Condition before = merged.get(same);
                    if (before != null) {
                        List<String> values = new ArrayList<>(before.values());
                        values.addAll(c.values());
                        checkCount(key, values);
                        c = new Condition(c.op(), c.path(), values);
                    }
                    merged.put(same, c);
                }
            }
        }
        // checked even without _sort, so a wrong value is never silently ignored
        List<Boolean> descending = order == null ? List.of() : orders(order);
        List<SortKey> sort = sortSpec == null ? List.of() : sort(sortSpec, descending);
        List<Condition> conditions = List.copyOf(merged.values());
        if (start != null || end != null) {
            if (page != null) {
                throw Problem.badRequest("_page cannot be combined with _start or _end: page, or slice");
            }
            long from = start == null ? 0 : start;
            int length = perPage == null ? maxPerPage : perPage;
            if (end != null) {
                if (perPage != null) {
                    throw Problem.badRequest("_end cannot be combined with _limit or _per_page: give the end, or the length");
                }
                if (end - from > maxPerPage) {
                    throw Problem.badRequest("_end - _start is " + (end - from) + ", more than " + maxPerPage
                            + " items (rest.max-per-page)");
                }
                length = (int) Math.max(0, end - from);
            }
            return new ListQuery(conditions, Optional.ofNullable(text), sort, 1, length, true, from,
                    List.copyOf(fields), List.copyOf(embed), List.copyOf(expand));
        }
        boolean asked = page != null || perPage != null;
        return new ListQuery(conditions, Optional.ofNullable(text), sort, page == null ? 1 : page,
                perPage != null ? perPage : page != null ? Math.min(DEFAULT_PER_PAGE, maxPerPage) : maxPerPage,
                asked, -1, List.copyOf(fields), List.copyOf(embed), List.copyOf(expand));
    }

    /** True for a {@code _start}/{@code _end} slice, which has no pages (and so no {@code Link}). */
    boolean sliced() {
        return start >= 0;
    }

    long offset() {
        return sliced() ? start : (page - 1) * perPage;
    }

    private static Condition condition(String key, String value) {
        for (Op op : Op.values()) {
            if (op == Op.EQ || op == Op.REF) {
                continue;
            }
            String suffix = "_" + op.name().toLowerCase(Locale.ROOT);
            if (key.endsWith(suffix) && key.length() > suffix.length()) {
                String path = path(key, key.substring(0, key.length() - suffix.length()));
                return new Condition(op, path, List.of(value));
            }
        }
        if (key.endsWith("_in") && key.length() > 3) {
            List<String> values = List.of(value.split(",", -1));
            checkCount(key, values);
            return new Condition(Op.EQ, path(key, key.substring(0, key.length() - 3)), values);
        }
        return new Condition(Op.EQ, path(key, key), List.of(value));
    }

    private static void checkCount(String key, List<String> values) {
        if (values.size() > MAX_VALUES) {
            throw Problem.badRequest("too many values for '" + key + "' (at most " + MAX_VALUES + ")");
        }
    }

    private static String path(String key, String path) {
        if (path.length() > 200 || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
            throw Problem.badRequest("bad field path in '" + key + "': use names separated by single dots, like address.city");
        }
        return path;
    }

    private static long positive(String key, String value, long min, long max) {
        try {
            long n = Long.parseLong(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Problem.badRequest(key + " must be a whole number from " + min + " to " + max + ", not '" + value + "'");
    }

    /** Adds the names of a repeated {@code _fields}, {@code _embed} or {@code _expand}, each once. */
    private static void addNames(List<String> into, String key, String value) {
        for (String n : names(key, value)) {
            if (!into.contains(n)) {
                into.add(n);
            }
        }
        if (into.size() > MAX_VALUES) {
            throw Problem.badRequest("too many names in " + key + " (at most " + MAX_VALUES + ")");
        }
    }

    private static List<String> names(String key, String value) {
        List<String> names = new ArrayList<>();
        for (String n : value.split(",")) {
            String s = n.strip();
            if (s.isEmpty()) {
                throw Problem.badRequest(key + " wants comma-separated names, not '" + value + "'");
            }
            names.add(path(key, s));
        }
        if (names.size() > MAX_VALUES) {
            throw Problem.badRequest("too many names in " + key + " (at most " + MAX_VALUES + ")");
        }
        return List.copyOf(names);
    }

    /** {@code _order}: asc or desc for each {@code _sort} key in turn; true for desc. */
    private static List<Boolean> orders(String order) {
        List<Boolean> out = new ArrayList<>();
        for (String o : names("_order", order)) {
            switch (o.toLowerCase(Locale.ROOT)) {
                case "desc" -> out.add(true);
                case "asc" -> out.add(false);
                default -> throw Problem.badRequest("_order wants asc or desc, not '" + o + "'");
            }
        }
        return out;
    }

    private static List<SortKey> sort(String spec, List<Boolean> orders) {
        List<String> keys = names("_sort", spec);
        List<SortKey> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            String k = keys.get(i);
            boolean desc = k.startsWith("-");
            if (desc) {
                k = path("_sort", k.substring(1));
            }
            if (i < orders.size() && orders.get(i)) {
                desc = true;
            }
            if (k.isEmpty()) {
                throw Problem.badRequest("_sort has an empty field name");
            }
            out.add(new SortKey(k, desc));
        }
        return out;
    }
}
