package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.daemon.AgentDaemon;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.plugin.PluginJars;

/**
 * {@code host.hostKeys} naming only keys no family declares leaves the host with no key at all, which is not what an
 * empty list means (every key): the banner says so and names the keys to choose from, and a refused activation says
 * the host holds none rather than that its key is too old.
 */
class HostKeysMistypedIT {
    private static final String ADMIN = "admin-0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void aHostWhoseEveryConfiguredKeyIsUnknownSaysItHoldsNone() throws Exception {
        Path file = Files.writeString(dir.resolve("agent.yaml"), """
        licensing: simulated
        host:
          enabled: true
          hostKeys: [nosuch]
        bridge:
          port: 0
          tokens:
            - {name: ops, token: "${ADMIN_T}", role: admin}
        """);
        AgentConfig config = new ConfigLoader(Map.of("ADMIN_T", ADMIN))
                .load(
                        Optional.of(file),
                        List.of("dataDir=" + dir.resolve("data"), "pluginsDir=" + PluginJars.builtPlugins()));
        try (AgentDaemon daemon = AgentDaemon.start(config, DaemonWiring.production(), Clock.systemUTC())) {
            assertThat(daemon.banner())
                    .anySatisfy(l -> assertThat(l)
                            .startsWith("kms-agent: host.hostKeys: no loaded family declares [nosuch], so the host"
                                    + " holds no host key and activates nothing (the loaded families declare [")
                            .contains("Windows Server 2022 CSVLK")
                            .endsWith("; an empty host.hostKeys holds them all)"));

            AgentFixture.Result activate = AgentFixture.ctlOn(daemon, ADMIN, "activate", "--family", "windows-client");
            assertThat(activate.toString()).contains("0xC004F042").contains("holds no host key (host.hostKeys)");
        }
    }
}
