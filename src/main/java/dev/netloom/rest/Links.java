package dev.netloom.rest;

import java.util.ArrayList;
import java.util.List;

/**
 * The RFC 8288 {@code Link} header of a paged list: first, prev, next and last, each the
 * request's own path and query with {@code _page} and {@code _per_page} set (other parameters
 * kept as the client encoded them).
 */
final class Links {

    private Links() {
    }

    static String header(RestExchange x, ListQuery q, long total) {
        long last = Math.max(1, (total + q.perPage() - 1) / q.perPage());
        String base = base(x);
        List<String> links = new ArrayList<>(4);
        links.add(link(base, 1, q.perPage(), "first"));
        if (q.page() > 1) {
            links.add(link(base, Math.min(q.page() - 1, last), q.perPage(), "prev"));
        }
        if (q.page() < last) {
            links.add(link(base, q.page() + 1, q.perPage(), "next"));
        }
        links.add(link(base, last, q.perPage(), "last"));
        return String.join(", ", links);
    }

    private static String base(RestExchange x) {
        String raw = x.rawQuery();
        StringBuilder b = new StringBuilder(x.path()).append('?');
        if (raw != null) {
            for (String part : raw.split("&")) {
                String key = part.contains("=") ? part.substring(0, part.indexOf('=')) : part;
                if (part.isEmpty() || key.equals("_page") || key.equals("_per_page") || key.equals("_limit")) {
                    continue;
                }
                b.append(part).append('&');
            }
        }
        return b.toString();
    }

    private static String link(String base, long page, int perPage, String rel) {
        return "<" + base + "_page=" + page + "&_per_page=" + perPage + ">; rel=\"" + rel + "\"";
    }
}
