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
 *       (alias {@code _limit}), {@code _fields}, {@code _embed}, {@code _expand}.</li>
 * </ul>
 * Any other parameter starting with {@code _} is an error (400), so a typo is not silently a filter.
 */
record ListQuery(List<Condition> conditions, Optional<String> text, List<SortKey> sort, long page, int perPage,
                 boolean pageAsked, List<String> fields, List<String> embed, List<String> expand) {

    enum Op { EQ, NE, GT, GTE, LT, LTE, LIKE }

    /** One filter: the field's dotted path, the operator and its values (several for EQ/NE: any of). */
    record Condition(Op op, String path, List<String> values) {
    }

    record SortKey(String path, boolean descending) {
    }

    static final int MAX_VALUES = 100;
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final int DEFAULT_PER_PAGE = 10;

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
        Map<String, Condition> equal = new LinkedHashMap<>();
        List<Condition> conditions = new ArrayList<>();
        String text = null;
        String sortSpec = null;
        String order = null;
        Long page = null;
        Integer perPage = null;
        List<String> fields = List.of();
        List<String> embed = List.of();
        List<String> expand = List.of();
        for (Map.Entry<String, String> p : params) {
            String key = p.getKey();
            String value = p.getValue();
            switch (key) {
                case "q" -> text = value;
                case "_sort" -> sortSpec = value;
                case "_order" -> order = value;
                case "_page" -> page = positive(key, value, Long.MAX_VALUE / maxPerPage);
                case "_per_page", "_limit" -> perPage = (int) positive(key, value, maxPerPage);
                case "_fields" -> fields = names(key, value);
                case "_embed" -> embed = names(key, value);
                case "_expand" -> expand = names(key, value);
                default -> {
                    if (key.startsWith("_")) {
                        throw Problem.badRequest("unknown query parameter '" + key
                                + "' (known: q, _sort, _order, _page, _per_page, _limit, _fields, _embed, _expand)");
                    }
                    Condition c = condition(key, value);
                    if (c.op() == Op.EQ && equal.containsKey(c.path())) {
                        Condition before = equal.get(c.path());
                        List<String> values = new ArrayList<>(before.values());
                        values.addAll(c.values());
                        checkCount(key, values);
                        Condition merged = new Condition(Op.EQ, c.path(), values);
                        conditions.set(conditions.indexOf(before), merged);
                        equal.put(c.path(), merged);
                    } else {
                        conditions.add(c);
                        if (c.op() == Op.EQ) {
                            equal.put(c.path(), c);
                        }
                    }
                }
            }
        }
        // checked even without _sort, so a wrong value is never silently ignored
        List<Boolean> descending = order == null ? List.of() : orders(order);
        List<SortKey> sort = sortSpec == null ? List.of() : sort(sortSpec, descending);
        boolean asked = page != null || perPage != null;
        return new ListQuery(List.copyOf(conditions), Optional.ofNullable(text), sort, page == null ? 1 : page,
                perPage != null ? perPage : page != null ? Math.min(DEFAULT_PER_PAGE, maxPerPage) : maxPerPage,
                asked, fields, embed, expand);
    }

    long offset() {
        return (page - 1) * perPage;
    }

    private static Condition condition(String key, String value) {
        for (Op op : Op.values()) {
            if (op == Op.EQ) {
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

    private static long positive(String key, String value, long max) {
        try {
            long n = Long.parseLong(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Problem.badRequest(key + " must be a whole number from 1 to " + max + ", not '" + value + "'");
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
