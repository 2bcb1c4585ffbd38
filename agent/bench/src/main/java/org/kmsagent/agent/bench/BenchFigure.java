package org.kmsagent.agent.bench;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One measured figure beside its baseline.
 *
 * @param benchmark the benchmark's name
 * @param figure what was measured, e.g. "durable ledger requests/s"
 * @param value the measured value
 * @param unit its unit, e.g. "req/s"
 * @param baselineName what the baseline is, e.g. "raw H2 inserts"
 * @param baseline the baseline's value, in the same unit
 * @param higherIsBetter whether a larger value is better (throughput) or worse (latency, memory)
 * @param targetRatio the ratio value/baseline the target asks for, if any (e.g. 0.5 for "at least half")
 */
public record BenchFigure(
        String benchmark,
        String figure,
        double value,
        String unit,
        String baselineName,
        double baseline,
        boolean higherIsBetter,
        OptionalDouble targetRatio) {
    public BenchFigure {
        Objects.requireNonNull(benchmark, "benchmark");
        Objects.requireNonNull(figure, "figure");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(baselineName, "baselineName");
        Objects.requireNonNull(targetRatio, "targetRatio");
    }

    /** value / baseline. */
    public double ratio() {
        return baseline == 0 ? Double.NaN : value / baseline;
    }

    /** Whether the target is met; true when there is none. */
    public boolean meetsTarget() {
        if (targetRatio.isEmpty()) {
            return true;
        }
        return higherIsBetter ? ratio() >= targetRatio.getAsDouble() : ratio() <= targetRatio.getAsDouble();
    }
}
