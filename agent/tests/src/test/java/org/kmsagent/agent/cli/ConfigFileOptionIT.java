package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.plugin.PluginJars;

/**
 * {@code status}, {@code products} and {@code gvlk} take {@code --config FILE} as {@code doctor} does
 * (DoctorConfigFileIT): an administrator's console has no {@code KMSAGENT_CONFIG} (the MSI sets it for the service),
 * or another one, and these commands then read what the agent runs with: its plugins folder, licensing stack, data
 * directory and simulated machine.
 */
class ConfigFileOptionIT {
    @TempDir
    Path dir;

    @Test
    void theFileGivenWithConfigIsReadInsteadOfTheOneKmsagentConfigNames() throws Exception {
        Path consolePlugins = Files.createDirectories(dir.resolve("console-plugins"));
        Files.copy(PluginJars.built("office2013"), consolePlugins.resolve("office2013.jar"));
        Path agentPlugins = Files.createDirectories(dir.resolve("agent-plugins"));
        Files.copy(PluginJars.built("windows-server"), agentPlugins.resolve("windows-server.jar"));
        Path console = Files.writeString(
                dir.resolve("console.yaml"), """
                pluginsDir: %s
                dataDir: %s
                licensing: simulated
                """.formatted(consolePlugins, dir.resolve("console-data")));
        Path agent =
                Files.writeString(dir.resolve("agent.yaml"), """
                pluginsDir: %s
                dataDir: %s
                licensing: simulated
                simulated:
                  editions: [Windows Server 2022 Standard]
                """.formatted(agentPlugins, dir.resolve("agent-data")));
        Map<String, String> env = Map.of("KMSAGENT_CONFIG", console.toString());

        KmsAgentProcess status = KmsAgentProcess.run(dir, env, List.of("status", "--config", agent.toString()));
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out()).contains("Windows Server 2022 Standard").doesNotContain("Office");
        assertThat(status.err())
                .contains("no agent state in " + dir.resolve("agent-data").resolve("state.json"));

        KmsAgentProcess products = KmsAgentProcess.run(dir, env, List.of("products", "--config", agent.toString()));
        assertThat(products.out()).as(products.err()).contains("windows-server").doesNotContain("office2013");

        KmsAgentProcess gvlk = KmsAgentProcess.run(
                dir, env, List.of("gvlk", "--config", agent.toString(), "Windows Server 2022 Standard"));
        assertThat(gvlk.exit()).as(gvlk.err()).isZero();
        assertThat(gvlk.out().strip()).isEqualTo("VDYBN-27WPP-V4HQT-9VMD4-VMK7H");

        // Without it, the console's: its plugins only.
        KmsAgentProcess without = KmsAgentProcess.run(dir, env, List.of("products"));
        assertThat(without.out()).as(without.err()).contains("office2013").doesNotContain("windows-server");
    }
}
