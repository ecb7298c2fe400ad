package dev.netloom.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SQL of one list request: a count and a page, over the {@code fields} index. Every
 * filter is a sub-select of ids from {@code fields} by (collection, path, value), every sort
 * key a join on (collection, id, path); field paths and values are parameters, so the SQL text
 * only depends on the shape of the query (how many filters of which kind), never on its content.
 */
final class ListSql {

    private final StringBuilder where = new StringBuilder(" WHERE i.collection = ?");
    private final List<Object> whereArgs = new ArrayList<>();
    private final StringBuilder joins = new StringBuilder();
    private final List<Object> joinArgs = new ArrayList<>();
    private final StringBuilder order = new StringBuilder(" ORDER BY ");
    private final ListQuery query;

    ListSql(String collection, ListQuery query) {
        this.query = query;
        whereArgs.add(collection);
        for (ListQuery.Condition c : query.conditions()) {
            condition(collection, c);
        }
        query.text().ifPresent(t -> {
            where.append(" AND i.id IN (SELECT f.id FROM fields f WHERE f.collection = ? AND f.num IS NULL"
                    + " AND f.fold LIKE ? ESCAPE '!')");
            whereArgs.add(collection);
            whereArgs.add(contains(t));
        });
        int n = 0;
        for (ListQuery.SortKey k : query.sort()) {
            String s = "s" + n++;
            joins.append(" LEFT JOIN fields ").append(s).append(" ON ").append(s).append(".collection = i.collection AND ")
                    .append(s).append(".id = i.id AND ").append(s).append(".path = ?");
            joinArgs.add(k.path());
            String dir = k.descending() ? " DESC" : "";
            // Numbers, then text, then items without the field, in either direction, so
            // SQLite and PostgreSQL (which place NULLs differently) agree.
            order.append("CASE WHEN ").append(s).append(".str IS NULL THEN 1 ELSE 0 END, CASE WHEN ").append(s)
                    .append(".num IS NULL THEN 1 ELSE 0 END, ").append(s).append(".num").append(dir).append(", ")
                    .append(s).append(".str").append(dir).append(", ");
        }
        order.append("i.id");
    }

    private void condition(String collection, ListQuery.Condition c) {
        String sub = " i.id IN (SELECT f.id FROM fields f WHERE f.collection = ? AND f.path = ? AND ";
        whereArgs.add(collection);
        whereArgs.add(c.path());
        String value = c.values().getFirst();
        Double number = ListQuery.number(value);
        switch (c.op()) {
            case EQ, NE -> {
                where.append(c.op() == ListQuery.Op.NE ? " AND NOT" : " AND").append(sub).append('(');
                for (int i = 0; i < c.values().size(); i++) {
                    String v = c.values().get(i);
                    Double num = ListQuery.number(v);
                    where.append(i == 0 ? "" : " OR ").append(num == null ? "f.str = ?" : "f.str = ? OR f.num = ?");
                    whereArgs.add(v);
                    if (num != null) {
                        whereArgs.add(num);
                    }
                }
                where.append("))");
            }
            case GT, GTE, LT, LTE -> {
                String op = switch (c.op()) {
                    case GT -> " > ?";
                    case GTE -> " >= ?";
                    case LT -> " < ?";
                    default -> " <= ?";
                };
                where.append(" AND").append(sub).append(number != null ? "f.num" + op : "f.num IS NULL AND f.str" + op)
                        .append(')');
                whereArgs.add(number != null ? number : value);
            }
            case LIKE -> {
                where.append(" AND").append(sub).append("f.fold LIKE ? ESCAPE '!')");
                whereArgs.add(contains(value));
            }
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
        return "SELECT COUNT(*) FROM items i" + where;
    }

    List<Object> countArgs() {
        return whereArgs;
    }

    String pageSql() {
        return "SELECT i.id, i.version, i.body FROM items i" + joins + where + order + " LIMIT ? OFFSET ?";
    }

    List<Object> pageArgs() {
        List<Object> args = new ArrayList<>(joinArgs.size() + whereArgs.size() + 2);
        args.addAll(joinArgs);
        args.addAll(whereArgs);
        args.add((long) query.perPage());
        args.add(query.offset());
        return args;
    }
}
