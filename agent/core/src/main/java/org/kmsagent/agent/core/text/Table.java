package org.kmsagent.agent.core.text;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The one plain-text table every command prints: a header row and columns as wide as their widest cell, left-aligned
 * unless marked right-aligned (numbers); a missing value prints as {@code -}.
 */
public final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final Set<Integer> right = new HashSet<>();

    public Table(String... header) {
        rows.add(header);
    }

    /** Right-aligns the given columns (0-based), header included, so that numbers line up by their last digit. */
    public Table rightAligned(int... columns) {
        for (int c : columns) {
            right.add(c);
        }
        return this;
    }

    public Table row(Object... cells) {
        String[] text = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            text[i] = cells[i] == null ? "-" : String.valueOf(cells[i]);
        }
        rows.add(text);
        return this;
    }

    public void print(PrintWriter out) {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String pad = " ".repeat(width[i] - r[i].length());
                if (right.contains(i)) {
                    line.append(pad).append(r[i]);
                } else {
                    line.append(r[i]).append(i + 1 < columns ? pad : "");
                }
                if (i + 1 < columns) {
                    line.append("  ");
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }
}
