package org.kmsagent.agent.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The times of ctl's tables: to the second, whatever precision the agent's reply has. */
class CtlShownTimeTest {
    @Test
    void aTimeIsShownToTheSecondAndTextThatIsNoTimeAsItCame() {
        // A renewal loop's next attempt, as the agent's status reply carries it.
        assertThat(CtlSubcommand.shownTime("2026-12-06T16:45:12.345678901Z")).isEqualTo("2026-12-06T16:45:12Z");
        assertThat(CtlSubcommand.shownTime("2027-06-04T08:00:00Z")).isEqualTo("2027-06-04T08:00:00Z");
        assertThat(CtlSubcommand.shownTime("12/06/2026 16:45:12")).isEqualTo("12/06/2026 16:45:12");
        assertThat(CtlSubcommand.shownTime(null)).isNull();
    }
}
