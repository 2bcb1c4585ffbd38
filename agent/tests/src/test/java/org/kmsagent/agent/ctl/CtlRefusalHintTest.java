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
        String outsidePlugins = "path: /opt/x.jar is not in the plugins directory /opt/kms-agent/plugins; copy the jar"
                + " there, then load it by name or run 'plugins rescan'";
        assertThat(CtlCommand.refusalHint(403, outsidePlugins, "admin-token")).isEmpty();
    }

    @Test
    void aMissingOrWrongTokenSaysHowToPassOne() {
        assertThat(CtlCommand.refusalHint(401, "unauthorised", null)).contains("no token was given");
        assertThat(CtlCommand.refusalHint(401, "unauthorised", "wrong")).contains("the token was not accepted");
    }
}
