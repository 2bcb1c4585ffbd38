package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.link.FleetLink;
import org.kmsagent.agent.link.HubConnection;

/**
 * An agent's heartbeats keep it connected in the fleet view and in routed queries, and when they stop it is shown
 * gone with the time of the last one. A heartbeat moves the agent's small presence entry on, not its record: a fan-out
 * reads those entries instead of every record, and a heartbeat no longer reads and writes back the whole record. The
 * hub's clock is moved by hand; the agent registers with a 60-second heartbeat, so it counts as connected for 180 s
 * after it was last heard from.
 */
class HeartbeatPresenceTest extends HubOnMovableClock {
    private static final Instant REGISTERED = Instant.parse("2026-03-01T00:00:00Z");

    HeartbeatPresenceTest() {
        super(REGISTERED);
    }

    @Test
    void heartbeatsKeepAnAgentConnectedUntilTheyStopWithoutRewritingItsRecord() throws Exception {
        FleetLink pc = agents.connect("pc-1", "client", "windows-client", List.of(), new JsonObject());
        JsonObject registeredRecord = record("pc-1");

        clock.set(REGISTERED.plusSeconds(170));
        assertThat(heartbeat("pc-1").await(10, TimeUnit.SECONDS).getString("hub"))
                .isEqualTo("hub-local");
        clock.set(REGISTERED.plusSeconds(270)); // 100 s after the heartbeat, 270 s after the registration

        JsonObject shown = inView("pc-1");
        assertThat(shown.getBoolean("connected")).isTrue();
        assertThat(shown.getString("lastSeen"))
                .isEqualTo(REGISTERED.plusSeconds(170).toString());
        JsonObject report = routedStatus();
        assertThat(report.getJsonArray("answered").stream().map(a -> ((JsonObject) a).getString("agentId")))
                .containsExactly("pc-1");
        assertThat(record("pc-1")).isEqualTo(registeredRecord);

        clock.set(REGISTERED.plusSeconds(370)); // 200 s after the last heartbeat
        shown = inView("pc-1");
        assertThat(shown.getBoolean("connected")).isFalse();
        assertThat(shown.getString("lastSeen"))
                .isEqualTo(REGISTERED.plusSeconds(170).toString());
        report = routedStatus();
        assertThat(report.getJsonArray("notAnswered"))
                .singleElement()
                .satisfies(s -> assertThat(((JsonObject) s).getString("reason"))
                        .isEqualTo("not connected (last seen " + REGISTERED.plusSeconds(170) + ")"));
        assertThat(pc.hub()).isPresent();
    }

    @Test
    void aHeartbeatFromAnAgentTheFleetDoesNotHoldAsksItToRegister() throws Exception {
        Future<JsonObject> beat = heartbeat("pc-2");

        await().atMost(Duration.ofSeconds(10)).until(beat::isComplete);
        assertThat(beat.cause())
                .isInstanceOfSatisfying(
                        ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(BusCodes.CONFLICT))
                .hasMessageContaining("agent pc-2 is not registered");
    }

    /** The agent as {@code ctl fleet --json} lists it. */
    private JsonObject inView(String id) {
        CliRun run = agents.ctl(LocalHub.READ_TOKEN, "fleet", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        return new JsonObject(run.out())
                .getJsonArray("agents").stream()
                        .map(JsonObject.class::cast)
                        .filter(a -> id.equals(a.getString("agentId")))
                        .findFirst()
                        .orElseThrow();
    }

    /** {@code ctl --all-agents status --json}: the fan-out's report. */
    private JsonObject routedStatus() {
        CliRun run = agents.ctl(LocalHub.READ_TOKEN, "--json", "--all-agents", "--deadline", "5", "status");
        return new JsonObject(run.out());
    }

    /** The agent's record as the hub stores it. */
    private JsonObject record(String id) throws Exception {
        return hub.vertx
                .sharedData()
                .<String, JsonObject>getAsyncMap("kmsagent.fleet.agents")
                .compose(m -> m.get(id))
                .await(10, TimeUnit.SECONDS)
                .copy();
    }

    /**
     * One heartbeat on a connection of its own, with the shared agent token (the hub allows it in this test), closed
     * once answered.
     */
    private Future<JsonObject> heartbeat(String id) {
        NetClient net = agents.vertx().createNetClient(FleetLink.clientOptions(List.of(hub.fingerprint), null));
        String[] hp = hub.at().split(":");
        return HubConnection.connect(agents.vertx(), net, hp[0], Integer.parseInt(hp[1]), LocalHub.AGENT_TOKEN)
                .compose(c -> c.request(FleetAddresses.HEARTBEAT, new JsonObject().put("agentId", id), 5_000)
                        .andThen(x -> c.close()))
                .andThen(x -> net.close());
    }
}
