package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.daemon.AgentDaemon;
import org.kmsagent.agent.plugin.PluginJars;

/**
 * The real daemon (simulated stack, host role on, the built plugins) whose listeners cannot bind: the start stops
 * before any renewal loop ran, so the failed start made no activation attempt: no schedule was stored and the host
 * role's ledger, which the machine's first activation would have counted in, was never made.
 */
class DaemonStartOrderIT {
    @TempDir
    Path dir;

    private AgentDaemon start(Path data, String... sets) throws Exception {
        List<String> all = new ArrayList<>(List.of(
                "dataDir=" + data,
                "pluginsDir=" + PluginJars.builtPlugins(),
                "licensing=simulated",
                "host.enabled=true",
                "bridge.port=0"));
        all.addAll(List.of(sets));
        AgentConfig config = new ConfigLoader(Map.of()).load(Optional.empty(), all);
        return AgentDaemon.start(config, DaemonWiring.production(), Clock.systemUTC());
    }

    @Test
    void aBridgePortInUseStopsTheStartBeforeAnyActivationAttempt() throws Exception {
        Path data = dir.resolve("data");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> start(data, "bridge.port=" + port))
                    .hasMessage("bridge: cannot listen on 127.0.0.1:" + port + ": address already in use");
        }
        assertNoAttemptWasMade(data);
    }

    @Test
    void aMetricsPortInUseStopsTheStartBeforeAnyActivationAttempt() throws Exception {
        Path data = dir.resolve("data");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> start(data, "metrics.enabled=true", "metrics.port=" + port))
                    .hasMessage("metrics: cannot listen on 127.0.0.1:" + port + ": address already in use");
        }
        assertNoAttemptWasMade(data);
    }

    private static void assertNoAttemptWasMade(Path data) {
        assertThat(data.resolve("state.json")).doesNotExist();
        assertThat(data.resolve("ledger.mv.db")).doesNotExist();
    }
}
