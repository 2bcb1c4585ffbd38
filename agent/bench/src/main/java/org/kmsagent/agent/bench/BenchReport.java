package org.kmsagent.agent.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Prints the benchmark figures as one table: figure, value, baseline, ratio, target, verdict. */
public final class BenchReport {
    private BenchReport() {}

    public static void print(List<BenchFigure> figures, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {
            "BENCHMARK", "FIGURE", "VALUE", "UNIT", "BASELINE", "BASELINE VALUE", "RATIO", "TARGET", "VERDICT"
        });
        for (BenchFigure f : figures) {
            String target = f.targetRatio().isPresent()
                    ? (f.higherIsBetter() ? ">=" : "<=")
                            + number(f.targetRatio().getAsDouble())
                    : "-";
            String verdict = f.targetRatio().isEmpty() ? "" : f.meetsTarget() ? "met" : "MISSED";
            rows.add(new String[] {
                f.benchmark(),
                f.figure(),
                number(f.value()),
                f.unit(),
                f.baselineName(),
                number(f.baseline()),
                number(f.ratio()),
                target,
                verdict
            });
        }
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                boolean numeric = i == 2 || i == 5 || i == 6;
                String cell = numeric
                        ? " ".repeat(width[i] - r[i].length()) + r[i]
                        : r[i] + " ".repeat(width[i] - r[i].length());
                line.append(cell).append("  ");
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Math.abs(v) >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
