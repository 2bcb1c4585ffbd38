package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code kms-agent help [COMMAND]}, the word an administrator types first, prints what {@code --help} prints. */
class HelpCommandTest {
    @Test
    void helpAloneIsTheRootsHelp() {
        CliRun help = CliRun.of("help");
        assertThat(help.exitCode()).as(help.err()).isZero();
        assertThat(help.out()).isEqualTo(CliRun.of("--help").out()).contains("Usage: kms-agent", "status", "doctor");
    }

    @Test
    void helpWithACommandIsThatCommandsHelp() {
        CliRun help = CliRun.of("help", "status");
        assertThat(help.exitCode()).as(help.err()).isZero();
        assertThat(help.out())
                .startsWith("Usage: kms-agent status")
                .isEqualTo(CliRun.of("status", "--help").out());
    }

    @Test
    void ctlHelpWithACommandIsThatCommandsHelp() {
        CliRun help = CliRun.of("ctl", "help", "host");
        assertThat(help.exitCode()).as(help.err()).isZero();
        assertThat(help.out())
                .startsWith("Usage: kms-agent ctl host")
                .isEqualTo(CliRun.of("ctl", "host", "--help").out());
        CliRun unknown = CliRun.of("ctl", "help", "hots");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("hots");
    }

    @Test
    void helpWithACommandUnderACommandIsThatCommandsHelp() {
        // As an administrator types it: it was refused as "Unmatched argument at index 2: 'host'".
        CliRun help = CliRun.of("help", "ctl", "host");
        assertThat(help.exitCode()).as(help.err()).isZero();
        assertThat(help.out())
                .startsWith("Usage: kms-agent ctl host")
                .isEqualTo(CliRun.of("ctl", "host", "--help").out());
        CliRun unknown = CliRun.of("help", "ctl", "hots");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("kms-agent: 'hots' is not a command of 'kms-agent ctl'");
    }

    @Test
    void helpForNoSuchCommandIsAUsageError() {
        CliRun help = CliRun.of("help", "stauts");
        assertThat(help.exitCode()).isEqualTo(2);
        assertThat(help.err()).contains("stauts");
    }
}
