package org.kmsagent.agent.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
