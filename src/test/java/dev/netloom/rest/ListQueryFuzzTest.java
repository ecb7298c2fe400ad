package dev.netloom.rest;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any query parameters: parsing either succeeds or refuses with a 400 problem, and the SQL built
 * from what it accepts has exactly one placeholder per bound value and never contains a byte the
 * client chose (every key and value used is checked to be absent from the SQL text).
 */
class ListQueryFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void clientTextOnlyEverBecomesParameters(FuzzedDataProvider data) {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        int n = data.consumeInt(0, 8);
        for (int i = 0; i < n; i++) {
            params.add(new AbstractMap.SimpleImmutableEntry<>(data.consumeString(24), data.consumeString(24)));
        }
        ListQuery q;
        try {
            q = ListQuery.parse(params, 100);
        } catch (Problem p) {
            assertEquals(400, p.status());
            return;
        }
        assertTrue(q.perPage() >= (q.sliced() ? 0 : 1) && q.perPage() <= 100 && q.page() >= 1 && q.offset() >= 0);
        ListSql sql = new ListSql("users", q);
        assertEquals(placeholders(sql.countSql()), sql.countArgs().size(), sql.countSql());
        assertEquals(placeholders(sql.pageSql()), sql.pageArgs().size(), sql.pageSql());
        for (Map.Entry<String, String> p : params) {
            for (String text : List.of(p.getKey(), p.getValue())) {
                // short strings (a letter, "id") occur in SQL keywords by chance
                if (text.length() >= 4 && !text.isBlank()) {
                    assertFalse(sql.pageSql().contains(text), "client text in SQL: " + text);
                }
            }
        }
    }

    private static int placeholders(String sql) {
        int count = 0;
        boolean quoted = false;
        for (int i = 0; i < sql.length(); i++) {
            char ch = sql.charAt(i);
            if (ch == '\'') {
                quoted = !quoted;
            } else if (ch == '?' && !quoted) {
                count++;
            }
        }
        return count;
    }
}
