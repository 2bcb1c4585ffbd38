package org.kmsagent.agent.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.hub.LocalHub;

/** The daemon ({@code kms-agent run}'s {@code AgentDaemon}) with {@code fleet.hubs} set joins the fleet. */
class FleetAgentTest {
    @TempDir
    Path dir;

    @Test
    void aRunningAgentRegistersReportsItsEventsAndStatesAndAnswersRoutedCommands() throws Exception {
        try (LocalHub hub = new LocalHub(dir.resolve("hub"), Clock.systemUTC());
                AgentFixture agent = AgentFixture.start(
                        dir.resolve("agent"),
                        "fleet.hubs=[" + hub.at() + "]",
                        "fleet.trust=[" + hub.fingerprint + "]",
                        "fleet.token=" + LocalHub.AGENT_TOKEN,
                        "fleet.agentId=pc-7",
                        "fleet.heartbeatSeconds=1")) {
            await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .untilAsserted(() -> assertThat(products(view(hub)))
                            .extracting(p -> p.getString("status"))
                            .containsOnly("INITIAL_GRACE")
                            .isNotEmpty());

            // A change made on the agent itself reaches the fleet: its events as history, its new states in the view.
            assertThat(agent.ctlAdmin("install-gvlk").exit()).isZero();
            assertThat(agent.ctlAdmin("activate").exit()).isZero();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                assertThat(products(view(hub)))
                        .extracting(p -> p.getString("status"))
                        .containsOnly("LICENSED");
                JsonArray history = new JsonObject(ctl(hub, "fleet", "history", "--target", "pc-7", "--json")
                                .out())
                        .getJsonArray("history");
                assertThat(history.stream().map(e -> ((JsonObject) e).getString("type")))
                        .contains("key-installed", "activation");
            });

            // And the hub reaches the agent's own control API.
            CliRun routed = ctl(hub, "--target", "pc-7", "status");
            assertThat(routed.exitCode()).as(routed.err()).isZero();
            assertThat(routed.out()).contains("LICENSED");
        }
    }

    /**
     * The user's walkthrough: pc-7's data folder copied to make pc-8 (as a cloned VM template does). pc-8's fleet history
     * held pc-7's events, delivered again from the copied outbox under pc-8's id.
     */
    @Test
    void aCopiedDataFolderDoesNotDeliverTheFirstAgentsEventsAsTheCopys() throws Exception {
        try (LocalHub hub = new LocalHub(dir.resolve("hub"), Clock.systemUTC())) {
            Path first = dir.resolve("agent");
            List<String> firstHistory;
            try (AgentFixture agent = AgentFixture.start(first, fleet(hub, "pc-7"))) {
                firstHistory = changeAndWait(agent, hub, "pc-7");
            }
            Path copy = dir.resolve("copy");
            copyFolder(first, copy);
            try (AgentFixture agent = AgentFixture.start(copy, fleet(hub, "pc-8"))) {
                // The same changes on the copy: its history has them once, not pc-7's before them.
                List<String> history = changeAndWait(agent, hub, "pc-8");
                assertThat(history.stream().filter(t -> t.equals("key-installed")))
                        .hasSameSizeAs(firstHistory.stream()
                                .filter(t -> t.equals("key-installed"))
                                .toList());
                assertThat(history.stream().filter(t -> t.equals("activation")))
                        .hasSameSizeAs(firstHistory.stream()
                                .filter(t -> t.equals("activation"))
                                .toList());
            }
            assertThat(copy.resolve("fleet.from-pc-7.20261128T120000").resolve("fleet-outbox.jsonl"))
                    .content()
                    .contains("key-installed");
        }
    }

    /**
     * Installs a key and activates, and waits until the agent's history on the hub has the activation: events are
     * delivered in order, so whatever its outbox held before is there too. Returns the history's event types.
     */
    private static List<String> changeAndWait(AgentFixture agent, LocalHub hub, String agentId) {
        assertThat(agent.ctlAdmin("install-gvlk").exit()).isZero();
        assertThat(agent.ctlAdmin("activate").exit()).isZero();
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(historyTypes(hub, agentId)).contains("key-installed", "activation"));
        return historyTypes(hub, agentId);
    }

    private static String[] fleet(LocalHub hub, String agentId) {
        return new String[] {
            "fleet.hubs=[" + hub.at() + "]",
            "fleet.trust=[" + hub.fingerprint + "]",
            "fleet.token=" + LocalHub.AGENT_TOKEN,
            "fleet.agentId=" + agentId,
            "fleet.heartbeatSeconds=1"
        };
    }

    private static List<String> historyTypes(LocalHub hub, String agentId) {
        JsonArray history = new JsonObject(ctl(hub, "fleet", "history", "--target", agentId, "--json")
                        .out())
                .getJsonArray("history");
        return history.stream().map(e -> ((JsonObject) e).getString("type")).toList();
    }

    private static void copyFolder(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals("agent.lock")) {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static JsonObject view(LocalHub hub) {
        return new JsonObject(ctl(hub, "fleet", "--json").out());
    }

    private static List<JsonObject> products(JsonObject view) {
        JsonObject agent = view.getJsonArray("agents").stream()
                .map(o -> (JsonObject) o)
                .filter(a -> "pc-7".equals(a.getString("agentId")))
                .findFirst()
                .orElseThrow();
        return agent.getJsonArray("products").stream().map(o -> (JsonObject) o).toList();
    }

    private static CliRun ctl(LocalHub hub, String... args) {
        List<String> all = new ArrayList<>(
                List.of("ctl", "--hub", hub.at(), "--trust", hub.fingerprint, "--token", LocalHub.OPS_TOKEN));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }
}
