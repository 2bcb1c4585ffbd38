package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A word that is no command is refused even beside --help, rather than answered with the root's help; no command at
 * all is a usage error too, not a crash.
 */
class UnknownCommandTest {
    @Test
    void anUnknownCommandWithHelpIsAUsageError() {
        CliRun run = CliRun.of("no-such-command", "--help");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no-such-command");
        assertThat(run.out()).doesNotContain("Usage: kms-agent");
    }

    @Test
    void noCommandAtAllIsAUsageErrorThatSaysWhatToType() {
        for (String[] args : new String[][] {{}, {"--plugins-dir", "plugins"}, {"--plugins-dir=plugins"}}) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(run.err()).contains("Missing a command; see 'kms-agent --help'");
        }
    }

    @Test
    void aPluginsDirectoryThatDoesNotExistIsAUsageErrorNotAMachineWithNothingToManage(@TempDir Path dir)
            throws Exception {
        Path missing = dir.resolve("plugins-typo");
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        for (String command : new String[] {"products", "status", "doctor"}) {
            CliRun run = CliRun.of("--plugins-dir", missing.toString(), command);
            assertThat(run.exitCode()).as(command + run.err()).isEqualTo(2);
            assertThat(run.err()).contains("--plugins-dir: " + missing + " does not exist");
        }
        CliRun gvlk = CliRun.of("gvlk", "--plugins-dir", file.toString(), "Windows 11 Pro");
        assertThat(gvlk.exitCode()).isEqualTo(2);
        assertThat(gvlk.err()).contains("--plugins-dir: " + file + " is not a directory");
    }

    @Test
    void helpOfAKnownCommandStillWorks() {
        CliRun run = CliRun.of("gvlk", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: kms-agent gvlk");
    }
}
