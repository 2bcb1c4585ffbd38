package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kmsagent.agent.hub.WhatIfFleet.NOW;
import static org.kmsagent.agent.hub.WhatIfFleet.cmid;
import static org.kmsagent.agent.hub.WhatIfFleet.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.cli.KmsAgentCommand;
import org.kmsagent.agent.link.FleetLink;
import org.kmsagent.agent.simulate.command.SimulateCommand;
import org.kmsagent.agent.simulate.command.SimulationWiring;
import org.kmsagent.agent.testsupport.LabFixtures;
import org.kmsagent.agent.testsupport.TestFamilies;
import picocli.CommandLine;

/**
 * What-if from the live state: a real hub on loopback, six server agents reporting their products' state and last
 * renewal, and the watched host KMS01 whose log holds those six and 22 PCs without an agent (the Windows pool counts
 * 28). {@code ctl fleet snapshot} writes it; {@code simulate --snapshot} runs it with a 40-day outage of KMS01.
 */
class WhatIfFromHubTest extends HubOnClock {

    WhatIfFromHubTest() {
        super(NOW);
    }

    private FleetLink agent(String id, String cmid, JsonObject snapshot) {
        return agents.connect(id, "server", "windows-server", cmid == null ? List.of() : List.of(cmid), snapshot);
    }

    private void fleet() throws Exception {
        WhatIfFleet.connect(agents);
    }

    private CliRun ctl(String... args) {
        return agents.ctl(LocalHub.READ_TOKEN, args);
    }

    /** The whole command line (ctl and simulate), simulate on the test families. */
    private static LabFixtures.Run kmsAgent(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine.IFactory plain = CommandLine.defaultFactory();
        CommandLine cl = KmsAgentCommand.commandLine(new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == SimulateCommand.class
                        ? type.cast(new SimulateCommand(
                                spec -> SimulationWiring.FamilyLease.of(TestFamilies.all()), LabFixtures.TEST_HOST))
                        : plain.create(type);
            }
        });
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new LabFixtures.Run(code, out.toString(), err.toString());
    }

    @Test
    void theHubKeepsEachAgentsLastRenewalAndTheHostThatGaveIt() throws Exception {
        fleet();

        JsonObject srv3 = new JsonObject(ctl("fleet", "--json").out())
                .getJsonArray("agents").stream()
                        .map(JsonObject.class::cast)
                        .filter(a -> a.getString("agentId").equals("srv-3"))
                        .findFirst()
                        .orElseThrow();

        assertThat(srv3.getJsonArray("cmids")).containsExactly(cmid(3));
        assertThat(srv3.getJsonObject("renewals")
                        .getJsonObject("windows-server")
                        .getString("host"))
                .isEqualTo("kms01.contoso.com");
        assertThat(srv3.getJsonObject("renewals")
                        .getJsonObject("windows-server")
                        .getString("lastSuccess"))
                .isEqualTo(NOW.minus(Duration.ofDays(4)).toString());
    }

    @Test
    void aFortyDayOutageNamesTheMachinesThatLapseAndTheDayEachPoolFallsBelow() throws Exception {
        fleet();
        Path file = dir.resolve("fleet.json");
        CliRun snap = ctl("fleet", "snapshot", "--out", file.toString());
        assertThat(snap.exitCode()).as(snap.err()).isZero();
        JsonObject written = new JsonObject(Files.readString(file));
        assertThat(written.getString("start")).isEqualTo(NOW.toString());
        assertThat(written.getJsonObject("present")
                        .getJsonArray("ledgers")
                        .getJsonObject(0)
                        .getJsonArray("clients"))
                .hasSize(28);
        assertThat(Files.readString(file))
                .as("the shipped example is this fleet's snapshot")
                .isEqualTo(Files.readString(LabFixtures.scenario("what-if/fleet-snapshot.json")));

        LabFixtures.Run run = LabFixtures.simulate("--snapshot", file.toString(), "--outage", "0+40");

        assertThat(run.exitCode()).as(run.err()).isZero();
        // -Dwhatif.dump=FILE keeps the snapshot and the output (how scenarios/what-if/fleet-snapshot.json was made).
        if (System.getProperty("whatif.dump") != null) {
            Files.copy(file, Path.of(System.getProperty("whatif.dump")), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(Path.of(System.getProperty("whatif.dump") + ".out"), run.out());
        }
        assertThat(run.out())
                .contains(
                        "kms01.contoso.com unreachable from day 0 for 40 days",
                        "kms01.contoso.com pool windows: count 28 at the start");
        // 28 entries age out 30 days after their last request, each told at that minute: the fourth oldest (a PC last
        // seen 18 days and a minute before) at the end of day 11, the last server entries (4 days before, a few seconds
        // after the snapshot's minute) on day 26, the newest PC on day 30.
        assertThat(run.out())
                .contains("day  11 23:59  falls below threshold 25 (count 24)")
                .contains("day  26 00:00  falls below threshold 5 (count 4)");
        // SRV-1's activation runs out on day 10; SRV-2's grace on day 20; both are licensed again after day 40.
        assertThat(run.out())
                .containsPattern("day  10 00:00  SRV-1 +Windows Server 2022 Standard +activation ran out; "
                        + "licensed again day  40")
                .containsPattern("day  20 00:00  SRV-2 +Windows Server 2022 Standard +grace over \\(notification\\); "
                        + "licensed again day  40");
        assertThat(run.out()).contains("Machines that lapse: 2");

        LabFixtures.Run again = LabFixtures.simulate("--snapshot", file.toString(), "--outage", "0+40");
        assertThat(again.out()).isEqualTo(run.out());

        LabFixtures.Run json = LabFixtures.simulate("--snapshot", file.toString(), "--outage", "0+40", "--json");
        JsonObject j = new JsonObject(json.out());
        assertThat(j.getJsonArray("lapses").stream()
                        .map(o -> ((JsonObject) o).getString("machine"))
                        .toList())
                .containsExactly("SRV-1", "SRV-2");
        assertThat(LabFixtures.simulate("--snapshot", file.toString(), "--outage", "0+40", "--json")
                        .out())
                .isEqualTo(json.out());

        Path report = dir.resolve("what-if.html");
        LabFixtures.Run withReport =
                LabFixtures.simulate("--snapshot", file.toString(), "--outage", "0+40", "--report", report.toString());
        assertThat(withReport.out()).isEqualTo(run.out());
        assertThat(Files.readString(report))
                .contains(
                        "<section id=\"what-if\">",
                        "table id=\"what-if-lapses\"",
                        "data-threshold=\"25\" data-event=\"below-threshold\"");
    }

    /** {@code simulate --from-hub} of the test's hub with a read token, and a 40-day outage from day 0. */
    private LabFixtures.Run fromHubWithAnOutage() throws Exception {
        Path token = dir.resolve("read.token");
        Files.writeString(token, LocalHub.READ_TOKEN);
        return kmsAgent(
                "simulate",
                "--from-hub",
                hub.at(),
                "--trust",
                hub.fingerprint,
                "--token-file",
                token.toString(),
                "--outage",
                "0+40");
    }

    @Test
    void fromHubGivesWhatTheSnapshotFileGives() throws Exception {
        fleet();
        Path file = dir.resolve("fleet.json");
        assertThat(ctl("fleet", "snapshot", "--out", file.toString()).exitCode())
                .isZero();
        LabFixtures.Run live = fromHubWithAnOutage();
        LabFixtures.Run fromFile = kmsAgent("simulate", "--snapshot", file.toString(), "--outage", "0+40");

        assertThat(live.exitCode()).as(live.err()).isZero();
        assertThat(live.out()).isNotEmpty().isEqualTo(fromFile.out());
        assertThat(live.out()).as("a watched host is the snapshot's own").doesNotContain("No KMS host");
    }

    @Test
    void aRefusedTokenNamesOnlyTheOptionsSimulateHas() throws Exception {
        Path wrong = dir.resolve("wrong.token");
        Files.writeString(wrong, "not-a-token-of-this-hub");

        LabFixtures.Run refused = kmsAgent(
                "simulate", "--from-hub", hub.at(), "--trust", hub.fingerprint, "--token-file", wrong.toString());
        LabFixtures.Run none = kmsAgent("simulate", "--from-hub", hub.at(), "--trust", hub.fingerprint);

        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err())
                .contains("the token was not accepted: check the one given (--token-file FILE or KMSAGENT_TOKEN)")
                .doesNotContain("--token)", "--token TOKEN");
        assertThat(none.exitCode()).isNotZero();
        assertThat(none.err())
                .contains("no token was given: pass it with --token-file FILE")
                .contains("or the KMSAGENT_TOKEN environment variable")
                .doesNotContain("--token)", "--token TOKEN");
    }

    @Test
    void fromHubWithoutTrustSaysHowToTrustTheHub() throws Exception {
        LabFixtures.Run r = kmsAgent("simulate", "--from-hub", hub.at(), "--outage", "0+40");

        assertThat(r.exitCode()).isEqualTo(2);
        // The hub's words (it prints its fingerprint at 'kms-agent hub'), and no pointer to ctl's help: the options
        // given were simulate's.
        assertThat(r.err().strip())
                .isEqualTo("kms-agent simulate: --from-hub " + hub.at() + ": how to trust the hub is missing: give"
                        + " --trust FINGERPRINT (printed by 'kms-agent hub') or --ca FILE")
                .doesNotContain("\n");
    }

    /**
     * As the launcher builds the command line (only the command named, here simulate): the snapshot is taken by ctl,
     * which was not built, so {@code --from-hub} always failed with "no 'ctl' command" outside the tests.
     */
    @Test
    void fromHubReachesTheHubOnTheCommandLineAsTheLauncherBuildsIt() throws Exception {
        CliRun r = CliRun.of("simulate", "--from-hub", hub.at(), "--outage", "0+40");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip())
                .startsWith("kms-agent simulate: --from-hub " + hub.at() + ": how to trust")
                .doesNotContain("\n");
    }

    @Test
    void badChangesAreOneLineErrorsWithExitTwo() throws Exception {
        fleet();
        Path file = dir.resolve("fleet.json");
        assertThat(ctl("fleet", "snapshot", "--out", file.toString()).exitCode())
                .isZero();
        String[][] bad = {
            {"--outage", "40"},
            {"--outage", "kms99.contoso.com@0+40"},
            {"--outage", "0+-3"},
            {"--retire", "NOPE-*"},
            {"--reimage", "many"},
            {"--reimage", "50"},
            {"--remove-host-key", "No Such Key"},
            {"--remove-license-pack", "Office 1997 KMS Host License Pack"},
        };
        for (String[] b : bad) {
            List<String> args = new ArrayList<>(List.of("--snapshot", file.toString()));
            args.addAll(List.of(b));
            LabFixtures.Run r = LabFixtures.simulate(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(String.join(" ", b)).isEqualTo(2);
            assertThat(r.err().strip())
                    .as(String.join(" ", b))
                    .startsWith("kms-agent simulate: changes: ")
                    .doesNotContain("\n");
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void agentsOnClonedMachinesSharingAHostNameMakeASnapshotSimulateReads() throws Exception {
        agents.connect(
                "pc-0042",
                "VM",
                "server",
                "windows-server",
                List.of(cmid(1)),
                server("LICENSED", Duration.ofDays(176), Duration.ofDays(3)));
        agents.connect(
                "pc-0043",
                "VM",
                "server",
                "windows-server",
                List.of(cmid(2)),
                server("INITIAL_GRACE", Duration.ofDays(20), Duration.ofHours(2)));
        Path file = dir.resolve("fleet.json");
        CliRun snap = ctl("fleet", "snapshot", "--out", file.toString());
        assertThat(snap.exitCode()).as(snap.err()).isZero();
        assertThat(snap.out()).contains("2 machine(s)");

        LabFixtures.Run run = LabFixtures.simulate("--snapshot", file.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(new JsonObject(Files.readString(file))
                        .getJsonArray("machines").stream()
                                .map(o -> ((JsonObject) o).getString("name"))
                                .toList())
                .as("each named by its host and, as the host name repeats, its agent id")
                .containsExactlyInAnyOrder("VM-pc-0042", "VM-pc-0043");
    }

    /**
     * {@code fleet snapshot --out worked-example.yaml} replaced the scenario with the snapshot, exit 0: a snapshot
     * replaces an earlier snapshot, never another file (as {@code simulate --report} replaces only a report).
     */
    @Test
    void aSnapshotReplacesAnEarlierSnapshotButNeverAnotherFile() throws Exception {
        fleet();
        Path scenario = Files.writeString(dir.resolve("site.yaml"), "name: my site\nseed: 7\n");

        CliRun refused = ctl("fleet", "snapshot", "--out", scenario.toString());

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err())
                .startsWith("kms-agent: --out " + scenario + ": the file exists and is neither empty nor an earlier"
                        + " snapshot (a JSON scenario named \"Fleet snapshot of …\"), so it is not replaced: give a new"
                        + " file name, or remove the file first");
        assertThat(Files.readString(scenario)).isEqualTo("name: my site\nseed: 7\n");
        assertThat(ctl("fleet", "snapshot", "--out", dir.toString()).err())
                .contains("--out " + dir + ": is a directory; give the snapshot's file name, e.g. "
                        + dir.resolve("snapshot.json"));

        Path earlier = dir.resolve("fleet.json");
        assertThat(ctl("fleet", "snapshot", "--out", earlier.toString()).exitCode())
                .isZero();
        Files.writeString(earlier, Files.readString(earlier).replace("\"days\" : 90", "\"days\" : 30"));
        CliRun again = ctl("fleet", "snapshot", "--out", earlier.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(new JsonObject(Files.readString(earlier)).getInteger("days"))
                .as("the earlier snapshot, replaced")
                .isEqualTo(90);
    }

    /**
     * docs/fleet.md, "What if: the fleet as it is": agents that find their host through DNS and no agent watching it.
     * The snapshot holds no host and says so, and a what-if refuses to take down a host the fleet does not have (the
     * simulator's default host used to stand in for it, silently).
     */
    @Test
    void aFleetWithNoWatchedHostIsASnapshotOfNoHostWhoseOutageIsRefused() throws Exception {
        JsonObject dns = server("LICENSED", Duration.ofDays(176), Duration.ofDays(3));
        dns.getJsonArray("products").getJsonObject(0).remove("kms");
        agent("srv-1", cmid(1), dns);
        assertThat(ctl("fleet", "hosts").out()).contains("0 watched host(s)");
        Path file = dir.resolve("fleet.json");

        CliRun snap = ctl("fleet", "snapshot", "--out", file.toString());
        CliRun json = ctl("fleet", "snapshot", "--out", file.toString(), "--json");

        assertThat(snap.exitCode()).as(snap.err()).isZero();
        assertThat(snap.out())
                .contains("wrote " + file + ": 1 machine(s), 0 host(s)" + System.lineSeparator())
                .contains("it holds no KMS host, as no agent watches one")
                .doesNotContain("--outage 0+40");
        assertThat(new JsonObject(json.out()).getInteger("hosts")).isZero();
        assertThat(new JsonObject(Files.readString(file)).containsKey("host")).isFalse();

        Path changes = dir.resolve("changes.yaml");
        Files.writeString(changes, "outages:\n  - from: 0\n    for: 40d\n");
        String refused = "kms-agent simulate: " + file + ": holds no KMS host (the fleet had no watched host when the"
                + " snapshot was taken), so %s would apply to the simulator's default host kms01.corp.example, which is"
                + " not in your fleet; watch your KMS host (an agent on it with host.mode: watch, docs/fleet.md"
                + " \"Watched hosts\") and take the snapshot again, or name it in the file's \"host\"";
        for (String[] change : new String[][] {
            {"an outage", "--outage", "0+40"},
            {"an outage", "--outage", "kms01.corp.example@0+40"},
            {"an outage", "--changes", changes.toString()},
            {"removing a host key", "--remove-host-key", "windows-server"},
            {"removing a license pack", "--remove-license-pack", "Office 2013 Volume License Pack"}
        }) {
            LabFixtures.Run r = LabFixtures.simulate("--snapshot", file.toString(), change[1], change[2]);

            assertThat(r.exitCode()).as(change[2] + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).as(change[2]).isEqualTo(refused.formatted(change[0]) + System.lineSeparator());
            assertThat(r.out()).as(change[2]).isEmpty();
        }
        // A change to the fleet's machines needs no host.
        LabFixtures.Run retire = LabFixtures.simulate("--snapshot", file.toString(), "--retire", "srv-1@10");
        assertThat(retire.exitCode()).as(retire.err()).isZero();
        assertThat(retire.out())
                .contains("machines matching srv-1 retired on day 10")
                .contains("No KMS host in the snapshot (no agent watched one): kms01.corp.example, the simulator's"
                        + " default host, stands in for it, its table empty at the start");
        LabFixtures.Run asJson = LabFixtures.simulate("--snapshot", file.toString(), "--json");
        assertThat(new JsonObject(asJson.out()).getString("assumedHost")).isEqualTo("kms01.corp.example");
        // A host the user adds to the snapshot is theirs: its outage runs.
        Path edited = dir.resolve("edited.json");
        Files.writeString(
                edited,
                new JsonObject(Files.readString(file))
                        .put("hosts", new JsonArray().add(new JsonObject().put("name", "kms02.corp.example")))
                        .encode());
        LabFixtures.Run kms02 =
                LabFixtures.simulate("--snapshot", edited.toString(), "--outage", "kms02.corp.example@0+40");
        assertThat(kms02.exitCode()).as(kms02.err()).isZero();

        LabFixtures.Run live = fromHubWithAnOutage();
        assertThat(live.exitCode()).as(live.err()).isEqualTo(2);
        assertThat(live.err())
                .startsWith("kms-agent simulate: the snapshot of " + hub.at() + ": holds no KMS host")
                .contains("so an outage would apply to the simulator's default host kms01.corp.example");
    }

    @Test
    void aSnapshotRunningOutsideOneToThreeThousandSixHundredFiftyDaysIsAUsageError() throws Exception {
        agent("srv-1", cmid(1), server("LICENSED", Duration.ofDays(176), Duration.ofDays(3)));
        for (String days : List.of("-5", "0", "3651")) {
            Path file = dir.resolve("fleet" + days + ".json");
            CliRun r = ctl("fleet", "snapshot", "--out", file.toString(), "--days", days);
            assertThat(r.exitCode()).as(days).isEqualTo(2);
            assertThat(r.err()).as(days).contains("--days: expected a whole number of days 1-3650, got " + days);
            assertThat(file).as(days).doesNotExist();
        }
    }

    @Test
    void withJsonTheSnapshotSaysWhatItWroteAsJson() throws Exception {
        fleet();
        Path file = dir.resolve("fleet.json");

        CliRun snap = ctl("fleet", "snapshot", "--out", file.toString(), "--json");

        // It printed its two text lines whatever --json said.
        assertThat(snap.exitCode()).as(snap.err()).isZero();
        JsonObject written = new JsonObject(snap.out());
        assertThat(written.getString("file")).isEqualTo(file.toString());
        assertThat(written.getInteger("machines"))
                .isEqualTo(new JsonObject(Files.readString(file))
                        .getJsonArray("machines").stream()
                                .mapToInt(m -> ((JsonObject) m).getInteger("count", 1))
                                .sum());
        assertThat(written.getInteger("hosts")).isPositive();
        assertThat(written.getJsonArray("leftOut")).isNotNull();
    }

    @Test
    void aSnapshotFileThatCannotBeWrittenIsTheUsersFileProblemNotTheHubs() throws Exception {
        agent("srv-1", cmid(1), server("LICENSED", Duration.ofDays(176), Duration.ofDays(3)));
        Path file = dir.resolve("no-such-folder").resolve("fleet.json");

        CliRun r = ctl("fleet", "snapshot", "--out", file.toString());

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err())
                .contains("--out " + file + ": directory " + file.getParent() + " does not exist")
                .doesNotContain("cannot talk to the hub");
    }
}
