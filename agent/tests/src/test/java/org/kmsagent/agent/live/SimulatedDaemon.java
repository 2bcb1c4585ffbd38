package org.kmsagent.agent.live;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.daemon.AgentDaemon;

/**
 * A real daemon on the simulated licensing stack with the production binding, its TLS bridge on 127.0.0.1 (a free
 * port) with one admin token, over a plugins folder of a test's own: what the live tests that drive it with {@code
 * kms-agent ctl} start.
 */
final class SimulatedDaemon {
    private SimulatedDaemon() {}

    /**
     * Starts it from {@code dir}/agent.yaml, written with {@code extraYaml} after the bridge's settings, and its data
     * in {@code dir}/data.
     */
    static AgentDaemon start(Path dir, String adminToken, Path plugins, String extraYaml) throws Exception {
        Path file = Files.writeString(dir.resolve("agent.yaml"), """
        licensing: simulated
        bridge:
          port: 0
          tokens:
            - {name: ops, token: "${ADMIN_T}", role: admin}
        """ + extraYaml);
        AgentConfig config = new ConfigLoader(Map.of("ADMIN_T", adminToken))
                .load(Optional.of(file), List.of("dataDir=" + dir.resolve("data"), "pluginsDir=" + plugins));
        return AgentDaemon.start(config, DaemonWiring.production(), Clock.systemUTC());
    }
}
