package org.kmsagent.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.testsupport.LabFixtures;
import org.kmsagent.agent.testsupport.TestFamilies;

/** The benchmark runs and reports its figure beside a baseline (its speed is measured by running it, not here). */
class SimulationBenchmarkTest {

    @Test
    void quickRunReportsSimulatedEventsBesideTheBareLoop() throws Exception {
        List<BenchFigure> figures = new SimulationBenchmark(TestFamilies::all, LabFixtures.TEST_HOST).run(true);
        assertThat(figures).hasSize(4);
        BenchFigure f = figures.get(0);
        assertThat(f.figure()).contains("2,000 machines x 365 days", "default (memory) ledger");
        assertThat(f.value()).isPositive();
        assertThat(f.baseline()).isPositive();
        assertThat(f.targetRatio()).hasValue(0.25);
        assertThat(figures.get(2).figure()).startsWith("engine only");
        assertThat(figures.get(2).targetRatio()).hasValue(0.5);
        BenchFigure heap = figures.get(3);
        assertThat(heap.figure()).startsWith("live heap per simulated machine");
        assertThat(heap.value()).isPositive();
    }
}
