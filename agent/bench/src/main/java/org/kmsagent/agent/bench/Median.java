package org.kmsagent.agent.bench;

import java.util.Arrays;

/** The median the benchmarks report of their rounds (the upper one of an even count). */
final class Median {
    private Median() {}

    /** The median of {@code values}; NaN when there are none (no round completed). */
    static double of(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
