package dev.netloom.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SQL of one list request: a count and a page, over the {@code fields} index. Field paths
 * and values are parameters, so the SQL text only depends on the shape of the query (how many
 * filters of which kind), never on its content.
 *
 * <p>The first positive filter (equality, range or {@code _like}) drives: its rows of
 * {@code fields}, found through the (collection, path, value) index already in id order, are
 * counted directly and joined to {@code items} for the page, so a page stops reading after
 * offset + limit rows. Every other filter is an {@code id IN (sub-select of fields)}, every sort
 * key a join on (collection, id, path). Without a positive filter, {@code items} drives.
 */
final class ListSql {

    private final String count;
    private final List<Object> countArgs = new ArrayList<>();
    private final String page;
    private final List<Object> pageArgs = new ArrayList<>();

    ListSql(String collection, ListQuery query) {
        ListQuery.Condition driver = query.conditions().stream()
                .filter(c -> c.op() != ListQuery.Op.NE).findFirst().orElse(null);
        List<Object> driverArgs = new ArrayList<>();
        String where = driverWhere(collection, driver, driverArgs);
        String idColumn = driver != null ? "d.id" : "i.id";
        String from = driver != null ? "fields d" : "items i";
        List<Object> filterArgs = new ArrayList<>();
        String filters = filters(collection, query, driver, idColumn, filterArgs);

        count = "SELECT COUNT(*) FROM " + from + where + filters;
        countArgs.addAll(driverArgs);
        countArgs.addAll(filterArgs);

        if (driver != null && query.sort().isEmpty()) {
            // Skip and limit on the index alone; only the page's items are read.
            page = "SELECT i.id, i.version, i.body FROM items i WHERE i.collection = ? AND i.id IN (SELECT d.id FROM fields d"
                    + where + filters + " ORDER BY d.id LIMIT ? OFFSET ?) ORDER BY i.id";
            pageArgs.add(collection);
        } else {
            StringBuilder joins = new StringBuilder(driver != null
                    ? " JOIN items i ON i.collection = d.collection AND i.id = d.id" : "");
            String order = sortJoins(query.sort(), idColumn, joins, pageArgs);
            page = "SELECT i.id, i.version, i.body FROM " + from + joins + where + filters + order + " LIMIT ? OFFSET ?";
        }
        pageArgs.addAll(driverArgs);
        pageArgs.addAll(filterArgs);
        pageArgs.add((long) query.perPage());
        pageArgs.add(query.offset());
    }

    /**
     * The WHERE clause of the driving table: the driver's rows of {@code fields} ({@code d}), or
     * without a driver the collection's {@code items} ({@code i}); its values go to {@code args}.
     */
    private static String driverWhere(String collection, ListQuery.Condition driver, List<Object> args) {
        args.add(collection);
        if (driver == null) {
            return " WHERE i.collection = ?";
        }
        args.add(driver.path());
        return " WHERE d.collection = ? AND d.path = ? AND (" + predicate("d", driver, args) + ")";
    }

    /**
     * Every condition but the driver, and the full-text search, as {@code AND id [NOT] IN
     * (sub-select of fields)} clauses on {@code idColumn}; their values go to {@code args}.
     */
    private static String filters(String collection, ListQuery query, ListQuery.Condition driver, String idColumn,
                                  List<Object> args) {
        StringBuilder filters = new StringBuilder();
        for (ListQuery.Condition c : query.conditions()) {
            if (c == driver) {
                continue;
            }
            filters.append(" AND ").append(idColumn).append(c.op() == ListQuery.Op.NE ? " NOT IN" : " IN")
                    .append(" (SELECT f.id FROM fields f WHERE f.collection = ? AND f.path = ? AND (")
                    .append(predicate("f", c, null)).append("))");
            args.add(collection);
            args.add(c.path());
            predicate("f", c, args);
        }
        query.text().ifPresent(t -> {
            filters.append(" AND ").append(idColumn).append(" IN (SELECT f.id FROM fields f WHERE f.collection = ?"
                    + " AND f.num IS NULL AND f.fold LIKE ? ESCAPE '!')");
            args.add(collection);
            args.add(contains(t));
        });
        return filters.toString();
    }

    /**
     * Appends to {@code joins} one join on {@code fields} per sort key (its path goes to
     * {@code args}) and returns the ORDER BY clause, ending on {@code idColumn}.
     */
    private static String sortJoins(List<ListQuery.SortKey> sort, String idColumn, StringBuilder joins,
                                    List<Object> args) {
        StringBuilder order = new StringBuilder(" ORDER BY ");
        int n = 0;
        for (ListQuery.SortKey k : sort) {
            String s = "s" + n++;
            joins.append(" LEFT JOIN fields ").append(s).append(" ON ").append(s).append(".collection = i.collection AND ")
                    .append(s).append(".id = i.id AND ").append(s).append(".path = ?");
            args.add(k.path());
            String dir = k.descending() ? " DESC" : "";
            // Numbers, then text, then items without the field, in either direction, so
            // SQLite and PostgreSQL (which place NULLs differently) agree.
            order.append("CASE WHEN ").append(s).append(".str IS NULL THEN 1 ELSE 0 END, CASE WHEN ").append(s)
                    .append(".num IS NULL THEN 1 ELSE 0 END, ").append(s).append(".num").append(dir).append(", ")
                    .append(s).append(".str").append(dir).append(", ");
        }
        return order.append(idColumn).toString();
    }

    /**
     * The condition on the row {@code f} of {@code fields}; adds its values to {@code args}
     * when given (called once for the text, once for the values).
     */
    private static String predicate(String f, ListQuery.Condition c, List<Object> args) {
        StringBuilder sql = new StringBuilder();
        switch (c.op()) {
            case EQ, NE -> {
                for (int i = 0; i < c.values().size(); i++) {
                    String v = c.values().get(i);
                    Double num = ListQuery.number(v);
                    sql.append(i == 0 ? "" : " OR ").append(f).append(".str = ?");
                    add(args, v);
                    if (num != null) {
                        sql.append(" OR ").append(f).append(".num = ?");
                        add(args, num);
                    }
                }
            }
            case GT, GTE, LT, LTE -> {
                String op = switch (c.op()) {
                    case GT -> " > ?";
                    case GTE -> " >= ?";
                    case LT -> " < ?";
                    default -> " <= ?";
                };
                for (int i = 0; i < c.values().size(); i++) {
                    String value = c.values().get(i);
                    Double number = ListQuery.number(value);
                    sql.append(i == 0 ? "(" : " OR (").append(number != null ? f + ".num" + op
                            : f + ".num IS NULL AND " + f + ".str" + op).append(')');
                    add(args, number != null ? number : value);
                }
            }
            case REF -> {
                sql.append(f).append(".str = ?");
                add(args, c.values().getFirst());
            }
            case LIKE -> {
                for (int i = 0; i < c.values().size(); i++) {
                    sql.append(i == 0 ? "" : " OR ").append(f).append(".fold LIKE ? ESCAPE '!'");
                    add(args, contains(c.values().get(i)));
                }
            }
        }
        return sql.toString();
    }

    private static void add(List<Object> args, Object v) {
        if (args != null) {
            args.add(v);
        }
    }

    /** A LIKE pattern matching {@code text} anywhere, case-folded as {@link Fields} folds. */
    private static String contains(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        StringBuilder b = new StringBuilder(t.length() + 2).append('%');
        for (int i = 0; i < t.length(); i++) {
            char ch = t.charAt(i);
            if (ch == '%' || ch == '_' || ch == '!') {
                b.append('!');
            }
            b.append(ch);
        }
        return b.append('%').toString();
    }

    String countSql() {
        return count;
    }

    List<Object> countArgs() {
        return countArgs;
    }

    String pageSql() {
        return page;
    }

    List<Object> pageArgs() {
        return pageArgs;
    }

}
