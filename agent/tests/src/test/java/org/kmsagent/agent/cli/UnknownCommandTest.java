package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A word that is no command is refused even beside --help, rather than answered with the root's help. */
class UnknownCommandTest {
    @Test
    void anUnknownCommandWithHelpIsAUsageError() {
        CliRun run = CliRun.of("no-such-command", "--help");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no-such-command");
        assertThat(run.out()).doesNotContain("Usage: kms-agent");
    }

    @Test
    void helpOfAKnownCommandStillWorks() {
        CliRun run = CliRun.of("gvlk", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: kms-agent gvlk");
    }
}
