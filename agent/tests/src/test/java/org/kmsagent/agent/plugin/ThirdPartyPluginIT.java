package org.kmsagent.agent.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.api.ThresholdClass;

/**
 * The Windows Server Semi-Annual Channel example of docs/examples, built by the reactor against plugin-api alone,
 * dropped into the plugins directory of an agent that is already serving bundled families.
 */
class ThirdPartyPluginIT {
    @TempDir
    Path plugins;

    static Path exampleJar() throws Exception {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("kmsagent.test.examplePlugins")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("windows-server-sac-plugin"))
                    .findFirst()
                    .orElseThrow();
        }
    }

    @Test
    void aDroppedInPluginIsServedAfterARescanWithoutARestartAndSharesThePoolOfItsApplication() throws Exception {
        PluginJars.copyBuilt(plugins, "windows-client", "windows-server", "office2010", "office2013");
        try (PluginHost host = new PluginHost(plugins, new FamilyRegistry(), new CatalogReader())) {
            host.rescan();
            assertThat(host.registry().family("windows-server-sac")).isEmpty();

            Files.copy(exampleJar(), plugins.resolve("windows-server-sac-plugin-1.0.0.jar"));
            assertThat(host.rescan()).extracting(LoadedFamily::id).containsExactly("windows-server-sac");

            LoadedFamily sac = host.registry().family("windows-server-sac").orElseThrow();
            // No plugin declares a pool: the shared application id puts it in the Windows pool.
            assertThat(sac.countPool())
                    .isEqualTo(host.registry().family("windows-server").get().countPool());
            assertThat(sac.countPool().id()).isEqualTo("windows");
            assertThat(sac.catalog().thresholdClasses()).containsExactly(ThresholdClass.SERVER);
            assertThat(host.registry().families()).hasSize(5);
        }

        CliRun products = CliRun.of("products", "--plugins-dir", plugins.toString());
        assertThat(products.out()).contains("windows-server-sac").contains("Windows Server Semi-Annual Channel");
        assertThat(CliRun.of("gvlk", "--plugins-dir", plugins.toString(), "Windows Server, version 1809 Datacenter")
                        .out()
                        .strip())
                .isEqualTo("6NMRW-2C8FM-D24W7-TQWMY-CWH2D");
    }
}
