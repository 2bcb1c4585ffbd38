package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bench.SimulatedAgent;
import org.kmsagent.agent.fleet.AgentDescription;
import org.kmsagent.agent.link.FleetLink;
import org.kmsagent.agent.link.Outbox;

/**
 * A hub's certificate that is not the pinned one is the commonest set-up mistake; what the agent logs must name the
 * hub's fingerprint (docs/fleet.md, failure modes: "cannot use hub …: … fingerprint …").
 */
class WrongHubFingerprintTest {
    /** Another certificate's fingerprint, in the printed form fleet.trust holds once read. */
    private static final String OTHER = "AB:".repeat(31) + "AB";

    @TempDir
    Path dir;

    @Test
    void anAgentPinningAnotherFingerprintLogsTheHubsFingerprintNotABareSslFailure() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (LocalHub hub = new LocalHub(dir.resolve("hub"), Clock.systemUTC());
                LogLines log = new LogLines()) {
            FleetLink link = new FleetLink(
                    vertx,
                    new FleetLink.Settings(
                            List.of(hub.at()),
                            LocalHub.AGENT_TOKEN,
                            FleetLink.clientOptions(List.of(OTHER), null),
                            60_000,
                            1_000,
                            10_000),
                    new AgentDescription(
                            "pc-0042", "PC-0042", "client", List.of("windows-client"), Map.of(), List.of(), 60),
                    new Outbox(dir.resolve("outbox"), "pc-0042"),
                    SimulatedAgent.commands("pc-0042"),
                    () -> Future.succeededFuture(new JsonObject()),
                    Clock.systemUTC());
            link.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> log.text().contains("pc-0042 cannot use hub"));
            String line = log.text()
                    .lines()
                    .filter(l -> l.contains("pc-0042 cannot use hub"))
                    .findFirst()
                    .orElseThrow();
            assertThat(line)
                    .contains("the hub's certificate fingerprint is " + hub.fingerprint + ", not one of fleet.trust");
            link.stop().await(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
