package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which configuration file each command reads, one rule for all ({@code ConfigFile}, docs/configuration.md): an empty
 * {@code KMSAGENT_CONFIG} names no file (in a real process, since it comes from the environment), and an empty
 * {@code --config} is a usage error naming it, never the working directory read as a file.
 */
class WhichConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void anEmptyKmsagentConfigNamesNoFileForTheCommandsThatReadTheAgentsConfiguration() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        for (List<String> command : List.of(
                List.of("status", "--json"), List.of("doctor", "--json"), List.of("products"), List.of("gvlk", "x"))) {
            List<String> args = new ArrayList<>(List.of("--plugins-dir", plugins.toString()));
            args.addAll(command);
            KmsAgentProcess run = KmsAgentProcess.run(dir, Map.of("KMSAGENT_CONFIG", ""), args);
            assertThat(run.err()).as(command.toString()).doesNotContain("KMSAGENT_CONFIG", "configuration");
            if (!command.get(0).equals("gvlk")) { // no plugin here has an edition named x
                assertThat(run.exit()).as(command + ": " + run.err()).isZero();
            }
        }
    }

    /** With no file, the defaults and the overrides: the override's mistake is what they report. */
    @Test
    void anEmptyKmsagentConfigNamesNoFileForRunAndHub() throws Exception {
        for (String command : List.of("run", "hub")) {
            KmsAgentProcess run = KmsAgentProcess.run(
                    dir, Map.of("KMSAGENT_CONFIG", ""), List.of(command, "--set", "bridge.port=70000"));
            assertThat(run.exit()).as(command + ": " + run.err()).isEqualTo(2);
            assertThat(run.err())
                    .as(command)
                    .contains("bridge.port: expected a whole number 0-65535, got 70000")
                    .doesNotContain("directory");
        }
    }

    @Test
    void anEmptyConfigOptionIsAUsageErrorNamingIt() {
        for (String command : List.of("run", "hub", "doctor", "status", "products", "gvlk")) {
            CliRun run = command.equals("gvlk")
                    ? CliRun.of(command, "--config", "", "Windows 11 Enterprise")
                    : CliRun.of(command, "--config", "");
            assertThat(run.exitCode()).as(command + ": " + run.err()).isEqualTo(2);
            assertThat(run.err())
                    .as(command)
                    .contains("--config: is empty; name the YAML configuration file")
                    .doesNotContain("directory");
        }
    }
}
