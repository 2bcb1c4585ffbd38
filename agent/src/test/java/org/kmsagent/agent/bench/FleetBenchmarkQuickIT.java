package org.kmsagent.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fleet benchmark's quick mode runs end to end, so the harness cannot rot (its figures are not judged here). */
class FleetBenchmarkQuickIT {
  @Test
  void quickRunMeasuresFanOutAndHubMemoryAgainstTheirBaselines() throws Exception {
    List<BenchFigure> figures = new FleetBenchmark().run(true);

    assertThat(figures).hasSize(3).allSatisfy(f -> assertThat(f.benchmark()).isEqualTo("fleet"));
    // Times and heap always grow; direct-buffer pools grow in chunks, so 50 agents may fit in one already there.
    assertThat(figures.subList(0, 2)).allSatisfy(f -> {
      assertThat(f.value()).isPositive();
      assertThat(f.baseline()).isPositive();
    });
    figures.forEach(f -> System.out.printf("%s: %.1f %s (baseline %s: %.1f)%n", f.figure(), f.value(), f.unit(),
        f.baselineName(), f.baseline()));
  }
}
