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

    @Test
    void twoHubRunReachesEveryAgentThroughOneHubAndKeepsTheViewWhenOneRestarts() throws Exception {
        // 20 agents, 10 per hub: the wiring of fleet-20k-two-hubs (cluster, shared certificate, each agent's own hub
        // first, relay, restart of one hub), not its figures. A failure to answer or to keep an event throws.
        List<BenchFigure> figures = new FleetBenchmark("fleet-20k-two-hubs", 20, true, 2).run(true);

        figures.forEach(f -> System.out.printf("%s: %.1f %s%n", f.figure(), f.value(), f.unit()));
        assertThat(figures)
                .extracting(BenchFigure::figure)
                .anySatisfy(f -> assertThat(f)
                        .startsWith("status fan-out to 20 agents on 2 hubs")
                        .doesNotContain("rounds answered"))
                .anySatisfy(f -> assertThat(f).startsWith("durable ingest at hub bench-hub-a: 10,000 events"))
                .anySatisfy(f -> assertThat(f).startsWith("durable ingest at hub bench-hub-b: 10,000 events"))
                .anySatisfy(f -> assertThat(f).startsWith("reconnection storm after restarting one of 2 hubs: its 10"))
                .anySatisfy(f -> assertThat(f).contains("20,000 events still in the cluster's view"));
        assertThat(figures).allSatisfy(f -> assertThat(f.value()).isFinite());
    }
}
