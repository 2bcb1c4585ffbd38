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
 * The Office 2016 example of docs/examples, built by the reactor against plugin-api alone, dropped into the
 * plugins directory of an agent that is already serving the four bundled families.
 */
class ThirdPartyPluginIT {
  @TempDir Path plugins;

  static Path exampleJar() throws Exception {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("kmsagent.test.examplePlugins")))) {
      return files.filter(p -> p.getFileName().toString().startsWith("office2016-plugin")).findFirst().orElseThrow();
    }
  }

  @Test
  void aDroppedInOffice2016PluginIsServedAfterARescanWithoutARestart() throws Exception {
    PluginJars.copyBuilt(plugins, "windows-client", "windows-server", "office2010", "office2013");
    try (PluginHost host = new PluginHost(plugins, new FamilyRegistry(), new CatalogReader())) {
      host.rescan();
      assertThat(host.registry().family("office2016")).isEmpty();

      Files.copy(exampleJar(), plugins.resolve("office2016-plugin-1.0.0.jar"));
      assertThat(host.rescan()).extracting(LoadedFamily::id).containsExactly("office2016");

      LoadedFamily office2016 = host.registry().family("office2016").orElseThrow();
      assertThat(office2016.countPool().id()).isEqualTo("office2016");
      assertThat(office2016.countPool()).isNotEqualTo(host.registry().family("office2013").get().countPool());
      assertThat(office2016.catalog().thresholdClasses()).containsExactly(new ThresholdClass("office2016", 5));
      assertThat(office2016.catalog().licensePack().get().name()).isEqualTo("Office 2016 Volume License Pack");
      assertThat(host.registry().families()).hasSize(5);
    }

    CliRun products = CliRun.of("products", "--plugins-dir", plugins.toString());
    assertThat(products.out()).contains("office2016      Office 2016").contains("office2016 5");
    assertThat(CliRun.of("gvlk", "--plugins-dir", plugins.toString(), "Office 2016 Professional Plus").out().strip())
        .isEqualTo("XQNVK-8JYDB-WJ9W3-YJ8YR-WFG99");
  }
}
