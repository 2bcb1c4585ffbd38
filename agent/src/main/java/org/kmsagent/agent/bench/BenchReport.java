package org.kmsagent.agent.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Prints the benchmark figures as one table: figure, value, baseline, ratio, target, verdict. */
public final class BenchReport {
  private BenchReport() {}

  public static void print(List<BenchFigure> figures, PrintWriter out) {
    String format = "%-12s %-40s %14s %-9s %-34s %14s %8s %8s  %s%n";
    out.printf(Locale.ROOT, format, "BENCHMARK", "FIGURE", "VALUE", "UNIT", "BASELINE", "BASELINE VALUE", "RATIO",
        "TARGET", "VERDICT");
    for (BenchFigure f : figures) {
      String target = f.targetRatio().isPresent()
          ? (f.higherIsBetter() ? ">=" : "<=") + number(f.targetRatio().getAsDouble()) : "-";
      String verdict = f.targetRatio().isEmpty() ? "" : f.meetsTarget() ? "met" : "MISSED";
      out.printf(Locale.ROOT, format, f.benchmark(), f.figure(), number(f.value()), f.unit(), f.baselineName(),
          number(f.baseline()), number(f.ratio()), target, verdict);
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
