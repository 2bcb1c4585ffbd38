package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.fleet.FleetAddresses;
import org.kmsagent.agent.link.FleetLink;
import org.kmsagent.agent.link.HubConnection;

/**
 * The migration mode (fleet.allowSharedAgentTokens): a shared token names no agent, so the hub holds each connection
 * to the first agent it spoke for, and says so in its log when a known agent turns up under another host name.
 */
class SharedTokenModeTest {
    @TempDir
    Path dir;

    private LocalHub hub;
    private Vertx vertx;
    private NetClient net;
    private LogLines log;

    @BeforeEach
    void start() throws Exception {
        log = new LogLines();
        hub = new LocalHub(dir.resolve("hub"), Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC));
        vertx = Vertx.vertx();
        net = vertx.createNetClient(FleetLink.clientOptions(List.of(hub.fingerprint), null));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
        hub.close();
        log.close();
    }

    private HubConnection connect() throws Exception {
        String[] hp = hub.at().split(":");
        return HubConnection.connect(vertx, net, hp[0], Integer.parseInt(hp[1]), LocalHub.AGENT_TOKEN)
                .await(10, TimeUnit.SECONDS);
    }

    private static Future<JsonObject> register(HubConnection c, String id, String host) {
        return c.request(
                FleetAddresses.REGISTER, new JsonObject().put("agentId", id).put("hostName", host), 5_000);
    }

    @Test
    void oneConnectionSpeaksForOneAgentOnly() throws Exception {
        HubConnection c = connect();
        register(c, "pc-1", "PC-1").await(10, TimeUnit.SECONDS);

        Future<JsonObject> second = register(c, "fake-2", "FAKE");
        await().atMost(Duration.ofSeconds(10)).until(second::isComplete);

        assertThat(second.failed()).isTrue();
        assertThat(((ReplyException) second.cause()).failureCode()).isEqualTo(403);
        assertThat(log.text())
                .contains("refused kmsagent.fleet.register from client 'agents': its connection speaks "
                        + "for agent pc-1, not fake-2");
    }

    @Test
    void aKnownAgentUnderAnotherHostNameIsLogged() throws Exception {
        register(connect(), "pc-1", "PC-1").await(10, TimeUnit.SECONDS);
        register(connect(), "pc-1", "EVIL").await(10, TimeUnit.SECONDS);
        assertThat(log.text()).contains("agent pc-1 registered again under another host name: EVIL (was PC-1)");
    }
}
