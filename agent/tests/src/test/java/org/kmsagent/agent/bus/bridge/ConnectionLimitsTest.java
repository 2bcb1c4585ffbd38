package org.kmsagent.agent.bus.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.daemon.AgentFixture.Result;

/**
 * Operators cannot be locked out: one token, or one source address, holds a bounded share of the bridge's
 * connections, and idle ones give their slot back. A client refused for capacity is told so (exit 3).
 */
class ConnectionLimitsTest {
    @TempDir
    Path dir;

    /** A connection that authenticates with one request, then sits idle. */
    private static JsonObject status(String token) {
        return new JsonObject()
                .put("type", "send")
                .put("address", BusAddresses.STATUS)
                .put("replyAddress", "r")
                .put("headers", new JsonObject().put("token", token))
                .put("body", new JsonObject());
    }

    @Test
    void sixtyFourIdleConnectionsOfOneTokenLeaveAnotherTokenWorking() throws Exception {
        try (AgentFixture fixture = AgentFixture.start(
                dir.resolve("data"),
                "bridge.maxConnections=64",
                "bridge.maxConnectionsPerToken=16",
                "bridge.maxConnectionsPerAddress=20")) {
            List<RawBridgeClient> held = new ArrayList<>();
            int admitted = 0;
            int refused = 0;
            try {
                for (int i = 0; i < 64; i++) {
                    RawBridgeClient c = new RawBridgeClient(fixture.daemon.bridgePort(), fixture.daemon.fingerprint());
                    held.add(c);
                    c.sendFrame(status(AgentFixture.READ_TOKEN));
                    JsonObject first = c.readFrameOrEnd().orElse(new JsonObject());
                    if ("message".equals(first.getString("type"))) {
                        admitted++;
                    } else {
                        assertThat(first.getString("message")).startsWith("too_many_connections");
                        refused++;
                    }
                }
                assertThat(admitted).isEqualTo(16);
                assertThat(refused).isEqualTo(48);

                Result other = fixture.ctl(AgentFixture.ADMIN_TOKEN, "status");
                assertThat(other.exit()).as(other.toString()).isZero();
                Result same = fixture.ctl(AgentFixture.READ_TOKEN, "status");
                assertThat(same.exit()).as(same.toString()).isEqualTo(3);
                assertThat(same.err())
                        .contains("has no connection free for this client", "too_many_connections_for_token")
                        .contains("ask its operator about bridge.maxConnectionsPerToken")
                        .doesNotContain("maxConnections*")
                        .doesNotContain("code 500");

                // The same source address: 16 held, 4 more that never authenticate fill its share of 20.
                for (int i = 0; i < 4; i++) {
                    held.add(new RawBridgeClient(fixture.daemon.bridgePort(), fixture.daemon.fingerprint()));
                }
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> fixture.daemon.bridge().connectionCount() == 20);
                Result full = fixture.ctl(AgentFixture.ADMIN_TOKEN, "status");
                assertThat(full.exit()).as(full.toString()).isEqualTo(3);
                assertThat(full.err())
                        .contains("has no connection free", "too_many_connections_from_address")
                        .contains("ask its operator about bridge.maxConnectionsPerAddress");
            } finally {
                for (RawBridgeClient c : held) {
                    c.close();
                }
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> fixture.daemon.bridge().connectionCount() == 0);
            assertThat(fixture.ctl(AgentFixture.READ_TOKEN, "status").exit()).isZero();
        }
    }

    @Test
    void anIdleConnectionGivesItsSlotBack() throws Exception {
        try (AgentFixture fixture = AgentFixture.start(
                dir.resolve("data"), "bridge.maxConnectionsPerToken=1", "bridge.idleTimeoutSeconds=1")) {
            try (RawBridgeClient idle =
                    new RawBridgeClient(fixture.daemon.bridgePort(), fixture.daemon.fingerprint())) {
                idle.sendFrame(status(AgentFixture.READ_TOKEN));
                assertThat(idle.readFrame().getString("type")).isEqualTo("message");
                assertThat(idle.closedByAgent()).isTrue(); // after a second without a frame
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> fixture.daemon.bridge().connectionCount() == 0);
            assertThat(fixture.ctl(AgentFixture.READ_TOKEN, "status").exit()).isZero();
        }
    }
}
