package org.kmsagent.agent.bench;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The JSON of {@code kms-agent bench --json} ({@code {figures: [...], failed: [...]}}, documented in
 * docs/performance.md), written by the command and read back from a benchmark's own process
 * ({@link BenchmarkProcess}). A value with no number ({@code NaN}: a figure without a baseline) is written as the string
 * {@code "NaN"}, as JSON has no such number.
 */
final class BenchJson {
    private BenchJson() {}

    /** What a run printed: its figures and the benchmarks that failed, each "name: why". */
    record Run(List<BenchFigure> figures, List<String> failed) {}

    static String write(List<BenchFigure> figures, List<String> failed) {
        JsonArray rows = new JsonArray();
        for (BenchFigure f : figures) {
            rows.add(new JsonObject()
                    .put("benchmark", f.benchmark())
                    .put("figure", f.figure())
                    .put("value", f.value())
                    .put("unit", f.unit())
                    .put("baseline", f.baselineName())
                    .put("baselineValue", f.baseline())
                    .put("higherIsBetter", f.higherIsBetter())
                    .put(
                            "targetRatio",
                            f.targetRatio().isPresent() ? f.targetRatio().getAsDouble() : null));
        }
        return new JsonObject()
                .put("figures", rows)
                .put("failed", new JsonArray(failed))
                .encodePrettily();
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @throws IllegalArgumentException naming what is missing or of the wrong kind
     */
    static Run read(String json) {
        JsonObject root;
        try {
            root = new JsonObject(json);
        } catch (DecodeException e) {
            throw new IllegalArgumentException("not the JSON of bench --json: " + e.getMessage(), e);
        }
        List<BenchFigure> figures = new ArrayList<>();
        JsonArray rows = array(root, "figures");
        for (int i = 0; i < rows.size(); i++) {
            JsonObject r = rows.getJsonObject(i);
            String at = "figures[" + i + "]";
            Object target = r.getValue("targetRatio");
            figures.add(new BenchFigure(
                    text(r, "benchmark", at),
                    text(r, "figure", at),
                    number(r, "value", at),
                    text(r, "unit", at),
                    text(r, "baseline", at),
                    number(r, "baselineValue", at),
                    Boolean.TRUE.equals(r.getValue("higherIsBetter")),
                    target == null ? OptionalDouble.empty() : OptionalDouble.of(number(r, "targetRatio", at))));
        }
        List<String> failed = new ArrayList<>();
        array(root, "failed").forEach(f -> failed.add(String.valueOf(f)));
        return new Run(figures, failed);
    }

    private static JsonArray array(JsonObject o, String key) {
        if (!(o.getValue(key) instanceof JsonArray a)) {
            throw new IllegalArgumentException("bench JSON: " + key + " must be an array");
        }
        return a;
    }

    private static String text(JsonObject o, String key, String at) {
        if (!(o.getValue(key) instanceof String s)) {
            throw new IllegalArgumentException("bench JSON " + at + "." + key + ": must be a string");
        }
        return s;
    }

    private static double number(JsonObject o, String key, String at) {
        Object v = o.getValue(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s); // "NaN", "Infinity"
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("bench JSON " + at + "." + key + ": must be a number, got " + v);
    }
}
