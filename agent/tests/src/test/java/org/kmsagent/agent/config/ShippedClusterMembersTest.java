package org.kmsagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The shipped configurations and the default named their cluster members without a port ({@code ['127.0.0.1']}):
 * Hazelcast then also tried the two ports after {@code fleet.cluster.port}, and a hub logged "[127.0.0.1]:5702 is
 * added to the blacklist." (and 5703) at every start. Every member they name has its port.
 */
class ShippedClusterMembersTest {
    private static final Path CONF = Path.of("..", "..", "distribution", "src", "main", "conf");

    @Test
    void theShippedHubAndAgentFilesAndTheDefaultNameEachMemberWithItsPort() throws Exception {
        AgentConfig hub = new ConfigLoader(Map.of("KMSAGENT_OPS_TOKEN", "example-ops-token-0123456789"))
                .forHub()
                .load(Optional.of(CONF.resolve("hub.yaml")), List.of());
        AgentConfig agent = new ConfigLoader(Map.of()).load(Optional.of(CONF.resolve("agent.yaml")), List.of());

        assertThat(hub.fleet().cluster().members()).as("conf/hub.yaml").containsExactly("127.0.0.1:5701");
        assertThat(agent.fleet().cluster().members()).as("conf/agent.yaml").containsExactly("127.0.0.1:5701");
        assertThat(new FleetConfig.ClusterConfig(null, null, null, 5710, null, null).members())
                .as("the default")
                .containsExactly("127.0.0.1:5710");
    }
}
