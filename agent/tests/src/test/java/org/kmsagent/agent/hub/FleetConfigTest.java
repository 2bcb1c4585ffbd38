package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigException;
import org.kmsagent.agent.config.ConfigLoader;

class FleetConfigTest {
    private static final Map<String, String> ENV =
            Map.of("KMSAGENT_AGENT_TOKEN", "agent-token-0123456789", "KMSAGENT_OPS_TOKEN", "ops-token-0123456789ab");

    @Test
    void theShippedHubConfigurationLoads() throws Exception {
        AgentConfig c = new ConfigLoader(ENV)
                .load(Optional.of(Path.of("..", "..", "distribution", "src", "main", "conf", "hub.yaml")), List.of());

        assertThat(c.fleet().allowSharedAgentTokens()).isFalse();
        assertThat(c.fleet().cluster().interfaces()).containsExactly("127.0.0.1");
        assertThat(c.bridge().tokens()).extracting(t -> t.name()).containsExactly("ops");
    }

    @Test
    void anAgentWithHubsButNoTrustIsRefusedNamingTheKeys() {
        assertThatThrownBy(() -> new ConfigLoader(Map.of())
                        .load(Optional.empty(), List.of("fleet.hubs=[hub-a.corp:7688, nonsense]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("fleet.hubs[1]: expected host:port, got 'nonsense'")
                .hasMessageContaining("fleet.trust: give the hubs' certificate fingerprints");
        assertThatThrownBy(() -> new ConfigLoader(Map.of())
                        .load(Optional.empty(), List.of("fleet.hubs=[hub-a.corp:7688]", "fleet.trust=[AB:CD]")))
                .hasMessageContaining("fleet.trust[0]: expected a SHA-256 fingerprint");
    }

    @Test
    void fleetSettingsComeFromTheCommandLineLikeAnyKey() throws Exception {
        AgentConfig c = new ConfigLoader(Map.of())
                .load(
                        Optional.empty(),
                        List.of(
                                "fleet.hubs=[a:1, b:2]",
                                "fleet.trust=[" + "ab".repeat(32) + "]",
                                "fleet.heartbeatSeconds=5"));

        assertThat(c.fleet().hubs()).containsExactly("a:1", "b:2");
        // Read once, into the form the agent's fleet link pins (FleetLink.clientOptions does not read it again).
        assertThat(c.fleet().trust()).containsExactly("AB:".repeat(31) + "AB");
        assertThat(c.fleet().heartbeatSeconds()).isEqualTo(5);
    }

    @Test
    void aHubWithoutTokensRefusesToStartAndSaysWhatIsMissing(@TempDir Path dir) {
        var run = CliRun.of("hub", "--set", "dataDir=" + dir);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("bridge.tokens: a hub needs ctl tokens");
    }
}
