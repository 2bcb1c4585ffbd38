package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.sun.jna.Platform;
import org.junit.jupiter.api.Test;

/**
 * Asking for Windows' licensing service off Windows says what an administrator can do instead, in the spelling each
 * command takes ({@code run} has no {@code --licensing}), without the name of an internal class.
 */
class SlcOffWindowsHintTest {
    @Test
    void statusWithSlcOffWindowsNamesTheSimulatedStackForEachCommand() {
        assumeFalse(Platform.isWindows(), "on Windows the slc stack exists, so there is no off-Windows hint to check");
        CliRun run = CliRun.of("status", "--licensing", "slc");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err())
                .contains("the Windows licensing service (slc) exists only on Windows")
                .contains("--set licensing=simulated for run")
                .contains("--licensing simulated for status and doctor")
                .doesNotContain("WMI")
                .doesNotContain("writer");
    }
}
