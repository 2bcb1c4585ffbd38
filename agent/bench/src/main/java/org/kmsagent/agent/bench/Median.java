package org.kmsagent.agent.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

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

    /** The item of median {@code key} among {@code items}, which must not be empty. */
    static <T> T by(List<T> items, ToDoubleFunction<T> key) {
        List<T> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparingDouble(key));
        return sorted.get(sorted.size() / 2);
    }
}
