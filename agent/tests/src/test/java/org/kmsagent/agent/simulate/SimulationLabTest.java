package org.kmsagent.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.renewal.Diagnosis.Cause;
import org.kmsagent.agent.testsupport.LabFixtures;
import org.kmsagent.agent.testsupport.TestFamilies;

class SimulationLabTest {

    @Test
    void machinesThatLeaveAgeOutOfTheCountThirtyDaysAfterTheirLastContactAndTheRestFailToRenew() throws Exception {
        Scenario s = new ScenarioReader(TestFamilies.all()).parse("leave.yaml", """
        days: 40
        machines:
          - name: stay-{n}
            count: 4
            family: windows-server
            edition: Windows Server 2019 Standard
          - name: gone-{n}
            count: 2
            family: windows-server
            edition: Windows Server 2019 Standard
            arrive: 1m
            leave: 3d
        """, true);
        List<LabEvent> events = new ArrayList<>();
        LabSummary summary = new SimulationLab(s, LabFixtures.TEST_HOST, events::add).run((d, t, e) -> {});

        assertThat(events.stream().filter(e -> e.event().equals("machine-left")).map(LabEvent::machine))
                .containsExactly("gone-01", "gone-02");
        // The leavers were last seen at day 0 02:01 (their second contact, activated); their entries go 30 days later.
        LabEvent below = events.stream()
                .filter(e -> e.event().equals("below-threshold"))
                .findFirst()
                .orElseThrow();
        assertThat(below.count()).hasValue(4);
        assertThat(Duration.between(s.start(), below.time())).isGreaterThanOrEqualTo(Duration.ofDays(30));
        LabEvent failed = events.stream()
                .filter(e -> e.event().equals("renewal-failed"))
                .findFirst()
                .orElseThrow();
        assertThat(failed.diagnosis().orElseThrow().cause()).isEqualTo(Cause.COUNT_BELOW_THRESHOLD);
        assertThat(failed.diagnosis().orElseThrow().missing()).hasValue(1);
        // After leaving they make no request; the host's table tells when their entries aged out (the count fell then).
        assertThat(events.stream()
                        .filter(e -> e.machine().startsWith("gone-")
                                && e.time().isAfter(s.start().plus(Duration.ofDays(3)))))
                .allMatch(e -> e.event().equals("machine-left") || e.event().equals("aged-out"));
        assertThat(events.stream().filter(e -> e.event().equals("aged-out")).map(LabEvent::machine))
                .containsExactly("gone-01", "gone-02");
        assertThat(events.stream().filter(e -> e.event().equals("aged-out")).map(LabEvent::time))
                .allMatch(t -> !t.isAfter(below.time()));
        // Still licensed at day 40: a failed renewal keeps the validity.
        assertThat(summary.row("windows", "windows-server").licensed()).isEqualTo(4);
        assertThat(summary.row("windows", "windows-server").gone()).isEqualTo(2);
    }

    @Test
    void aMachineArrivingAfterTheRunsEndIsNoProductOfTheSummaryButSaidToArriveLater() throws Exception {
        Scenario s = new ScenarioReader(TestFamilies.all()).parse("late.yaml", """
        days: 10
        machines:
          - name: pc-{n}
            count: 3
            family: windows-client
            edition: Windows 11 Enterprise
          - name: late
            family: windows-client
            edition: Windows 11 Enterprise
            arrive: 20d
        """, true);
        LabSummary summary = new SimulationLab(s, LabFixtures.TEST_HOST, e -> {}).run((d, t, e) -> {});

        // Before: products 4 with 3 in grace and the fourth in no column, "4 machines" in the heading.
        LabSummary.Row row = summary.row("windows", "windows-client");
        assertThat(row.products()).isEqualTo(3);
        assertThat(row.grace()).isEqualTo(3);
        assertThat(summary.machines()).isEqualTo(3);
        assertThat(summary.toArrive()).isEqualTo(1);
        StringWriter text = new StringWriter();
        new TimelinePrinter(new PrintWriter(text), s).finish(summary, s.start().plus(s.length()));
        assertThat(text.toString())
                .contains("Summary after day  10 00:00 (3 machines, ")
                .contains("; 1 more to arrive after the end)");
    }
}
