package org.kmsagent.agent.simulate.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.cli.KmsAgentCommand;
import org.kmsagent.agent.testsupport.LabFixtures;
import org.kmsagent.agent.testsupport.LabFixtures.Run;
import org.kmsagent.agent.testsupport.TestFamilies;
import picocli.CommandLine;

class SimulateCommandTest {
    private static final String WORKED =
            LabFixtures.scenario("worked-example.yaml").toString();

    @TempDir
    Path dir;

    @Test
    void rootCommandOffersSimulateWithItsOptions() {
        StringWriter out = new StringWriter();
        CommandLine cl = KmsAgentCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("simulate", "--help")).isZero();
        assertThat(out.toString())
                .contains(
                        "--clients", "--servers", "--office2013", "--days", "--seed", "--json", "--ledger", "SCENARIO");
    }

    @Test
    void sameSeedGivesTheSameOutputByteForByte() {
        Run a = LabFixtures.simulate(WORKED, "--json");
        Run b = LabFixtures.simulate(WORKED, "--json");
        assertThat(a.exitCode()).isZero();
        assertThat(a.out()).isNotEmpty().isEqualTo(b.out());

        Run flagsA = LabFixtures.simulate(
                "--clients", "30", "--servers", "6", "--office2013", "10", "--days", "20", "--seed", "7");
        Run flagsB = LabFixtures.simulate(
                "--clients", "30", "--servers", "6", "--office2013", "10", "--days", "20", "--seed", "7");
        assertThat(flagsA.exitCode()).isZero();
        assertThat(flagsA.out()).isEqualTo(flagsB.out());
    }

    @Test
    void plainMemoryLedgerGivesTheSameEventStreamAsH2() {
        Run h2 = LabFixtures.simulate(WORKED, "--json");
        Run memory = LabFixtures.simulate(WORKED, "--json", "--ledger", "memory");
        assertThat(memory.exitCode()).isZero();
        assertThat(memory.out()).isEqualTo(h2.out());
    }

    @Test
    void h2LedgerOnRequestGivesTheSameEventStreamAsTheDefault() {
        Run byDefault = LabFixtures.simulate(
                "--clients", "40", "--servers", "6", "--office2013", "10", "--days", "60", "--json");
        Run h2 = LabFixtures.simulate(
                "--clients", "40", "--servers", "6", "--office2013", "10", "--days", "60", "--json", "--ledger", "h2");
        assertThat(h2.exitCode()).isZero();
        assertThat(h2.out()).isNotEmpty().isEqualTo(byDefault.out());
    }

    @Test
    void jsonModeWritesOneObjectPerEventWithTheDocumentedFields() throws Exception {
        Run r = LabFixtures.simulate(WORKED, "--json");
        ObjectMapper m = new ObjectMapper();
        List<String> lines = r.lines();
        assertThat(lines).hasSizeGreaterThan(100);
        for (String line : lines) {
            JsonNode n = m.readTree(line);
            assertThat(n.fieldNames())
                    .toIterable()
                    .containsExactly(
                            "time",
                            "minute",
                            "event",
                            "machine",
                            "family",
                            "sku",
                            "hresult",
                            "hresultName",
                            "pool",
                            "count",
                            "required",
                            "host",
                            "diagnosis",
                            "detail",
                            "cmid");
        }
        JsonNode serverActivated = lines.stream()
                .map(l -> read(m, l))
                .filter(n -> n.get("event").asText().equals("activated"))
                .findFirst()
                .orElseThrow();
        assertThat(serverActivated.get("machine").asText()).isEqualTo("srv2008r2");
        assertThat(serverActivated.get("minute").asInt()).isEqualTo(150);
        assertThat(serverActivated.get("count").asInt()).isEqualTo(13);
        assertThat(serverActivated.get("pool").asText()).isEqualTo("windows");
        assertThat(serverActivated.get("hresult").asText()).isEqualTo("0x00000000");
    }

    @Test
    void humanOutputShowsTheTimelineAndASummaryTable() {
        Run r = LabFixtures.simulate(WORKED);
        assertThat(r.exitCode()).isZero();
        assertThat(r.out())
                .contains("srv2008r2", "activation failed 0xC004F038: count 3 of 5, needs 2 more")
                .contains("day   0 02:30  srv2008r2")
                .contains("ACTIVATED (count 13, threshold 5")
                .contains("count 13 of 25, needs 12 more")
                .contains("pool windows: count 5 reached threshold 5")
                .contains("Summary after day  40")
                .contains("Last count reported per pool: windows 13")
                .contains("  windows-client  12 x 0xC004F038 count 13 of 25, needs 12 more");
        assertThat(r.out()
                        .lines()
                        .filter(l -> l.startsWith("windows  windows-client"))
                        .findFirst()
                        .orElseThrow())
                .matches("windows\\s+windows-client\\s+12\\s+0\\s+.*");
    }

    @Test
    void yamlSyntaxErrorNamesFileAndLineAndRunsNothing() throws Exception {
        Path f = write("broken.yaml", "name: x\nmachines:\n  - name: a\n    count: [1\n");
        Run r = LabFixtures.simulate(f.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(f.toString()).containsPattern("line \\d+");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aKeyWithoutItsColonIsSaidAtItsLineInWordsNotAtTheFieldBefore() throws Exception {
        // The parser stood at 'name' when it gave up: that line is right, the next is not.
        Path f = write("nocolon.yaml", "name: x\nseed 7\ndays: 5\n");
        Run r = LabFixtures.simulate(f.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo("kms-agent simulate: " + f + ": line 2, column 1: 'seed 7' has no ':' after its key"
                        + System.lineSeparator());
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aClockSkewRefusalNamesTheHostThatRefusedAndTheSkewOverTheLimit() throws Exception {
        Path f = write(
                "skew.yaml",
                "days: 1\nmachines:\n  - name: srv\n    family: windows-server\n"
                        + "    edition: Windows Server 2022 Standard\n    clockSkew: 4h 30s\n");
        Run r = LabFixtures.simulate(f.toString(), "--json");
        assertThat(r.exitCode()).isZero();
        ObjectMapper m = new ObjectMapper();
        JsonNode refused = r.lines().stream()
                .map(l -> read(m, l))
                .filter(n -> n.get("event").asText().equals("activation-failed"))
                .findFirst()
                .orElseThrow();
        assertThat(refused.get("diagnosis").asText()).isEqualTo("CLOCK_SKEW");
        assertThat(refused.get("host").asText()).isEqualTo("kms01.corp.example");
        assertThat(refused.get("detail").asText())
                .isEqualTo("clock +4h 30s against kms01.corp.example (limit 4h either way)");
    }

    @Test
    void unknownFieldIsNamedWithItsLineAndTheAllowedFields() throws Exception {
        Path f = write("typo.yaml", "name: x\nmachines:\n  - name: a\n    cout: 3\n    family: windows-client\n");
        Run r = LabFixtures.simulate(f.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .contains("typo.yaml")
                .contains("line 4")
                .contains("unknown field 'cout'")
                .contains("count");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void wrongTypeSaysWhatWasExpectedWhereAndEmptyFileIsNamed() throws Exception {
        Path f = write("types.yaml", "name: x\nmachines:\n  - name: a\n    count: many\n");
        Run r = LabFixtures.simulate(f.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .contains("types.yaml: 2 problems:")
                .contains("line 4, column 12: field 'machines[0].count': expected a whole number")
                .contains("line 3, column 5: field 'machines[0]': give 'family' and 'edition', or a 'products' list");

        Run empty = LabFixtures.simulate(write("empty.yaml", "\n").toString());
        assertThat(empty.exitCode()).isEqualTo(2);
        assertThat(empty.err()).contains("empty.yaml: the file is empty");
    }

    @Test
    void valuesOfTheWrongTypeAreAllReportedInOneRunWithTheirLineAndColumn() throws Exception {
        String printed = "kms-agent simulate: site.yaml: 5 problems:\n"
                + "  line 2, column 7: field 'days': expected a whole number, got 'sixty'\n"
                + "  line 5, column 12: field 'machines[0].count': expected a whole number, got 'eight'\n"
                + "  line 8, column 12: field 'machines[0].every': expected text (a single value)\n"
                + "  line 10, column 23: field 'host.activationInterval': 5m is outside the allowed 15m to 30d\n"
                + "  line 7, column 14: field 'machines[0].edition': 'Windows 7 Ultimate' is not an edition of "
                + "windows-client; did you mean 'Windows 7 Enterprise'?\n";
        // The example of docs/simulate.md ("Exit codes"): the file it shows prints what it says.
        String doc = Files.readString(Path.of("..", "..", "docs", "simulate.md"));
        int yaml = doc.indexOf("```yaml\n", doc.indexOf("For example, this `site.yaml`:")) + "```yaml\n".length();
        int output = doc.indexOf("```\n", doc.indexOf("```", yaml) + 3) + "```\n".length();
        assertThat(doc.substring(output, doc.indexOf("```", output))).isEqualTo(printed);
        Path f = write("site.yaml", doc.substring(yaml, doc.indexOf("```", yaml)));

        Run r = LabFixtures.simulate(f.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo(printed.replace("site.yaml: ", f + ": "));
        assertThat(r.out()).isEmpty();
    }

    @Test
    void onOffValuesAndCountsOfTheWrongTypeAreBadInputNotARun() throws Exception {
        // Each of these used to run (exit 0): cloned: 1 as "cloned (one CMID)", yes and "true" as true, "2" as 2.
        Path f = write("types.yaml", """
        machines:
          - name: pc-{n}
            family: windows-client
            edition: Windows 10 Pro
            count: "2"
            cloned: 1
            hostCaching: yes
          - name: srv-{n}
            family: windows-server
            edition: Windows Server 2022 Standard
            hostCaching: "true"
        """);
        Run r = LabFixtures.simulate(f.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .isEqualTo(
                        "kms-agent simulate: " + f + ": 4 problems:\n"
                                + "  line 5, column 12: field 'machines[0].count': expected a whole number, got the text \"2\"; write it without quotes\n"
                                + "  line 6, column 13: field 'machines[0].cloned': expected true or false, got 1\n"
                                + "  line 7, column 18: field 'machines[0].hostCaching': expected true or false, got 'yes'\n"
                                + "  line 11, column 18: field 'machines[1].hostCaching': expected true or false, got the text \"true\"; write it without quotes\n");

        Path json = write("types.json", """
        {"machines": [{"name": "pc-{n}", "family": "windows-client", "edition": "Windows 10 Pro", "count": "2"}]}
        """);
        Run j = LabFixtures.simulate(json.toString());
        assertThat(j.exitCode()).isEqualTo(2);
        assertThat(j.err())
                .isEqualTo(
                        "kms-agent simulate: " + json
                                + ": line 1, column 100: field 'machines[0].count': expected a whole number, got the text \"2\"; write it without quotes\n");
    }

    @Test
    void everyWrongValueIsReportedByFieldPathAtOnce() throws Exception {
        Path f = write("values.yaml", """
        name: x
        days: 0
        host:
          activationInterval: 5m
          hostKeys: [Windows 99 CSVLK]
        machines:
          - name: pc-{n}
            count: 3
            family: windows-client
            edition: Windows 7 Ultimate
            every: 3 fortnights
          - name: srv
            family: no-such-family
            edition: x
        """);
        Run r = LabFixtures.simulate(f.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .contains("values.yaml")
                .contains("field 'days': expected a whole number 1-3650")
                .contains("field 'host.activationInterval': 5m is outside the allowed 15m to 30d")
                .contains("field 'host.hostKeys[0]': unknown host key 'Windows 99 CSVLK'")
                .contains("field 'machines[0].edition': 'Windows 7 Ultimate' is not an edition of windows-client")
                .contains("field 'machines[0].every': '3 fortnights' is not a duration")
                .contains("field 'machines[1].family': no loaded family 'no-such-family'");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void missingFileAndConflictingOrBadFlagsAreUsageErrors() {
        Run missing = LabFixtures.simulate(dir.resolve("nope.yaml").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.yaml: no such file");

        Run both = LabFixtures.simulate(WORKED, "--clients", "3");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("either a scenario file or fleet flags");

        Run neither = LabFixtures.simulate();
        assertThat(neither.exitCode()).isEqualTo(2);

        Run negative = LabFixtures.simulate("--clients", "-1", "--days", "0");
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.err())
                .contains("--clients: expected a whole number of machines 0-1000000, got -1")
                .doesNotContain("simulate: simulate:");
        Run noDays = LabFixtures.simulate("--clients", "3", "--days", "0");
        assertThat(noDays.exitCode()).isEqualTo(2);
        assertThat(noDays.err()).contains("--days: expected a whole number of days 1-3650, got 0");

        Run notANumber = LabFixtures.simulate("--clients", "many");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.out()).isEmpty();
    }

    @Test
    void fleetByFlagsActivatesServersAndCountsOfficeApart() {
        Run r = LabFixtures.simulate(
                "--clients", "30", "--servers", "6", "--office2013", "10", "--days", "10", "--seed", "7");
        assertThat(r.exitCode()).isZero();
        String windowsClientRow = r.out()
                .lines()
                .filter(l -> l.startsWith("windows  windows-client"))
                .findFirst()
                .orElseThrow();
        // 30 clients + 10 Office PCs + 6 servers = 46 machines in the Windows pool, above 25: every client activates.
        assertThat(windowsClientRow).matches("windows\\s+windows-client\\s+40\\s+40\\s+.*");
        assertThat(r.out()).containsPattern("\\noffice +office2013 +10 +10 ");
        assertThat(r.out()).contains("Last count reported per pool: office 10, windows 46");
    }

    /** The header said "8000 clients" and "8000 x client-0001 …" beside a summary's "10,000 machines". */
    @Test
    void aLargeFleetByFlagsIsCountedWithThousandsSeparatorsInItsHeaderAsInItsSummary() {
        Run r = LabFixtures.simulate("--clients", "1200", "--servers", "0", "--office2013", "0", "--days", "1");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("1,200 clients, 0 servers, 0 Office 2010 PCs, 0 Office 2013 PCs")
                .containsPattern("\\n  1,200 x client-0001 \\.\\. client-1200: ");
    }

    @Test
    void officePcsByFlagsRunWindowsEvenWithoutClients() {
        // Office PCs are Windows client PCs with Office on them: they need a Windows edition with no --clients too.
        Run office2013 = LabFixtures.simulate("--office2013", "3", "--days", "2");
        assertThat(office2013.exitCode()).as(office2013.err()).isZero();
        assertThat(office2013.out())
                .contains("3 x o2013-pc-01 .. o2013-pc-03: Windows 11 Enterprise + Office 2013 Professional Plus");

        Run office2010 = LabFixtures.simulate("--office2010", "2", "--clients", "0", "--servers", "1", "--days", "1");
        assertThat(office2010.exitCode()).as(office2010.err()).isZero();
        assertThat(office2010.out()).contains("o2010-pc-01 .. o2010-pc-02: Windows 11 Enterprise + Office 2010");
    }

    @Test
    void threeOffice2013AndTwoOffice2016MachinesReachTheOfficeThresholdTogether() throws Exception {
        Path scenario = write("office-2013-and-2016.yaml", """
        name: Office 2013 and Office 2016 on one host
        seed: 5
        days: 1
        machines:
          - name: o13-{n}
            count: 3
            windows: 10
            family: office2013
            edition: Office 2013 Professional Plus
            every: 10m
          - name: o16-{n}
            count: 2
            windows: 10
            family: office2016
            edition: Office Professional Plus 2016
            arrive: 40m
            every: 10m
        """);
        Run r = LabFixtures.simulate(scenario.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        ObjectMapper m = new ObjectMapper();
        List<JsonNode> activated = r.out()
                .lines()
                .map(l -> read(m, l))
                .filter(e -> e.path("event").asText().equals("activated"))
                .toList();
        // One pool for both releases: the fifth machine (the second Office 2016 PC) brings the count to 5 and
        // activates; the Office 2013 PCs activate at their next retry.
        assertThat(activated).extracting(e -> e.path("pool").asText()).containsOnly("office");
        assertThat(activated)
                .extracting(e -> e.path("machine").asText())
                .containsExactlyInAnyOrder("o13-01", "o13-02", "o13-03", "o16-01", "o16-02");
        assertThat(activated.stream()
                        .filter(e -> e.path("machine").asText().equals("o16-02"))
                        .findFirst()
                        .orElseThrow()
                        .path("count")
                        .asInt())
                .isEqualTo(5);
    }

    @Test
    void aWindows11MachineIsNamedSoInEveryEventEvenBeforeItsProductIsFound() throws Exception {
        // Windows 10 and 11 Enterprise share a SKU id; with faults the first calls (finding the product) fail, and
        // their events named the catalog's first edition of that id.
        Path scenario = write("win11.yaml", """
        seed: 3
        days: 2
        faults:
          rate: 0.5
        machines:
          - name: pc-{n}
            count: 20
            family: windows-client
            edition: Windows 11 Enterprise
        """);
        Run r = LabFixtures.simulate(scenario.toString(), "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> skus = new ArrayList<>();
        for (String line : r.lines()) {
            JsonNode sku = new ObjectMapper().readTree(line).get("sku");
            if (sku != null && !sku.isNull()) {
                skus.add(sku.asText());
            }
        }
        assertThat(r.lines()).anyMatch(l -> l.contains("\"event\":\"call-failed\""));
        assertThat(skus).isNotEmpty().containsOnly("Windows 11 Enterprise");
    }

    @Test
    void seedAndDaysOnTheCommandLineOverrideTheScenario() {
        Run r = LabFixtures.simulate(WORKED, "--days", "3", "--seed", "99");
        assertThat(r.out()).contains("Seed 99, 3 days").contains("Summary after day   3");
    }

    @Test
    void anUnreadableScenarioSaysWhyItCannotBeRead() throws Exception {
        Path unreadable = write("unread.yaml", "name: x\n");
        Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));
        // Root reads any file of mode 000; not a write-only file of the kernel's.
        Path file = Stream.of(unreadable, Path.of("/sys/bus/pci/rescan"))
                .filter(SimulateCommandTest::refusesReading)
                .findFirst()
                .orElse(null);
        Assumptions.assumeTrue(file != null, "no file refuses this account's reading");

        Run r = LabFixtures.simulate(file.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("kms-agent simulate: " + file + ": cannot read: Permission denied\n");
    }

    private static boolean refusesReading(Path file) {
        try (var in = Files.newInputStream(file)) {
            in.read();
            return false;
        } catch (AccessDeniedException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aRunOfAMultipleOfThirtyDaysEndsWithOneDigestHoldingItsLastInstant() {
        for (String days : List.of("30", "60", "90")) {
            Run r = LabFixtures.simulate(WORKED, "--days", days);
            List<String> digests =
                    r.lines().stream().filter(l -> l.contains("... since day")).toList();

            assertThat(r.exitCode()).isZero();
            assertThat(digests).as(days).hasSize(Integer.parseInt(days) / 30);
            assertThat(digests.get(digests.size() - 1))
                    .as(days)
                    .startsWith(
                            String.format("day %3s 00:00  ... since day %3d 00:00", days, Integer.parseInt(days) - 30));
        }
    }

    private Path write(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private static JsonNode read(ObjectMapper m, String line) {
        try {
            return m.readTree(line);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void overlappingOutagesOfOneHostAreOneOutageInTheTimelineAndTheJson() throws Exception {
        // Before: the host came back at day 6 (the first outage's end) in the timeline, the JSON and the report's
        // shading, while every request failed up to day 8.
        Path scenario = write("overlap.yaml", """
        seed: 3
        days: 10
        machines:
          - name: srv-{n}
            count: 5
            family: windows-server
            edition: Windows Server 2022 Standard
        host:
          outages:
            - {from: 4d, to: 8d}
            - {from: 2d, to: 6d}
        """);
        Run json = LabFixtures.simulate(scenario.toString(), "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        List<String> hostLines = json.out()
                .lines()
                .filter(l -> l.contains("\"event\":\"host-down\"") || l.contains("\"event\":\"host-up\""))
                .toList();
        assertThat(hostLines).hasSize(2);
        assertThat(hostLines.get(0)).contains("\"event\":\"host-down\"").contains("\"minute\":2880,");
        assertThat(hostLines.get(1)).contains("\"event\":\"host-up\"").contains("\"minute\":11520,");
        Run timeline = LabFixtures.simulate(scenario.toString());
        assertThat(timeline.out()).contains("day   8 00:00").doesNotContain("day   6 00:00  KMS host");
    }

    @Test
    void aNegativeSeedIsASeedLikeAnyOther() {
        // A run prints its seed, and a snapshot's is drawn from its content: a negative one must be given back as is.
        Run r = LabFixtures.simulate("--clients", "1", "--days", "1", "--seed", "-5");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Seed -5, 1 day from");
    }

    /**
     * {@code simulate --json | head -5} on a big fleet: the reader had gone after five lines, yet the command simulated
     * the whole year before it ended. It now stops at the first simulated day whose output cannot be written.
     */
    @Test
    void aRunWhoseOutputCannotBeWrittenStopsInsteadOfSimulatingTheRest() {
        String[] args = {"--clients", "40", "--servers", "6", "--office2013", "10", "--days", "365", "--json"};
        SimulateCommand whole =
                new SimulateCommand(spec -> SimulationWiring.FamilyLease.of(TestFamilies.all()), LabFixtures.TEST_HOST);
        CommandLine wholeRun = new CommandLine(whole);
        wholeRun.setOut(new PrintWriter(new StringWriter(), true));
        assertThat(wholeRun.execute(args)).isZero();

        SimulateCommand unread =
                new SimulateCommand(spec -> SimulationWiring.FamilyLease.of(TestFamilies.all()), LabFixtures.TEST_HOST);
        CommandLine unreadRun = new CommandLine(unread);
        unreadRun.setOut(new PrintWriter(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        }));
        unreadRun.setErr(new PrintWriter(new StringWriter(), true));
        assertThat(unreadRun.execute(args))
                .as("Main, not the command, tells a closed pipe from a full disk")
                .isZero();

        // It stops after its first day: far from the year's events (a day's activations are a few of its renewals).
        assertThat(unread.lastEvents()).isPositive().isLessThan(whole.lastEvents() / 4);
    }
}
