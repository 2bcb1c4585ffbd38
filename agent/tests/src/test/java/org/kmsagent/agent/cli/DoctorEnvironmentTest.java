package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code doctor} without {@code --config} reads the configuration the agent runs with as {@code status} does, in a
 * real process since it comes from the environment: an empty {@code KMSAGENT_CONFIG} names no file.
 */
class DoctorEnvironmentTest {
    @TempDir
    Path dir;

    @Test
    void anEmptyKmsagentConfigNamesNoFileForDoctorAsForStatus() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        for (String command : List.of("status", "doctor")) {
            KmsAgentProcess run = KmsAgentProcess.run(
                    dir,
                    Map.of("KMSAGENT_CONFIG", ""),
                    List.of("--plugins-dir", plugins.toString(), command, "--json"));
            assertThat(run.exit()).as(command + ": " + run.err()).isZero();
            assertThat(run.err()).as(command).doesNotContain("--config", "configuration");
        }
    }
}
