package org.kmsagent.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fleet benchmark's quick mode runs end to end, so the harness cannot rot (its figures are not judged here). */
class FleetBenchmarkQuickIT {
    @Test
    void quickRunMeasuresFanOutAndHubMemoryAgainstTheirBaselines() throws Exception {
        List<BenchFigure> figures = new FleetBenchmark().run(true);

        assertThat(figures).hasSize(4).allSatisfy(f -> assertThat(f.benchmark()).isEqualTo("fleet"));
        // Times always grow. Heap, direct-buffer and resident-memory differences of a 50-agent run are within the noise
        // of a test JVM that other tests
        // have used (a baseline once read -7 KB), so the quick run only checks that they were measured; the full run
        // (kms-agent bench) is where the figures are read.
        BenchFigure fanOut = figures.get(0);
        assertThat(fanOut.value()).isPositive();
        assertThat(fanOut.baseline()).isPositive();
        assertThat(figures.subList(1, 4)).allSatisfy(f -> {
            assertThat(f.value()).isFinite();
            assertThat(f.baseline()).isFinite();
        });
        figures.forEach(f -> System.out.printf(
                "%s: %.1f %s (baseline %s: %.1f)%n", f.figure(), f.value(), f.unit(), f.baselineName(), f.baseline()));
    }
}
