package org.kmsagent.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;

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
}
