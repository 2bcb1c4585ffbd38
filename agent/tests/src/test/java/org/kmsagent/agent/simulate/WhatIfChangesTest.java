package org.kmsagent.agent.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.testsupport.LabFixtures;
import org.kmsagent.agent.testsupport.LabFixtures.Run;

/**
 * The shipped what-if example (scenarios/what-if/): a fleet snapshot of six servers and 22 PCs counted by KMS01,
 * run forward with each kind of change.
 */
class WhatIfChangesTest {
    private static final String SNAPSHOT =
            LabFixtures.scenario("what-if/fleet-snapshot.json").toString();
    private static final String CHANGES =
            LabFixtures.scenario("what-if/changes.yaml").toString();

    @TempDir
    Path dir;

    @Test
    void theShippedChangesFileIsAFortyDayOutageOfKms01() {
        Run file = LabFixtures.simulate("--snapshot", SNAPSHOT, "--changes", CHANGES);
        Run flags = LabFixtures.simulate("--snapshot", SNAPSHOT, "--outage", "kms01.contoso.com@0+40d");

        assertThat(file.exitCode()).as(file.err()).isZero();
        assertThat(file.out())
                .isEqualTo(flags.out())
                .contains(
                        "day  11 23:59  falls below threshold 25 (count 24)",
                        "day  26 00:00  falls below threshold 5 (count 4)",
                        "day  10 00:00  SRV-1",
                        "activation ran out; licensed again day  40 01:00");
    }

    @Test
    void withoutChangesNothingLapsesButTheUncountedPcsLetThePoolFall() {
        Run r = LabFixtures.simulate("--snapshot", SNAPSHOT);

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("none (the fleet as it is)", "Machines that lapse: 0");
        // The 22 PCs have no agent here and no plugin of the lab runs them: their entries age out; the servers renew.
        assertThat(r.out()).contains("falls below threshold 25").doesNotContain("falls below threshold 5");
    }

    @Test
    void retiringThreeServersKeepsTheRestBelowFiveAfterTheOutage() {
        Run r = LabFixtures.simulate(
                "--snapshot",
                SNAPSHOT,
                "--outage",
                "0+40",
                "--retire",
                "srv-3",
                "--retire",
                "SRV-4",
                "--retire",
                "SRV-5@1");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .contains(
                        "machines matching SRV-5 retired on day 1",
                        "activation ran out; not licensed again by the end",
                        "grace over (notification); not licensed again");
    }

    @Test
    void anOrdinaryScenarioWithoutAHostTakesAnOutageOfItsDefaultHost() {
        // No present: the default host is the scenario's host as its author wrote it (docs/simulate.md, "The model"),
        // unlike a snapshot's, where it would stand in for a host the fleet did not show.
        Run r = LabFixtures.simulate(
                "--snapshot",
                LabFixtures.scenario("small-site-under-threshold.yaml").toString(),
                "--outage",
                "5+10");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("kms01.corp.example unreachable from day 5 for 10 days");
    }

    @Test
    void serversReimagedWithoutGeneralizingCountOnceWhenTheirOldEntriesAgeOut() {
        Run r = LabFixtures.simulate("--snapshot", SNAPSHOT, "--outage", "0+40", "--reimage", "6@45");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("6 machine(s) re-imaged on day 45 without generalizing (one CMID)")
                .containsPattern("day  7[01] \\d\\d:\\d\\d  falls below threshold 5 \\(count 1\\)");
    }

    @Test
    void removingTheServerHostKeysLeavesTheServersToLapse() {
        Run r = LabFixtures.simulate("--snapshot", SNAPSHOT, "--remove-host-key", "windows-server");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("host key windows-server removed")
                .containsPattern("day  10 00:00  SRV-1 .*activation ran out; not licensed again by the end");
    }

    @Test
    void aLongMachineNameKeepsEveryLapseRowsKindInOneColumn() throws Exception {
        Path fqdn = dir.resolve("fqdn.json");
        Files.writeString(fqdn, Files.readString(Path.of(SNAPSHOT)).replace("\"SRV-1\"", "\"srv-1.corp.contoso.com\""));

        Run r = LabFixtures.simulate("--snapshot", fqdn.toString(), "--remove-host-key", "windows-server");

        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> rows = r.out()
                .lines()
                .filter(l -> l.contains("activation ran out") || l.contains("grace over"))
                .toList();
        assertThat(rows).hasSizeGreaterThan(1).anyMatch(l -> l.contains("srv-1.corp.contoso.com"));
        assertThat(rows.stream().map(WhatIfChangesTest::kindColumn).distinct())
                .as("%s", rows)
                .hasSize(1);
    }

    private static int kindColumn(String row) {
        int ran = row.indexOf("activation ran out");
        return ran >= 0 ? ran : row.indexOf("grace over");
    }

    @Test
    void theChangesFileOfTheDocsRunsEveryKindOfChange() throws Exception {
        String doc = Files.readString(Path.of("..", "..", "docs", "simulate.md"));
        int from = doc.indexOf("```yaml\noutages:");
        Path changes = dir.resolve("all.yaml");
        Files.writeString(changes, doc.substring(from + "```yaml\n".length(), doc.indexOf("```", from + 7)));
        Path snapshot = dir.resolve("with-office.json");
        // The example fleet has no Office: the pack is there to be removed all the same (the default host holds it).
        Files.copy(Path.of(SNAPSHOT), snapshot);

        Run r = LabFixtures.simulate("--snapshot", snapshot.toString(), "--changes", changes.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .contains(
                        "machines matching SRV-5* retired on day 10",
                        "2 machine(s) re-imaged on day 45",
                        "host key Windows Server 2025 CSVLK removed",
                        "license pack Office 2013 Volume License Pack removed");
    }

    @Test
    void hubOptionsWithoutAHubAndTwoSourcesAreErrors() {
        Run trust = LabFixtures.simulate("--snapshot", SNAPSHOT, "--trust", "AB:CD");
        Run two = LabFixtures.simulate(SNAPSHOT, "--snapshot", SNAPSHOT);

        assertThat(trust.exitCode()).isEqualTo(2);
        assertThat(trust.err())
                .isEqualTo("kms-agent simulate: arguments: --trust, --ca, --token-file, --cert and "
                        + "--cert-key go with --from-hub HOST:PORT\n");
        assertThat(two.exitCode()).isEqualTo(2);
        assertThat(two.err()).contains("give one of a scenario file, --snapshot FILE and --from-hub HOST:PORT");
    }

    @Test
    void aBadChangesFileNamesTheLine() throws Exception {
        Path bad = dir.resolve("changes.yaml");
        Files.writeString(bad, "outages:\n  - from: 0\n    for: 40d\n    hots: kms01\n");

        Run r = LabFixtures.simulate("--snapshot", SNAPSHOT, "--changes", bad.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .startsWith(
                        "kms-agent simulate: " + bad + ": line 4, column 5: field 'outages[0].hots': unknown field");
    }

    @Test
    void everyValueOfTheWrongTypeInAChangesFileIsReportedAtOnce() throws Exception {
        Path bad = dir.resolve("changes.yaml");
        Files.writeString(bad, "outages:\n  - from: 0\n    for: [40d]\nreimage:\n  - count: two\n");

        Run r = LabFixtures.simulate("--snapshot", SNAPSHOT, "--changes", bad.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo("kms-agent simulate: " + bad + ": 2 problems:\n"
                        + "  line 3, column 10: field 'outages[0].for': expected text (a single value)\n"
                        + "  line 5, column 12: field 'reimage[0].count': expected a whole number, got 'two'\n");
    }

    @Test
    void aNumberTooLargeInAChangesFileIsWordedAsInAScenario() throws Exception {
        Path bad = dir.resolve("changes.yaml");
        Files.writeString(bad, "reimage:\n  - count: 99999999999\n");

        Run r = LabFixtures.simulate("--snapshot", SNAPSHOT, "--changes", bad.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo("kms-agent simulate: " + bad + ": line 2, column 12: field 'reimage[0].count': expected a "
                        + "whole number, got 99999999999 (too large)\n");
    }

    @Test
    void aChangesFileReportsEveryProblemAtOnceWithTheValueGiven() throws Exception {
        Path bad = dir.resolve("changes.yaml");
        Files.writeString(bad, "outages:\n  - from: zero\n    for: [40d]\nreimage:\n  - count: -2\n");

        Run r = LabFixtures.simulate("--snapshot", SNAPSHOT, "--changes", bad.toString());

        // 'from' is checked although 'for' was refused for its type; the count refused says what it was.
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo("kms-agent simulate: " + bad + ": 3 problems:\n"
                        + "  line 3, column 10: field 'outages[0].for': expected text (a single value)\n"
                        + "  line 2, column 11: field 'outages[0].from': 'zero' is not a number of days or a duration "
                        + "like 40d or 1d 6h\n"
                        + "  line 5, column 12: field 'reimage[0].count': expected a whole number 1 or more, got -2\n");
    }

    @Test
    void emptyNamesAndTimesBeforeTheStartAreProblemsNotACrashOrASilentChange() throws Exception {
        // 'removeHostKeys: [~]' ended in a NullPointerException's stack trace; '-5d' retired machines before day 0.
        Path bad = dir.resolve("changes.yaml");
        Files.writeString(
                bad,
                "removeHostKeys:\n  - ~\nremoveLicensePacks:\n  - ' '\nretire:\n  - machines: PC*\n    at: -5d\n"
                        + "reimage:\n  - count: 2\n    at: -1d\n");

        Run file = LabFixtures.simulate("--snapshot", SNAPSHOT, "--changes", bad.toString());
        Run flags = LabFixtures.simulate("--snapshot", SNAPSHOT, "--retire", "PC*@-5d", "--reimage", "2@-1d");

        assertThat(file.exitCode()).isEqualTo(2);
        assertThat(file.err())
                .startsWith("kms-agent simulate: " + bad + ": 4 problems:\n")
                .contains(
                        "field 'retire[0].at': may not be negative (the run starts at 0)",
                        "field 'reimage[0].at': may not be negative (the run starts at 0)",
                        "field 'removeHostKeys[0]': empty: give a host key's name or a family id",
                        "field 'removeLicensePacks[0]': empty: give a license pack's name")
                .doesNotContain("Exception");
        assertThat(flags.exitCode()).isEqualTo(2);
        assertThat(flags.err())
                .contains(
                        "--retire PC*@-5d: AT may not be negative (the run starts at 0)",
                        "--reimage 2@-1d: AT may not be negative (the run starts at 0)");
    }

    @Test
    void aBareNumberOfDaysIsReadAsNdAnyLengthWithTheSameRange() throws Exception {
        String tooLong =
                " is too long a duration (at most 100000d, about 274 years; a simulation runs at most 3650 days)";
        Path changes = dir.resolve("changes.yaml");
        Files.writeString(changes, "outages:\n  - from: 0\n    for: 100000\n  - from: 0\n    for: 100001\n");

        for (String given : List.of("0+100000", "0+100000d")) {
            Run r = LabFixtures.simulate("--snapshot", SNAPSHOT, "--outage", given, "--days", "1");
            assertThat(r.exitCode()).as(given + ": " + r.err()).isZero();
        }
        for (String given : List.of("100001", "100001d", "12345678", "99999999999999999999")) {
            Run r = LabFixtures.simulate("--snapshot", SNAPSHOT, "--outage", "0+" + given);
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err())
                    .isEqualTo("kms-agent simulate: changes: --outage 0+" + given + ": DURATION '" + given + "'"
                            + tooLong + "\n");
        }
        Run reimage = LabFixtures.simulate("--snapshot", SNAPSHOT, "--reimage", "2@100001");
        assertThat(reimage.err())
                .isEqualTo("kms-agent simulate: changes: --reimage 2@100001: AT '100001'" + tooLong + "\n");
        Run file = LabFixtures.simulate("--snapshot", SNAPSHOT, "--changes", changes.toString());
        assertThat(file.exitCode()).isEqualTo(2);
        assertThat(file.err())
                .isEqualTo("kms-agent simulate: " + changes + ": line 5, column 10: field 'outages[1].for': '100001'"
                        + tooLong + "\n");
    }

    @Test
    void anOutageOfNoLengthOrFromBeforeTheStartNamesWhichPartIsWrong() throws Exception {
        Run zero = LabFixtures.simulate("--snapshot", SNAPSHOT, "--outage", "0+0");
        Run negative = LabFixtures.simulate("--snapshot", SNAPSHOT, "--outage", "-1+5");
        Path changes = dir.resolve("changes.yaml");
        Files.writeString(changes, "outages:\n  - from: -2d\n    for: 0\n");
        Run file = LabFixtures.simulate("--snapshot", SNAPSHOT, "--changes", changes.toString());

        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err())
                .isEqualTo("kms-agent simulate: changes: --outage 0+0: DURATION must be positive, got 0\n");
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.err())
                .isEqualTo("kms-agent simulate: changes: --outage -1+5: FROM may not be negative (the run starts at 0),"
                        + " got -1\n");
        assertThat(file.err())
                .isEqualTo("kms-agent simulate: " + changes + ": 2 problems:\n"
                        + "  line 2, column 11: field 'outages[0].from': may not be negative (the run starts at 0), got"
                        + " -2d\n"
                        + "  line 3, column 10: field 'outages[0].for': must be positive, got 0\n");
    }

    @Test
    void aSnapshotTakenToTheNanosecondIsSaidInWholeSeconds() throws Exception {
        // A hub's snapshot starts at the moment it was taken: 2026-12-06T19:43:42.172192089Z.
        Path snapshot = dir.resolve("fleet.json");
        Files.writeString(
                snapshot,
                Files.readString(Path.of(SNAPSHOT))
                        .replace(
                                "\"start\" : \"2026-11-30T12:00:00Z\"",
                                "\"start\" : \"2026-11-30T12:00:00.172192089Z\""));

        Run r = LabFixtures.simulate("--snapshot", snapshot.toString(), "--days", "1");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.lines()).contains("What-if from the fleet at 2026-11-30T12:00:00Z (day 0), 1 day");
    }

    @Test
    void aPresentNamingNoMachineOfTheFleetIsAnError() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(
                bad,
                Files.readString(Path.of(SNAPSHOT))
                        .replace("\"name\" : \"SRV-6\",\n      \"cmid\"", "\"name\" : \"SRV-66\",\n      \"cmid\""));

        Run r = LabFixtures.simulate("--snapshot", bad.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("field 'present.machines[5].name': 'SRV-66' is no machine of 'machines'");
    }

    @Test
    void aPresentThatCannotBeIsRefusedWithWhereAndWhat() throws Exception {
        String snapshot = Files.readString(Path.of(SNAPSHOT));
        // SRV-3 renewed four days before the snapshot: valid until 180 days after that, not a month longer.
        String srv3 = "\"validUntil\" : \"2027-05-25T12:00:00Z\",\n"
                + "        \"nextAttempt\" : \"2026-12-03T12:00:00Z\",\n"
                + "        \"lastSuccess\" : \"2026-11-26T12:00:00Z\"";
        assertThat(snapshot).contains(srv3);
        Path tooLong = dir.resolve("too-long.json");
        Files.writeString(tooLong, snapshot.replaceFirst(srv3, srv3.replace("2027-05-25", "2027-06-25")));
        // ... and its last success cannot be after the snapshot's time.
        Path future = dir.resolve("future.json");
        Files.writeString(future, snapshot.replaceFirst(srv3, srv3.replace("2026-11-26", "2026-12-01")));

        Run r = LabFixtures.simulate("--snapshot", tooLong.toString());
        Run f = LabFixtures.simulate("--snapshot", future.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .containsPattern("line \\d+, column \\d+: field 'present.machines\\[2\\].products\\[0\\].validUntil': "
                        + "2027-06-25T12:00:00Z is more than 180 days after lastSuccess 2026-11-26T12:00:00Z")
                .contains("at most 2027-05-25T12:00:00Z");
        assertThat(f.exitCode()).isEqualTo(2);
        assertThat(f.err())
                .containsPattern("line \\d+, column \\d+: field 'present.machines\\[2\\].products\\[0\\].lastSuccess': "
                        + "2026-12-01T12:00:00Z is after the start 2026-11-30T12:00:00Z");
    }

    @Test
    void aHostTablesCmidOrSkuIdMustBeAWholeGuidAsWindowsWritesOne() throws Exception {
        String snapshot = Files.readString(Path.of(SNAPSHOT));
        String cmid = "\"cmid\" : \"00000065-0000-4000-8000-000000000065\"";
        String sku = "\"skuId\" : \"73111121-5638-40f6-bc11-f1d7b0d64300\"";
        assertThat(snapshot).contains(cmid, sku);
        Path shortened = dir.resolve("short.json");
        // UUID.fromString took both as GUIDs (00000001-0002-...); a run of dashes passed as a SKU id.
        Files.writeString(
                shortened,
                snapshot.replaceFirst(cmid, "\"cmid\" : \"1-2-3-4-5\"")
                        .replaceFirst(sku, "\"skuId\" : \"" + "-".repeat(36) + "\""));
        Path braced = dir.resolve("braced.json");
        // As slmgr /dlv and the KMS host's event log print them: braces, upper case. The same clients.
        Files.writeString(
                braced,
                snapshot.replaceFirst(cmid, "\"cmid\" : \"{00000065-0000-4000-8000-000000000065}\"")
                        .replaceFirst(sku, "\"skuId\" : \"{73111121-5638-40F6-BC11-F1D7B0D64300}\""));

        Run bad = LabFixtures.simulate("--snapshot", shortened.toString());
        Run good = LabFixtures.simulate("--snapshot", braced.toString());
        Run original = LabFixtures.simulate("--snapshot", SNAPSHOT);

        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err())
                .contains("field 'present.ledgers[0].clients[0].cmid': '1-2-3-4-5' is not a CMID (a GUID)")
                .contains("field 'present.ledgers[0].clients[0].skuId': '" + "-".repeat(36)
                        + "' is not a SKU id (a GUID)");
        assertThat(good.exitCode()).as(good.err()).isZero();
        assertThat(good.out()).isEqualTo(original.out());
    }
}
