package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.bench.SimulatedAgent;
import org.kmsagent.agent.bus.BusJson;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.host.GenuineHostView;
import org.kmsagent.agent.host.ObservedRequest;
import org.kmsagent.agent.link.FleetLink;
import org.kmsagent.agent.simulate.LabEvent;
import org.kmsagent.agent.simulate.Scenario;
import org.kmsagent.agent.simulate.ScenarioReader;
import org.kmsagent.agent.simulate.SimulationLab;
import org.kmsagent.agent.testsupport.GenuineHostFixtures;
import org.kmsagent.agent.testsupport.LabFixtures;
import org.kmsagent.agent.testsupport.TestFamilies;

/**
 * A real hub on loopback joining a watched genuine KMS host's log with the agents: the watcher on KMS01, agents on
 * PC-A, PC-B, PC-D and PC-Z. The host's log names five clients: KMS01 itself, PC-A and PC-B (cloned: one CMID),
 * PC-C (no agent) and PC-D. PC-Z names KMS01 as its KMS host but was never logged.
 */
class WatchedHostFleetTest extends HubOnClock {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final String WIN11 = "4de7cb65-cdf1-4de9-8ae8-e3cce27b9f2c";
    private static final String CLONED = "aaaaaaaa-0000-4000-8000-00000000000a";

    WatchedHostFleetTest() {
        super(NOW);
    }

    private FleetLink agent(String id, JsonObject snapshot) {
        return agents.connect(id, "client", "windows-client", List.of(), snapshot);
    }

    private static JsonObject pointingAt(String kms) {
        return new JsonObject()
                .put("products", new JsonArray().add(SimulatedAgent.product("x").put("kms", kms)));
    }

    private static ObservedRequest logged(long id, int hoursAgo, String fqdn, String cmid, int required, int state) {
        return new ObservedRequest(
                id,
                NOW.minus(Duration.ofHours(hoursAgo)),
                "KMS01",
                "0x0",
                required,
                fqdn,
                cmid,
                "2026/11/30 9:15",
                state,
                43_000,
                WIN11);
    }

    /** The watcher's view as the agent's control API answers kmsagent.host.watched. */
    private static JsonObject watched() {
        List<ObservedRequest> log = List.of(
                logged(1, 50, "kms01.contoso.com", "11111111-1111-4111-8111-111111111111", 5, 1),
                logged(2, 40, "pc-a.contoso.com", CLONED, 25, 2),
                logged(3, 30, "pc-b.contoso.com", CLONED, 25, 2),
                logged(4, 20, "pc-c.contoso.com", "cccccccc-0000-4000-8000-00000000000c", 25, 0),
                logged(5, 10, "pc-d.contoso.com", "dddddddd-0000-4000-8000-00000000000d", 25, 1),
                logged(6, 5, "pc-a.contoso.com", CLONED, 25, 2));
        GenuineHostView view = GenuineHostView.of(
                        "KMS01",
                        NOW,
                        log,
                        TestFamilies::applicationOf,
                        List.of(new GenuineHostView.Counters(
                                "55c92734-d682-4d71-983e-d6ec3f16059f", 4, 6, 0, Map.of("Licensed", 5L))),
                        null,
                        6,
                        1,
                        NOW.minusSeconds(30),
                        null)
                .withService(GenuineHostFixtures.SERVICE, null);
        return BusJson.object(view).put("watching", true);
    }

    private CliRun ctl(String... args) {
        return agents.ctl(LocalHub.READ_TOKEN, args);
    }

    private void fleet() {
        agent("kms01", pointingAt("dns").put("watchedHost", watched()));
        agent("pc-a", pointingAt("kms01.contoso.com:1688"));
        agent("pc-b", pointingAt("kms01:1688"));
        agent("pc-d", pointingAt("DNS discovery"));
        agent("pc-z", pointingAt("KMS01.contoso.com:1688"));
    }

    @Test
    void clientsListsExactlyWhatTheHostLoggedJoinedWithTheAgents() {
        fleet();

        CliRun run = ctl("fleet", "clients", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonArray clients = new JsonObject(run.out()).getJsonArray("clients");
        assertThat(clients.stream().map(o -> ((JsonObject) o).getString("name")).toList())
                .containsExactlyInAnyOrder(
                        "kms01.contoso.com",
                        "pc-a.contoso.com",
                        "pc-b.contoso.com",
                        "pc-c.contoso.com",
                        "pc-d.contoso.com");
        JsonObject pcA = clients.stream()
                .map(JsonObject.class::cast)
                .filter(c -> c.getString("name").equals("pc-a.contoso.com"))
                .findFirst()
                .orElseThrow();
        assertThat(pcA.getString("agentId")).isEqualTo("pc-a");
        assertThat(pcA.getString("cmid")).isEqualTo(CLONED);
        assertThat(pcA.getString("licenseState")).isEqualTo("oob-grace");
        assertThat(pcA.getString("lastRequest"))
                .isEqualTo(NOW.minus(Duration.ofHours(5)).toString());
        assertThat(pcA.getBoolean("clone")).isTrue();

        CliRun table = ctl("fleet", "clients");
        assertThat(table.out()).contains("5 client(s)");
        assertThat(table.out().lines().filter(l -> l.contains("pc-c.contoso.com")))
                .singleElement()
                .asString()
                .contains("unlicensed", "none");
    }

    @Test
    void unmanagedListsOnlyTheClientWithNoAgent() {
        fleet();

        CliRun run = ctl("fleet", "clients", "--unmanaged", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(new JsonObject(run.out())
                        .getJsonArray("clients").stream()
                                .map(o -> ((JsonObject) o).getString("name"))
                                .toList())
                .containsExactly("pc-c.contoso.com");
        assertThat(ctl("fleet", "clients", "--unmanaged").out()).contains("1 unmanaged client(s)");
    }

    @Test
    void hostsShowCountsAgainstThresholdsClonesAndAgentsTheHostNeverLogged() {
        fleet();

        CliRun run = ctl("fleet", "hosts", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonObject host = new JsonObject(run.out()).getJsonArray("hosts").getJsonObject(0);
        assertThat(host.getString("host")).isEqualTo("KMS01");
        assertThat(host.getInteger("clients")).isEqualTo(5);
        assertThat(host.getJsonArray("unmanaged")).containsExactly("pc-c.contoso.com");
        assertThat(host.getJsonArray("clones"))
                .containsExactly(new JsonObject()
                        .put("cmid", CLONED)
                        .put("names", new JsonArray().add("pc-a.contoso.com").add("pc-b.contoso.com")));
        assertThat(host.getJsonArray("missing").stream()
                        .map(o -> ((JsonObject) o).getString("agentId"))
                        .toList())
                .as("pc-z names KMS01 and was never logged; pc-d uses DNS, and was logged anyway")
                .containsExactly("pc-z");
        // The service's count of 4 against the Windows classes.
        JsonArray thresholds =
                host.getJsonArray("applications").getJsonObject(0).getJsonArray("thresholds");
        assertThat(thresholds)
                .containsExactly(
                        new JsonObject().put("required", 25).put("count", 4).put("met", false),
                        new JsonObject().put("required", 5).put("count", 4).put("met", false));
        // The log's counted CMIDs, in one table for the product it logged (not one a loaded family knows), against
        // each count asked for: the four machines (the clone once), as the service counts them.
        assertThat(host.getJsonArray("logCounts"))
                .containsExactly(
                        new JsonObject()
                                .put("applicationId", "unknown")
                                .put("required", 25)
                                .put("count", 4)
                                .put("met", false),
                        new JsonObject()
                                .put("applicationId", "unknown")
                                .put("required", 5)
                                .put("count", 4)
                                .put("met", false));

        CliRun table = ctl("fleet", "hosts");
        assertThat(table.out())
                .contains(
                        "host KMS01",
                        "clone: CMID " + CLONED + " logged as pc-a.contoso.com," + " pc-b.contoso.com",
                        "never logged: PC-Z",
                        "unmanaged: pc-c.contoso.com",
                        "1 watched host(s)");
    }

    @Test
    void hostsShowTheServicesPortPublishingIntervalsCountersAndMaskedHostKeys() {
        fleet();

        JsonObject host = new JsonObject(ctl("fleet", "hosts", "--json").out())
                .getJsonArray("hosts")
                .getJsonObject(0);
        JsonObject service = host.getJsonObject("service");
        assertThat(service.getInteger("listeningPort")).isEqualTo(1700);
        assertThat(service.getBoolean("dnsPublishing")).isFalse();
        assertThat(service.getLong("activationIntervalMinutes")).isEqualTo(60);
        assertThat(service.getLong("renewalIntervalMinutes")).isEqualTo(10_080);
        assertThat(service.getJsonArray("hostKeys").stream().map(o -> ((JsonObject) o).getString("partialKey")))
                .containsExactly("7QX4K", "RC2WM");
        assertThat(host.getJsonArray("applications")
                        .getJsonObject(0)
                        .getJsonObject("requestsByStatus")
                        .getLong("Licensed"))
                .isEqualTo(5);

        CliRun table = ctl("fleet", "hosts");
        assertThat(table.out())
                .contains(
                        "service: port 1700, DNS publishing off, priority normal, host caching on,"
                                + " intervals: activation 60 min, renewal 10080 min",
                        "host key: XXXXX-XXXXX-XXXXX-XXXXX-7QX4K Windows(R), ServerStandard edition (Volume:CSVLK",
                        "host key: XXXXX-XXXXX-XXXXX-XXXXX-RC2WM",
                        "license pack: Office 21, Office21KMSHostVL_KMS_Host edition" + " (host key installed)",
                        "requests to 55c92734-d682-4d71-983e-d6ec3f16059f: total 6, failed 0, Licensed 5");
    }

    @Test
    void aWatchedHostEventFromTheLinkReplacesTheViewWithoutEnteringTheHistory() throws Exception {
        FleetLink kms = agent("kms01", new JsonObject());
        assertThat(new JsonObject(ctl("fleet", "hosts", "--json").out()).getJsonArray("hosts"))
                .isEmpty();

        kms.publish(FleetAddresses.EVENT_WATCHED_HOST, watched())
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> kms.pending() == 0);

        assertThat(new JsonObject(ctl("fleet", "clients", "--json").out()).getJsonArray("clients"))
                .hasSize(5);
        assertThat(new JsonObject(ctl("fleet", "history", "--target", "kms01", "--json")
                                .out())
                        .getJsonArray("history"))
                .isEmpty();
    }

    @Test
    void aSnapshotOfTheFleetIsAScenarioTheSimulatorRuns() throws Exception {
        fleet();
        Path file = dir.resolve("fleet.json");

        CliRun run = ctl("fleet", "snapshot", "--out", file.toString(), "--days", "30");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("5 machine(s), 1 host(s)", "client pc-c.contoso.com (SKU " + WIN11);
        Scenario s = new ScenarioReader(TestFamilies.all()).read(file);
        assertThat(s.host().name()).as("the FQDN the agents pin").isEqualTo("kms01.contoso.com");
        assertThat(s.groups())
                .extracting(Scenario.MachineGroup::namePattern)
                .containsExactly("KMS01", "PC-A", "PC-B", "PC-D", "PC-Z");
        List<LabEvent> events = new ArrayList<>();
        new SimulationLab(s, LabFixtures.TEST_HOST, events::add).run((d, t, e) -> {});
        // PC-A and PC-Z pin kms01.contoso.com and reach it; PC-B pins the short name 'kms01', which the lab does not
        // know.
        assertThat(events.stream()
                        .filter(e -> e.machine().equals("PC-A") && e.count().isPresent()))
                .isNotEmpty();
        assertThat(events.stream()
                        .filter(e -> e.machine().equals("PC-B"))
                        .map(e -> e.diagnosis().map(d -> d.cause().name()).orElse("")))
                .contains("HOST_UNREACHABLE");
    }
}
