package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.bench.SimulatedAgent;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.link.FleetLink;

/**
 * A retired machine's record stays in the fleet view: its missed heartbeats and, 180 days on, its lapsed products
 * would keep the shipped alerts firing for good. An administrator forgets it; one still connected is refused.
 */
class FleetForgetTest extends HubOnMovableClock {
    private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");

    FleetForgetTest() {
        super(NOW);
    }

    private FleetLink agent(String id) {
        JsonObject products = new JsonObject()
                .put(
                        "products",
                        new JsonArray().add(SimulatedAgent.product(id).put("validUntil", "2026-03-10T00:00:00Z")));
        return agents.connect(id, "client", "windows-client", List.of("cmid-" + id), products);
    }

    @Test
    void aRetiredAgentIsForgottenByAnAdministratorAndLeavesTheViewsWhileAConnectedOneIsKept() throws Exception {
        FleetLink retired = agent("pc-old");
        agent("pc-new");
        retired.stop().await(30, TimeUnit.SECONDS);
        CliRun history = agents.ctl(LocalHub.READ_TOKEN, "fleet", "history", "--target", "pc-old", "--json");
        assertThat(history.exitCode()).as(history.err()).isZero();

        // Still connected (heard from within three heartbeats): refused, as it would register again at once.
        CliRun tooSoon = agents.ctl(LocalHub.OPS_TOKEN, "fleet", "forget", "pc-old");
        assertThat(tooSoon.exitCode()).isEqualTo(1);
        assertThat(tooSoon.err())
                .contains(
                        // The fixture's agents beat every 60 s.
                        "agent pc-old is connected: heard from 0 s ago, and counted as connected until three"
                                + " heartbeats (180 s) pass unheard; stop its service and forget it after that",
                        "(code 409)");

        clock.advance(Duration.ofDays(200));
        // A read token may look, not forget.
        CliRun reader = agents.ctl(LocalHub.READ_TOKEN, "fleet", "forget", "pc-old");
        assertThat(reader.exitCode()).isEqualTo(3);
        CliRun forget = agents.ctl(LocalHub.OPS_TOKEN, "fleet", "forget", "pc-old");

        assertThat(forget.exitCode()).as(forget.err()).isZero();
        assertThat(forget.out()).startsWith("agent pc-old forgotten");
        JsonObject view = new JsonObject(
                agents.ctl(LocalHub.READ_TOKEN, "fleet", "--json").out());
        assertThat(view.getJsonArray("agents").stream().map(a -> ((JsonObject) a).getString("agentId")))
                .containsExactly("pc-new");
        JsonObject expiring = new JsonObject(
                agents.ctl(LocalHub.READ_TOKEN, "fleet", "expiring", "--json").out());
        assertThat(expiring.getJsonArray("expiring").stream().map(e -> ((JsonObject) e).getString("agentId")))
                .doesNotContain("pc-old");
        assertThat(agents.ctl(LocalHub.READ_TOKEN, "fleet", "history", "--target", "pc-old")
                        .exitCode())
                .isEqualTo(1);
        // Who forgot it is the hub's own audit record.
        assertThat(Files.readString(dir.resolve("hub").resolve("audit.log")))
                .contains("\"action\":\"kmsagent.fleet.forget\"", "pc-old");
        CliRun again = agents.ctl(LocalHub.OPS_TOKEN, "fleet", "forget", "pc-old");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("no agent pc-old in the fleet", "(code 404)");
    }
}
