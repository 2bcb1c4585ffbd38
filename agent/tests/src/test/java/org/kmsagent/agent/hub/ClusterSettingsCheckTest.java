package org.kmsagent.agent.hub;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.config.FleetConfig;

/**
 * Wrong {@code fleet.cluster.*} settings stop a hub before Hazelcast starts, with one line naming the key and the
 * entry: no stack trace, no wrong diagnosis after a wait.
 */
class ClusterSettingsCheckTest {
    private static FleetConfig.ClusterConfig cluster(List<String> members, List<String> interfaces) {
        return new FleetConfig.ClusterConfig("settings-check", members, interfaces, null, null, 0);
    }

    @Test
    void aMemberWhosePortIsNoNumberOrOutOfRangeIsNamedWithItsKey() {
        for (String member : List.of("abc:notaport", "127.0.0.1:99999", "127.0.0.1:0", "127.0.0.1:")) {
            assertThatThrownBy(() -> FleetCluster.join(cluster(List.of(member), null), null, Duration.ofSeconds(5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("fleet.cluster.members: expected HOST or HOST:PORT with a port 1-65535 (an IPv6"
                            + " address in brackets), got \"" + member + "\"");
        }
    }

    @Test
    void interfacesThatMatchNoAddressHereAreNamedWithTheAddressesThereAre() {
        assertThatThrownBy(() -> FleetCluster.join(cluster(null, List.of("10.99.99.*")), null, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("fleet.cluster.interfaces: [10.99.99.*] match no address of this machine")
                .hasMessageContaining("127.0.0.1");
        assertThatThrownBy(() -> FleetCluster.join(cluster(null, List.of("eth0")), null, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("fleet.cluster.interfaces: expected an IPv4 address of this machine");
    }

    @Test
    void theShippedFormsPass() {
        FleetCluster.check(cluster(
                List.of("127.0.0.1:5701", "hub-b.corp.example", "[::1]:5701", "10.1.2.12:5701"),
                List.of("127.0.0.*", "10.1.2.10-20")));
    }
}
