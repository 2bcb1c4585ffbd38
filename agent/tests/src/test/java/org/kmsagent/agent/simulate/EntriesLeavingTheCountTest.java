package org.kmsagent.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.testsupport.LabFixtures;
import org.kmsagent.agent.testsupport.TestFamilies;

/** {@code aged-out} and {@code pushed-out}: a client's entry leaving the host's count (docs/simulate.md). */
class EntriesLeavingTheCountTest {

    private static List<LabEvent> run(String yaml) throws Exception {
        Scenario s = new ScenarioReader(TestFamilies.all()).parse("entries.yaml", yaml, true);
        List<LabEvent> events = new ArrayList<>();
        new SimulationLab(s, LabFixtures.TEST_HOST, events::add).run((d, t, e) -> {});
        return events;
    }

    @Test
    void aClientThatStopsAskingAgesOutThirtyDaysAfterItsLastRequestAndTheOthersNever() throws Exception {
        List<LabEvent> events = run("""
        days: 60
        machines:
          - name: stay-{n}
            count: 5
            family: windows-server
            edition: Windows Server 2019 Standard
          - name: gone
            family: windows-server
            edition: Windows Server 2019 Standard
            arrive: 1m
            leave: 3d
        """);

        Instant lastRequest = events.stream()
                .filter(e -> e.machine().equals("gone") && e.count().isPresent())
                .map(LabEvent::time)
                .reduce((a, b) -> b)
                .orElseThrow();
        List<LabEvent> agedOut =
                events.stream().filter(e -> e.event().equals("aged-out")).toList();
        assertThat(agedOut).singleElement().satisfies(e -> {
            assertThat(e.machine()).isEqualTo("gone");
            assertThat(e.time()).isEqualTo(lastRequest.plus(Duration.ofDays(30)));
            assertThat(e.pool()).isEqualTo("windows");
            assertThat(e.cmid()).isNotNull();
        });
        // In the stream at its own time, before anything later.
        int at = events.indexOf(agedOut.get(0));
        assertThat(events.subList(0, at))
                .allMatch(e -> !e.time().isAfter(agedOut.get(0).time()));
        assertThat(events.subList(at + 1, events.size()))
                .allMatch(e -> !e.time().isBefore(agedOut.get(0).time()));
    }

    @Test
    void aFullTablePushesOutTheLeastRecentlySeenClientNamingItsCmid() throws Exception {
        List<LabEvent> events = run("""
        days: 1
        machines:
          - name: srv-{n}
            count: 11
            family: windows-server
            edition: Windows Server 2019 Standard
            every: 1m
        """);

        LabEvent first = events.stream()
                .filter(e -> e.event().equals("pushed-out"))
                .findFirst()
                .orElseThrow();
        // Servers ask for 5: the table holds 10, so the 11th (minute 10) pushes out srv-01, seen at minute 0.
        assertThat(first.machine()).isEqualTo("srv-01");
        assertThat(Duration.between(events.get(0).time(), first.time())).isEqualTo(Duration.ofMinutes(10));
        assertThat(events.stream()
                        .filter(e ->
                                e.event().equals("pushed-out") && e.machine().equals("srv-01"))
                        .map(LabEvent::cmid)
                        .distinct())
                .singleElement()
                .isEqualTo(first.cmid());
        assertThat(events.stream()
                        .filter(e ->
                                e.event().equals("pushed-out") && !e.machine().equals("srv-01"))
                        .map(LabEvent::cmid))
                .doesNotContain(first.cmid());
    }

    @Test
    void theShippedOutageScenarioShowsTheServersAgingOutInTheTimelineAndTheJson() throws Exception {
        String scenario = LabFixtures.scenario("host-outage-over-180-days.yaml").toString();
        LabFixtures.Run timeline = LabFixtures.simulate(scenario);
        LabFixtures.Run json = LabFixtures.simulate(scenario, "--json");

        // Last renewals on day 14 (weekly from day 0), host down from day 20: the entries age out on day 44.
        assertThat(timeline.lines())
                .filteredOn(l -> l.contains("aged out of pool windows"))
                .hasSize(5)
                .allMatch(l -> l.startsWith("day  44 "))
                .anyMatch(l -> l.contains("srv-01"));
        ObjectMapper m = new ObjectMapper();
        List<JsonNode> agedOut = new ArrayList<>();
        for (String line : json.lines()) {
            JsonNode n = m.readTree(line);
            if (n.get("event").asText().equals("aged-out")) {
                agedOut.add(n);
            }
        }
        assertThat(agedOut).hasSize(5).allSatisfy(n -> {
            assertThat(n.get("minute").asLong() / (24 * 60)).isEqualTo(44);
            assertThat(UUID.fromString(n.get("cmid").asText())).isNotNull();
            assertThat(n.get("pool").asText()).isEqualTo("windows");
        });
    }

    @Test
    void aTableClientWithoutANameIsToldByItsCmidOnceInTheTimelineAndTheReport(@TempDir Path dir) throws Exception {
        // A hand-written present may give a table client no name; the JSON's machine is then its CMID, and the
        // timeline and report used to print it twice ("<cmid> ... CMID <cmid>", "<cmid> (CMID <cmid>)"), the
        // timeline's name column pushed out of line by 36 characters.
        Path scenario = dir.resolve("office-pcs.yaml");
        Files.writeString(scenario, """
        start: 2026-11-30T12:00:00Z
        days: 10
        machines:
          - name: pc-{n}
            count: 2
            family: windows-client
            edition: Windows 10 Pro
        present:
          ledgers:
            - host: kms01.corp.example
              clients:
                - {cmid: 0000000A-0000-4000-8000-000000000001, family: office2013, lastRequest: 2026-11-01T00:00:00Z}
                - {cmid: 00000000-0000-4000-8000-000000000002, family: office2013, lastRequest: 2026-11-02T00:00:00Z,
                   name: office-pc-2}
        """);
        Path report = dir.resolve("office-pcs.html");
        LabFixtures.Run run = LabFixtures.simulate(scenario.toString(), "--report", report.toString());

        // The columns squeezed to one " | ": the name column empty for the nameless client.
        assertThat(run.lines())
                .filteredOn(l -> l.contains("aged out of pool office"))
                .map(l -> l.replaceAll(" {2,}", " | "))
                .containsExactly(
                        "day | 0 12:00 | aged out of pool office on kms01.corp.example: CMID "
                                + "0000000a-0000-4000-8000-000000000001, last request 30 days ago",
                        "day | 1 12:00 | office-pc-2 | aged out of pool office on kms01.corp.example: CMID "
                                + "00000000-0000-4000-8000-000000000002, last request 30 days ago");
        assertThat(Files.readString(report))
                .contains("CMID 0000000a-0000-4000-8000-000000000001: no request for 30 days")
                .doesNotContain("0000000A-0000-4000-8000-000000000001 (CMID");
    }

    @Test
    void aCountFallingBecauseEntriesAgeOutIsToldAsFallingBelowItsThreshold() throws Exception {
        // Five servers count 5 (their threshold) until their entries age out on day 44, while the host is down: the
        // first to age out takes the count below 5, with no client asking (docs/kms-rules.md §1.2).
        String scenario = LabFixtures.scenario("host-outage-over-180-days.yaml").toString();
        LabFixtures.Run timeline = LabFixtures.simulate(scenario);

        List<String> agedOut = timeline.lines().stream()
                .filter(l -> l.contains("aged out of pool windows"))
                .toList();
        assertThat(timeline.lines())
                .filteredOn(l -> l.contains("fell below threshold"))
                .singleElement()
                .satisfies(l -> {
                    assertThat(l).startsWith(agedOut.get(0).substring(0, "day  44 00:00".length()));
                    assertThat(l).endsWith("  pool windows: count 4 fell below threshold 5");
                });
        // Told after the entry that left, before anything later.
        int fell = timeline.lines()
                .indexOf(timeline.lines().stream()
                        .filter(l -> l.contains("fell below threshold"))
                        .findFirst()
                        .orElseThrow());
        assertThat(timeline.lines().get(fell - 1)).isEqualTo(agedOut.get(0));

        List<LabEvent> events = run(Files.readString(Path.of(scenario)));
        LabEvent first = events.stream()
                .filter(e -> e.event().equals("aged-out"))
                .findFirst()
                .orElseThrow();
        assertThat(events.stream().filter(e -> e.event().equals("below-threshold")))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.time()).isEqualTo(first.time());
                    assertThat(e.pool()).isEqualTo("windows");
                    assertThat(e.count()).hasValue(4);
                    assertThat(e.required()).hasValue(5);
                    assertThat(e.host()).hasValue("kms01.corp.example");
                });
    }

    @Test
    void aPresentsCountIsWhereThePoolStartsNotAThresholdReachedAtTheFirstRequest() {
        // The shipped snapshot: KMS01 counts 28 at the start, its servers (threshold 5) renew from day 0.
        LabFixtures.Run r = LabFixtures.simulate(
                LabFixtures.scenario("what-if/fleet-snapshot.json").toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("renewed (count 28").doesNotContain("reached threshold");
    }
}
