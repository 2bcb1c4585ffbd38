package org.kmsagent.agent.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The hint ctl adds to a refusal points at what is wrong: the token, the role, or nothing it can add. */
class CtlRefusalHintTest {
    @Test
    void aRoleRefusalSaysWhichRoleChangesNeed() {
        assertThat(CtlCommand.refusalHint(403, "forbidden: kmsagent.audit needs role admin, token has read", "t"))
                .contains("changes need a token with role admin");
    }

    @Test
    void anotherRefusalWithTheSameCodeGetsNoRoleHint() {
        String notReachable = "access_denied: kmsagent.fleet.view is not reachable over the bridge";
        assertThat(CtlCommand.refusalHint(403, notReachable, "admin-token")).isEmpty();
    }

    @Test
    void aMissingOrWrongTokenSaysHowToPassOne() {
        assertThat(CtlCommand.refusalHint(401, "unauthorised", null)).contains("no token was given");
        assertThat(CtlCommand.refusalHint(401, "unauthorised", "wrong")).contains("the token was not accepted");
    }
}
