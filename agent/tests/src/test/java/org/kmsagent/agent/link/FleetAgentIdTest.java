package org.kmsagent.agent.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.kmsagent.agent.config.FleetConfig;

/** The agent id an agent uses comes from its configuration or from its enrolled credential, never both disagreeing. */
class FleetAgentIdTest {
    private static FleetConfig fleet(String agentId, String token) {
        return new FleetConfig(null, agentId, token, null, null, null, null, null, null, null);
    }

    @Test
    void anEnrolledCredentialNamesTheAgent() {
        assertThat(FleetAgent.agentId(fleet(null, "kma1.pc-0042.c2VjcmV0"), "HOST"))
                .isEqualTo("pc-0042");
        assertThat(FleetAgent.agentId(fleet("pc-0042", "kma1.pc-0042.c2VjcmV0"), "HOST"))
                .isEqualTo("pc-0042");
        assertThat(FleetAgent.agentId(fleet(null, "shared-token-0123456789"), "my host"))
                .isEqualTo("my-host");
    }

    @Test
    void aCredentialEnrolledForAnotherIdIsRefusedBeforeAnyHubSeesIt() {
        assertThatThrownBy(() -> FleetAgent.agentId(fleet("pc-1", "kma1.pc-2.c2VjcmV0"), "HOST"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fleet.token: this credential was enrolled for agent 'pc-2', but fleet.agentId is 'pc-1'");
    }
}
