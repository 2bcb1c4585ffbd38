package org.kmsagent.agent.bus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.BusAddresses;
import org.kmsagent.agent.config.BridgeConfig;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.config.TokenConfig;

/**
 * The bridge refuses an empty or short presented token even when the tokens it was handed hold one (a damaged token
 * file, a configuration that escaped validation): no credential shorter than a configured token may be is admitted.
 */
class ShortTokenBridgeTest {
    private static final String GOOD = "admin-0123456789abcdef";

    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    @Test
    void anEmptyOrShortTokenIsRefusedEvenWhenOneWasHandedToTheBridge() throws Exception {
        BridgeConfig config = new BridgeConfig(true, "127.0.0.1", 0, null, null, Role.NONE, null, null, null, null, 30);
        TlsMaterial tls = TlsMaterial.load(new TlsConfig(null, null, null), dir);
        AgentBridge bridge = new AgentBridge(
                        vertx,
                        config,
                        tls,
                        List.of(
                                new TokenConfig("empty", "", Role.ADMIN),
                                new TokenConfig("short", "fifteen-chars!!", Role.ADMIN),
                                new TokenConfig("good", GOOD, Role.ADMIN)))
                .listen()
                .await(30, TimeUnit.SECONDS);

        for (String weak : List.of("", "fifteen-chars!!")) {
            try (RawBridgeClient c = new RawBridgeClient(bridge.port(), bridge.fingerprint())) {
                c.sendFrame(register(weak));
                assertThat(c.readFrame().getString("message"))
                        .as("token '%s'", weak)
                        .isEqualTo("not_authorised");
                assertThat(c.closedByAgent()).isTrue();
            }
        }
        try (RawBridgeClient c = new RawBridgeClient(bridge.port(), bridge.fingerprint())) {
            c.sendFrame(register(GOOD));
            assertThat(c.readFrame().getString("type")).isEqualTo("registered");
        }
    }

    private static JsonObject register(String token) {
        return new JsonObject()
                .put("type", "register")
                .put("address", BusAddresses.EVENTS)
                .put("headers", new JsonObject().put("token", token));
    }
}
