package org.kmsagent.agent.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.kmsagent.agent.core.text.Table;

/** Prints the benchmark figures as one table: figure, value, baseline, ratio, target, verdict. */
public final class BenchReport {
    private BenchReport() {}

    public static void print(List<BenchFigure> figures, PrintWriter out) {
        Table table = new Table(
                        "BENCHMARK",
                        "FIGURE",
                        "VALUE",
                        "UNIT",
                        "BASELINE",
                        "BASELINE VALUE",
                        "RATIO",
                        "TARGET",
                        "VERDICT")
                .rightAligned(2, 5, 6); // VALUE, BASELINE VALUE and RATIO line up by their last digit
        for (BenchFigure f : figures) {
            String target = f.targetRatio().isPresent()
                    ? (f.higherIsBetter() ? ">=" : "<=")
                            + number(f.targetRatio().getAsDouble())
                    : "-";
            String verdict = f.targetRatio().isEmpty() ? "" : f.meetsTarget() ? "met" : "MISSED";
            table.row(
                    f.benchmark(),
                    f.figure(),
                    number(f.value()),
                    f.unit(),
                    f.baselineName(),
                    number(f.baseline()),
                    number(f.ratio()),
                    target,
                    verdict);
        }
        table.print(out);
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
