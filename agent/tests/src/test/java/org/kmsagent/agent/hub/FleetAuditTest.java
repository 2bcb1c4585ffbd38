package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.fleet.FleetAddresses;

/**
 * A real agent and a real hub on 127.0.0.1: the agent's audit records reach {@code fleet audit} on the hub, those
 * written while no hub was up included (the fleet outbox), and the hub records its own admin actions.
 */
class FleetAuditTest {
    @TempDir
    Path dir;

    @Test
    void theAgentsRecordsReachTheHubEvenThoseWrittenWhileItWasDownAndTheHubRecordsItsOwn() throws Exception {
        Path hubDir = dir.resolve("hub");
        Files.createDirectories(hubDir);
        // The hub's certificate exists before the hub runs, so the agent can trust it from the start.
        String fingerprint =
                TlsMaterial.load(new TlsConfig(null, null, null), hubDir).fingerprint();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (AgentFixture agent = AgentFixture.start(
                dir.resolve("agent"),
                "fleet.hubs=[127.0.0.1:" + port + "]",
                "fleet.trust=[" + fingerprint + "]",
                "fleet.token=" + LocalHub.AGENT_TOKEN,
                "fleet.agentId=pc-7",
                "fleet.heartbeatSeconds=1",
                "fleet.reconnectMaxSeconds=1")) {
            // No hub is up: the record waits in the agent's outbox.
            assertThat(agent.ctlAdmin("set-kms", "--family", "office2013", "kms-while-down.corp.example")
                            .exit())
                    .isZero();

            try (LocalHub hub = new LocalHub(hubDir, Clock.systemUTC(), true, port)) {
                await().atMost(Duration.ofSeconds(60))
                        .ignoreExceptions()
                        .untilAsserted(() -> assertThat(forwarded(hub, "--agent", "pc-7"))
                                .extracting(r -> r.getJsonObject("target").getString("host"))
                                .contains("kms-while-down.corp.example"));

                // Once connected: an action on the agent itself, and one routed through the hub.
                assertThat(agent.ctlAdmin("clear-kms", "--family", "office2013").exit())
                        .isZero();
                CliRun routed = ctl(
                        hub,
                        LocalHub.OPS_TOKEN,
                        "--target",
                        "pc-7",
                        "set-kms",
                        "--family",
                        "office2013",
                        "kms-routed.corp.example");
                assertThat(routed.exitCode()).as(routed.err()).isZero();
                // A reader may not read the audit; that refusal is the hub's own record.
                CliRun reader = ctl(hub, LocalHub.READ_TOKEN, "fleet", "audit");
                assertThat(reader.exitCode()).isEqualTo(3);

                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                    List<JsonObject> agents = forwarded(hub, "--agent", "pc-7");
                    assertThat(agents)
                            .extracting(r -> r.getString("action"))
                            .containsSubsequence("kmsagent.kms.set", "kmsagent.kms.clear", "kmsagent.kms.set");
                    JsonObject viaHub = agents.get(agents.size() - 1);
                    // Named as the hub's own record names it (its origin, hub:hub-local), not by the address this
                    // agent reached it at: relayed by another hub, a change still names the hub it was asked at.
                    assertThat(viaHub.getString("actor")).isEqualTo("ops@hub:hub-local");
                    assertThat(viaHub.getString("source")).isEqualTo("127.0.0.1");
                    assertThat(viaHub.getString("origin")).isEqualTo("pc-7");
                    assertThat(viaHub.getJsonObject("target").getString("host")).isEqualTo("kms-routed.corp.example");
                });

                List<JsonObject> all = forwarded(hub);
                assertThat(all)
                        .filteredOn(r -> "hub:hub-local".equals(r.getString("origin")))
                        .extracting(
                                r -> r.getString("action") + " " + r.getString("actor") + " " + r.getString("result"))
                        .contains("kmsagent.fleet.route.change ops ok", "kmsagent.fleet.audit monitoring refused");
                assertThat(all)
                        .filteredOn(r -> "pc-7".equals(r.getString("origin")))
                        .isNotEmpty();
                // The table names each record's origin.
                CliRun table = ctl(hub, LocalHub.OPS_TOKEN, "fleet", "audit");
                assertThat(table.out()).contains("ORIGIN", "pc-7", "hub:hub-local", "kmsagent.kms.clear");
            }
        }
    }

    @Test
    void enrolmentAndRevocationAreTheHubsRecordsWithoutTheCredential() throws Exception {
        try (LocalHub hub = new LocalHub(dir.resolve("hub"), Clock.systemUTC())) {
            CliRun enrol = ctl(hub, LocalHub.OPS_TOKEN, "fleet", "enroll", "pc-9");
            assertThat(enrol.exitCode()).as(enrol.err()).isZero();
            assertThat(ctl(hub, LocalHub.OPS_TOKEN, "fleet", "revoke", "pc-9").exitCode())
                    .isZero();
            List<JsonObject> records = forwarded(hub);
            assertThat(records)
                    .extracting(r -> r.getString("action") + " "
                            + r.getJsonObject("target").getString("agentId") + " " + r.getString("result"))
                    .contains("kmsagent.fleet.enroll pc-9 ok", "kmsagent.fleet.revoke pc-9 ok");
            assertThat(Files.readString(dir.resolve("hub").resolve("audit.log")))
                    .doesNotContain("kma1.");
            // An id the fleet has no record of is said, not answered as an agent without records.
            CliRun unknown = ctl(hub, LocalHub.OPS_TOKEN, "fleet", "audit", "--agent", "pc-9999");
            assertThat(unknown.exitCode()).as(unknown.out()).isEqualTo(1);
            assertThat(unknown.out()).doesNotContain("record(s)");
            assertThat(unknown.err()).contains("agent: no agent pc-9999 in the fleet", "code 404");
        }
    }

    @Test
    void aForwardedRecordThatIsNoneIsNotKeptAndTheAuditStillAnswers() throws Exception {
        try (LocalHub hub = new LocalHub(dir.resolve("hub"), Clock.systemUTC())) {
            var bus = hub.vertx.eventBus();
            bus.request(
                            FleetAddresses.REGISTER,
                            new JsonObject().put("agentId", "pc-5").put("hostName", "pc-5"))
                    .await(30, TimeUnit.SECONDS);
            JsonObject good = new JsonObject()
                    .put("at", "2026-11-28T12:00:00Z")
                    .put("actor", "ops")
                    .put("source", "10.0.0.9")
                    .put("action", "kmsagent.kms.clear")
                    .put("target", new JsonObject())
                    .put("result", "ok");
            bus.request(
                            FleetAddresses.EVENTS,
                            new JsonObject()
                                    .put("agentId", "pc-5")
                                    .put(
                                            "events",
                                            new JsonArray()
                                                    .add(new JsonObject()
                                                            .put("seq", 1)
                                                            .put("type", "audit")
                                                            .put("at", "2026-11-28T12:00:00Z")
                                                            .put(
                                                                    "data",
                                                                    good.copy().put("at", "not a time")))
                                                    .add(new JsonObject()
                                                            .put("seq", 2)
                                                            .put("type", "audit")
                                                            .put("at", "2026-11-28T12:00:00Z")
                                                            .put("data", good))))
                    .await(30, TimeUnit.SECONDS);
            assertThat(forwarded(hub, "--agent", "pc-5"))
                    .extracting(r -> r.getString("action") + " " + r.getString("source"))
                    .containsExactly("kmsagent.kms.clear 10.0.0.9");
            // Audit records are no activation history.
            CliRun history = ctl(hub, LocalHub.OPS_TOKEN, "fleet", "history", "--target", "pc-5", "--json");
            assertThat(new JsonObject(history.out()).getJsonArray("history")).isEmpty();
        }
    }

    @Test
    void aHubKeepsTheNewestThousandRecordsOfAnAgentAndDropsTheOldestFirst() throws Exception {
        try (LocalHub hub = new LocalHub(dir.resolve("hub"), Clock.systemUTC())) {
            var bus = hub.vertx.eventBus();
            bus.request(
                            FleetAddresses.REGISTER,
                            new JsonObject().put("agentId", "pc-6").put("hostName", "pc-6"))
                    .await(30, TimeUnit.SECONDS);
            int sent = HubAudit.KEPT_PER_AGENT + 50;
            // In batches, as an agent's outbox sends them; each record names its own number in its target.
            for (int first = 1; first <= sent; first += 100) {
                JsonArray events = auditEvents(first, Math.min(first + 99, sent));
                bus.request(
                                FleetAddresses.EVENTS,
                                new JsonObject().put("agentId", "pc-6").put("events", events))
                        .await(30, TimeUnit.SECONDS);
            }
            List<JsonObject> kept = forwarded(hub, "--agent", "pc-6", "--limit", "10000");
            assertThat(kept).hasSize(HubAudit.KEPT_PER_AGENT);
            // The 50 oldest went; the newest is the last one sent.
            assertThat(kept.get(0).getJsonObject("target").getInteger("n")).isEqualTo(51);
            assertThat(kept.get(kept.size() - 1).getJsonObject("target").getInteger("n"))
                    .isEqualTo(sent);
        }
    }

    @Test
    void anAgentsRecordsAreKeptOnceEachInABoundedNumberOfPiecesHoweverManyItSends() throws Exception {
        try (LocalHub hub = new LocalHub(dir.resolve("hub"), Clock.systemUTC())) {
            var bus = hub.vertx.eventBus();
            bus.request(
                            FleetAddresses.REGISTER,
                            new JsonObject().put("agentId", "pc-7").put("hostName", "pc-7"))
                    .await(30, TimeUnit.SECONDS);
            int sent = 2 * HubAudit.KEPT_PER_AGENT + 2 * HubAudit.PIECE + 50;
            for (int first = 1; first <= sent; first += 64) {
                JsonObject batch = new JsonObject()
                        .put("agentId", "pc-7")
                        .put("events", auditEvents(first, Math.min(sent, first + 63)));
                bus.request(FleetAddresses.EVENTS, batch).await(30, TimeUnit.SECONDS);
                if (first == 1 + 64 * 20) {
                    // Sent again, as an agent does when the acknowledgement was lost: kept once.
                    bus.request(FleetAddresses.EVENTS, batch).await(30, TimeUnit.SECONDS);
                }
            }

            for (List<JsonObject> answer : List.of(
                    forwarded(hub, "--agent", "pc-7", "--limit", "10000"), forwarded(hub, "--limit", "10000"))) {
                // The second answer also holds the hub's own records (the first read among them).
                List<JsonObject> kept = answer.stream()
                        .filter(r -> "pc-7".equals(r.getString("origin")))
                        .toList();
                assertThat(kept).hasSize(HubAudit.KEPT_PER_AGENT);
                assertThat(kept)
                        .extracting(r -> r.getJsonObject("target").getInteger("n"))
                        .doesNotHaveDuplicates()
                        .startsWith(sent - HubAudit.KEPT_PER_AGENT + 1)
                        .endsWith(sent);
            }
            // What the hub stores for the agent stays within the newest thousand and one piece.
            var keys = hub.vertx
                    .sharedData()
                    .getAsyncMap("kmsagent.fleet.audit.pieces")
                    .compose(m -> m.keys())
                    .await(30, TimeUnit.SECONDS);
            assertThat(keys).hasSizeLessThanOrEqualTo(HubAudit.KEPT_PER_AGENT / HubAudit.PIECE + 1);
        }
    }

    private static JsonArray auditEvents(int first, int last) {
        Instant start = Instant.parse("2026-11-28T12:00:00Z");
        JsonArray events = new JsonArray();
        for (int seq = first; seq <= last; seq++) {
            String at = start.plusSeconds(seq).toString();
            events.add(new JsonObject()
                    .put("seq", seq)
                    .put("type", "audit")
                    .put("at", at)
                    .put(
                            "data",
                            new JsonObject()
                                    .put("at", at)
                                    .put("actor", "ops")
                                    .put("source", "10.0.0.9")
                                    .put("action", "kmsagent.kms.clear")
                                    .put("target", new JsonObject().put("n", seq))
                                    .put("result", "ok")));
        }
        return events;
    }

    private static List<JsonObject> forwarded(LocalHub hub, String... filter) {
        List<String> args = new ArrayList<>(List.of("fleet", "audit", "--json"));
        args.addAll(List.of(filter));
        CliRun r = ctl(hub, LocalHub.OPS_TOKEN, args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        return new JsonObject(r.out())
                .getJsonArray("records").stream().map(o -> (JsonObject) o).toList();
    }

    private static CliRun ctl(LocalHub hub, String token, String... args) {
        List<String> all =
                new ArrayList<>(List.of("ctl", "--hub", hub.at(), "--trust", hub.fingerprint, "--token", token));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }
}
