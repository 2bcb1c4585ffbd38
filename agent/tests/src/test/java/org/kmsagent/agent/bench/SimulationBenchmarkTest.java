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
        assertThat(figures).hasSize(5);
        BenchFigure f = figures.get(0);
        assertThat(f.figure())
                .contains(
                        "2,000 machines x 365 days",
                        "default (memory) ledger",
                        "median ratio of 3 years after the first");
        assertThat(f.value()).isPositive();
        assertThat(f.baseline()).isPositive();
        assertThat(f.targetRatio()).hasValue(0.25);
        // Each year is held against the bare loop run right after it, not against one measured minutes away.
        assertThat(f.baselineName()).isEqualTo("bare priority-queue loop, same events and timers, run right after");
        // The first year is reported beside it, against its own bare loop, with no target of its own.
        BenchFigure first = figures.get(1);
        assertThat(first.figure())
                .startsWith("the first of those years in this JVM")
                .contains("s in collections");
        assertThat(first.value()).isPositive();
        assertThat(first.baselineName()).isEqualTo(f.baselineName());
        assertThat(first.baseline()).isPositive();
        assertThat(first.targetRatio()).isEmpty();
        assertThat(figures.get(3).figure()).startsWith("engine only").contains("median ratio of 3 years");
        assertThat(figures.get(3).targetRatio()).hasValue(0.5);
        BenchFigure heap = figures.get(4);
        assertThat(heap.figure()).startsWith("live heap per simulated machine");
        assertThat(heap.value()).isPositive();
        // Beside the same a month in, when every machine has arrived: bounded means the two stay alike.
        assertThat(heap.baselineName()).isEqualTo("the same at day 30");
        assertThat(heap.baseline()).isPositive();
    }
}
