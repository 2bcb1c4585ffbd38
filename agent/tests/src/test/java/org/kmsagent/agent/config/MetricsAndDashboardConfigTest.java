package org.kmsagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The metrics.* and dashboard.* keys: off and on loopback unless told, each bad value named by its key. */
class MetricsAndDashboardConfigTest {
    private static AgentConfig load(Map<String, String> env, String... sets) throws ConfigException {
        return new ConfigLoader(env).load(Optional.empty(), List.of(sets));
    }

    @Test
    void bothAreOffAndOnLoopbackByDefault() throws Exception {
        AgentConfig c = load(Map.of());
        assertThat(c.metrics()).isEqualTo(new MetricsConfig(false, "127.0.0.1", 9688));
        assertThat(c.dashboard()).isEqualTo(new DashboardConfig(false, "127.0.0.1", 7689));
    }

    @Test
    void theyAreSetLikeAnyOtherKey() throws Exception {
        AgentConfig c = load(
                Map.of("KMSAGENT_METRICS_ENABLED", "true"),
                "metrics.port=0",
                "dashboard.enabled=true",
                "dashboard.host=10.1.2.11");
        assertThat(c.metrics()).isEqualTo(new MetricsConfig(true, "127.0.0.1", 0));
        assertThat(c.dashboard()).isEqualTo(new DashboardConfig(true, "10.1.2.11", 7689));
    }

    @Test
    void badValuesAreNamedByTheirKeys() {
        assertThatThrownBy(() -> load(Map.of(), "metrics.port=70000", "dashboard.port=-1"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("metrics.port: expected a whole number 0-65535, got 70000")
                .hasMessageContaining("dashboard.port: expected a whole number 0-65535, got -1");
        assertThatThrownBy(() -> load(Map.of(), "metrics.enabled=true", "dashboard.enabled=true", "metrics.port=7689"))
                .hasMessageContaining("metrics.port: 7689 is also dashboard.port; give each its own port");
    }
}
