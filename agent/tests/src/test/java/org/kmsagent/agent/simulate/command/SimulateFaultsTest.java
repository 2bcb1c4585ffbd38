package org.kmsagent.agent.simulate.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.simulate.LabSummary;
import org.kmsagent.agent.simulate.Scenario;
import org.kmsagent.agent.simulate.SimulationLab;
import org.kmsagent.agent.testsupport.LabFixtures;
import org.kmsagent.agent.testsupport.TestFamilies;
import picocli.CommandLine;

/** {@code simulate --faults RATE}: the fleet ends as licensed as without faults. */
class SimulateFaultsTest {
    private static final String[] FLEET = {"--clients", "60", "--servers", "10", "--days", "200"};

    private static Scenario scenario(String... extra) throws Exception {
        SimulateCommand cmd =
                new SimulateCommand(spec -> SimulationWiring.FamilyLease.of(TestFamilies.all()), LabFixtures.TEST_HOST);
        String[] args =
                Stream.concat(Arrays.stream(FLEET), Arrays.stream(extra)).toArray(String[]::new);
        new CommandLine(cmd).parseArgs(args);
        return cmd.scenario(TestFamilies.all());
    }

    @Test
    void tenPercentOfCallsFailingEndsWithTheSameProductsLicensedAsWithoutFaults() throws Exception {
        Scenario clean = scenario();
        Scenario faulty = scenario("--faults", "0.1");
        assertThat(clean.faults().enabled()).isFalse();
        assertThat(faulty.faults().rate()).isEqualTo(0.1);

        LabSummary without = new SimulationLab(clean, LabFixtures.TEST_HOST, e -> {}).run((d, t, e) -> {});
        SimulationLab lab = new SimulationLab(faulty, LabFixtures.TEST_HOST, e -> {});
        LabSummary with = lab.run((d, t, e) -> {});

        assertThat(lab.faultCounts()[1]).as("calls failed").isPositive();
        assertThat(lab.endedLoops()).isEmpty();
        for (String family : List.of("windows-client", "windows-server")) {
            LabSummary.Row a = without.row("windows", family);
            LabSummary.Row b = with.row("windows", family);
            assertThat(b.licensed())
                    .as(family + " licensed")
                    .isEqualTo(a.licensed())
                    .isEqualTo(a.products());
            assertThat(b.products()).isEqualTo(a.products());
        }
    }

    @Test
    void theCommandSaysHowManyFaultsItInjectedAndThatNoLoopEnded() {
        LabFixtures.Run run =
                LabFixtures.simulate("--clients", "60", "--servers", "10", "--days", "200", "--faults", "0.1");
        LabFixtures.Run clean = LabFixtures.simulate("--clients", "60", "--servers", "10", "--days", "200");
        assertThat(run.exitCode()).isZero();
        assertThat(clean.exitCode()).isZero();
        List<String> lines = run.lines();
        assertThat(lines.get(lines.size() - 1)).startsWith("Faults injected: ").endsWith("loops ended: 0");
        System.out.println("--- without faults ---\n" + String.join("\n", tail(clean.lines(), 12))
                + "\n--- with --faults 0.1 ---\n" + String.join("\n", tail(lines, 13)));
        assertThat(LabFixtures.simulate("--clients", "1", "--faults", "1.5").err())
                .contains("--faults: expected a number from 0 to 1, got 1.5");
        for (String bad : new String[] {"abc", "2", "NaN", "-0.1"}) {
            LabFixtures.Run refused = LabFixtures.simulate("--clients", "1", "--faults", bad);
            assertThat(refused.exitCode()).as(bad).isEqualTo(2);
            assertThat(refused.err())
                    .isEqualTo("kms-agent simulate: --faults: expected a number from 0 to 1, got " + bad
                            + System.lineSeparator());
        }
    }

    @Test
    void injectedAccessDeniedIsDiagnosedAsSuchAndEveryShareOfCallsIsShownAboveZero() {
        LabFixtures.Run run =
                LabFixtures.simulate(LabFixtures.scenario("worked-example.yaml").toString(), "--faults", "0.2");
        assertThat(run.exitCode()).as(run.err()).isZero();

        // Access denied after the service's start-up is the agent's rights, not "activation refused" (OTHER), and
        // not the count refusal the machine gave before the failed call either.
        assertThat(run.out()).contains("ACCESS_DENIED").doesNotContain("OTHER");
        assertThat(run.out().lines().filter(l -> l.contains("failed 0x80070005: count ")))
                .isEmpty();
        String last = run.lines().get(run.lines().size() - 1);
        // 713 calls hung as one of the rate's kinds: no "0% hang" beside them, and the shares of the calls shown.
        assertThat(last)
                .matches("Faults injected: [\\d,]+ of [\\d,]+ licensing calls failed \\(\\d+\\.\\d%\\), [\\d,]+ hung "
                        + "\\(\\d+\\.\\d%\\); plan: 20% of licensing calls fail \\([a-z, -]+\\); loops ended: 0")
                .doesNotContain(" 0% hang");
    }

    private static List<String> tail(List<String> l, int n) {
        return l.subList(Math.max(0, l.size() - n), l.size());
    }
}
