package org.kmsagent.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.renewal.Diagnosis.Cause;
import org.kmsagent.agent.testsupport.LabFixtures;
import org.kmsagent.agent.testsupport.TestFamilies;

/**
 * Scenarios with several KMS hosts (SRV priority and weight, client failover), a host changed during the run, and
 * periodic host-status snapshots: the two shipped scenarios and the reader's checks.
 */
class MultiHostScenariosTest {
    @TempDir
    Path dir;

    private record Result(Scenario scenario, List<LabEvent> events, LabSummary summary) {
        List<LabEvent> where(Predicate<LabEvent> p) {
            return events.stream().filter(p).toList();
        }

        Duration at(LabEvent e) {
            return Duration.between(scenario.start(), e.time());
        }
    }

    private static Result run(Path file) throws Exception {
        Scenario s = new ScenarioReader(TestFamilies.all()).read(file);
        List<LabEvent> events = new ArrayList<>();
        LabSummary summary = new SimulationLab(s, LabFixtures.TEST_HOST, events::add).run((d, t, e) -> {});
        return new Result(s, events, summary);
    }

    private static Predicate<LabEvent> event(String kind) {
        return e -> e.event().equals(kind);
    }

    private static Predicate<LabEvent> host(String name) {
        return e -> e.host().orElse("").equals(name);
    }

    @Test
    void clientsFailOverToTheSecondHostWhichBuildsItsOwnCountAndNobodyLapses() throws Exception {
        Result r = run(LabFixtures.scenario("failover-two-hosts.yaml"));
        Duration down = Duration.ofDays(10);
        Duration up = Duration.ofDays(30);

        assertThat(r.scenario().hosts())
                .extracting(Scenario.HostPlan::name, Scenario.HostPlan::priority)
                .containsExactly(Tuple.tuple("kms01.corp.example", 0), Tuple.tuple("kms02.corp.example", 10));
        List<LabEvent> answered =
                r.where(e -> e.count().isPresent() && !e.machine().isEmpty());
        assertThat(answered.stream().filter(e -> r.at(e).compareTo(down) < 0))
                .as("priority 0 first: before the outage only kms01 answers")
                .isNotEmpty()
                .allMatch(host("kms01.corp.example"));
        List<LabEvent> during = answered.stream()
                .filter(e -> r.at(e).compareTo(down) >= 0 && r.at(e).compareTo(up) < 0)
                .toList();
        assertThat(during).as("during the outage kms02 answers").isNotEmpty().allMatch(host("kms02.corp.example"));
        // kms02 had counted no one: its first renewals are refused for count, then everyone renews there.
        assertThat(during.get(0).event()).isEqualTo("renewal-failed");
        assertThat(during.get(0).diagnosis().orElseThrow().cause()).isEqualTo(Cause.COUNT_BELOW_THRESHOLD);
        assertThat(during.stream()
                        .filter(event("renewed"))
                        .map(LabEvent::machine)
                        .distinct())
                .hasSize(36);
        assertThat(r.where(event("expired")))
                .as("the 180 days are never at risk")
                .isEmpty();
        assertThat(r.summary().row("windows", "windows-client").licensed()).isEqualTo(30);
        assertThat(r.summary().row("windows", "windows-server").licensed()).isEqualTo(6);

        // Daily host status: both hosts, kms02's count grown past the client threshold by day 20.
        List<LabEvent> status = r.where(event("host-status"));
        assertThat(status.stream().map(e -> e.host().orElseThrow()).distinct())
                .containsExactly("kms01.corp.example", "kms02.corp.example");
        LabEvent kms02Day20 = status.stream()
                .filter(host("kms02.corp.example"))
                .filter(e -> r.at(e).equals(Duration.ofDays(20)))
                .findFirst()
                .orElseThrow();
        assertThat(kms02Day20.pool()).isEqualTo("windows");
        assertThat(kms02Day20.count().getAsInt()).isGreaterThanOrEqualTo(25);
        assertThat(status.stream()
                        .filter(host("kms01.corp.example"))
                        .filter(e -> r.at(e).equals(Duration.ofDays(1))))
                .singleElement()
                .satisfies(e -> assertThat(e.count()).hasValue(36));
    }

    @Test
    void withTwoHostsThePoolLinesAndTheLastCountsNameTheHostWhoseCountTheyAre() {
        LabFixtures.Run r = LabFixtures.simulate(
                LabFixtures.scenario("failover-two-hosts.yaml").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        // kms02's first count (1) is its own, not the Windows pool falling from kms01's 36: kms01's count falls only
        // when its entries age out, on day 37 (30 days after their last renewals there, before its outage), as its
        // own lines say.
        assertThat(r.lines())
                .filteredOn(l -> l.contains("fell below threshold"))
                .satisfiesExactly(
                        l -> assertThat(l)
                                .startsWith("day  37 ")
                                .endsWith("KMS host kms01.corp.example pool windows: count 24 fell below threshold 25"),
                        l -> assertThat(l)
                                .startsWith("day  37 ")
                                .endsWith("KMS host kms01.corp.example pool windows: count 4 fell below threshold 5"));
        assertThat(r.out())
                .contains("KMS host kms01.corp.example pool windows: count 25 reached threshold 25")
                .contains("KMS host kms02.corp.example pool windows: count 5 reached threshold 5")
                .contains("Last count reported per host and pool: kms01.corp.example: windows 36; "
                        + "kms02.corp.example: windows 36")
                .doesNotContain("Last count reported per pool");
        assertThat(r.out().lines().filter(l -> l.contains(" pool windows: count ")))
                .allMatch(l -> l.contains("KMS host kms0"));

        // One host: the lines stay as the docs quote them.
        LabFixtures.Run one =
                LabFixtures.simulate(LabFixtures.scenario("worked-example.yaml").toString());
        assertThat(one.out())
                .contains("                 pool windows: count 5 reached threshold 5")
                .contains("Last count reported per pool: windows 13")
                .doesNotContain("KMS host kms01.corp.example pool");
    }

    @Test
    void officeActivatesAtItsNextRetryAfterTheLicensePackIsInstalledOnDayTen() throws Exception {
        Result r = run(LabFixtures.scenario("license-pack-installed-day-10.yaml"));
        Duration installed = Duration.ofDays(10);

        List<LabEvent> office =
                r.where(e -> e.family().equals("office2013") && !e.event().startsWith("machine-"));
        assertThat(office.stream().filter(e -> r.at(e).compareTo(installed) < 0))
                .isNotEmpty()
                .allSatisfy(e -> {
                    assertThat(e.hresult().orElseThrow().hex()).isEqualTo("0xC004F042");
                    assertThat(e.diagnosis().orElseThrow().cause()).isEqualTo(Cause.LICENSE_PACK_MISSING);
                });
        assertThat(r.where(event("host-changed")))
                .singleElement()
                .satisfies(e -> assertThat(r.at(e)).isEqualTo(installed));
        // Retries come every 2 h: within one interval every Office client has asked and been counted (the fifth
        // activates at once), within the next the first four activate too.
        List<LabEvent> activated = office.stream().filter(event("activated")).toList();
        assertThat(activated.stream().map(LabEvent::machine).distinct()).hasSize(6);
        assertThat(activated)
                .allSatisfy(e -> assertThat(r.at(e)).isBetween(installed, installed.plus(Duration.ofHours(4))));
        assertThat(r.summary().row("office", "office2013").licensed()).isEqualTo(6);
        assertThat(r.where(event("host-status").and(e -> e.pool().equals("office"))).stream()
                        .filter(e -> r.at(e).equals(Duration.ofDays(11))))
                .singleElement()
                .satisfies(e -> assertThat(e.count()).hasValue(6));
    }

    @Test
    void badHostsAndChangesAreReportedWithTheirField() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
        snapshots: 10m
        host:
          priority: -1
          changes:
            - at: 5d
            - at: 2d
              licensePacks: [No Such Pack]
            - at: 6d
              hostKeys: [Nope key]
            - at: -1d
              licensePacks: [Office 2013 Volume License Pack]
        hosts:
          - name: kms01.corp.example
          - priority: 3
        machines:
          - name: pc-{n}
            count: 1
            family: windows-client
            edition: Windows 11 Enterprise
        """);

        assertThatThrownBy(() -> new ScenarioReader(TestFamilies.all()).read(file))
                .isInstanceOf(ScenarioException.class)
                .hasMessageContaining("field 'snapshots': must be at least 1h")
                .hasMessageContaining("field 'host.priority': expected a whole number 0-65535, got -1")
                .hasMessageContaining("field 'host.changes[0]': installs nothing")
                .hasMessageContaining("field 'host.changes[1].at': changes must be listed in time order")
                .hasMessageContaining("field 'host.changes[1].licensePacks[0]': unknown license pack 'No Such Pack'")
                .hasMessageContaining("field 'host.changes[2].hostKeys[0]': unknown host key 'Nope key'")
                // Before the start: said as such, not as out of order.
                .hasMessageContaining("field 'host.changes[3].at': must not be negative (a time after the start)")
                .hasMessageNotContaining("field 'host.changes[3].at': changes must be listed in time order")
                // A change listing only unknown packs or keys is reported for those, not also as installing nothing.
                .hasMessageNotContaining("field 'host.changes[1]': installs nothing")
                .hasMessageNotContaining("field 'host.changes[2]': installs nothing")
                .hasMessageContaining("field 'hosts[0].name': 'kms01.corp.example' is already a host of this scenario")
                .hasMessageContaining("field 'hosts[1].name': each further host needs a name");
    }
}
