package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bench.SimulatedAgent;
import org.kmsagent.agent.bus.BusCodes;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.link.FleetLink;
import org.kmsagent.agent.link.HubConnection;

/**
 * One agent's report of the wrong shape (a damaged agent, another build, or someone holding one machine's credential)
 * must not take the fleet view away from every operator: the hub refuses what it could not read back, naming the
 * field, and its views leave out a record they cannot read while answering with every other agent.
 */
class FleetRecordShapeTest {
    private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    Path dir;

    private LocalHub hub;
    private HubAgents agents;
    private HubConnection raw;

    @BeforeEach
    void start() throws Exception {
        hub = new LocalHub(dir.resolve("hub"), Clock.fixed(NOW, ZoneOffset.UTC));
        agents = new HubAgents(hub, dir);
        agents.connect(
                "pc-1",
                "client",
                "windows-client",
                List.of(),
                new JsonObject()
                        .put(
                                "products",
                                new JsonArray()
                                        .add(SimulatedAgent.product("pc-1")
                                                .put("validUntil", "2026-03-20T00:00:00Z"))));
        var client = agents.vertx().createNetClient(FleetLink.clientOptions(List.of(hub.fingerprint), null));
        String[] hostPort = hub.at().split(":");
        raw = HubConnection.connect(
                        agents.vertx(), client, hostPort[0], Integer.parseInt(hostPort[1]), LocalHub.AGENT_TOKEN)
                .await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        raw.close();
        agents.close();
        hub.close();
    }

    private Throwable registrationRefusal(JsonObject registration) {
        try {
            raw.request(FleetAddresses.REGISTER, registration, 5_000).await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("the hub took " + registration.encode());
    }

    @Test
    void aRegistrationOfTheWrongShapeIsRefusedNamingTheFieldAndStoresNothing() {
        Throwable heartbeat =
                registrationRefusal(new JsonObject().put("agentId", "pc-9").put("heartbeatSeconds", "x"));
        assertThat(heartbeat).isInstanceOf(ReplyException.class);
        assertThat(((ReplyException) heartbeat).failureCode()).isEqualTo(BusCodes.BAD_REQUEST);
        assertThat(heartbeat).hasMessage("heartbeatSeconds: expected a whole number 1-3600, got \"x\" (text)");

        assertThat(registrationRefusal(new JsonObject().put("agentId", "pc-9").putNull("heartbeatSeconds")))
                .hasMessage("heartbeatSeconds: expected a whole number 1-3600, got null");
        assertThat(registrationRefusal(new JsonObject().put("agentId", "pc-9").put("products", "none")))
                .hasMessage("products: expected an array of objects, got \"none\" (text)");
        assertThat(registrationRefusal(new JsonObject().put("agentId", "pc-9").put("cmids", new JsonArray().add(7))))
                .hasMessage("cmids: expected an array of text, got an array");
        assertThat(registrationRefusal(new JsonObject().put("agentId", "pc-9").put("host", new JsonArray())))
                .hasMessage("host: expected a JSON object, got an array");

        CliRun fleet = agents.ctl(LocalHub.READ_TOKEN, "fleet");
        assertThat(fleet.exitCode()).as(fleet.err()).isZero();
        assertThat(fleet.out()).contains("pc-1").doesNotContain("pc-9").contains("1 agent(s)");
    }

    @Test
    void aRecordAViewCannotReadIsLeftOutOfItAndEveryOtherAgentIsShown() throws Exception {
        // Well-formed at the top, not inside: what a view finds only when it reads the contents.
        JsonObject odd = new JsonObject()
                .put("agentId", "pc-odd")
                .put("hostName", "PC-ODD")
                .put("heartbeatSeconds", 60)
                .put(
                        "products",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("family", "windows-client")
                                        .put("product", "Windows 11 Enterprise")
                                        .put("validUntil", "next spring")))
                .put(
                        "host",
                        new JsonObject()
                                .put("enabled", true)
                                .put("pools", new JsonArray().add(new JsonObject().put("thresholds", "25"))))
                .put(
                        "watchedHost",
                        new JsonObject().put("clients", new JsonArray().add(new JsonObject().put("cmid", "c"))));
        raw.request(FleetAddresses.REGISTER, odd, 5_000).await(10, TimeUnit.SECONDS);

        for (String[] view : List.of(
                new String[] {"fleet"},
                new String[] {"fleet", "expiring", "--days", "3650"},
                new String[] {"fleet", "pools"},
                new String[] {"fleet", "hosts"},
                new String[] {"fleet", "clients"},
                new String[] {"fleet", "duplicates"})) {
            CliRun run = agents.ctl(LocalHub.READ_TOKEN, view);
            assertThat(run.exitCode())
                    .as(String.join(" ", view) + ": " + run.err())
                    .isZero();
        }
        assertThat(agents.ctl(LocalHub.READ_TOKEN, "fleet").out()).contains("pc-1", "pc-odd");
        CliRun expiring = agents.ctl(LocalHub.READ_TOKEN, "fleet", "expiring", "--days", "3650", "--json");
        assertThat(expiring.out()).contains("pc-1").doesNotContain("pc-odd");
    }
}
