package dev.netloom.shell;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An aligned text table: a header row and data rows, columns padded to their widest cell;
 * columns whose cells are all numbers (or sizes and durations) are right-aligned.
 */
final class Table {

    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();

    private Table(String... headers) {
        this.headers = headers;
    }

    static Table of(String... headers) {
        return new Table(headers);
    }

    Table row(Object... cells) {
        String[] r = new String[headers.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i < cells.length && cells[i] != null ? String.valueOf(cells[i]) : "-";
        }
        rows.add(r);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintWriter out) {
        int[] width = new int[headers.length];
        boolean[] right = new boolean[headers.length];
        Arrays.fill(right, !rows.isEmpty());
        for (int i = 0; i < headers.length; i++) {
            width[i] = headers[i].length();
            for (String[] r : rows) {
                width[i] = Math.max(width[i], r[i].length());
                right[i] &= r[i].matches("-|[0-9][0-9.,/:]*( ?[A-Za-z]{0,3})?([0-9]+[a-z]{1,2})*");
            }
        }
        line(out, headers, width, right);
        for (String[] r : rows) {
            line(out, r, width, right);
        }
        out.flush();
    }

    private static void line(PrintWriter out, String[] cells, int[] width, boolean[] right) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            boolean last = i == cells.length - 1;
            String pad = " ".repeat(width[i] - cells[i].length());
            if (right[i]) {
                sb.append(pad).append(cells[i]);
            } else {
                sb.append(cells[i]).append(last ? "" : pad);
            }
            if (!last) {
                sb.append("  ");
            }
        }
        out.println(sb.toString().stripTrailing());
    }
}
