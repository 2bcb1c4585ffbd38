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
    assertThat(figures).hasSize(3);
    BenchFigure f = figures.get(0);
    assertThat(f.figure()).contains("2,000 machines x 365 days");
    assertThat(f.value()).isPositive();
    assertThat(f.baseline()).isPositive();
    assertThat(f.targetRatio()).hasValue(0.5);
  }
}
