package org.kmsagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one reading of an enrolled credential, {@code kma1.<agentId>.<secret>}, that agent, config and hub share. */
class EnrolledTokenTest {
    @Test
    void anEnrolledCredentialNamesItsAgent() {
        assertThat(FleetConfig.enrolledAgentId("kma1.pc-0042.c2VjcmV0")).contains("pc-0042");
        // Ids may hold dots; the base64url secret never does.
        assertThat(FleetConfig.enrolledAgentId("kma1.pc.corp.example.c2VjcmV0")).contains("pc.corp.example");
    }

    @Test
    void anythingElseNamesNoAgent() {
        assertThat(FleetConfig.enrolledAgentId(null)).isEmpty();
        assertThat(FleetConfig.enrolledAgentId("shared-token-0123456789")).isEmpty();
        assertThat(FleetConfig.enrolledAgentId("kma2.pc-0042.c2VjcmV0")).isEmpty();
        assertThat(FleetConfig.enrolledAgentId("kma1.pc-0042")).isEmpty();
        assertThat(FleetConfig.enrolledAgentId("kma1.")).isEmpty();
        assertThat(FleetConfig.enrolledAgentId("kma1..c2VjcmV0")).isEmpty();
    }

    @Test
    void aCredentialEnrolledForAnotherIdIsOneProblem() {
        FleetConfig other =
                new FleetConfig(null, "pc-1", "kma1.pc-2.c2VjcmV0", null, null, null, null, null, null, null);
        assertThat(other.tokenOfAnotherAgent())
                .contains("fleet.token: this credential was enrolled for agent 'pc-2', but fleet.agentId is 'pc-1'");
        assertThat(new FleetConfig(null, "pc-2", "kma1.pc-2.c2VjcmV0", null, null, null, null, null, null, null)
                        .tokenOfAnotherAgent())
                .isEmpty();
        assertThat(new FleetConfig(null, null, "kma1.pc-2.c2VjcmV0", null, null, null, null, null, null, null)
                        .tokenOfAnotherAgent())
                .isEmpty();
    }
}
