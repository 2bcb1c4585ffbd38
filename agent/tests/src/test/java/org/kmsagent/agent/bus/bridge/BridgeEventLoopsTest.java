package org.kmsagent.agent.bus.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.config.BridgeConfig;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TlsConfig;

/**
 * {@code bridge.eventLoops}: a hub's bridge spreads its connections (their TLS handshakes and frames) over several
 * event loops, on one port, port 0 included; a machine agent's stays on one.
 */
class BridgeEventLoopsTest {
    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));

    @AfterEach
    void close() throws Exception {
        vertx.close().await(30, TimeUnit.SECONDS);
    }

    @Test
    void aBridgeOnThreeEventLoopsServesItsConnectionsOnAllThreeOnOneFreePort() throws Exception {
        AgentBridge bridge = bridge(3);
        AgentBridge other = bridge(3);
        assertThat(bridge.port()).isPositive().isNotEqualTo(other.port());

        List<RawBridgeClient> clients = connect(bridge, 6);
        assertThat(bridge.connectionCount()).isEqualTo(6);
        assertThat(bridge.eventLoops()).hasSize(3);
        for (RawBridgeClient c : clients) {
            c.close();
        }
        bridge.close().await(30, TimeUnit.SECONDS);
        for (RawBridgeClient c : connect(other, 2)) {
            c.close();
        }
    }

    @Test
    void aBridgeWithoutTheSettingServesEveryConnectionOnOneEventLoop() throws Exception {
        AgentBridge bridge = bridge(null);
        List<RawBridgeClient> clients = connect(bridge, 4);
        assertThat(bridge.eventLoops()).hasSize(1);
        for (RawBridgeClient c : clients) {
            c.close();
        }
    }

    private AgentBridge bridge(Integer eventLoops) throws Exception {
        BridgeConfig config = new BridgeConfig(true, "127.0.0.1", 0, null, null, Role.NONE, null, null, null, null, 30)
                .withEventLoops(eventLoops);
        TlsMaterial tls = TlsMaterial.load(new TlsConfig(null, null, null), dir);
        return new AgentBridge(vertx, config, tls, List.of()).listen().await(30, TimeUnit.SECONDS);
    }

    /** Connects {@code n} clients, each answered (a ping gets its pong) before the next connects. */
    private static List<RawBridgeClient> connect(AgentBridge bridge, int n) throws Exception {
        List<RawBridgeClient> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RawBridgeClient c = new RawBridgeClient(bridge.port(), bridge.fingerprint());
            c.sendFrame(new JsonObject().put("type", "ping"));
            assertThat(c.readFrame().getString("type")).isEqualTo("pong");
            clients.add(c);
        }
        return clients;
    }
}
