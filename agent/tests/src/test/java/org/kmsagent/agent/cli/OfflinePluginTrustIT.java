package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.plugin.CatalogReader;
import org.kmsagent.agent.plugin.FamilyRegistry;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.plugin.PluginHost;
import org.kmsagent.agent.plugin.PluginJars;
import org.kmsagent.agent.plugin.PluginSignatures;
import org.kmsagent.agent.plugin.SigningKeys;

/**
 * The commands that load plugins without the agent ({@code products}, {@code gvlk}, {@code status}, {@code doctor})
 * check signatures with the trust store of the agent's own configuration, so an administrator's console never runs
 * a jar the service refuses.
 */
class OfflinePluginTrustIT {
    @TempDir
    Path dir;

    @Test
    void theAgentsConfigurationMakesOfflineCommandsRefuseAnUnsignedJarAndLoadTheSignedOne() throws Exception {
        SigningKeys admins = SigningKeys.generate(dir, "Fleet Admins");
        Path store = admins.trustStore(dir, "plugin-trust.p12");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path signed = Files.copy(PluginJars.built("office2013"), plugins.resolve("office2013.jar"));
        admins.sign(signed);
        Files.copy(PluginJars.built("windows-client"), plugins.resolve("windows-client.jar"));
        Path config = Files.writeString(
                dir.resolve("agent.yaml"),
                "plugins:\n  trustStore: " + store + "\n  trustStorePassword: ${PLUGIN_STORE_PASSWORD}\n");

        PluginSignatures check =
                trustFrom(Map.of("KMSAGENT_CONFIG", config.toString(), "PLUGIN_STORE_PASSWORD", SigningKeys.PASSWORD));
        try (PluginHost host = new PluginHost(plugins, new FamilyRegistry(), new CatalogReader(), check)) {
            host.rescan();
            assertThat(host.registry().families()).extracting(LoadedFamily::id).containsExactly("office2013");
            assertThat(host.problems()).singleElement().satisfies(p -> {
                assertThat(p.jar().getFileName().toString()).isEqualTo("windows-client.jar");
                assertThat(p.message()).contains("not signed");
            });
        }
    }

    @Test
    void withoutTheAgentsConfigurationJarsAreNotCheckedAsTheAgentDoesThen() {
        assertThat(trustFrom(Map.of()).describe()).contains("not checked");
    }

    @Test
    void aConfigurationThatCannotBeReadIsAUsageErrorNamingTheVariable() throws Exception {
        Path config = Files.writeString(
                dir.resolve("agent.yaml"), "plugins:\n  trustStore: " + dir.resolve("none.p12") + "\n");
        assertThatThrownBy(() -> trustFrom(Map.of("KMSAGENT_CONFIG", config.toString())))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("KMSAGENT_CONFIG=" + config)
                .hasMessageContaining("plugins.trustStore");
    }

    /** doctor's {@code --config FILE} wins over {@code KMSAGENT_CONFIG}, and is what a refusal names. */
    @Test
    void aFileGivenWithConfigThatCannotBeReadIsAUsageErrorNamingTheOption() throws Exception {
        Path given = Files.writeString(
                dir.resolve("given.yaml"), "plugins:\n  trustStore: " + dir.resolve("none.p12") + "\n");
        Path other = Files.writeString(dir.resolve("other.yaml"), "dataDir: data\n");
        OfflineAgentConfig config =
                new OfflineAgentConfig(given.toString(), Map.of("KMSAGENT_CONFIG", other.toString()));
        assertThatThrownBy(config::get)
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--config " + given)
                .hasMessageContaining("plugins.trustStore")
                .hasMessageNotContaining("KMSAGENT_CONFIG");
    }

    @Test
    void anEnvironmentOverrideAloneIsStillReadWithoutAConfigurationFile() {
        Path missing = dir.resolve("none.p12");
        assertThatThrownBy(() -> trustFrom(Map.of("KMSAGENT_PLUGINS_TRUST_STORE", missing.toString())))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("KMSAGENT_PLUGINS_TRUST_STORE")
                .hasMessageContaining("plugins.trustStore");
    }

    /** The check status and doctor load plugins with, given the environment they run in. */
    private static PluginSignatures trustFrom(Map<String, String> environment) {
        return OfflinePluginTrust.of(new OfflineAgentConfig(environment).get());
    }
}
