package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.doctor.LoopbackDnsServer;
import org.kmsagent.agent.plugin.PluginJars;
import org.kmsagent.agent.plugin.SigningKeys;

/**
 * {@code doctor --config FILE} checks the machine as FILE describes it, every check alike, whatever
 * {@code KMSAGENT_CONFIG} names in the console it runs in (docs/windows.md, "doctor"): the plugins it loads and the
 * trust store it checks them with, the data directory, the simulated machine.
 */
class DoctorConfigFileIT {
    @TempDir
    Path dir;

    @Test
    void everyCheckUsesTheFileGivenWithConfigNotTheOneKmsagentConfigNames() throws Exception {
        SigningKeys admins = SigningKeys.generate(dir, "Fleet Admins");
        Path store = admins.trustStore(dir, "plugin-trust.p12");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        admins.sign(Files.copy(PluginJars.built("windows-client"), plugins.resolve("windows-client.jar")));
        admins.sign(Files.copy(PluginJars.built("windows-server"), plugins.resolve("windows-server.jar")));
        Files.copy(PluginJars.built("office2013"), plugins.resolve("office2013.jar"));
        Path dataA = dir.resolve("data-a");
        Path dataB = dir.resolve("data-b");
        // The console's own: no trust store, its data, a client machine.
        Path configA = Files.writeString(dir.resolve("a.yaml"), """
                dataDir: %s
                simulated:
                  editions: [Windows 11 Enterprise]
                """.formatted(dataA));
        // The file the administrator checks: a trust store, other data, a server.
        Path configB = Files.writeString(dir.resolve("b.yaml"), """
                dataDir: %s
                plugins:
                  trustStore: %s
                  trustStorePassword: ${PLUGIN_STORE_PASSWORD}
                simulated:
                  editions: [Windows Server 2022 Standard]
                """.formatted(dataB, store));

        KmsAgentProcess run;
        try (LoopbackDnsServer dns = new LoopbackDnsServer()) {
            List<String> args = new ArrayList<>(List.of(
                    "--plugins-dir",
                    plugins.toString(),
                    "doctor",
                    "--licensing",
                    "simulated",
                    "--config",
                    configB.toString()));
            args.addAll(dns.doctorOptions());
            run = KmsAgentProcess.run(
                    dir,
                    Map.of("KMSAGENT_CONFIG", configA.toString(), "PLUGIN_STORE_PASSWORD", SigningKeys.PASSWORD),
                    args);
            assertThat(dns.queries()).as("DNS asked on loopback: %s", run.out()).isPositive();
        }

        assertThat(run.out())
                .as(run.err())
                .contains("plugin signatures checked against 1 certificate(s) of " + store)
                .contains("Windows Server 2022 Standard")
                .doesNotContain("Windows 11 Enterprise");
        assertThat(run.err())
                .contains("warning: plugin not loaded: office2013.jar (plugin office2013): refused: not signed")
                .contains("no agent state in " + dataB.resolve("state.json"))
                .doesNotContain(dataA.toString());
    }
}
