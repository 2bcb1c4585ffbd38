package org.kmsagent.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the bridge benchmark from rotting: its quick mode runs and measures both sides. The target itself is judged
 * by {@code kms-agent bench}, never by a test (a timed test on shared CI cores would be noise).
 */
class BridgeBenchmarkQuickTest {
    @Test
    void quickModeMeasuresTheBridgeBesideTheRawEcho() throws Exception {
        List<BenchFigure> figures = new BridgeBenchmark().run(true);
        figures.forEach(f -> System.out.printf(
                "%s: %.1f %s vs %s %.1f (ratio %.2f)%n",
                f.figure(), f.value(), f.unit(), f.baselineName(), f.baseline(), f.ratio()));
        assertThat(figures).hasSize(2).allSatisfy(f -> {
            assertThat(f.value()).isPositive();
            assertThat(f.baseline()).isPositive();
        });
        assertThat(figures.get(0).targetRatio()).hasValue(0.5);
    }
}
