package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmsagent.agent.cli.CliRun;
import org.kmsagent.agent.config.AgentConfig;
import org.kmsagent.agent.config.ConfigLoader;
import org.kmsagent.agent.daemon.AgentDaemon;
import org.kmsagent.agent.daemon.AgentFixture;
import org.kmsagent.agent.daemon.DaemonWiring;
import org.kmsagent.agent.plugin.PluginJars;

/**
 * The third-party Office 2016 plugin of docs/examples, built by the reactor against plugin-api alone, dropped into
 * the plugins directory of a running agent: served after {@code ctl plugins rescan} without a restart, listed by
 * {@code products}, and serving Office 2016 machines in {@code simulate}.
 */
class Office2016DropInIT {
  private static final String ADMIN = "admin-0123456789abcdef";

  @TempDir Path dir;

  @Test
  void aDroppedInOffice2016PluginIsServedByARunningAgentAndBySimulate() throws Exception {
    Path plugins = dir.resolve("plugins");
    PluginJars.copyBuilt(plugins, "windows-client", "windows-server", "office2010", "office2013");
    Path file = Files.writeString(dir.resolve("agent.yaml"), """
        licensing: simulated
        bridge:
          port: 0
          tokens:
            - {name: ops, token: "${ADMIN_T}", role: admin}
        """);
    AgentConfig config = new ConfigLoader(Map.of("ADMIN_T", ADMIN)).load(Optional.of(file),
        List.of("dataDir=" + dir.resolve("data"), "pluginsDir=" + plugins));
    try (AgentDaemon daemon = AgentDaemon.start(config, DaemonWiring.production(), Clock.systemUTC())) {
      List<String> connect = List.of("--agent", "127.0.0.1:" + daemon.bridgePort(), "--trust", daemon.fingerprint());
      AgentFixture.Result before = ctl(connect, "plugins", "list");
      assertThat(before.exit()).as(before.toString()).isZero();
      assertThat(before.out()).contains("office2013").doesNotContain("office2016");

      Files.copy(exampleJar(), plugins.resolve("office2016-plugin-1.0.0.jar"));
      AgentFixture.Result rescan = ctl(connect, "plugins", "rescan");
      assertThat(rescan.exit()).as(rescan.toString()).isZero();
      await().atMost(Duration.ofSeconds(20))
          .until(() -> ctl(connect, "plugins", "list").out().contains("office2016"));
    }

    CliRun products = CliRun.of("products", "--plugins-dir", plugins.toString());
    assertThat(products.exitCode()).isZero();
    assertThat(products.out()).contains("office2016").contains("Office 2016");

    Path scenario = Files.writeString(dir.resolve("office2016-site.yaml"), """
        name: Office 2016 site
        seed: 3
        days: 3
        machines:
          - name: pc-{n}
            count: 6
            products:
              - family: windows-client
                edition: Windows 10 Enterprise
              - family: office2016
                edition: Office 2016 Professional Plus
            every: 5m
        """);
    CliRun simulate = CliRun.of("simulate", scenario.toString(), "--plugins-dir", plugins.toString(), "--json");
    assertThat(simulate.exitCode()).as(simulate.err()).isZero();
    List<String> office2016 = simulate.out().lines().filter(l -> l.contains("\"family\":\"office2016\"")).toList();
    assertThat(office2016).as("Office 2016 events").isNotEmpty();
    // Its own pool and its own threshold class (5): the fifth Office 2016 machine activates, Windows does not.
    assertThat(office2016)
        .anyMatch(l -> l.contains("\"pool\":\"office2016\"") && l.contains("\"event\":\"activated\""));
  }

  private static AgentFixture.Result ctl(List<String> connect, String... args) {
    List<String> argv = new ArrayList<>(List.of("ctl"));
    argv.addAll(connect);
    argv.addAll(List.of("--token", ADMIN));
    argv.addAll(List.of(args));
    return AgentFixture.run(argv.toArray(String[]::new));
  }

  private static Path exampleJar() throws Exception {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("kmsagent.test.examplePlugins")))) {
      return files.filter(p -> p.getFileName().toString().startsWith("office2016-plugin")).findFirst().orElseThrow();
    }
  }
}
