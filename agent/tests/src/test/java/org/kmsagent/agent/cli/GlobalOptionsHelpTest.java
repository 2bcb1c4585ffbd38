package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code --plugins-dir} is listed, and accepted, by the commands that read the plugins here, and not by those it
 * does not apply to: ctl's commands drive a running agent (or hub), which loads its own plugins.
 */
class GlobalOptionsHelpTest {
    @Test
    void ctlCommandsDoNotListThePluginsDirectory() {
        for (String[] command : new String[][] {
            {"ctl", "--help"}, {"ctl", "set-kms", "--help"}, {"ctl", "status", "--help"}, {"ctl", "plugins", "--help"}
        }) {
            CliRun help = CliRun.of(command);
            assertThat(help.exitCode()).as(String.join(" ", command)).isZero();
            assertThat(help.out())
                    .as(String.join(" ", command))
                    .contains("Usage: kms-agent ctl")
                    .doesNotContain("--plugins-dir");
        }
        CliRun given = CliRun.of("ctl", "set-kms", "--plugins-dir", "plugins", "kms.example");
        assertThat(given.exitCode()).isEqualTo(2);
        assertThat(given.err()).startsWith("kms-agent: Unknown option").contains("'--plugins-dir'");
    }

    @Test
    void theCommandsThatReadThePluginsStillListIt() {
        for (String[] command : new String[][] {
            {"--help"},
            {"run", "--help"},
            {"status", "--help"},
            {"doctor", "--help"},
            {"products", "--help"},
            {"gvlk", "--help"},
            {"simulate", "--help"},
            {"bench", "--help"},
            {"ctl", "fleet", "snapshot", "--help"}
        }) {
            CliRun help = CliRun.of(command);
            assertThat(help.exitCode()).as(String.join(" ", command)).isZero();
            assertThat(help.out()).as(String.join(" ", command)).contains("--plugins-dir=DIR");
        }
    }

    @Test
    void doctorsDomainIsDescribedAsWinningOverTheMachinesDomain() {
        // DoctorCommand uses --domain whenever it is given, before the machine's own domain: not only when that
        // cannot be found.
        CliRun help = CliRun.of("doctor", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out().replaceAll("\\s+", " "))
                .contains("--domain=DOMAIN The DNS domain to look KMS hosts up in, used in place of the machine's"
                        + " domain (USERDNSDOMAIN on Windows); a configured lookup domain still wins.")
                .doesNotContain("when it cannot be found");
    }
}
