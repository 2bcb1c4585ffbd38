package org.kmsagent.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.NetSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.bus.bridge.AgentBridge;
import org.kmsagent.agent.bus.bridge.TlsMaterial;
import org.kmsagent.agent.config.BridgeConfig;
import org.kmsagent.agent.config.Role;
import org.kmsagent.agent.config.TlsConfig;
import org.kmsagent.agent.config.TokenConfig;

/**
 * A hub busy with a reconnection storm can take longer than Vert.x's default 10 s to finish a TLS handshake. Neither
 * the bridge nor an agent's link gives up on it then: giving up threw away the work both had done and sent the
 * agent round again, which is what turned storms of 10,000 agents into minutes (docs/performance-log.md).
 *
 * <p>An IT (failsafe), not a unit test: it holds a real event loop for 11 s of wall-clock time, just past Vert.x's
 * default, on loopback. A shorter timeout given to the classes for the test would no longer check the one they use.
 */
class SlowHandshakeIT {
    @TempDir
    Path dir;

    // One event loop for the bridge, held busy below; the client has its own.
    private final Vertx hubVertx = Vertx.vertx(new VertxOptions()
            .setEventLoopPoolSize(1)
            .setMaxEventLoopExecuteTime(30)
            .setMaxEventLoopExecuteTimeUnit(TimeUnit.SECONDS));
    private final Vertx agentVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));

    @AfterEach
    void close() throws Exception {
        agentVertx.close().await(30, TimeUnit.SECONDS);
        hubVertx.close().await(30, TimeUnit.SECONDS);
    }

    @Test
    void aHandshakeTheHubFinishesAfterElevenSecondsStillConnects() throws Exception {
        TlsMaterial tls = TlsMaterial.load(new TlsConfig(null, null, null), dir);
        BridgeConfig config = new BridgeConfig(true, "127.0.0.1", 0, null, null, Role.NONE, null, null, null, null, 30);
        AgentBridge bridge = new AgentBridge(
                        hubVertx, config, tls, List.of(new TokenConfig("reader", "reader-0123456789abcdef", Role.READ)))
                .listen()
                .await(30, TimeUnit.SECONDS);

        CountDownLatch busy = new CountDownLatch(1);
        hubVertx.runOnContext(v -> {
            busy.countDown();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(11);
            while (System.nanoTime() < until) {
                Thread.onSpinWait(); // the hub's event loop at work on other agents' handshakes
            }
        });
        assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();

        NetSocket socket = agentVertx
                .createNetClient(FleetLink.clientOptions(List.of(tls.fingerprint()), null))
                .connect(bridge.port(), "127.0.0.1")
                .await(60, TimeUnit.SECONDS);
        assertThat(socket.isSsl()).isTrue();
        socket.close().await(30, TimeUnit.SECONDS);
    }
}
