package org.kmsagent.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.testsupport.LabFixtures;
import org.kmsagent.agent.testsupport.LabFixtures.Run;

/** The what-if's pool crossings: the ones the lab tells, at the minute they happen and with the count then. */
class WhatIfCrossingsTest {
    @TempDir
    Path dir;

    @Test
    void aCountThatDipsBelowItsThresholdForTwentyMinutesIsToldBothWays() throws Exception {
        // Five servers reach 5 at 00:10; "gone" leaves on day 3, so its entry ages out on day 30 at 00:10 (30 days
        // after its only request, docs/kms-rules.md §1.2) and "late" brings the count back to 5 at 00:30.
        Path scenario = dir.resolve("dip.yaml");
        Files.writeString(scenario, """
                days: 40
                machines:
                  - name: srv-{n}
                    count: 4
                    family: windows-server
                    edition: Windows Server 2019 Standard
                  - name: gone
                    family: windows-server
                    edition: Windows Server 2019 Standard
                    arrive: 10m
                    leave: 3d
                  - name: late
                    family: windows-server
                    edition: Windows Server 2019 Standard
                    arrive: 30d 30m
                """);

        Run r = LabFixtures.simulate("--snapshot", scenario.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.contains("threshold")).toList())
                .containsExactly(
                        "    day   0 00:10  reaches threshold 5 (count 5)",
                        "    day  30 00:10  falls below threshold 5 (count 4)",
                        "    day  30 00:30  back at threshold 5 (count 5)");
    }

    @Test
    void aPoolThatStartsUnderItsThresholdReachesItAndIsNotBackAtIt() {
        // 30 clients from nothing, the host down for the first 5 days: the pool was never at 25 before day 5.
        Run r = LabFixtures.simulate("--clients", "30", "--days", "20", "--outage", "0+5");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("day   5 \\d\\d:\\d\\d  reaches threshold 25 \\(count 25\\)");
        assertThat(r.out()).doesNotContain("back at");
    }

    @Test
    void theWhatIfTellsEachCrossingWhenTheTimelineDoes() {
        String worked = LabFixtures.scenario("worked-example.yaml").toString();

        Run timeline = LabFixtures.simulate(worked);
        Run whatIf = LabFixtures.simulate("--snapshot", worked);

        assertThat(timeline.exitCode()).as(timeline.err()).isZero();
        assertThat(whatIf.exitCode()).as(whatIf.err()).isZero();
        // One detection: the what-if names the minute and count of the timeline's pool line (an hourly reading of
        // the count would say 01:00 and 7).
        assertThat(timeline.out()).containsPattern("day   0 00:45 +pool windows: count 5 reached threshold 5");
        assertThat(whatIf.out()).contains("    day   0 00:45  reaches threshold 5 (count 5)");
    }
}
